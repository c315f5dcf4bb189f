"""Build a benchmark database: migrate, load the reference dataset, then the generated data."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from bench.generator.observations import load_observations
from bench.generator.plan import Plan
from bench.generator.structure import Universe, build_structure
from db.engine import make_engine
from db.migrate import reset_database, upgrade
from ingest.reference.dataset import read_dataset
from services.policy.reference_load import load_dataset

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"


@dataclass(frozen=True)
class Built:
    universe: Universe
    observations: int
    seconds: float


def build_database(url: str, plan: Plan) -> Built:
    started = time.perf_counter()
    reset_database(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            load_dataset(session, read_dataset(REFERENCE))
            universe = build_structure(session, plan)
            session.commit()
        count = load_observations(engine, plan, universe)
    finally:
        engine.dispose()
    return Built(universe, count, time.perf_counter() - started)

"""Recomputation: every target at once, and only the targets one small submission touches.

Both run the real code (``recompute_targets`` over all ids, and the ``recompute_progress`` job
that applying a submission queues). The reference is reading the same inputs (each target's
observations, its region members' included) with one hand-written SQL query.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from bench.jobs import run_recompute_job, submit_and_process
from db.models import Indicator, Jurisdiction, Target
from services.progress.config import engine_config
from services.progress.recompute import all_target_ids, recompute_targets

INPUTS_SQL = """
WITH places AS (
    SELECT t.id AS target_id, t.indicator_id, t.jurisdiction_id AS place
    FROM target t WHERE t.id IN :ids
    UNION ALL
    SELECT t.id, t.indicator_id, m.member_id
    FROM target t JOIN region_membership m ON m.region_id = t.jurisdiction_id
    WHERE t.id IN :ids
)
SELECT p.target_id, o.id, o.period, o.value, o.source_organisation_id, o.target_group_id,
       o.housing_type_id, o.price_segment, o.version, o.recorded_at, o.superseded_at
FROM places p
JOIN observation o ON o.indicator_id = p.indicator_id AND o.jurisdiction_id = p.place
"""


@dataclass(frozen=True)
class Timed:
    seconds: float
    targets: int
    detail: int = 0  # snapshots written (full) / rows read (reference)


def full_recompute(engine: sa.Engine) -> Timed:
    with Session(engine, expire_on_commit=False) as session:
        ids = all_target_ids(session)
        started = time.perf_counter()
        report = recompute_targets(session, ids, engine_config(), date.today())
        session.commit()
        return Timed(time.perf_counter() - started, report.targets, report.written)


def read_inputs(engine: sa.Engine, target_ids: list[int]) -> Timed:
    statement = sa.text(INPUTS_SQL).bindparams(sa.bindparam("ids", expanding=True))
    started = time.perf_counter()
    with engine.connect() as conn:
        rows = conn.execute(statement, {"ids": target_ids}).fetchall()
    return Timed(time.perf_counter() - started, len(target_ids), len(rows))


def all_targets(engine: sa.Engine) -> list[int]:
    with Session(engine) as session:
        return all_target_ids(session)


def small_submission(engine: sa.Engine, folder: Path, run: int) -> Path:
    """A file with one figure per targeted indicator of one municipality (a different one per
    run, so every run brings new figures)."""
    with Session(engine) as session:
        municipalities = list(
            session.exec(
                select(Jurisdiction.id, Jurisdiction.code)
                .where(Jurisdiction.code.like("GM0%"))  # type: ignore[attr-defined]
                .order_by(Jurisdiction.code)
            )
        )
        jurisdiction_id, code = municipalities[run % len(municipalities)]
        indicators = list(
            session.exec(
                select(Indicator.code)
                .join(Target, Target.indicator_id == Indicator.id)  # type: ignore[arg-type]
                .where(Target.jurisdiction_id == jurisdiction_id)
                .distinct()
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"incremental-{run}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(("indicator", "gemeente", "periode", "waarde"))
        for indicator in sorted(indicators):
            writer.writerow((indicator, code, "2025-06", str(run + 1)))
    return path


def incremental_recompute(organisation: str, path: Path) -> tuple[Timed, list[int]]:
    """Apply the small file, then time the recompute job its figures queued; also returns the
    ids of the targets it recomputed."""
    submit_and_process(organisation, path)
    started = time.perf_counter()
    _, target_ids = run_recompute_job()
    return Timed(time.perf_counter() - started, len(target_ids)), target_ids

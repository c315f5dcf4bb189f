"""The benchmark data generator: deterministic, and its partner files pass the real validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from bench.generator.database import REFERENCE
from bench.generator.observations import load_observations
from bench.generator.partner_files import checksum, write_partner_files
from bench.generator.plan import MUNICIPALITIES, Plan
from bench.generator.structure import Universe, build_structure
from core.enums import JurisdictionKind
from db.models import Jurisdiction, Observation, Organisation
from ingest.csv_reader import read_csv
from ingest.reference.dataset import read_dataset
from services.policy.reference_load import load_dataset
from services.submissions.context import validation_context
from tests.ingest.ingest_support import validate_file

TINY = Plan(seed=7, scale=0.002)  # about 2,000 observations and partner rows


@pytest.fixture()
def universe(session: Session) -> Universe:
    load_dataset(session, read_dataset(REFERENCE))
    built = build_structure(session, TINY)
    session.commit()
    return built


def test_the_generator_is_deterministic_and_its_output_is_valid(
    session: Session, universe: Universe, tmp_path: Path
) -> None:
    """One test: building the structure (the reference data first) is what takes the time."""
    # given the national-scale structure
    # when the partner files are written twice with one seed and once with another
    first = write_partner_files(TINY, universe, tmp_path / "a", per_file=800)
    again = write_partner_files(TINY, universe, tmp_path / "b", per_file=800)
    other = write_partner_files(Plan(seed=8, scale=TINY.scale), universe, tmp_path / "c")
    # then the same seed gives byte-identical files, split at the requested size
    assert checksum(first) == checksum(again)
    assert checksum(first) != checksum(other)
    assert len(first) == 3
    assert first[0].read_text(encoding="utf-8").splitlines()[0] == (
        "indicator;gemeente;periode;doelgroep;woonvorm;prijssegment;waarde;opmerking"
    )
    # given the generated structure: 342 valid municipalities, the generated ones marked so
    assert len(universe.municipalities) == MUNICIPALITIES
    generated = session.exec(
        select(Jurisdiction).where(
            Jurisdiction.kind == JurisdictionKind.MUNICIPALITY,
            Jurisdiction.name.contains("gegenereerd"),  # type: ignore[attr-defined]
        )
    ).all()
    assert generated and all("generated" in (j.notes or "") for j in generated)
    # and the partner files of a trusted benchmark partner
    paths = first
    partner = session.exec(
        select(Organisation).where(Organisation.code == universe.partners[0])
    ).one()
    context = validation_context(session, partner, date.today())
    # when every file is validated as an upload would be
    reports = [validate_file(read_csv(path), context) for path in paths]
    # then no row has an error
    assert sum(r.rows_read for r in reports) == TINY.partner_rows
    assert [e.message_en for r in reports for e in r.errors] == []
    # and when the observations are bulk-loaded
    before = session.exec(select(func.count()).select_from(Observation)).one()
    loaded = load_observations(session.get_bind(), TINY, universe)  # type: ignore[arg-type]
    # then the table holds them all, about the planned number
    after = session.exec(select(func.count()).select_from(Observation)).one()
    assert after - before == loaded
    assert abs(loaded - TINY.observations) <= TINY.observations * 0.01

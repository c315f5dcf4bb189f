"""The pipeline summary of a municipality and of a region, computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from core.enums import ProjectPhase as P
from ingest.projects.details import UnitsLine
from services.projects.pipeline import (
    PhaseHousingUnits,
    PhaseTotal,
    YearCompletions,
    pipeline_summary,
)
from services.projects.service import PhaseMove, create_project
from tests.factories import Factory
from tests.ingest.projects.project_support import TODAY, hofje, project_world

CHANCES = {P.INITIATIVE: Decimal("0.1"), P.PLAN: Decimal("0.3"), P.PERMIT: Decimal("0.6"),
           P.CONSTRUCTION: Decimal("0.9"), P.COMPLETED: Decimal(1), P.CANCELLED: Decimal(0)}  # fmt: skip


def test_units_per_phase_completions_per_year_and_the_weighted_forecast(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)

    def project(
        key: str, phase: P, expected: date | None, *units: UnitsLine, where: str = "GM0546"
    ) -> None:
        create_project(
            session, world.owner, hofje(municipality=where, expected_completion=expected, units=units),
            external_key=key, start=PhaseMove(phase, date(2028, 1, 10), reason="r"), today=TODAY,
        )  # fmt: skip

    # given, in Leiden:
    project(
        "A",
        P.CONSTRUCTION,
        date(2027, 5, 1),
        UnitsLine(20, "geclusterd"),
        UnitsLine(10, "nultreden"),
    )
    project("B", P.PERMIT, date(2029, 1, 1), UnitsLine(40, "geclusterd"))
    project("C", P.PLAN, date(2032, 1, 1), UnitsLine(100, "nultreden"))  # after 2030
    project("D", P.INITIATIVE, None, UnitsLine(50))  # no date, no housing type
    project("E", P.COMPLETED, date(2028, 1, 10), UnitsLine(8, "geclusterd"))
    project("F", P.CANCELLED, date(2028, 6, 1), UnitsLine(30, "geclusterd"))
    # and in Leiderdorp (same region)
    project("G", P.PERMIT, date(2027, 9, 1), UnitsLine(10, "geclusterd"), where="GM0547")

    leiden = pipeline_summary(session, "GM0546", CHANCES)
    # by phase × housing type (phases in order, no housing type first)
    assert leiden.by_phase_and_housing_type == [
        PhaseHousingUnits(P.INITIATIVE, None, 50),
        PhaseHousingUnits(P.PLAN, "nultreden", 100),
        PhaseHousingUnits(P.PERMIT, "geclusterd", 40),
        PhaseHousingUnits(P.CONSTRUCTION, "geclusterd", 20),
        PhaseHousingUnits(P.CONSTRUCTION, "nultreden", 10),
        PhaseHousingUnits(P.COMPLETED, "geclusterd", 8),
        PhaseHousingUnits(P.CANCELLED, "geclusterd", 30),
    ]
    assert leiden.by_phase[3] == PhaseTotal(P.CONSTRUCTION, 1, 30, Decimal("0.9"), Decimal("27.0"))
    # open projects per expected year: A 30 units in 2027 (×0.9 = 27), B 40 in 2029 (×0.6 = 24)
    assert leiden.completions_by_year == [
        YearCompletions(2027, 30, Decimal("27.0")),
        YearCompletions(2028, 0, Decimal(0)),
        YearCompletions(2029, 40, Decimal("24.0")),
        YearCompletions(2030, 0, Decimal(0)),
    ]
    assert (leiden.units_undated, leiden.units_after_horizon, leiden.realised_units) == (50, 100, 8)
    assert leiden.weighted_forecast == Decimal(51)  # 27 + 24; C (2032), D (undated) not counted

    # the region adds Leiderdorp's G: 10 units in 2027 × 0.6 = 6
    region = pipeline_summary(session, "HR", CHANCES)
    assert region.completions_by_year[0] == YearCompletions(2027, 40, Decimal("33.0"))
    assert region.weighted_forecast == Decimal(57)


def test_an_empty_pipeline(session: Session, make: Factory) -> None:
    project_world(session, make)
    summary = pipeline_summary(session, "GM0546", CHANCES)
    assert summary.by_phase == [] and summary.completions_by_year == []
    assert summary.weighted_forecast == 0

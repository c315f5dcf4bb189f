"""The pipeline of a jurisdiction (a municipality; a region with all its members): units per
phase × housing type, expected completions per year, and the pipeline-weighted forecast.

The forecast counts what the progress engine counts (progress_engine/forecast.py): projects
neither completed nor cancelled, expected to complete by the end of ``until_year``, their units
times the probability of their phase (``engine_config().phase_probability``, passed in: ingest/
does not read the workers' configuration). Undated and later projects are totalled apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import ProjectPhase
from db.models import HousingType, Jurisdiction, Project, ProjectUnits
from ingest.projects.phases import OPEN
from services.geography.pipeline_area import pipeline_areas
from services.progress.config import engine_config

HORIZON_YEAR = 2030


@dataclass(frozen=True)
class PhaseHousingUnits:
    phase: ProjectPhase
    housing_type: str | None  # code; None: units not broken down by housing type
    units: int


@dataclass(frozen=True)
class PhaseTotal:
    phase: ProjectPhase
    projects: int
    units: int
    probability: Decimal
    weighted_units: Decimal  # units × probability


@dataclass(frozen=True)
class YearCompletions:
    year: int
    units: int
    weighted_units: Decimal


@dataclass(frozen=True)
class PipelineSummary:
    jurisdiction: str
    until_year: int
    by_phase_and_housing_type: list[PhaseHousingUnits]
    by_phase: list[PhaseTotal]
    completions_by_year: list[YearCompletions]  # open projects, first expected year..until_year
    units_undated: int  # open projects without an expected completion date
    units_after_horizon: int  # open projects expected after until_year
    realised_units: int  # completed projects
    weighted_forecast: Decimal  # open projects expected by the end of until_year, weighted
    mapped_from: tuple[str, ...] = ()  # predecessors (merged into it) whose projects count


def pipeline_summary(
    session: Session,
    jurisdiction_code: str,
    probabilities: Mapping[ProjectPhase, Decimal] | None = None,
    *,
    until_year: int = HORIZON_YEAR,
) -> PipelineSummary:
    """Units per phase and year; ``probabilities`` default to the configured ones. The projects
    are those of ``services.geography.pipeline_area``: a merged municipality's predecessors'
    (flagged in ``mapped_from``), a region's members by today's membership."""
    if probabilities is None:
        probabilities = engine_config().phase_probability
    place = session.exec(
        select(Jurisdiction.id).where(Jurisdiction.code == jurisdiction_code)
    ).first()
    area = pipeline_areas(session, [place], utcnow().date())[place] if place is not None else None
    municipalities = area.municipalities if area is not None else frozenset()
    rows = session.execute(
        sa.select(
            col(Project.municipality_id),
            col(Project.id),
            col(Project.phase),
            col(Project.expected_completion),
            col(HousingType.code),
            col(ProjectUnits.units),
        )
        .join(ProjectUnits, col(ProjectUnits.project_id) == col(Project.id))
        .outerjoin(HousingType, col(HousingType.id) == col(ProjectUnits.housing_type_id))
        .where(col(Project.municipality_id).in_(municipalities))
        .order_by(col(Project.id))
    ).all()
    by_cell: dict[tuple[ProjectPhase, str | None], int] = defaultdict(int)
    by_phase: dict[ProjectPhase, int] = defaultdict(int)
    projects: dict[ProjectPhase, set[int]] = defaultdict(set)
    by_year: dict[int, int] = defaultdict(int)
    weighted_by_year: dict[int, Decimal] = defaultdict(Decimal)
    undated = later = 0
    for _, project_id, phase, expected, housing_type, units in rows:
        by_cell[(phase, housing_type)] += units
        by_phase[phase] += units
        projects[phase].add(project_id)
        if phase not in OPEN:
            continue
        if expected is None:
            undated += units
        elif expected.year > until_year:
            later += units
        else:
            by_year[expected.year] += units
            weighted_by_year[expected.year] += units * _chance(probabilities, phase)
    order = list(ProjectPhase)
    years = range(min(by_year, default=until_year), until_year + 1) if by_year else range(0)
    return PipelineSummary(
        jurisdiction=jurisdiction_code,
        until_year=until_year,
        by_phase_and_housing_type=[
            PhaseHousingUnits(phase, housing, units)
            for (phase, housing), units in sorted(
                by_cell.items(), key=lambda item: (order.index(item[0][0]), item[0][1] or "")
            )
        ],
        by_phase=[
            PhaseTotal(
                phase,
                len(projects[phase]),
                by_phase[phase],
                _chance(probabilities, phase),
                by_phase[phase] * _chance(probabilities, phase),
            )
            for phase in order
            if phase in by_phase
        ],
        completions_by_year=[
            YearCompletions(year, by_year[year], weighted_by_year[year]) for year in years
        ],
        units_undated=undated,
        units_after_horizon=later,
        realised_units=by_phase.get(ProjectPhase.COMPLETED, 0),
        weighted_forecast=sum(weighted_by_year.values(), Decimal(0)),
        mapped_from=area.mapped_codes(row[0] for row in rows) if area is not None else (),
    )


def _chance(probabilities: Mapping[ProjectPhase, Decimal], phase: ProjectPhase) -> Decimal:
    return Decimal(probabilities.get(phase, Decimal(0)))

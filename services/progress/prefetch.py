"""The inputs of many targets, read in a few statements instead of several per target.

A recompute of every target would otherwise send queries per target: its cell's observations (one
per member of a region target too), the region's memberships and the projects of its pipeline.
Inside ``prefetched_inputs`` the input functions take these from memory, in the same order as
their own query gives them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from core.clock import utcnow
from core.enums import ProjectPhase
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    Observation,
    Project,
    ProjectUnits,
    RegionMembership,
    Target,
    TargetGroup,
)
from services.geography.pipeline_area import PipelineArea, pipeline_areas

Cell = tuple[int, int]  # (indicator id, jurisdiction id)
Row = sa.Row[Any]
_KEY = "progress_prefetched_inputs"
_CELLS_PER_STATEMENT = 500

# What the inputs read of an observation: plain rows, several times faster to load than entities.
OBSERVATION_COLUMNS = (
    Observation.id,
    Observation.indicator_id,
    Observation.jurisdiction_id,
    Observation.period,
    Observation.value,
    Observation.per_year,
    Observation.source_organisation_id,
    Observation.target_group_id,
    Observation.housing_type_id,
    Observation.price_segment,
    Observation.version,
    Observation.recorded_at,
    Observation.superseded_at,
)
# A region's memberships, with the member's code.
MEMBER_COLUMNS = (
    RegionMembership.region_id,
    RegionMembership.member_id,
    Jurisdiction.code,
    RegionMembership.valid_from,
    RegionMembership.valid_to,
)
# An open project's units in one breakdown.
UNIT_COLUMNS = (
    Project.id,
    Project.municipality_id,
    Project.external_key,
    Project.phase,
    Project.expected_completion,
    ProjectUnits.housing_type_id,
    ProjectUnits.target_group_id,
    ProjectUnits.units,
)
_CLOSED_PHASES = (ProjectPhase.COMPLETED, ProjectPhase.CANCELLED)
Vocabulary = type[TargetGroup] | type[HousingType]


@dataclass(frozen=True)
class _Inputs:
    cells: dict[Cell, list[Row]]
    members: dict[int, list[Row]]  # per region
    units: dict[int, list[Row]]  # per area: its pipeline's open projects' units
    areas: dict[int, PipelineArea]  # per area: the municipalities of its pipeline
    children: dict[Vocabulary, dict[int, list[int]]]  # per vocabulary entry: the entries below


def prefetched(session: Session, indicator_id: int, jurisdiction_id: int) -> list[Row] | None:
    """Every observation of the cell, when prefetched; None: ask the database."""
    inputs = _current(session)
    return None if inputs is None else inputs.cells.get((indicator_id, jurisdiction_id))


def prefetched_members(session: Session, region_id: int) -> list[Row] | None:
    """The region's memberships (``MEMBER_COLUMNS``), when prefetched; None: ask the database."""
    inputs = _current(session)
    return None if inputs is None else inputs.members.get(region_id)


def prefetched_units(
    session: Session, area_id: int, housing_type_id: int | None, target_group_id: int | None
) -> list[Row] | None:
    """The units (``UNIT_COLUMNS``) of open projects in the area, its members' included, in the
    housing type and target group or one below them (any, for None), when prefetched; None: ask
    the database."""
    inputs = _current(session)
    if inputs is None or area_id not in inputs.units:
        return None
    wanted = [
        (column, _descendants(inputs.children[model], entry))
        for column, model, entry in (
            ("housing_type_id", HousingType, housing_type_id),
            ("target_group_id", TargetGroup, target_group_id),
        )
        if entry is not None
    ]
    units = inputs.units[area_id]
    return [u for u in units if all(getattr(u, column) in ids for column, ids in wanted)]


def prefetched_area(session: Session, area_id: int) -> PipelineArea | None:
    """The municipalities of the area's pipeline, when prefetched; None: ask the database."""
    inputs = _current(session)
    return None if inputs is None else inputs.areas.get(area_id)


def _descendants(children: dict[int, list[int]], entry: int) -> set[int]:
    found, frontier = {entry}, [entry]
    while frontier:
        below = [c for parent in frontier for c in children.get(parent, ()) if c not in found]
        found.update(below)
        frontier = below
    return found


def _current(session: Session) -> _Inputs | None:
    return session.info.get(_KEY)


@contextmanager
def prefetched_inputs(session: Session, target_ids: Sequence[int]) -> Iterator[None]:
    """Read the inputs of the targets, for the duration of the block."""
    targets = session.execute(
        sa.select(Target.indicator_id, Target.jurisdiction_id).where(Target.id.in_(target_ids))  # type: ignore[call-overload, union-attr]
    ).all()
    places = {t.jurisdiction_id for t in targets}
    members = _members(session, places)
    areas = pipeline_areas(session, places, utcnow().date())
    session.info[_KEY] = _Inputs(
        cells=_observations(session, _cells_of(session, targets, members)),
        members=members,
        units=_units(session, areas),
        areas=areas,
        children={model: _children(session, model) for model in (TargetGroup, HousingType)},
    )
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def _members(session: Session, regions: set[int]) -> dict[int, list[Row]]:
    """Per jurisdiction its memberships as a region (none, for a municipality)."""
    statement = (
        sa.select(*MEMBER_COLUMNS)  # type: ignore[call-overload]
        .join(Jurisdiction, Jurisdiction.id == RegionMembership.member_id)
        .where(RegionMembership.region_id.in_(regions))  # type: ignore[attr-defined]
        .order_by(Jurisdiction.code, RegionMembership.id)
    )
    return _grouped(session, statement, "region_id", regions)


def _cells_of(session: Session, targets: Sequence[Row], members: dict[int, list[Row]]) -> set[Cell]:
    """The targets' own cells, their region members' cells, and for ratio indicators the cells
    of the numerator and denominator."""
    parts = {
        i.id: [i.numerator_id, i.denominator_id]
        for i in session.execute(
            sa.select(Indicator.id, Indicator.numerator_id, Indicator.denominator_id)  # type: ignore[call-overload]
        )
    }
    cells: set[Cell] = set()
    for target in targets:
        ratio_parts = parts.get(target.indicator_id, ())
        indicators = [target.indicator_id, *(p for p in ratio_parts if p is not None)]
        place = target.jurisdiction_id
        for where in (place, *(m.member_id for m in members[place])):
            cells.update((i, where) for i in indicators)
    return cells


def _observations(session: Session, wanted: set[Cell]) -> dict[Cell, list[Row]]:
    cells: dict[Cell, list[Row]] = {cell: [] for cell in wanted}
    ordered = sorted(cells)
    for start in range(0, len(ordered), _CELLS_PER_STATEMENT):
        chunk = ordered[start : start + _CELLS_PER_STATEMENT]
        statement = (
            sa.select(*OBSERVATION_COLUMNS)  # type: ignore[call-overload]
            .where(sa.tuple_(Observation.indicator_id, Observation.jurisdiction_id).in_(chunk))
            .order_by(Observation.id)
        )
        for row in session.execute(statement):
            cells[(row.indicator_id, row.jurisdiction_id)].append(row)
    return cells


def _units(session: Session, areas: dict[int, PipelineArea]) -> dict[int, list[Row]]:
    """Per area the units of the open projects of its pipeline's municipalities (one statement
    for every area)."""
    wanted = set().union(*(area.municipalities for area in areas.values())) if areas else set()
    statement = (
        sa.select(*UNIT_COLUMNS)  # type: ignore[call-overload]
        .join(ProjectUnits, ProjectUnits.project_id == Project.id)
        .where(
            Project.phase.not_in(_CLOSED_PHASES),  # type: ignore[attr-defined]
            Project.municipality_id.in_(wanted),  # type: ignore[attr-defined]
        )
        .order_by(Project.id, ProjectUnits.id)
    )
    rows = session.execute(statement).all()
    return {
        area_id: [row for row in rows if row.municipality_id in area.municipalities]
        for area_id, area in areas.items()
    }


def _grouped(
    session: Session, statement: sa.Select, key: str, keys: set[int]
) -> dict[int, list[Row]]:
    """The statement's rows per value of their column ``key``, in order; an empty list for a key
    without rows."""
    found: dict[int, list[Row]] = {value: [] for value in keys}
    for row in session.execute(statement):
        found[getattr(row, key)].append(row)
    return found


def _children(session: Session, model: Vocabulary) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry, parent in session.execute(sa.select(model.id, model.parent_id)):  # type: ignore[call-overload]
        if parent is not None:
            children[parent].append(entry)
    return children

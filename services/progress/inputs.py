"""From database rows to the progress engine's inputs, for one target.

The recompute actors and the API's ``asOf`` time travel both call :func:`target_inputs`, so a
snapshot and a time-travel answer are computed from the same inputs.

Conversions (the engine speaks fractions, totals and codes; the tables speak as documents print):

* a ratio indicator in ``percent``: target values, baselines and observed values are divided by 100;
* a ratio target is measured on its own indicator's figures, and else on pairs of numerator and
  denominator figures (same period and source; the denominator is the numerator's indicator total,
  without breakdowns), each pair a version valid while both parts were;
* ``per_year`` flow figures (a yearly average over ``2020/2023``) become the period's total;
* a target without a start or baseline period starts in the year its document was published; one
  without a deadline ends in the document's horizon year; with neither known, or otherwise not
  judgeable, :class:`UnjudgeableTarget` says why;
* a ratio figure reported only as a share is weighted by the denominator indicator's total for
  the same jurisdiction and period (the same source's if it has one, else the first source by the
  denominator's precedence): numerator = share × that figure, so a region's share stays a ratio
  of sums; without such a figure it has no numerator and denominator, and the engine says so
  rather than average it;
* the pipeline is for flows and stocks of dwellings, places or pitches: projects in the
  jurisdiction (a region: its members) that are neither completed nor cancelled, with their units
  in the target's housing type and target group (or any, when the target has none);
* a municipal merger (herindeling): the figures of a jurisdiction's predecessors (those whose
  ``successor`` it is, transitively), for periods that end before they ceased, count as the
  successor's: per period, source and breakdown the predecessors' figures are summed (a ratio:
  numerators and denominators), version by version; a figure the successor reports itself for
  the same period wins. The engine's usual rules then pick what counts (a flow: the periods in the
  window; a stock: the latest). A region's members are mapped the same way, except predecessors
  that are members of the region themselves (their membership dates decide).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import IndicatorKind, ProjectPhase, Recurrence
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    Observation,
    Organisation,
    PolicyDocument,
    Project,
    ProjectUnits,
    RegionMembership,
    Target,
    TargetGroup,
)
from db.queries.vocabulary import with_descendants
from ingest.periods import Period, PeriodKind
from progress_engine.model import YEARLY, ObservationPoint, PipelineItem, TargetSpec
from progress_engine.rollup import Membership
from services.geography.pipeline_area import pipeline_areas
from services.progress.prefetch import (
    MEMBER_COLUMNS,
    OBSERVATION_COLUMNS,
    Row,
    prefetched,
    prefetched_area,
    prefetched_members,
    prefetched_units,
)

PIPELINE_UNITS = frozenset({"dwellings", "places", "pitches"})
_HUNDRED = Decimal(100)


class UnjudgeableTarget(ValueError):
    """The target lacks what the engine needs (a deadline, a start, a baseline for a fall)."""


@dataclass(frozen=True)
class RegionInputs:
    """A region target measured on its members: per member code, its figures and memberships."""

    target: TargetSpec
    member_observations: dict[str, list[ObservationPoint]]
    memberships: list[Membership]
    pipeline: list[PipelineItem]
    mapped_from: tuple[str, ...] = ()
    pipeline_mapped_from: tuple[str, ...] = ()

    @property
    def lineage_flags(self) -> tuple[str, ...]:
        return _mapped_flags(self.mapped_from, self.pipeline_mapped_from)


def _mapped_flags(figures: tuple[str, ...], pipeline: tuple[str, ...]) -> tuple[str, ...]:
    flags = []
    if figures:
        flags.append(f"mapped_from_predecessors: {', '.join(figures)}")
    if pipeline:
        flags.append(f"pipeline_mapped_from_predecessors: {', '.join(pipeline)}")
    return tuple(flags)


@dataclass(frozen=True)
class TargetInputs:
    """A target's inputs, with what a merger changed: the predecessors whose figures were mapped
    in, and the day its jurisdiction ceased (merged into ``successor``)."""

    spec: TargetSpec
    observations: list[ObservationPoint]
    pipeline: list[PipelineItem]
    mapped_from: tuple[str, ...] = ()
    ended_on: date | None = None
    successor: str | None = None
    pipeline_mapped_from: tuple[str, ...] = ()

    @property
    def lineage_flags(self) -> tuple[str, ...]:
        flags = list(_mapped_flags(self.mapped_from, self.pipeline_mapped_from))
        if self.ended_on is not None:
            flags.append(
                f"ended_at_merger: {self.ended_on.isoformat()} (successor {self.successor})"
            )
        return tuple(flags)


def target_inputs(
    session: Session, target_id: int, *, jurisdiction_id: int | None = None
) -> tuple[TargetSpec, list[ObservationPoint], list[PipelineItem]]:
    """The target, every version of its cell's figures (its predecessors' mapped in) and its
    pipeline.

    ``jurisdiction_id`` measures the target's cell in another jurisdiction than its own: a region
    target per member. Raises ``LookupError`` for an unknown id, :class:`UnjudgeableTarget` when
    the target cannot be judged.
    """
    inputs = inputs_of_target(session, target_id, jurisdiction_id=jurisdiction_id)
    return inputs.spec, inputs.observations, inputs.pipeline


def inputs_of_target(
    session: Session, target_id: int, *, jurisdiction_id: int | None = None
) -> TargetInputs:
    """``target_inputs`` with the merger lineage (see :class:`TargetInputs`)."""
    target = session.get(Target, target_id)
    if target is None:
        raise LookupError(f"no target with id {target_id}")
    indicator = session.get(Indicator, target.indicator_id)
    assert indicator is not None
    where = jurisdiction_id if jurisdiction_id is not None else target.jurisdiction_id
    spec = target_spec(session, target, indicator)
    own = cell_observations(session, target, indicator, where)
    mapped, mapped_from = mapped_observations(session, target, indicator, where, own)
    place = session.get(Jurisdiction, where)
    ended = place is not None and place.successor_id is not None and place.valid_to is not None
    successor = session.get(Jurisdiction, place.successor_id) if ended and place else None
    items, pipeline_mapped = pipeline(session, target, indicator, where)
    return TargetInputs(
        spec,
        own + mapped,
        items,
        mapped_from,
        place.valid_to if ended and place else None,
        successor.code if successor is not None else None,
        pipeline_mapped,
    )


def predecessors(session: Session, jurisdiction_id: int) -> list[Jurisdiction]:
    """The jurisdictions merged into this one, and those merged into them, by code."""
    merged = _successions(session)
    if not merged:
        return []
    found: dict[int, Jurisdiction] = {}
    frontier = {jurisdiction_id}
    while frontier:
        rows = [row for key in frontier for row in merged.get(key, [])]
        fresh = [row for row in rows if row.id is not None and row.id not in found]
        found.update({row.id: row for row in fresh if row.id is not None})
        frontier = {row.id for row in fresh if row.id is not None}
    return sorted(found.values(), key=lambda row: row.code)


_SUCCESSIONS = "progress_inputs_successions"


def _successions(session: Session) -> dict[int, list[Jurisdiction]]:
    """Per successor id, the jurisdictions merged into it: read once per transaction (few rows;
    a recompute of every target asks for each of them)."""
    known: dict[int, list[Jurisdiction]] | None = session.info.get(_SUCCESSIONS)
    if known is None:
        known = defaultdict(list)
        rows = session.exec(select(Jurisdiction).where(col(Jurisdiction.successor_id).is_not(None)))
        for row in rows:
            assert row.successor_id is not None
            known[row.successor_id].append(row)
        session.info[_SUCCESSIONS] = known
    return known


def mapped_observations(
    session: Session,
    target: Target,
    indicator: Indicator,
    jurisdiction_id: int,
    own: list[ObservationPoint],
    exclude: frozenset[int] = frozenset(),
) -> tuple[list[ObservationPoint], tuple[str, ...]]:
    """The predecessors' figures of the cell as the successor's (see the module's text), and the
    codes of the predecessors that contributed any."""
    contributions: dict[str, list[ObservationPoint]] = {}
    for place in predecessors(session, jurisdiction_id):
        if place.id is None or place.id in exclude:
            continue
        points = cell_observations(session, target, indicator, place.id)
        if place.valid_to is not None:
            points = [p for p in points if p.period.end <= place.valid_to]
        if points:
            contributions[place.code] = points
    if not contributions:
        return [], ()
    taken = {_series_key(point) for point in own}
    by_key: dict[tuple[str, str, str | None, str | None], list[list[ObservationPoint]]] = (
        defaultdict(list)
    )
    for points in contributions.values():
        mine: dict[tuple[str, str, str | None, str | None], list[ObservationPoint]] = defaultdict(
            list
        )
        for point in points:
            mine[_series_key(point)].append(point)
        for key, versions in mine.items():
            if key not in taken:
                by_key[key].append(versions)
    ratio = indicator.kind is IndicatorKind.RATIO
    mapped = [point for series in by_key.values() for point in _summed(series, ratio)]
    used = sorted(
        code
        for code, points in contributions.items()
        if any(_series_key(p) in by_key for p in points)
    )
    return mapped, tuple(used) if mapped else ()


def _series_key(point: ObservationPoint) -> tuple[str, str, str | None, str | None]:
    return (str(point.period), point.source, point.target_group, point.housing_type)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _summed(series: list[list[ObservationPoint]], ratio: bool) -> list[ObservationPoint]:
    """Several predecessors' versions of one period's figure as one series of versions: at every
    moment one of them changed, the sum of those in force (a ratio: of numerators and
    denominators, or nothing when a part lacks them)."""
    if len(series) == 1:
        return series[0]
    moments = sorted(
        {p.recorded_at or _EPOCH for versions in series for p in versions}
        | {p.superseded_at for versions in series for p in versions if p.superseded_at}
    )
    first = series[0][0]
    summed: list[ObservationPoint] = []
    for position, moment in enumerate(moments):
        in_force = [
            p
            for versions in series
            for p in versions
            if (p.recorded_at or _EPOCH) <= moment
            and (p.superseded_at is None or p.superseded_at > moment)
        ]
        if not in_force:
            continue
        until = moments[position + 1] if position + 1 < len(moments) else None
        if ratio:
            if any(p.numerator is None or p.denominator is None for p in in_force):
                continue
            numerator = sum((p.numerator or Decimal(0) for p in in_force), Decimal(0))
            denominator = sum((p.denominator or Decimal(0) for p in in_force), Decimal(0))
            point = ObservationPoint.of_ratio(
                first.period,
                numerator,
                denominator,
                first.source,
                target_group=first.target_group,
                housing_type=first.housing_type,
            )
        else:
            point = ObservationPoint(
                first.period,
                sum((p.value for p in in_force), Decimal(0)),
                first.source,
                target_group=first.target_group,
                housing_type=first.housing_type,
            )
        summed.append(
            replace(point, version=len(summed) + 1, recorded_at=moment, superseded_at=until)
        )
    return summed


def region_inputs(session: Session, target_id: int) -> RegionInputs:
    """A region target with its direct members' figures and dated memberships (for roll-ups)."""
    target = session.get(Target, target_id)
    if target is None:
        raise LookupError(f"no target with id {target_id}")
    indicator = session.get(Indicator, target.indicator_id)
    assert indicator is not None
    spec = target_spec(session, target, indicator)
    items, pipeline_mapped = pipeline(session, target, indicator, target.jurisdiction_id)
    rows = _members(session, target.jurisdiction_id)
    memberships = [Membership(m.code, m.valid_from, m.valid_to) for m in rows]
    members = frozenset(m.member_id for m in rows)
    observations: dict[str, list[ObservationPoint]] = {}
    mapped_from: set[str] = set()
    for m in rows:
        own = cell_observations(session, target, indicator, m.member_id)
        mapped, codes = mapped_observations(
            session, target, indicator, m.member_id, own, exclude=members
        )
        observations[m.code] = own + mapped
        mapped_from.update(codes)
    return RegionInputs(
        spec, observations, memberships, items, tuple(sorted(mapped_from)), pipeline_mapped
    )


def _members(session: Session, region_id: int) -> Sequence[Row]:
    """The region's memberships (``MEMBER_COLUMNS``), by member code."""
    rows = prefetched_members(session, region_id)
    if rows is not None:
        return rows
    statement = (
        sa.select(*MEMBER_COLUMNS)  # type: ignore[call-overload]
        .join(Jurisdiction, Jurisdiction.id == RegionMembership.member_id)
        .where(RegionMembership.region_id == region_id)
        .order_by(Jurisdiction.code, RegionMembership.id)
    )
    return session.execute(statement).all()


def target_spec(session: Session, target: Target, indicator: Indicator) -> TargetSpec:
    scale = _scale(indicator)
    document = session.get(PolicyDocument, target.document_id) if target.document_id else None
    deadline = _period(target.deadline, "deadline", target)
    if deadline is None and document is not None and document.horizon_year:
        deadline = Period.year(document.horizon_year)
    if deadline is None:
        raise UnjudgeableTarget(f"target {target.code} has no deadline and no document horizon")
    start = _period(target.start_period, "start", target)
    baseline_period = _period(target.baseline_period, "baseline period", target)
    if start is None and baseline_period is None:
        if document is None or document.published_on is None:
            raise UnjudgeableTarget(f"target {target.code} has no start, baseline or document date")
        start = Period.year(min(document.published_on.year, deadline.start.year))
    try:
        return TargetSpec(
            indicator_kind=indicator.kind,
            direction=indicator.direction,
            kind=target.kind,
            deadline=deadline,
            value=_scaled(target.value, scale),
            low=_scaled(target.value_low, scale),
            high=_scaled(target.value_high, scale),
            baseline_value=_scaled(target.baseline_value, scale),
            baseline_period=baseline_period,
            start=start,
            recurrence=YEARLY if target.recurrence is Recurrence.YEARLY else None,
            carry_over=target.carry_over,
            target_group=_code(session, TargetGroup, target.target_group_id),
            housing_type=_code(session, HousingType, target.housing_type_id),
            source_precedence=tuple(indicator.source_precedence) or None,
        )
    except ValueError as exc:
        raise UnjudgeableTarget(f"target {target.code}: {exc}") from exc


def cell_observations(
    session: Session, target: Target, indicator: Indicator, jurisdiction_id: int
) -> list[ObservationPoint]:
    """Every version of the figures of the target's cell in ``jurisdiction_id``.

    A target without a target group (housing type) also gets the figures broken down by one:
    the engine uses those breakdowns only where no total exists.
    """
    own = _cell_rows(session, target, indicator.id, jurisdiction_id)  # type: ignore[arg-type]
    names = _names(session, own)
    if indicator.kind is not IndicatorKind.RATIO:
        return [_point(row, names, indicator) for row in own]
    weights: list[Row] = []
    if indicator.denominator_id and own:
        weights = _total_rows(session, indicator.denominator_id, jurisdiction_id)
        names = _names(session, [*own, *weights])
    denominator = session.get(Indicator, indicator.denominator_id) if weights else None
    precedence = tuple(denominator.source_precedence) if denominator is not None else ()
    points = _weighted_shares(own, weights, names, _scale(indicator), precedence)
    if indicator.numerator_id and indicator.denominator_id:
        numerators = _cell_rows(
            session, target, indicator.numerator_id, jurisdiction_id, exact=True
        )
        denominators = _total_rows(session, indicator.denominator_id, jurisdiction_id)
        names = _names(session, [*numerators, *denominators])
        points += _paired(numerators, denominators, target, names)
    return points


def pipeline(
    session: Session, target: Target, indicator: Indicator, jurisdiction_id: int
) -> tuple[list[PipelineItem], tuple[str, ...]]:
    """The open projects of the jurisdiction's pipeline (``services.geography.pipeline_area``:
    a successor's predecessors' included, a region's members by today's membership), and the
    codes of the predecessors whose projects were counted (flagged as mapped)."""
    counted = indicator.kind in (IndicatorKind.FLOW, IndicatorKind.STOCK)
    if not counted or indicator.unit not in PIPELINE_UNITS:
        return [], ()
    area = prefetched_area(session, jurisdiction_id)
    units = prefetched_units(
        session, jurisdiction_id, target.housing_type_id, target.target_group_id
    )
    if area is not None and units is not None:
        return _summed_per_project(units), area.mapped_codes(u.municipality_id for u in units)
    area = pipeline_areas(session, [jurisdiction_id], utcnow().date())[jurisdiction_id]
    statement = (
        sa.select(Project, sa.func.sum(col(ProjectUnits.units)))
        .join(ProjectUnits, col(ProjectUnits.project_id) == col(Project.id))
        .where(
            col(Project.municipality_id).in_(area.municipalities),
            col(Project.phase).not_in([ProjectPhase.COMPLETED, ProjectPhase.CANCELLED]),
        )
        .group_by(col(Project.id))
        .order_by(col(Project.id))
    )
    if target.housing_type_id is not None:
        housing_code = _code(session, HousingType, target.housing_type_id)
        statement = statement.where(
            col(ProjectUnits.housing_type_id).in_(with_descendants(HousingType, [housing_code]))  # type: ignore[list-item]
        )
    if target.target_group_id is not None:
        group_code = _code(session, TargetGroup, target.target_group_id)
        statement = statement.where(
            col(ProjectUnits.target_group_id).in_(with_descendants(TargetGroup, [group_code]))  # type: ignore[list-item]
        )
    found = session.execute(statement).all()
    items = [
        PipelineItem(
            project.external_key, project.phase, Decimal(units), project.expected_completion
        )
        for project, units in found
    ]
    return items, area.mapped_codes(project.municipality_id for project, _ in found)


def _summed_per_project(units: Sequence[Row]) -> list[PipelineItem]:
    """Prefetched units (by project id) summed per project, as ``pipeline``'s statement does."""
    totals: dict[int, tuple[Row, int]] = {}
    for unit in units:
        first, total = totals.get(unit.id, (unit, 0))
        totals[unit.id] = (first, total + unit.units)
    return [
        PipelineItem(
            project.external_key, project.phase, Decimal(total), project.expected_completion
        )
        for project, total in totals.values()
    ]


def _cell_rows(
    session: Session, target: Target, indicator_id: int, jurisdiction_id: int, exact: bool = False
) -> list[Row]:
    rows = prefetched(session, indicator_id, jurisdiction_id)
    if rows is not None:
        wanted = [("price_segment", target.price_segment)] + [
            (name, value)
            for name, value in (
                ("target_group_id", target.target_group_id),
                ("housing_type_id", target.housing_type_id),
            )
            if value is not None or exact
        ]
        return [r for r in rows if all(getattr(r, name) == value for name, value in wanted)]
    statement = sa.select(*OBSERVATION_COLUMNS).where(  # type: ignore[call-overload]
        Observation.indicator_id == indicator_id,
        Observation.jurisdiction_id == jurisdiction_id,
        _same(col(Observation.price_segment), target.price_segment),
    )
    dimensions: tuple[tuple[Mapped[int | None], int | None], ...] = (
        (col(Observation.target_group_id), target.target_group_id),
        (col(Observation.housing_type_id), target.housing_type_id),
    )
    for column, value in dimensions:
        if value is not None or exact:
            statement = statement.where(_same(column, value))
    return list(session.execute(statement.order_by(col(Observation.id))))


def _total_rows(session: Session, indicator_id: int, jurisdiction_id: int) -> list[Row]:
    rows = prefetched(session, indicator_id, jurisdiction_id)
    if rows is not None:
        return [
            r
            for r in rows
            if r.target_group_id is None and r.housing_type_id is None and r.price_segment is None
        ]
    statement = sa.select(*OBSERVATION_COLUMNS).where(  # type: ignore[call-overload]
        Observation.indicator_id == indicator_id,
        Observation.jurisdiction_id == jurisdiction_id,
        col(Observation.target_group_id).is_(None),
        col(Observation.housing_type_id).is_(None),
        col(Observation.price_segment).is_(None),
    )
    return list(session.execute(statement.order_by(col(Observation.id))))


def _same(column: Mapped[Any], value: object) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


@dataclass(frozen=True)
class _Names:
    sources: dict[int, str]
    target_groups: dict[int, str]
    housing_types: dict[int, str]


_CODES = "progress_inputs_codes"


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _forget_codes(session: Session) -> None:
    session.info.pop(_CODES, None)
    session.info.pop(_SUCCESSIONS, None)


def _names(session: Session, rows: Iterable[Row]) -> _Names:
    """The codes of the rows' sources and breakdowns, read once per transaction (a recompute of
    every target would otherwise ask for the same few codes thousands of times)."""
    rows = list(rows)
    known: dict[type, dict[int, str]] = session.info.setdefault(_CODES, {})

    def codes(
        model: type[Organisation | TargetGroup | HousingType], ids: set[int | None]
    ) -> dict[int, str]:
        cache = known.setdefault(model, {})
        wanted = {i for i in ids if i is not None}
        missing = wanted - cache.keys()
        if missing:
            statement = sa.select(col(model.id), col(model.code)).where(col(model.id).in_(missing))
            cache.update({row_id: code for row_id, code in session.execute(statement) if row_id})
        return {i: cache[i] for i in wanted if i in cache}

    return _Names(
        codes(Organisation, {r.source_organisation_id for r in rows}),
        codes(TargetGroup, {r.target_group_id for r in rows}),
        codes(HousingType, {r.housing_type_id for r in rows}),
    )


def _total_value(row: Row, indicator_kind: IndicatorKind) -> Decimal:
    if not row.per_year or indicator_kind is not IndicatorKind.FLOW:
        return row.value
    period = Period.parse(row.period)
    if period.kind is PeriodKind.YEARS:
        return row.value * (period.end.year - period.start.year + 1)
    return row.value


def _point(row: Row, names: _Names, indicator: Indicator) -> ObservationPoint:
    return ObservationPoint(
        period=Period.parse(row.period),
        value=_total_value(row, indicator.kind),
        source=names.sources[row.source_organisation_id],
        target_group=names.target_groups.get(row.target_group_id),
        housing_type=names.housing_types.get(row.housing_type_id),
        version=row.version,
        recorded_at=row.recorded_at,
        superseded_at=row.superseded_at,
    )


def _weighted_shares(
    shares: list[Row],
    weights: list[Row],
    names: _Names,
    scale: Decimal,
    precedence: tuple[str, ...],
) -> list[ObservationPoint]:
    """The ratio's own figures (shares), each weighted by a denominator figure of its period.

    A share and a weight are paired while both versions were in force, like numerator and
    denominator pairs, and the pairs of one cell numbered in the order they came into force; a
    share without a weight keeps no numerator and denominator."""
    by_period: dict[str, list[Row]] = defaultdict(list)
    for row in weights:
        by_period[row.period].append(row)
    Version = tuple[datetime, datetime | None, Decimal, Decimal | None]
    cells: dict[tuple[str, str, int | None, int | None], list[Version]] = defaultdict(list)
    for row in shares:
        source = names.sources[row.source_organisation_id]
        key = (row.period, source, row.target_group_id, row.housing_type_id)
        fraction = row.value * scale
        weighted = False
        for weight in _weight_rows(by_period.get(row.period, []), source, names, precedence):
            start = max(row.recorded_at, weight.recorded_at)
            ends = [t for t in (row.superseded_at, weight.superseded_at) if t is not None]
            end = min(ends) if ends else None
            if end is not None and end <= start:
                continue  # never in force together
            cells[key].append((start, end, fraction, _total_value(weight, IndicatorKind.FLOW)))
            weighted = True
        if not weighted:
            cells[key].append((row.recorded_at, row.superseded_at, fraction, None))
    points: list[ObservationPoint] = []
    for (period, source, group_id, housing_id), versions in cells.items():
        ordered = sorted(versions, key=lambda v: v[0])
        for number, (start, end, fraction, total) in enumerate(ordered, 1):
            points.append(
                ObservationPoint(
                    Period.parse(period),
                    fraction,
                    source,
                    target_group=names.target_groups.get(group_id),  # type: ignore[arg-type]
                    housing_type=names.housing_types.get(housing_id),  # type: ignore[arg-type]
                    numerator=None if total is None else fraction * total,
                    denominator=total,
                    version=number,
                    recorded_at=start,
                    superseded_at=end,
                )
            )
    return points


def _weight_rows(
    rows: list[Row], source: str, names: _Names, precedence: tuple[str, ...]
) -> list[Row]:
    """The versions of the weight for one share: its own source's, else the best other source's."""
    if not rows:
        return []
    by_source: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_source[names.sources[row.source_organisation_id]].append(row)
    if source in by_source:
        return by_source[source]

    def rank(code: str) -> tuple[int, str]:
        return (precedence.index(code) if code in precedence else len(precedence), code)

    return by_source[min(by_source, key=rank)]


def _paired(
    numerators: list[Row], denominators: list[Row], target: Target, names: _Names
) -> list[ObservationPoint]:
    """One point per numerator/denominator version pair that was in force at the same time."""
    by_cell: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in denominators:
        by_cell[(row.period, row.source_organisation_id)].append(row)
    pairs: dict[tuple[str, int], list[tuple[datetime, datetime | None, Decimal, Decimal]]] = (
        defaultdict(list)
    )
    for numerator in numerators:
        key = (numerator.period, numerator.source_organisation_id)
        for denominator in by_cell.get(key, []):
            start = max(numerator.recorded_at, denominator.recorded_at)
            ends = [
                t for t in (numerator.superseded_at, denominator.superseded_at) if t is not None
            ]
            end = min(ends) if ends else None
            if end is not None and end <= start:
                continue  # never in force together
            num = _total_value(numerator, IndicatorKind.FLOW)
            den = _total_value(denominator, IndicatorKind.FLOW)
            pairs[key].append((start, end, num, den))
    points = []
    for (period, source_id), versions in pairs.items():
        for version, (start, end, num, den) in enumerate(sorted(versions, key=lambda v: v[0]), 1):
            points.append(
                ObservationPoint.of_ratio(
                    Period.parse(period),
                    num,
                    den,
                    names.sources[source_id],
                    target_group=names.target_groups.get(target.target_group_id),  # type: ignore[arg-type]
                    housing_type=names.housing_types.get(target.housing_type_id),  # type: ignore[arg-type]
                    version=version,
                    recorded_at=start,
                    superseded_at=end,
                )
            )
    return points


def _scale(indicator: Indicator) -> Decimal:
    percent = indicator.kind is IndicatorKind.RATIO and indicator.unit == "percent"
    return Decimal(1) / _HUNDRED if percent else Decimal(1)


def _scaled(value: Decimal | None, scale: Decimal) -> Decimal | None:
    return None if value is None else value * scale


def _period(text: str | None, what: str, target: Target) -> Period | None:
    if not text:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise UnjudgeableTarget(f"target {target.code}: {what} {exc}") from exc


def _code(
    session: Session, model: type[TargetGroup | HousingType], row_id: int | None
) -> str | None:
    if row_id is None:
        return None
    row = session.get(model, row_id)  # from the identity map when the row is already loaded
    return row.code if isinstance(row, TargetGroup | HousingType) else None


def in_indicator_unit(indicator: Indicator, value: Decimal | None) -> Decimal | None:
    """An engine figure (a fraction, for a ratio in percent) in the indicator's own unit."""
    return None if value is None else value / _scale(indicator)

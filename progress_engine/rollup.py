"""Roll-up of members' figures to a region: sums for counts, ratio of sums for ratios.

A member's flow or ratio figure counts only while its membership is valid: a figure whose period
is not wholly inside a membership is left out (and flagged), so a municipality that leaves a
region mid-year contributes its quarters before leaving but not its year figure. A stock is a
level at a moment: the region's level at the end of the window (or today, if earlier) is the sum
of the latest levels of the members that belong to it at that moment; one that left before it
(or joins after it) is left out and flagged, whatever the date of its own figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from decimal import Decimal

from ingest.periods import Period
from progress_engine.engine import cell_query, compute_progress, evaluate
from progress_engine.measurement import Measurement, Series
from progress_engine.model import (
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    PipelineItem,
    ProgressResult,
    TargetSpec,
)
from progress_engine.selection import select_series
from progress_engine.versions import current_versions, known_at


@dataclass(frozen=True)
class Membership:
    """``member`` belongs to the region from ``valid_from`` to ``valid_to`` (inclusive; None: open)."""

    member: str
    valid_from: date | None = None
    valid_to: date | None = None

    def covers(self, period: Period) -> bool:
        return (self.valid_from is None or self.valid_from <= period.start) and (
            self.valid_to is None or period.end <= self.valid_to
        )

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def clip(self, start: date, end: date) -> tuple[date, date] | None:
        first = max(start, self.valid_from) if self.valid_from else start
        last = min(end, self.valid_to) if self.valid_to else end
        return (first, last) if first <= last else None


@dataclass(frozen=True)
class RegionProgress:
    """A region's progress three ways: each member, the sum of the members, its own target."""

    members: Mapping[str, ProgressResult]
    sum_of_members: ProgressResult
    own_target: ProgressResult | None = None


def compute_region_progress(
    target: TargetSpec,
    member_observations: Mapping[str, Iterable[ObservationPoint]],
    memberships: Sequence[Membership],
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    today: date,
    as_of: datetime | None = None,
) -> ProgressResult:
    """Progress of a region's target measured on its members' figures."""
    versions = {
        member: known_at(observations, as_of) if as_of else current_versions(observations)
        for member, observations in member_observations.items()
    }

    def measure(start: date, end: date) -> Measurement:
        series: list[Series] = []
        flags: list[str] = []
        for member in sorted(versions):
            own = [m for m in memberships if m.member == member]
            spans = tuple(span for m in own if (span := m.clip(start, end)) is not None)
            if not own:
                flags.append(f"not_a_member: {member} has figures but no membership; not counted")
                continue
            if not spans:
                continue
            if target.indicator_kind is IndicatorKind.STOCK:
                moment = min(end, today)
                if not any(m.holds_on(moment) for m in own):
                    if any(start <= o.period.end <= end for o in versions[member]):
                        flags.append(
                            f"not_a_member_on: {member} is not a member on {moment.isoformat()}; "
                            "its level is not counted"
                        )
                    continue
                query = cell_query(target, config, start, end, today, member, spans)
                series.append(select_series(versions[member], query))
                continue
            counted: list[ObservationPoint] = []
            for observation in versions[member]:
                if any(m.covers(observation.period) for m in own):
                    counted.append(observation)
                elif observation.period.start <= end and start <= observation.period.end:
                    flags.append(
                        f"membership_partial: {member} {observation.period} {observation.source} "
                        "is not wholly inside the membership; not counted"
                    )
            query = cell_query(target, config, start, end, today, member, spans)
            series.append(select_series(counted, query))
        return Measurement(target.indicator_kind, tuple(series), tuple(flags))

    return evaluate(target, measure, pipeline, config, today)


def compute_members_progress(
    member_targets: Mapping[str, TargetSpec],
    member_observations: Mapping[str, Iterable[ObservationPoint]],
    memberships: Sequence[Membership],
    config: EngineConfig,
    today: date,
    member_pipelines: Mapping[str, Sequence[PipelineItem]] | None = None,
    region_target: TargetSpec | None = None,
    region_pipeline: Sequence[PipelineItem] = (),
    as_of: datetime | None = None,
) -> RegionProgress:
    """Each member against its own target, the region as the sum of its members' targets, and
    (when given) the region against its own target. The member targets must describe the same
    indicator, cell and window; only their values differ."""
    pipelines = member_pipelines or {}
    observations = {member: list(obs) for member, obs in member_observations.items()}
    members = {
        member: compute_progress(
            target,
            observations.get(member, []),
            pipelines.get(member, ()),
            config,
            today,
            as_of,
        )
        for member, target in member_targets.items()
    }
    summed_target = sum_targets(member_targets.values())
    counted_members = {m: observations.get(m, []) for m in member_targets}
    combined_pipeline = [item for m in member_targets for item in pipelines.get(m, ())]
    sum_of_members = compute_region_progress(
        summed_target, counted_members, memberships, combined_pipeline, config, today, as_of
    )
    own = (
        compute_region_progress(
            region_target, observations, memberships, region_pipeline, config, today, as_of
        )
        if region_target is not None
        else None
    )
    return RegionProgress(members, sum_of_members, own)


def sum_targets(targets: Iterable[TargetSpec]) -> TargetSpec:
    """One target whose values are the sums of the members' (all else must be equal)."""
    specs = list(targets)
    if not specs:
        raise ValueError("no member targets to sum")
    first = specs[0]
    if any(_shape(spec) != _shape(first) for spec in specs[1:]):
        raise ValueError("member targets differ in more than their values; cannot sum them")

    def total(name: str) -> Decimal | None:
        values = [getattr(spec, name) for spec in specs]
        if all(v is None for v in values):
            return None
        if any(v is None for v in values):
            raise ValueError(f"some member targets have no {name}; cannot sum them")
        return sum(values, Decimal(0))

    return replace(
        first,
        value=total("value"),
        low=total("low"),
        high=total("high"),
        baseline_value=total("baseline_value"),
    )


_VALUE_FIELDS = frozenset({"value", "low", "high", "baseline_value"})


def _shape(target: TargetSpec) -> tuple[object, ...]:
    return tuple(getattr(target, f.name) for f in fields(target) if f.name not in _VALUE_FIELDS)

"""Recomputing the stored progress of targets.

Every target gets a headline snapshot (basis ``own``) and, when yearly, one per judged year. A
region's target is also measured on the sum of its members' figures (basis ``members_sum``).
Snapshots whose inputs did not change are left as they are; a row lock on the target keeps two
recomputes of it from interleaving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import JurisdictionKind, ProgressBasis, ProgressStatus
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    PolicyDocument,
    ProgressSnapshot,
    RegionMembership,
    Target,
    TargetGroup,
)
from db.queries.progress import snapshots_of_targets
from progress_engine.engine import compute_progress
from progress_engine.model import EngineConfig, ProgressResult
from progress_engine.rollup import compute_region_progress
from services.progress.inputs import (
    UnjudgeableTarget,
    in_indicator_unit,
    inputs_of_target,
    region_inputs,
)
from services.progress.prefetch import prefetched_inputs
from services.progress.snapshots import ToUnit, data_as_of, inputs_hash, snapshot_values

PREFETCH_TARGETS = 200  # targets whose inputs and snapshots are read together


@dataclass
class RecomputeReport:
    targets: int = 0
    written: int = 0
    unchanged: int = 0
    changed: dict[str, set[int]] = field(default_factory=dict)  # jurisdiction code → target ids

    @property
    def changed_jurisdictions(self) -> set[str]:
        return set(self.changed)


def recompute_targets(
    session: Session,
    target_ids: Iterable[int],
    config: EngineConfig,
    today: date,
    report: RecomputeReport | None = None,
) -> RecomputeReport:
    report = report or RecomputeReport()
    held = _hold_small_tables(session)
    ordered = sorted(set(target_ids))
    for start in range(0, len(ordered), PREFETCH_TARGETS):
        chunk = ordered[start : start + PREFETCH_TARGETS]
        # read and written per chunk, in a few statements rather than several per target
        with prefetched_inputs(session, chunk), session.no_autoflush:
            targets = _locked(session, chunk)
            stored = snapshots_of_targets(session, chunk)  # after the lock: none in flight
            for target in targets:
                snapshots = stored.get(target.id, [])  # type: ignore[arg-type]
                recompute_target(session, target, snapshots, config, today, report)
        session.flush()
    del held
    return report


def _locked(session: Session, target_ids: list[int]) -> list[Target]:
    """The targets that still exist, locked in id order (as before, one by one: two recomputes
    of overlapping targets wait for each other instead of deadlocking)."""
    statement = (
        select(Target)
        .where(col(Target.id).in_(target_ids))
        .order_by(col(Target.id))
        .with_for_update()
    )
    return list(session.exec(statement))


def _hold_small_tables(session: Session) -> list[object]:
    """Load the small tables every target looks up, and keep them referenced: the session's
    identity map holds rows only while something does, and ``session.get`` then answers
    without a query (a recompute of every target would otherwise read them thousands of times)."""
    held: list[object] = []
    for model in (Indicator, Jurisdiction, PolicyDocument, TargetGroup, HousingType):
        held.extend(session.exec(select(model)))
    return held


def recompute_target(
    session: Session,
    target: Target,
    stored: list[ProgressSnapshot],
    config: EngineConfig,
    today: date,
    report: RecomputeReport,
) -> None:
    """Store the target's progress; ``stored``: its snapshots so far."""
    report.targets += 1
    jurisdiction = session.get(Jurisdiction, target.jurisdiction_id)
    assert jurisdiction is not None
    results = _own(session, target, config, today)
    if jurisdiction.kind is JurisdictionKind.REGION:
        results.update(_members_sum(session, target, config, today))
    existing = {(s.basis, s.period): s for s in stored}
    for (basis, period), (values, fingerprint, as_of) in results.items():
        snapshot = existing.pop((basis, period), None)
        if snapshot is not None and snapshot.inputs_hash == fingerprint:
            report.unchanged += 1
            continue
        if snapshot is None:
            snapshot = ProgressSnapshot(
                target_id=target.id,  # type: ignore[arg-type]
                jurisdiction_id=target.jurisdiction_id,
                basis=basis,
                period=period,
                status=values["status"],
                inputs_hash=fingerprint,
            )
            session.add(snapshot)
        for name, value in values.items():
            setattr(snapshot, name, value)
        snapshot.inputs_hash = fingerprint
        snapshot.computed_at = utcnow()
        snapshot.data_as_of = as_of
        report.written += 1
        report.changed.setdefault(jurisdiction.code, set()).add(target.id)  # type: ignore[arg-type]
    for stale in existing.values():  # e.g. a year no longer judged
        session.delete(stale)


Computed = dict[tuple[ProgressBasis, str], tuple[dict[str, Any], str, datetime | None]]


def known_at(session: Session, target: Target, config: EngineConfig, as_of: datetime) -> Computed:
    """What a recompute on ``as_of`` stored for ``target`` (time travel, read-only): the same
    snapshots, bases and judged years, from the figures known at that moment and judged on its
    day; nothing is written."""
    jurisdiction = session.get(Jurisdiction, target.jurisdiction_id)
    assert jurisdiction is not None
    results = _own(session, target, config, as_of.date(), as_of)
    if jurisdiction.kind is JurisdictionKind.REGION:
        results.update(_members_sum(session, target, config, as_of.date(), as_of))
    return results


def _own(
    session: Session,
    target: Target,
    config: EngineConfig,
    today: date,
    as_of: datetime | None = None,
) -> Computed:
    try:
        inputs = inputs_of_target(session, target.id)  # type: ignore[arg-type]
    except UnjudgeableTarget as reason:
        return {
            (ProgressBasis.OWN, ""): (
                _unjudgeable(str(reason)),
                inputs_hash(None, [], [], config, today, str(reason)),
                None,
            )
        }
    spec, observations, pipeline = inputs.spec, inputs.observations, inputs.pipeline
    if as_of is not None:
        observations = [o for o in observations if _known(o.recorded_at, as_of)]
    # a jurisdiction merged into another is judged as it stood when it ceased (its last status)
    judged_on = min(today, inputs.ended_on) if inputs.ended_on is not None else today
    result = _flagged(
        compute_progress(spec, observations, pipeline, config, judged_on, as_of=as_of),
        inputs.lineage_flags,
    )
    fingerprint = inputs_hash(
        spec, observations, pipeline, config, judged_on, inputs.lineage_flags or None
    )
    return _with_years(
        ProgressBasis.OWN, result, fingerprint, data_as_of(observations), _to_unit(session, target)
    )


def _known(recorded_at: datetime | None, as_of: datetime) -> bool:
    return recorded_at is None or recorded_at <= as_of


def _flagged(result: ProgressResult, flags: tuple[str, ...]) -> ProgressResult:
    """The result (and each of its years) with the merger's flags added."""
    if not flags:
        return result
    years = tuple(replace(year, flags=(*year.flags, *flags)) for year in result.years)
    return replace(result, flags=(*result.flags, *flags), years=years)


def _members_sum(
    session: Session,
    target: Target,
    config: EngineConfig,
    today: date,
    as_of: datetime | None = None,
) -> Computed:
    try:
        inputs = region_inputs(session, target.id)  # type: ignore[arg-type]
    except UnjudgeableTarget:
        return {}
    if not inputs.memberships:
        return {}
    if as_of is not None:
        for member, points in inputs.member_observations.items():
            inputs.member_observations[member] = [o for o in points if _known(o.recorded_at, as_of)]
    mapped = inputs.lineage_flags
    result = _flagged(
        compute_region_progress(
            inputs.target,
            inputs.member_observations,
            inputs.memberships,
            inputs.pipeline,
            config,
            today,
            as_of=as_of,
        ),
        mapped,
    )
    fingerprint = inputs_hash(
        inputs.target,
        inputs.member_observations,
        inputs.pipeline,
        config,
        today,
        [inputs.memberships, *mapped] if mapped else inputs.memberships,
    )
    everything = [o for member in inputs.member_observations.values() for o in member]
    return _with_years(
        ProgressBasis.MEMBERS_SUM,
        result,
        fingerprint,
        data_as_of(everything),
        _to_unit(session, target),
    )


def _to_unit(session: Session, target: Target) -> ToUnit:
    indicator = session.get(Indicator, target.indicator_id)
    assert indicator is not None
    return lambda value: in_indicator_unit(indicator, value)


def _with_years(
    basis: ProgressBasis,
    result: ProgressResult,
    fingerprint: str,
    as_of: datetime | None,
    to_unit: ToUnit,
) -> Computed:
    computed: Computed = {(basis, ""): (snapshot_values(result, to_unit), fingerprint, as_of)}
    for year in result.years:
        values = snapshot_values(year, to_unit)
        computed[(basis, str(year.window_start.year))] = (values, fingerprint, as_of)
    return computed


def _unjudgeable(reason: str) -> dict[str, Any]:
    return {
        "realised": None,
        "percent_of_target": None,
        "expected_by_now": None,
        "gap": None,
        "status": ProgressStatus.NO_DATA,
        "forecast_trend": None,
        "forecast_pipeline": None,
        "flags": [f"unjudgeable: {reason}"],
        "details": {"reason": reason},
    }


def all_target_ids(session: Session) -> list[int]:
    return [i for i in session.exec(select(col(Target.id)).order_by(col(Target.id))) if i]


def containing_regions(session: Session, jurisdiction_ids: set[int]) -> set[int]:
    """The jurisdictions and every region they belong to, directly or through other regions."""
    found = set(jurisdiction_ids)
    frontier = set(jurisdiction_ids)
    while frontier:
        parents = (
            set(
                session.exec(
                    select(col(RegionMembership.region_id)).where(
                        col(RegionMembership.member_id).in_(frontier)
                    )
                )
            )
            - found
        )
        found |= parents
        frontier = parents
    return found


def targets_affected_by(session: Session, cells: Iterable[tuple[int, int]]) -> list[int]:
    """Targets whose figures include a changed (indicator, jurisdiction) cell: the cell's own
    targets, its regions' targets, and ratio targets built on the indicator."""
    cells = list(cells)
    if not cells:
        return []
    indicator_ids = {indicator for indicator, _ in cells}
    ratios = session.exec(
        select(col(Indicator.id)).where(
            sa.or_(
                col(Indicator.numerator_id).in_(indicator_ids),
                col(Indicator.denominator_id).in_(indicator_ids),
            )
        )
    )
    indicator_ids |= {i for i in ratios if i is not None}
    changed = {jurisdiction for _, jurisdiction in cells}
    places = containing_regions(session, changed | successors_of(session, changed))
    found = session.exec(
        select(col(Target.id)).where(
            col(Target.indicator_id).in_(indicator_ids), col(Target.jurisdiction_id).in_(places)
        )
    )
    return [i for i in found if i is not None]


def successors_of(session: Session, jurisdiction_ids: set[int]) -> set[int]:
    """The jurisdictions these were merged into, directly or through a later merger: their
    targets count the predecessors' figures."""
    found: set[int] = set()
    frontier = set(jurisdiction_ids)
    while frontier:
        rows = session.exec(
            select(col(Jurisdiction.successor_id)).where(
                col(Jurisdiction.id).in_(frontier), col(Jurisdiction.successor_id).is_not(None)
            )
        )
        fresh = {i for i in rows if i is not None} - found - jurisdiction_ids
        found |= fresh
        frontier = fresh
    return found

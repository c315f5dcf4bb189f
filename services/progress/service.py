"""Progress operations: recompute given targets or everything, and queue the recompute of what
changed figures touch. Every caller (actors, the CLI, other services) comes through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from sqlmodel import Session, col, select

from db.models import DistributionRule, Jurisdiction, Target
from services import events
from services.exports.open_data import queue_refresh
from services.jobs import enqueue_job, on_commit
from services.progress.config import engine_config
from services.progress.distribution import derive_rule
from services.progress.recompute import (
    RecomputeReport,
    all_target_ids,
    recompute_targets,
    targets_affected_by,
)

PROGRESS_EVERY = 200  # targets between two calls of a progress callback


def recompute(
    session: Session,
    target_ids: Iterable[int],
    today: date,
    progress: Callable[[int], None] | None = None,
) -> RecomputeReport:
    """Recompute the given targets and announce what changed; ``progress`` hears how many
    targets are done so far."""
    config, report = engine_config(), RecomputeReport()
    ordered = sorted(set(target_ids))
    for start in range(0, len(ordered), PROGRESS_EVERY):
        recompute_targets(session, ordered[start : start + PROGRESS_EVERY], config, today, report)
        if progress is not None:
            progress(min(start + PROGRESS_EVERY, len(ordered)))
    announce(session, report)
    if report.written:
        queue_refresh(session)  # the open-data package follows the published progress
    return report


def recompute_everything(
    session: Session, today: date, progress: Callable[[int], None] | None = None
) -> RecomputeReport:
    """Derive every distribution rule again and recompute every target (nightly; after seeding)."""
    for rule_id in session.exec(select(DistributionRule.id)):
        if rule_id is not None:
            derive_rule(session, rule_id, today)
    session.flush()
    return recompute(session, all_target_ids(session), today, progress)


def target_ids_of(
    session: Session, target_codes: Iterable[str], jurisdiction_codes: Iterable[str]
) -> tuple[list[int], list[str]]:
    """The ids of the targets named by code and of every target of the jurisdictions named;
    second, the codes that name nothing."""
    target_codes, jurisdiction_codes = set(target_codes), set(jurisdiction_codes)
    found = dict(
        session.exec(select(Target.code, Target.id).where(col(Target.code).in_(target_codes))).all()
    )
    places = dict(
        session.exec(
            select(Jurisdiction.code, Jurisdiction.id).where(
                col(Jurisdiction.code).in_(jurisdiction_codes)
            )
        ).all()
    )
    unknown = sorted(target_codes - set(found)) + sorted(jurisdiction_codes - set(places))
    in_places = session.exec(
        select(Target.id).where(col(Target.jurisdiction_id).in_(places.values()))
    )
    ids = {i for i in [*found.values(), *in_places] if i is not None}
    return sorted(ids), unknown


def announce(session: Session, report: RecomputeReport) -> None:
    """Tell subscribers which targets' progress changed, per jurisdiction, once it is committed."""
    for code, target_ids in sorted(report.changed.items()):
        payload = {"jurisdictionCode": code, "targetIds": sorted(target_ids)}
        on_commit(session, partial(events.publish, events.progress_topic(code), payload))


def queue_recompute_for_cells(session: Session, cells: Iterable[tuple[int, int]]) -> None:
    """Queue the recompute of what changed (indicator, jurisdiction) cells affect: distribution
    rules that take them as input are derived again first."""
    cells = list(cells)
    if not cells:
        return
    indicator_ids = {indicator for indicator, _ in cells}
    today = date.today()
    rules = session.exec(
        select(DistributionRule).where(col(DistributionRule.input_indicator_id).in_(indicator_ids))
    )
    for rule in rules:
        if rule.id is not None:
            derive_rule(session, rule.id, today)
    session.flush()
    target_ids = targets_affected_by(session, cells)
    if target_ids:
        enqueue_job(session, "recompute_progress", target_ids=sorted(target_ids))


def queue_recompute_everything(session: Session) -> None:
    enqueue_job(session, "recompute_everything")

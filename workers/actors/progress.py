"""Progress on the ``compute`` queue: after approved figures, after reference data, nightly."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, select

from db.models import DistributionRule
from workers import events
from workers.outbox import enqueue_job, job_actor, on_commit
from workers.queues import COMPUTE
from workers.recompute.config import engine_config
from workers.recompute.distribution import derive_rule
from workers.recompute.targets import (
    RecomputeReport,
    all_target_ids,
    recompute_targets,
    targets_affected_by,
)


@job_actor(queue_name=COMPUTE, max_retries=5, time_limit_ms=30 * 60_000)
def recompute_progress(session: Session, target_ids: list[int]) -> None:
    """Recompute the given targets (the ones a submission's figures touch)."""
    report = recompute_targets(session, target_ids, engine_config(), date.today())
    announce(session, report)


@job_actor(queue_name=COMPUTE, max_retries=5, time_limit_ms=60 * 60_000)
def recompute_everything(session: Session) -> None:
    """Derive every distribution rule again and recompute every target (nightly; after seeding)."""
    today = date.today()
    for rule_id in session.exec(select(DistributionRule.id)):
        derive_rule(session, rule_id, today)  # type: ignore[arg-type]
    session.flush()
    report = recompute_targets(session, all_target_ids(session), engine_config(), today)
    announce(session, report)


def announce(session: Session, report: RecomputeReport) -> None:
    """Tell subscribers which jurisdictions' progress changed, once the change is committed."""
    for code in sorted(report.changed_jurisdictions):
        on_commit(
            session,
            lambda code=code: events.publish(
                events.progress_topic(code), {"jurisdictionCode": code}
            ),
        )


def enqueue_for_cells(session: Session, cells: Iterable[tuple[int, int]]) -> None:
    """Queue the recompute of what changed (indicator, jurisdiction) cells affect: distribution
    rules that take them as input are derived again first."""
    cells = list(cells)
    if not cells:
        return
    indicator_ids = {indicator for indicator, _ in cells}
    today = date.today()
    for rule in session.exec(
        select(DistributionRule).where(DistributionRule.input_indicator_id.in_(indicator_ids))
    ):  # type: ignore[union-attr]
        derive_rule(session, rule.id, today)  # type: ignore[arg-type]
    session.flush()
    target_ids = targets_affected_by(session, cells)
    if target_ids:
        enqueue_job(session, recompute_progress, target_ids=sorted(target_ids))

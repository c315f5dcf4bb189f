"""Progress on the ``compute`` queue: after approved figures, after reference data, nightly."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from services.progress import service
from workers.outbox import job_actor


@job_actor(max_retries=5, time_limit_ms=30 * 60_000)
def recompute_progress(session: Session, target_ids: list[int]) -> None:
    """Recompute the given targets (the ones a submission's figures touch)."""
    service.recompute(session, target_ids, date.today())


@job_actor(max_retries=5, time_limit_ms=60 * 60_000)
def recompute_everything(session: Session) -> None:
    """Derive every distribution rule again and recompute every target (nightly; after seeding)."""
    service.recompute_everything(session, date.today())

"""Submissions on the ``ingest`` queue: validate (and apply trusted ones), apply approved ones.

A job that fails its last retry ends its submission as ``failed`` with the reason
(``service.give_up``), so a submission never stays validating or approved for good."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.clock import utcnow
from services.submissions import service
from workers.outbox import job_actor


@job_actor(
    max_retries=3,
    time_limit_ms=60 * 60_000,
    before=service.mark_validating,
    give_up=service.give_up,
)
def process_submission(session: Session, submission_id: int) -> None:
    """Validate every row; a trusted source's valid submission is applied in the same step."""
    service.validate(session, submission_id, date.today())


@job_actor(max_retries=3, time_limit_ms=60 * 60_000, give_up=service.give_up)
def apply_approved_submission(session: Session, submission_id: int) -> None:
    """Write an approved submission's rows as observations."""
    service.apply(session, submission_id, date.today())


@job_actor(max_retries=3, time_limit_ms=30 * 60_000)
def delete_expired_payloads(session: Session) -> None:
    """Delete the files of submissions rejected longer ago than the retention period."""
    service.delete_expired_payloads(session, utcnow())

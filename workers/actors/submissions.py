"""Submissions on the ``ingest`` queue: validate (and apply trusted ones), apply approved ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from api.settings import get_settings
from db.models import Submission
from db.models.enums import SubmissionStatus
from ingest.submissions.lifecycle import Outcome, apply_submission, validate_submission
from ingest.submissions.payloads import PayloadStore
from workers import events
from workers.actors.progress import enqueue_for_cells
from workers.outbox import job_actor, on_commit
from workers.queues import INGEST


def payload_store() -> PayloadStore:
    return PayloadStore(Path(get_settings().data_dir) / "submissions")


def mark_validating(session: Session, submission_id: int) -> None:
    submission = session.get(Submission, submission_id)
    if submission is not None and submission.status is SubmissionStatus.RECEIVED:
        submission.status = SubmissionStatus.VALIDATING


@job_actor(queue_name=INGEST, max_retries=3, time_limit_ms=60 * 60_000, before=mark_validating)
def process_submission(session: Session, submission_id: int) -> None:
    """Validate every row; a trusted source's valid submission is applied in the same step."""
    follow_up(session, validate_submission(session, payload_store(), submission_id, date.today()))


@job_actor(queue_name=INGEST, max_retries=3, time_limit_ms=60 * 60_000)
def apply_approved_submission(session: Session, submission_id: int) -> None:
    """Write an approved submission's rows as observations."""
    follow_up(session, apply_submission(session, payload_store(), submission_id, date.today()))


def follow_up(session: Session, outcome: Outcome) -> None:
    """Queue the recompute of what applied figures touch; announce the new status after commit."""
    enqueue_for_cells(session, outcome.affected_cells)
    payload = {"id": outcome.submission_id, "status": outcome.status.value}
    on_commit(
        session, lambda: events.publish(events.submission_topic(outcome.submission_id), payload)
    )

"""Submissions, one function per operation: submit (rows, a file, a project file), validate,
approve, return, apply. HTTP routes, GraphQL mutations, the CLI and the actors all come through
here: a submission and its follow-up job commit together, the job is sent after the commit (the
outbox), and every change of state is announced to subscribers once committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import BinaryIO

from sqlmodel import Session

from core.enums import SubmissionStatus
from core.principal import Actor
from core.settings import get_settings
from db.models import Submission
from ingest.submitted_rows import SubmittedRow
from services import events
from services.jobs import enqueue_job, on_commit
from services.progress.service import queue_recompute_for_cells
from services.submissions import lifecycle, retention
from services.submissions.intake import (
    Intake,
    IntakeRequest,
    receive_file,
    receive_rows,
)
from services.submissions.lifecycle import Outcome, Progress
from services.submissions.payloads import payload_store


def submit_file(session: Session, request: IntakeRequest, stream: BinaryIO) -> Intake:
    """Store a file as a submission and queue its validation (nothing new for a known content)."""
    intake = receive_file(session, payload_store(), request, stream)
    if intake.created:
        enqueue_job(session, "process_submission", submission_id=intake.submission.id)
    return intake


def submit_file_and_validate(
    session: Session,
    request: IntakeRequest,
    stream: BinaryIO,
    today: date,
    progress: Progress | None = None,
) -> tuple[Intake, Outcome | None]:
    """What an upload does, with the validation run here instead of by a worker (the operator's
    ``woonzorg ingest``, with its progress bar): the same follow-up, the same status events.
    A content received before gives no outcome: nothing new happened."""
    intake = receive_file(session, payload_store(), request, stream)
    if not intake.created:
        return intake, None
    assert intake.submission.id is not None  # receive_file flushed it
    return intake, validate(session, intake.submission.id, today, progress)


def submit_rows(session: Session, request: IntakeRequest, rows: Iterable[SubmittedRow]) -> Intake:
    intake = receive_rows(session, payload_store(), request, rows)
    if intake.created:
        enqueue_job(session, "process_submission", submission_id=intake.submission.id)
    return intake


def mark_validating(session: Session, submission_id: int) -> None:
    """Show that validation has started (in a transaction of its own, before the work)."""
    submission = session.get(Submission, submission_id)
    if submission is not None and submission.status is SubmissionStatus.RECEIVED:
        submission.status = SubmissionStatus.VALIDATING


def validate(
    session: Session, submission_id: int, today: date, progress: Progress | None = None
) -> Outcome:
    """Validate every row; a trusted source's valid submission is applied in the same step."""
    outcome = lifecycle.validate_submission(
        session, payload_store(), submission_id, today, progress
    )
    _follow_up(session, outcome)
    return outcome


def give_up(session: Session, submission_id: int, *, error: str, attempts: int) -> None:
    """A job on the submission failed for the last time: the submission ends as failed (its
    submitter sees the reason and a status event), never left validating or approved."""
    first_line = error.strip().splitlines()[0] if error.strip() else "unknown error"
    reason = f"Processing stopped after {attempts} failed attempt(s): {first_line}"
    submission = lifecycle.fail_submission(session, submission_id, reason)
    if submission is not None:
        _announce(session, submission_id, submission.status)


def delete_expired_payloads(session: Session, now: datetime) -> int:
    """The scheduled clean-up: rejected submissions' files older than the retention period."""
    days = get_settings().rejected_payload_retention_days
    return retention.delete_expired_rejected_payloads(
        session, payload_store(), now, timedelta(days=days)
    )


def apply(session: Session, submission_id: int, today: date) -> Outcome:
    """Write an approved submission's rows as observations."""
    outcome = lifecycle.apply_submission(session, payload_store(), submission_id, today)
    _follow_up(session, outcome)
    return outcome


def approve(
    session: Session, submission_id: int, *, actor: Actor, reason: str | None = None
) -> Submission:
    submission = lifecycle.approve_submission(session, submission_id, actor=actor, reason=reason)
    enqueue_job(session, "apply_approved_submission", submission_id=submission_id)
    _announce(session, submission_id, submission.status)
    return submission


def return_for_correction(
    session: Session, submission_id: int, *, actor: Actor, reason: str
) -> Submission:
    submission = lifecycle.return_submission(session, submission_id, actor=actor, reason=reason)
    _announce(session, submission_id, submission.status)
    return submission


def _follow_up(session: Session, outcome: Outcome) -> None:
    """Queue the recompute of what applied figures touch; announce the new status."""
    queue_recompute_for_cells(session, outcome.affected_cells)
    _announce(session, outcome.submission_id, outcome.status)


def _announce(session: Session, submission_id: int, status: SubmissionStatus) -> None:
    payload = {"id": submission_id, "status": status.value}
    topic = events.submission_topic(submission_id)
    on_commit(session, lambda: events.publish(topic, payload))

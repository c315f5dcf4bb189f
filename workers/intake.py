"""Receiving and deciding submissions, with their jobs queued in the same transaction.

The HTTP route, the GraphQL mutations and the CLI all come through here: the submission and its
job are committed together and the job is sent after the commit (the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import BinaryIO

from sqlmodel import Session

from db.actor import Actor
from db.models import Submission
from db.models.enums import SubmissionChannel
from ingest.submissions import lifecycle
from ingest.submissions.intake import (
    Intake,
    IntakeRequest,
    SubmittedRow,
    receive_file,
    receive_rows,
)
from workers import events
from workers.actors.submissions import apply_approved_submission, payload_store, process_submission
from workers.outbox import enqueue_job, on_commit


def submit_file(session: Session, request: IntakeRequest, stream: BinaryIO) -> Intake:
    intake = receive_file(session, payload_store(), request, stream)
    if intake.created:
        enqueue_job(session, process_submission, submission_id=intake.submission.id)
    return intake


def submit_projects_file(session: Session, request: IntakeRequest, stream: BinaryIO) -> Intake:
    """A project file (CSV or XLSX): the same path as figures, on the ``project`` channel."""
    return submit_file(session, replace(request, channel=SubmissionChannel.PROJECT), stream)


def submit_rows(session: Session, request: IntakeRequest, rows: Iterable[SubmittedRow]) -> Intake:
    intake = receive_rows(session, payload_store(), request, rows)
    if intake.created:
        enqueue_job(session, process_submission, submission_id=intake.submission.id)
    return intake


def approve(
    session: Session, submission_id: int, *, actor: Actor, reason: str | None = None
) -> Submission:
    submission = lifecycle.approve_submission(session, submission_id, actor=actor, reason=reason)
    enqueue_job(session, apply_approved_submission, submission_id=submission_id)
    _announce(session, submission)
    return submission


def return_for_correction(
    session: Session, submission_id: int, *, actor: Actor, reason: str
) -> Submission:
    submission = lifecycle.return_submission(session, submission_id, actor=actor, reason=reason)
    _announce(session, submission)
    return submission


def _announce(session: Session, submission: Submission) -> None:
    payload = {"id": submission.id, "status": submission.status.value}
    topic = events.submission_topic(submission.id)  # type: ignore[arg-type]
    on_commit(session, lambda: events.publish(topic, payload))

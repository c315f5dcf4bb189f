"""Receiving a submission: store the payload as sent, record it, and never count it twice.

With an idempotency key, the key is the identity: the same key returns the submission it first
created, and different content under a used key is refused. Without a key, the same content again
returns the earlier submission unless that one was a dry run, rejected or returned (then sending it
again is a new attempt). Either way a figure equal to the stored one never makes a new version.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from sqlmodel import Session, col, select

from core.enums import SubmissionChannel, SubmissionStatus
from db.models import Organisation, Submission
from ingest.submitted_rows import SubmittedRow, canonical_csv
from services import audit
from services.submissions.payloads import PayloadStore

RESUBMITTABLE = (SubmissionStatus.REJECTED, SubmissionStatus.RETURNED)


class IdempotencyConflict(ValueError):
    """The idempotency key was used before for different content."""


@dataclass(frozen=True)
class Intake:
    submission: Submission
    created: bool  # False: the same submission was received before


@dataclass(frozen=True)
class IntakeRequest:
    organisation: Organisation
    channel: SubmissionChannel
    filename: str | None = None
    dry_run: bool = False
    idempotency_key: str | None = None
    correction_reason: str | None = None
    user_id: int | None = None


def receive_file(
    session: Session, store: PayloadStore, request: IntakeRequest, stream: BinaryIO
) -> Intake:
    suffix = PurePath(request.filename or "rows.csv").suffix or ".csv"
    payload, checksum = store.save(stream, suffix)
    earlier = _earlier_submission(session, request, checksum)
    if earlier is not None:
        return Intake(earlier, created=False)
    organisation_id = request.organisation.id
    assert organisation_id is not None  # a stored organisation
    submission = Submission(
        organisation_id=organisation_id,
        channel=request.channel,
        checksum=checksum,
        idempotency_key=request.idempotency_key,
        filename=request.filename,
        payload_path=payload,
        dry_run=request.dry_run,
        correction_reason=request.correction_reason,
        submitted_by_user_id=request.user_id,
    )
    session.add(submission)
    session.flush()
    assert submission.id is not None  # just flushed
    audit.record(
        session,
        None,
        "submission.received",
        "submission",
        submission.id,
        after={
            "channel": request.channel.value,
            "filename": request.filename,
            "dry_run": request.dry_run,
        },
        reason=request.correction_reason,
        actor_label=request.organisation.code,
        user_id=request.user_id,
        organisation_id=request.organisation.id,
    )
    return Intake(submission, created=True)


def receive_rows(
    session: Session, store: PayloadStore, request: IntakeRequest, rows: Iterable[SubmittedRow]
) -> Intake:
    """API rows are kept as a canonical CSV, so they take the same path as uploaded files."""
    return receive_file(session, store, request, io.BytesIO(canonical_csv(rows)))


def _earlier_submission(
    session: Session, request: IntakeRequest, checksum: str
) -> Submission | None:
    org_id = request.organisation.id
    if request.idempotency_key is not None:
        keyed = session.exec(
            select(Submission).where(
                Submission.organisation_id == org_id,
                Submission.idempotency_key == request.idempotency_key,
            )
        ).first()
        if keyed is not None:
            if keyed.checksum != checksum:
                raise IdempotencyConflict(
                    f"idempotency key '{request.idempotency_key}' was used for submission "
                    f"{keyed.id} with different content"
                )
            return keyed
        return None
    if request.dry_run:
        return None
    return session.exec(
        select(Submission)
        .where(
            Submission.organisation_id == org_id,
            Submission.checksum == checksum,
            col(Submission.dry_run).is_(False),
            col(Submission.status).not_in(RESUBMITTABLE),
        )
        .order_by(col(Submission.id))
    ).first()

"""Rejected payloads are not kept for ever: after a retention period their bytes are deleted.

The submission, its row-level errors and its checksum stay (so a re-sent copy is still
recognised); only the stored file goes, and ``payload_path`` becomes empty. Payloads are named by
their checksum, so one file may belong to several submissions: it is deleted only when every
submission that names it is an expired rejected one, and not when it was written again recently
(a new copy of the same content arriving just now).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.enums import SubmissionStatus
from db.models import Submission
from services import audit
from services.submissions.payloads import PayloadStore

log = logging.getLogger(__name__)


def delete_expired_rejected_payloads(
    session: Session, store: PayloadStore, now: datetime, retention: timedelta
) -> int:
    """Delete the files of submissions rejected before ``now - retention``; returns how many
    submissions lost their file."""
    cutoff = now - retention
    finished = sa.func.coalesce(col(Submission.validated_at), col(Submission.received_at))
    expired = session.exec(
        select(Submission).where(
            col(Submission.status) == SubmissionStatus.REJECTED,
            col(Submission.payload_path).is_not(None),
            finished <= cutoff,
        )
    ).all()
    if not expired:
        return 0
    names = {s.payload_path for s in expired if s.payload_path}
    still_needed = set(
        session.exec(
            select(Submission.payload_path).where(
                col(Submission.payload_path).in_(names),
                col(Submission.id).not_in([s.id for s in expired]),
            )
        ).all()
    )
    cleared = 0
    for submission in expired:
        name = submission.payload_path
        assert name is not None and submission.id is not None  # selected so
        if name in still_needed:
            continue
        path = store.path(name)
        if path.exists() and datetime.fromtimestamp(path.stat().st_mtime, now.tzinfo) > cutoff:
            continue  # written again recently: a new copy of the same content
        path.unlink(missing_ok=True)
        submission.payload_path = None
        audit.record(
            session,
            None,
            "submission.payload_deleted",
            "submission",
            submission.id,
            before={"payload": name},
            reason=f"rejected more than {retention.days} days ago",
            actor_label="retention",
        )
        cleared += 1
    log.info("deleted the files of %d expired rejected submission(s)", cleared)
    return cleared

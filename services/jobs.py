"""Follow-up jobs, queued through the outbox by name: a job is a row written in the caller's
transaction, and the workers' broker sends it once that transaction commits.

Services name the job (``enqueue_job(session, "recompute_progress", target_ids=[…])``) and never
import an actor; ``workers.actors`` declares one actor per name in ``JOBS``. A process whose broker
cannot deliver (a CLI command in embedded mode) leaves its jobs pending for the serving process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from db.models import OutboxJob

log = logging.getLogger(__name__)

INGEST = "ingest"
COMPUTE = "compute"
MAINTENANCE = "maintenance"
QUEUES = (INGEST, COMPUTE, MAINTENANCE)

# Every job, by name, with the queue that consumes it (ingestion and computation are consumed by
# separate worker groups in production).
JOBS: dict[str, str] = {
    "process_submission": INGEST,
    "apply_approved_submission": INGEST,
    "pull_source": INGEST,
    "recompute_progress": COMPUTE,
    "recompute_everything": COMPUTE,
    "heartbeat": MAINTENANCE,
    "remind_missing_reports": MAINTENANCE,
    "send_reminder_email": MAINTENANCE,
    "deliver_webhook": MAINTENANCE,
    "refresh_open_data": MAINTENANCE,
    "delete_expired_payloads": MAINTENANCE,
}

PENDING_JOBS_KEY = "outbox_pending_ids"
_CALLBACKS_KEY = "outbox_on_commit"


@dataclass(frozen=True)
class Attempt:
    """Which try of a job is running; ``last`` when no retry follows a failure of this one."""

    number: int  # 1 for the first try
    last: bool
    message_id: str | None = None


FIRST_AND_LAST_ATTEMPT = Attempt(number=1, last=True)


def enqueue_job(session: Session, name: str, **args: Any) -> OutboxJob:
    """Record a call of job ``name`` in the session's transaction; it is sent after the commit."""
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}: known jobs are {', '.join(sorted(JOBS))}")
    job = OutboxJob(actor_name=name, queue_name=JOBS[name], args=args)
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING_JOBS_KEY, []).append(job.id)
    return job


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on a rollback)."""
    session.info.setdefault(_CALLBACKS_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_commit_callbacks(session: Session) -> None:
    for callback in session.info.pop(_CALLBACKS_KEY, []):
        try:
            callback()
        except Exception:  # a notification must never undo or fail committed work
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_CALLBACKS_KEY, None)
    session.info.pop(PENDING_JOBS_KEY, None)

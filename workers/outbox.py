"""The job outbox: record a job in the caller's transaction, send it only after the commit.

``enqueue_job(session, actor, **args)`` adds an ``OutboxJob`` row; when the session commits, the
job is sent to the broker. If the process dies between commit and send, or a worker dies while
running the job, ``resend_unfinished`` (at start-up and from the scheduler) sends it again. Actors
built with ``job_actor`` mark their job done in the same transaction as their work, so a
redelivered message finds the job done and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dramatiq
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, select

from db.base import utcnow
from db.engine import session_scope
from db.models import OutboxJob
from db.models.enums import JobStatus
from workers.broker import broker, can_deliver

log = logging.getLogger(__name__)

_PENDING_KEY = "outbox_pending_ids"


def enqueue_job(session: Session, actor: dramatiq.Actor, **args: Any) -> OutboxJob:
    """Record a call of ``actor`` in the session's transaction; it is sent after the commit."""
    job = OutboxJob(actor_name=actor.actor_name, queue_name=actor.queue_name, args=args)
    session.add(job)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append(job.id)
    return job


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    job_ids = session.info.pop(_PENDING_KEY, [])
    if job_ids:
        send_jobs(session.get_bind(), job_ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def send_jobs(bind: sa.Engine | sa.Connection, job_ids: list[int]) -> int:
    """Send the given jobs to the broker; returns how many were sent.

    Each job is marked ``sent`` and committed *before* its message goes out: a worker may finish
    the job at once, and a later commit would overwrite its ``done``. A crash between the commit
    and the send leaves a ``sent`` job that ``resend_unfinished`` sends again.
    """
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    if not can_deliver():
        return 0
    messages = []
    with session_scope(engine) as session:
        for job in session.exec(select(OutboxJob).where(OutboxJob.id.in_(job_ids))):  # type: ignore[union-attr]
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                continue
            message = broker.get_actor(job.actor_name).message(job.id)
            job.status = JobStatus.SENT
            job.sent_at = utcnow()
            job.message_id = message.message_id
            messages.append(message)
    for message in messages:
        broker.enqueue(message)
    return len(messages)


def resend_unfinished(engine: sa.Engine, *, sent_longer_than: timedelta) -> int:
    """Send pending jobs, and sent jobs that have not finished in ``sent_longer_than``."""
    cutoff = utcnow() - sent_longer_than
    with Session(engine) as session:
        stale = session.exec(
            select(OutboxJob.id).where(
                (OutboxJob.status == JobStatus.PENDING)
                | ((OutboxJob.status == JobStatus.SENT) & (OutboxJob.sent_at < cutoff))  # type: ignore[operator]
            )
        ).all()
    job_ids = [job_id for job_id in stale if job_id is not None]
    if job_ids:
        log.info("re-sending %d unfinished job(s)", len(job_ids))
    return send_jobs(engine, job_ids) if job_ids else 0


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (never on a rollback)."""
    session.info.setdefault(_CALLBACKS_KEY, []).append(callback)


_CALLBACKS_KEY = "outbox_on_commit"


@event.listens_for(Session, "after_commit")
def _run_commit_callbacks(session: Session) -> None:
    for callback in session.info.pop(_CALLBACKS_KEY, []):
        try:
            callback()
        except Exception:  # a notification must never undo or fail committed work
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _drop_commit_callbacks(session: Session) -> None:
    session.info.pop(_CALLBACKS_KEY, None)


def job_actor(
    *,
    queue_name: str,
    max_retries: int = 5,
    time_limit_ms: int = 10 * 60_000,
    before: Callable[..., Any] | None = None,
    **options: Any,
) -> Callable[[Callable[..., Any]], dramatiq.Actor]:
    """Turn ``fn(session, **args)`` into an idempotent actor that takes an outbox job id.

    The function's work and the job's ``done`` mark commit in one transaction. A failure rolls the
    work back, records the error on the job and lets dramatiq retry with backoff. ``before``
    (same arguments) runs first in a transaction of its own, e.g. to show that work has started.
    """

    def decorate(fn: Callable[..., Any]) -> dramatiq.Actor:
        def run(job_id: int) -> None:
            from db.engine import get_engine

            engine = get_engine()
            try:
                if before is not None:
                    with session_scope(engine) as session:
                        job = session.get(OutboxJob, job_id)
                        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                            return
                        before(session, **job.args)
                with session_scope(engine) as session:
                    job = session.get(OutboxJob, job_id, with_for_update=True)
                    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                        return
                    job.attempts += 1
                    fn(session, **job.args)
                    job.status = JobStatus.DONE
                    job.finished_at = utcnow()
            except Exception as exc:
                _record_failure(engine, job_id, exc, final=_is_last_attempt(max_retries))
                raise

        run.__name__ = fn.__name__
        run.__qualname__ = fn.__qualname__
        run.__doc__ = fn.__doc__
        return dramatiq.actor(
            run,
            actor_name=fn.__name__,
            queue_name=queue_name,
            max_retries=max_retries,
            time_limit=time_limit_ms,
            broker=broker,
            **options,
        )

    return decorate


def _is_last_attempt(max_retries: int) -> bool:
    message = dramatiq.middleware.CurrentMessage.get_current_message()
    return message is None or message.options.get("retries", 0) >= max_retries


def _record_failure(engine: sa.Engine, job_id: int, exc: Exception, *, final: bool) -> None:
    with session_scope(engine) as session:
        job = session.get(OutboxJob, job_id)
        if job is None:
            return
        job.attempts += 1
        job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if final:
            job.status = JobStatus.FAILED
            job.finished_at = utcnow()

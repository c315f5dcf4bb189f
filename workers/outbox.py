"""The job outbox, the broker's side: send committed jobs, re-send unfinished ones, run them once.

``services.jobs.enqueue_job(session, name, **args)`` adds an ``OutboxJob`` row; when the session
commits, the sender installed here sends the job to the broker. If the process dies between commit and send, or a worker dies while
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
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import JobStatus
from db.engine import get_engine, session_scope
from db.models import OutboxJob
from services.jobs import JOBS, PENDING_JOBS_KEY
from workers.broker import can_deliver, get_broker

log = logging.getLogger(__name__)


def install_sender() -> None:
    """Send the jobs a transaction queued (``services.jobs.enqueue_job``) once it commits."""
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)


def _send_after_commit(session: Session) -> None:
    job_ids = session.info.pop(PENDING_JOBS_KEY, [])
    if job_ids:
        send_jobs(session.get_bind(), job_ids)


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
        for job in session.exec(select(OutboxJob).where(col(OutboxJob.id).in_(job_ids))):
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                continue
            message = get_broker().get_actor(job.actor_name).message(job.id)
            job.status = JobStatus.SENT
            job.sent_at = utcnow()
            job.message_id = message.message_id
            messages.append(message)
    broker = get_broker()
    for message in messages:
        broker.enqueue(message)
    return len(messages)


def resend_unfinished(engine: sa.Engine, *, sent_longer_than: timedelta) -> int:
    """Send pending jobs, and sent jobs that have not finished in ``sent_longer_than``."""
    cutoff = utcnow() - sent_longer_than
    with Session(engine) as session:
        stale = session.exec(
            select(OutboxJob.id).where(
                (col(OutboxJob.status) == JobStatus.PENDING)
                | ((col(OutboxJob.status) == JobStatus.SENT) & (col(OutboxJob.sent_at) < cutoff))
            )
        ).all()
    job_ids = [job_id for job_id in stale if job_id is not None]
    if job_ids:
        log.info("re-sending %d unfinished job(s)", len(job_ids))
    return send_jobs(engine, job_ids) if job_ids else 0


def job_actor(
    *,
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
        queue_name = JOBS[fn.__name__]  # KeyError: a job without a name in services.jobs.JOBS

        def run(job_id: int) -> None:
            engine = get_engine()
            try:
                if before is not None:
                    with session_scope(engine) as session:
                        job = session.get(OutboxJob, job_id)
                        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                            return
                        before(session, **job.args)
                # The attempt is counted in a short transaction of its own: the work's
                # transaction then writes nothing before the work does (on SQLite a pending
                # write would hold the database's write lock for as long as the work reads).
                with session_scope(engine) as session:
                    job = session.get(OutboxJob, job_id)
                    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                        return
                    job.attempts += 1
                with session_scope(engine) as session:
                    job = session.get(OutboxJob, job_id, with_for_update=True)
                    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                        return
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
            actor_name=fn.__name__,
            queue_name=queue_name,
            max_retries=max_retries,
            time_limit=time_limit_ms,
            broker=get_broker(),
            **options,
        )(run)

    return decorate


def _is_last_attempt(max_retries: int) -> bool:
    message = dramatiq.middleware.CurrentMessage.get_current_message()
    return message is None or message.options.get("retries", 0) >= max_retries


def _record_failure(engine: sa.Engine, job_id: int, exc: Exception, *, final: bool) -> None:
    with session_scope(engine) as session:
        job = session.get(OutboxJob, job_id)
        if job is None:
            return
        job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if final:
            job.status = JobStatus.FAILED
            job.finished_at = utcnow()

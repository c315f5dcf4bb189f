"""The job outbox, the broker's side: send committed jobs, re-send unfinished ones, run them once.

``services.jobs.enqueue_job(session, name, **args)`` adds an ``OutboxJob`` row; when the session
commits, the sender installed here sends the job to the broker. If the process dies between commit and send, or a worker dies while
running the job, ``resend_unfinished`` (at start-up and from the scheduler, every
``WOONZORG_OUTBOX_CHECK_SECONDS``) sends it again: at once when the worker process that started it
stopped beating (``worker_process``), or when the broker no longer holds its message (Redis
restarted empty). Actors built with ``job_actor`` mark their job done in the same transaction as
their work, so a redelivered message finds the job done and does nothing.

Sending never fails the transaction that queued the job: a broker that is down leaves the job
for the scheduler. A failure that cannot be written (the database is down) is kept in memory and
written once the database answers again.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import dramatiq
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import JobStatus
from db.engine import get_engine, session_scope
from db.models import OutboxJob, WorkerProcess
from services.jobs import JOBS, PENDING_JOBS_KEY
from workers.broker import can_deliver, get_broker, message_in_broker, worker_id

log = logging.getLogger(__name__)


def install_sender() -> None:
    """Send the jobs a transaction queued (``services.jobs.enqueue_job``) once it commits."""
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)


def _send_after_commit(session: Session) -> None:
    """Runs inside ``session.commit()``: an error here would make the caller roll back a session
    that has already committed. A send that fails leaves the job for ``resend_unfinished``."""
    job_ids = session.info.pop(PENDING_JOBS_KEY, [])
    if job_ids:
        try:
            send_jobs(session.get_bind(), job_ids)
        except Exception as exc:
            log.warning(
                "job(s) %s committed but not sent (%s: %s); the scheduler sends them later",
                job_ids,
                type(exc).__name__,
                exc,
            )


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
            job.worker_id = None
            messages.append(message)
    broker = get_broker()
    for sent, message in enumerate(messages):
        try:
            broker.enqueue(message)
        except Exception:
            _back_to_pending(engine, [int(m.args[0]) for m in messages[sent:]])
            raise
    return len(messages)


def _back_to_pending(engine: sa.Engine, job_ids: list[int]) -> None:
    """Best effort: jobs whose message did not go out are pending again (sent at the next check)."""
    try:
        with session_scope(engine) as session:
            session.execute(
                sa.update(OutboxJob)
                .where(col(OutboxJob.id).in_(job_ids), col(OutboxJob.status) == JobStatus.SENT)
                .values(status=JobStatus.PENDING, message_id=None)
            )
    except Exception:
        log.warning("could not mark job(s) %s pending again; they are re-sent as lost", job_ids)


def resend_unfinished(
    engine: sa.Engine,
    *,
    sent_longer_than: timedelta,
    lost_after: timedelta = timedelta(seconds=15),
    worker_dead_after: timedelta = timedelta(seconds=20),
    fresh_broker: bool = False,
) -> int:
    """Send pending jobs, and sent jobs that will not finish by themselves:

    * started by a worker process that stopped, or whose heartbeat is older than
      ``worker_dead_after`` (killed, lost its host);
    * sent or started longer than ``lost_after`` ago and no longer held by the broker, yet not
      finished (the message was lost with Redis, or the run ended without its commit reaching
      the database);
    * not started and sent longer than ``sent_longer_than`` ago when the broker cannot say;
    * every sent job when ``fresh_broker`` (an in-memory broker that just started holds nothing).
    """
    now = utcnow()
    flush_unrecorded_failures(engine)
    with Session(engine) as session:
        live = set(
            session.exec(
                select(WorkerProcess.id).where(
                    col(WorkerProcess.stopped_at).is_(None),
                    col(WorkerProcess.last_seen_at) >= now - worker_dead_after,
                )
            ).all()
        )
        pending = session.exec(
            select(OutboxJob.id).where(col(OutboxJob.status) == JobStatus.PENDING)
        ).all()
        sent = session.execute(
            sa.select(
                col(OutboxJob.id),
                col(OutboxJob.queue_name),
                col(OutboxJob.message_id),
                col(OutboxJob.sent_at),
                col(OutboxJob.worker_id),
                col(OutboxJob.started_at),
            ).where(col(OutboxJob.status) == JobStatus.SENT)
        ).all()
    job_ids = [job_id for job_id in pending if job_id is not None]
    orphaned = lost = 0
    for job_id, queue_name, message_id, sent_at, running_on, started_at in sent:
        if job_id is None:
            continue
        if fresh_broker:
            lost += 1
            job_ids.append(job_id)
            continue
        if running_on is not None and running_on not in live:
            orphaned += 1
            job_ids.append(job_id)
            continue
        latest = (
            max(moment for moment in (sent_at, started_at) if moment is not None)
            if (sent_at or started_at)
            else None
        )
        if latest is None or latest >= now - lost_after:
            continue  # just sent or just started: it may still be on its way
        held = message_in_broker(queue_name, message_id) if message_id else False
        if held is False or (
            held is None and running_on is None and latest < now - sent_longer_than
        ):
            lost += 1
            job_ids.append(job_id)
    if job_ids:
        log.info(
            "sending %d job(s): %d pending, %d of dead workers, %d lost",
            len(job_ids),
            len(job_ids) - orphaned - lost,
            orphaned,
            lost,
        )
    return send_jobs(engine, job_ids) if job_ids else 0


def job_actor(
    *,
    max_retries: int = 5,
    time_limit_ms: int = 10 * 60_000,
    before: Callable[..., Any] | None = None,
    give_up: Callable[..., Any] | None = None,
    **options: Any,
) -> Callable[[Callable[..., Any]], dramatiq.Actor]:
    """Turn ``fn(session, **args)`` into an idempotent actor that takes an outbox job id.

    The function's work and the job's ``done`` mark commit in one transaction. A failure rolls the
    work back, records the error on the job and lets dramatiq retry with backoff. ``before``
    (same arguments) runs first in a transaction of its own, e.g. to show that work has started.
    ``give_up(session, error=…, attempts=…, **args)`` runs when the last retry failed, in the
    transaction that marks the job failed (e.g. to end what the job was working on).
    """

    def decorate(fn: Callable[..., Any]) -> dramatiq.Actor:
        queue_name = JOBS[fn.__name__]  # KeyError: a job without a name in services.jobs.JOBS

        def run(job_id: int) -> None:
            engine = get_engine()
            try:
                flush_unrecorded_failures(engine)
                with session_scope(engine) as session:
                    job = session.get(OutboxJob, job_id)
                    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                        return
                    # The attempt is counted in this short transaction of its own: the work's
                    # transaction then writes nothing before the work does (on SQLite a pending
                    # write would hold the database's write lock for as long as the work reads).
                    job.attempts += 1
                    job.worker_id = worker_id()  # a dead worker's job is re-sent at once
                    job.started_at = utcnow()
                    args = dict(job.args)
                    session.flush()  # written before ``before`` runs, whatever it does
                    if before is not None:
                        before(session, **args)
                with session_scope(engine) as session:
                    job = session.get(OutboxJob, job_id, with_for_update=True)
                    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                        return
                    args = dict(job.args)
                    fn(session, **args)
                    _mark_done(session, job_id)
            except Exception as exc:
                _record_failure(
                    engine, job_id, exc, final=_is_last_attempt(max_retries), give_up=give_up
                )
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


def _mark_done(session: Session, job_id: int) -> None:
    """Mark the job done in the work's transaction by a statement of its own, not through the row
    loaded before the work: the work may have emptied the session (an export pages through its
    rows with ``expunge_all``), and a change to a row no longer in the session is silently never
    written, which left such a job ``sent`` for ever, re-sent and re-run every 20 s."""
    marked = session.execute(
        sa.update(OutboxJob)
        .where(col(OutboxJob.id) == job_id)
        .values(status=JobStatus.DONE, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(marked, "rowcount", 1) != 1:  # the row was locked above: it cannot have gone
        raise RuntimeError(f"outbox job {job_id} vanished while it ran")


def _is_last_attempt(max_retries: int) -> bool:
    message = dramatiq.middleware.CurrentMessage.get_current_message()
    return message is None or message.options.get("retries", 0) >= max_retries


@dataclass(frozen=True)
class _Failure:
    job_id: int
    error: str
    final: bool
    at: datetime
    give_up: Callable[..., Any] | None = None


_unrecorded: deque[_Failure] = deque(maxlen=10_000)
_unrecorded_lock = threading.Lock()


def _record_failure(
    engine: sa.Engine,
    job_id: int,
    exc: Exception,
    *,
    final: bool,
    give_up: Callable[..., Any] | None = None,
) -> None:
    failure = _Failure(job_id, f"{type(exc).__name__}: {exc}"[:2000], final, utcnow(), give_up)
    try:
        _write_failure(engine, failure)
    except Exception as write_error:
        # the database is down (often the very failure): keep it, write it once it is back
        log.warning(
            "job %s failed (%s); the failure is recorded once the database answers (%s)",
            job_id,
            failure.error,
            type(write_error).__name__,
        )
        with _unrecorded_lock:
            _unrecorded.append(failure)


def _write_failure(engine: sa.Engine, failure: _Failure) -> None:
    with session_scope(engine) as session:
        job = session.get(OutboxJob, failure.job_id)
        if job is None:
            return
        job.last_error = failure.error
        job.worker_id = None  # its retry waits in the broker, started by nobody
        if failure.final and job.status != JobStatus.DONE:
            job.status = JobStatus.FAILED
            job.finished_at = failure.at
            if failure.give_up is not None:
                failure.give_up(session, error=failure.error, attempts=job.attempts, **job.args)


def flush_unrecorded_failures(engine: sa.Engine) -> int:
    """Write the failures kept while the database was down; returns how many were written."""
    written = 0
    while True:
        with _unrecorded_lock:
            if not _unrecorded:
                return written
            failure = _unrecorded[0]
        try:
            _write_failure(engine, failure)
        except Exception:
            return written
        with _unrecorded_lock:
            if _unrecorded and _unrecorded[0] is failure:
                _unrecorded.popleft()
        written += 1


def unrecorded_failures() -> int:
    with _unrecorded_lock:
        return len(_unrecorded)

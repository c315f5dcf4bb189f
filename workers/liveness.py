"""Worker processes beat in the database (``worker_process``) while they are alive.

A dramatiq middleware starts a thread when the worker boots: every
``WOONZORG_WORKER_HEARTBEAT_SECONDS`` it records the process as alive and writes failures kept
while the database was down. A worker that shuts down cleanly says so (``stopped_at``); one that
is killed is marked stopped by its supervisor as soon as it sees the exit (``mark_exited``), or,
when the supervisor went down with it (a lost host or container), simply stops beating. The
scheduler re-sends the jobs of a stopped worker at its next check and those of a silent one after
``WOONZORG_WORKER_DEAD_AFTER_SECONDS`` (``workers.outbox.resend_unfinished``), and ``/readyz``
and ``/status`` show who is alive.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

import dramatiq
import sqlalchemy as sa
from sqlmodel import col

from core.clock import utcnow
from db.engine import get_engine, session_scope
from db.models import WorkerProcess
from workers.broker import worker_id
from workers.outbox import flush_unrecorded_failures

log = logging.getLogger(__name__)


def beat(engine: sa.Engine, queues: list[str]) -> None:
    """Record this process as alive now."""
    with session_scope(engine) as session:
        row = session.get(WorkerProcess, worker_id())
        if row is None:
            row = WorkerProcess(
                id=worker_id(), hostname=socket.gethostname()[:200], pid=os.getpid()
            )
            session.add(row)
        row.queues = queues
        row.last_seen_at = utcnow()
        row.stopped_at = None


def mark_exited(engine: sa.Engine, hostname: str, pid: int) -> int:
    """Record that the worker process ``pid`` on ``hostname`` has exited (its supervisor saw it
    die): the scheduler need not wait for its beat to go stale. Returns the rows marked."""
    with session_scope(engine) as session:
        result = session.execute(
            sa.update(WorkerProcess)
            .where(
                col(WorkerProcess.hostname) == hostname[:200],
                col(WorkerProcess.pid) == pid,
                col(WorkerProcess.stopped_at).is_(None),
            )
            .values(stopped_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)


def say_goodbye(engine: sa.Engine) -> None:
    with session_scope(engine) as session:
        row = session.get(WorkerProcess, worker_id())
        if row is not None:
            row.stopped_at = utcnow()


class WorkerLiveness(dramatiq.Middleware):
    """Beats for the worker of this process (the dramatiq CLI's, or the embedded one)."""

    def __init__(self, interval_seconds: float) -> None:
        self.interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._queues: list[str] = []

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        whitelist = getattr(worker, "consumer_whitelist", None)
        self._queues = sorted(whitelist or broker.get_declared_queues())
        self._stop.clear()
        self._beat_once()  # alive before the first job runs
        self._thread = threading.Thread(target=self._run, name="worker-liveness", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        self._stop.set()
        try:
            say_goodbye(get_engine())
        except Exception:
            log.warning("could not record this worker's shutdown")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._beat_once()

    def _beat_once(self) -> None:
        engine = get_engine()
        try:
            beat(engine, self._queues)
            flush_unrecorded_failures(engine)
        except Exception as exc:
            log.warning("worker heartbeat not recorded (%s: %s)", type(exc).__name__, exc)

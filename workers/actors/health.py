"""Queue liveness: a heartbeat job per queue, sent by the scheduler every minute, shown by /status
(``queueLastConsumedAt``). Process liveness is ``workers.liveness`` (``/readyz``, ``/status``)."""

from __future__ import annotations

import socket

from sqlmodel import Session, select

from core.clock import utcnow
from db.models import WorkerHeartbeat
from workers.outbox import job_actor


@job_actor(max_retries=0, time_limit_ms=30_000)
def heartbeat(session: Session, queue_name: str) -> None:
    """Record that a worker consumed a job (for ``queue_name``) just now."""
    row = session.exec(
        select(WorkerHeartbeat).where(WorkerHeartbeat.queue_name == queue_name)
    ).first()
    if row is None:
        row = WorkerHeartbeat(queue_name=queue_name, hostname=socket.gethostname())
        session.add(row)
    row.hostname = socket.gethostname()
    row.last_seen_at = utcnow()

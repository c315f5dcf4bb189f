"""What the system is doing: worker liveness, queue depths and the outbox backlog (``/status``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from core.clock import utcnow
from core.enums import JobStatus
from db.models import OutboxJob, WorkerHeartbeat, WorkerProcess
from workers.broker import queue_depths
from workers.outbox import unrecorded_failures


def live_workers(session: Session, dead_after: timedelta) -> list[WorkerProcess]:
    return list(
        session.exec(
            select(WorkerProcess)
            .where(
                col(WorkerProcess.stopped_at).is_(None),
                col(WorkerProcess.last_seen_at) >= utcnow() - dead_after,
            )
            .order_by(col(WorkerProcess.started_at))
        )
    )


def system_status(engine: sa.Engine, dead_after: timedelta) -> dict[str, Any]:
    """Workers seen in the last hour (alive or not), messages per queue, unfinished jobs."""
    now = utcnow()
    with Session(engine) as session:
        workers = session.exec(
            select(WorkerProcess)
            .where(col(WorkerProcess.last_seen_at) >= now - timedelta(hours=1))
            .order_by(col(WorkerProcess.started_at))
        ).all()
        by_status = dict(
            session.execute(
                sa.select(col(OutboxJob.status), func.count())
                .where(col(OutboxJob.status).in_([JobStatus.PENDING, JobStatus.SENT]))
                .group_by(col(OutboxJob.status))
            ).all()
        )
        oldest = session.execute(
            sa.select(func.min(col(OutboxJob.created_at))).where(
                col(OutboxJob.status).in_([JobStatus.PENDING, JobStatus.SENT])
            )
        ).scalar()
        failed_last_hour = session.execute(
            sa.select(func.count()).where(
                col(OutboxJob.status) == JobStatus.FAILED,
                col(OutboxJob.finished_at) >= now - timedelta(hours=1),
            )
        ).scalar_one()
        consumed = session.exec(select(WorkerHeartbeat)).all()
        running = session.execute(
            sa.select(func.count()).where(
                col(OutboxJob.status) == JobStatus.SENT, col(OutboxJob.worker_id).is_not(None)
            )
        ).scalar_one()
    alive = [w for w in workers if w.stopped_at is None and w.last_seen_at >= now - dead_after]
    return {
        "workers": {
            "alive": len(alive),
            "processes": [
                {
                    "id": w.id,
                    "hostname": w.hostname,
                    "pid": w.pid,
                    "queues": w.queues,
                    "startedAt": w.started_at.isoformat(),
                    "lastSeenAt": w.last_seen_at.isoformat(),
                    "alive": w in alive,
                    "stoppedAt": w.stopped_at.isoformat() if w.stopped_at else None,
                }
                for w in workers
            ],
        },
        "queues": queue_depths(),
        # the scheduler's heartbeat job, per queue: when a worker last consumed that queue
        "queueLastConsumedAt": {
            beat.queue_name: beat.last_seen_at.isoformat() for beat in consumed
        },
        "outbox": {
            "pending": int(by_status.get(JobStatus.PENDING, 0)),
            "sent": int(by_status.get(JobStatus.SENT, 0)),
            "running": int(running),
            "failedLastHour": int(failed_last_hour),
            "oldestUnfinishedSeconds": (
                round((now - oldest).total_seconds(), 1) if oldest is not None else None
            ),
            "unrecordedFailuresHere": unrecorded_failures(),
        },
    }

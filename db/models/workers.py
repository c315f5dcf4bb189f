"""Liveness of the queue workers: per queue (the heartbeat job) and per worker process."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from db.base import Field, SQLModel, timestamp_field


class WorkerHeartbeat(SQLModel, table=True):
    """The last time a worker consumed a heartbeat job from a queue."""

    __tablename__ = "worker_heartbeat"

    id: int | None = Field(default=None, primary_key=True)
    queue_name: str = Field(max_length=64, unique=True)
    hostname: str = Field(max_length=200)
    last_seen_at: datetime = timestamp_field(default_now=True)


class WorkerProcess(SQLModel, table=True):
    """One running worker process, beating every few seconds while it is alive.

    A job claimed by a process whose beat stopped (``last_seen_at`` older than
    ``WOONZORG_WORKER_DEAD_AFTER_SECONDS``) or that said goodbye (``stopped_at``) is re-sent by
    the scheduler at once.
    """

    __tablename__ = "worker_process"

    id: str = Field(primary_key=True, max_length=64)
    hostname: str = Field(max_length=200)
    pid: int
    queues: list = Field(default_factory=list, sa_type=sa.JSON)
    started_at: datetime = timestamp_field(default_now=True)
    last_seen_at: datetime = timestamp_field(default_now=True, index=True)
    stopped_at: datetime | None = timestamp_field(nullable=True)

"""Liveness of the queue workers, as written by their heartbeat actor."""

from __future__ import annotations

from datetime import datetime

from db.base import Field, SQLModel, timestamp_field


class WorkerHeartbeat(SQLModel, table=True):
    """The last time a worker consumed a heartbeat job from a queue."""

    __tablename__ = "worker_heartbeat"

    id: int | None = Field(default=None, primary_key=True)
    queue_name: str = Field(max_length=64, unique=True)
    hostname: str = Field(max_length=200)
    last_seen_at: datetime = timestamp_field(default_now=True)

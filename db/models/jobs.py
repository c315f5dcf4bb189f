"""The job outbox: a job is recorded in the database before it is sent to the broker."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.enums import JobStatus
from db.base import Field, SQLModel, enum_field, timestamp_field


class OutboxJob(SQLModel, table=True):
    """One actor call. ``pending`` until sent; ``sent`` until an actor run finishes it."""

    __tablename__ = "outbox_job"
    __table_args__ = (sa.Index("ix_outbox_job_status_created_at", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_name: str = Field(max_length=100)
    queue_name: str = Field(max_length=64)
    args: dict = Field(default_factory=dict, sa_type=sa.JSON)
    status: JobStatus = enum_field(JobStatus, default=JobStatus.PENDING)
    attempts: int = Field(default=0)
    message_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp_field(default_now=True)
    sent_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    # The worker process running the job now (``WorkerProcess.id``), set when a run starts and
    # cleared when it fails; a job of a dead worker is re-sent at once.
    worker_id: str | None = Field(default=None, max_length=64, index=True)
    started_at: datetime | None = timestamp_field(nullable=True)

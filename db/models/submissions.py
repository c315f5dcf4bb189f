"""Batches of figures from one organisation, their review state and their row-level errors."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.enums import SubmissionChannel, SubmissionStatus
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class Submission(SQLModel, table=True):
    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "idempotency_key"),
        sa.Index("ix_submission_organisation_checksum", "organisation_id", "checksum"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id", index=False)
    channel: SubmissionChannel = enum_field(SubmissionChannel)
    status: SubmissionStatus = enum_field(
        SubmissionStatus, default=SubmissionStatus.RECEIVED, index=True
    )
    checksum: str = Field(max_length=64, description="SHA-256 of the content as received")
    idempotency_key: str | None = Field(default=None, max_length=128)
    filename: str | None = Field(default=None, max_length=300)
    payload_path: str | None = Field(default=None, max_length=500)
    dry_run: bool = Field(default=False)
    correction_reason: str | None = Field(
        default=None,
        sa_type=sa.Text,
        description="Why figures that were already reported are changed; required for corrections",
    )
    row_count: int | None = Field(default=None)
    error_count: int = Field(default=0)
    submitted_by_user_id: int | None = fk("app_user.id", nullable=True)
    received_at: datetime = timestamp_field(default_now=True)
    validated_at: datetime | None = timestamp_field(nullable=True)
    decided_at: datetime | None = timestamp_field(nullable=True)
    decided_by_user_id: int | None = fk("app_user.id", nullable=True)
    decision_reason: str | None = Field(default=None, sa_type=sa.Text)
    applied_at: datetime | None = timestamp_field(nullable=True)
    failure_reason: str | None = Field(
        default=None,
        sa_type=sa.Text,
        description="Why processing stopped (status failed): the last error of the job",
    )


class SubmissionError(SQLModel, table=True):
    """What is wrong with one row (or the whole file when ``row_number`` is NULL)."""

    __tablename__ = "submission_error"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = fk("submission.id", ondelete="CASCADE")
    row_number: int | None = Field(default=None)
    column: str | None = Field(default=None, max_length=64)
    value: str | None = Field(default=None, sa_type=sa.Text)
    code: str = Field(max_length=48)
    message_en: str = Field(sa_type=sa.Text)
    message_nl: str = Field(sa_type=sa.Text)

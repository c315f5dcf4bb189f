"""Periodic figures: scheduled source pulls and their ledger, the reporting calendar with its
reminders, and webhook subscriptions with their delivery log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.enums import (
    DeliveryStatus,
    ReportingFrequency,
    SourceKind,
    SourceRunOutcome,
    WebhookEvent,
)
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class Source(SQLModel, table=True):
    """A feed or file that is pulled on a schedule and submitted for its organisation."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: SourceKind = enum_field(SourceKind)
    config: dict = Field(
        default_factory=dict,
        sa_type=sa.JSON,
        description="url / table / path / pattern and, for CBS, the column mapping",
    )
    schedule: str = Field(max_length=100, description="Cron expression (UTC)")
    organisation_id: int = fk("organisation.id")
    active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True)


class SourceRun(SQLModel, table=True):
    """The ledger: one row per attempt of a pull, with what it produced or why it failed."""

    __tablename__ = "source_run"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "message_id", "attempt"),
        sa.Index("ix_source_run_source_started", "source_id", "started_at"),
        sa.CheckConstraint("attempt >= 1", name="attempt_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = fk("source.id", ondelete="CASCADE", index=False)
    message_id: str | None = Field(
        default=None, max_length=64, description="The broker message; shared by its retries"
    )
    attempt: int = Field(default=1)
    started_at: datetime = timestamp_field(default_now=True)
    finished_at: datetime | None = timestamp_field(nullable=True)
    outcome: SourceRunOutcome = enum_field(SourceRunOutcome, default=SourceRunOutcome.RUNNING)
    rows: int | None = Field(default=None)
    submission_id: int | None = fk("submission.id", nullable=True, ondelete="SET NULL")
    error: str | None = Field(default=None, sa_type=sa.Text)
    note: str | None = Field(
        default=None, sa_type=sa.Text, description="What the pull read and skipped, and why"
    )


class ReportingObligation(SQLModel, table=True):
    """An organisation reports an indicator for some jurisdictions, every period, by a due date."""

    __tablename__ = "reporting_obligation"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "indicator_id", "frequency"),
        sa.CheckConstraint("due_days >= 0", name="due_days_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id", ondelete="CASCADE", index=False)
    indicator_id: int = fk("indicator.id")
    frequency: ReportingFrequency = enum_field(ReportingFrequency)
    due_days: int = Field(description="Days after the end of a period the figure is due")
    first_period: str = Field(max_length=16, description="The first period that is owed")
    last_period: str | None = Field(default=None, max_length=16)
    contact_email: str | None = Field(
        default=None, max_length=254, description="Reminder address; else the organisation's users"
    )
    active: bool = Field(default=True)


class ReportingObligationJurisdiction(SQLModel, table=True):
    __tablename__ = "reporting_obligation_jurisdiction"
    __table_args__ = (sa.UniqueConstraint("obligation_id", "jurisdiction_id"),)

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: int = fk("reporting_obligation.id", ondelete="CASCADE", index=False)
    jurisdiction_id: int = fk("jurisdiction.id")


class Reminder(SQLModel, table=True):
    """A reminder sent for one missing cell (obligation × jurisdiction × period) or one overdue
    measure (measure × due period); the unique keys make each at most once."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("obligation_id", "jurisdiction_id", "period"),
        sa.UniqueConstraint("measure_id", "period"),
        sa.CheckConstraint(
            "(obligation_id IS NOT NULL AND jurisdiction_id IS NOT NULL AND measure_id IS NULL)"
            " OR (obligation_id IS NULL AND jurisdiction_id IS NULL AND measure_id IS NOT NULL)",
            name="cell_or_measure",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id", ondelete="CASCADE")
    obligation_id: int | None = fk(
        "reporting_obligation.id", nullable=True, ondelete="CASCADE", index=False
    )
    jurisdiction_id: int | None = fk("jurisdiction.id", nullable=True)
    measure_id: int | None = fk("measure.id", nullable=True, ondelete="CASCADE", index=False)
    period: str = Field(max_length=16)
    channels: list[str] = Field(
        default_factory=list, sa_type=sa.JSON, description="webhook and/or email"
    )
    sent_at: datetime = timestamp_field(default_now=True)
    email_sent_at: datetime | None = timestamp_field(nullable=True)


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "url"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id", ondelete="CASCADE", index=False)
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    secret: str = Field(max_length=128, description="Shared HMAC-SHA256 signing secret")
    active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_now=True)


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription, with every attempt's result (the delivery log)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = fk("webhook_subscription.id", ondelete="CASCADE", index=False)
    event_id: str = Field(max_length=36, description="Shared by the event's deliveries")
    event: WebhookEvent = enum_field(WebhookEvent)
    payload: dict = Field(default_factory=dict, sa_type=sa.JSON)
    status: DeliveryStatus = enum_field(DeliveryStatus, default=DeliveryStatus.PENDING, index=True)
    attempts: int = Field(default=0)
    response_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp_field(default_now=True)
    last_attempt_at: datetime | None = timestamp_field(nullable=True)
    delivered_at: datetime | None = timestamp_field(nullable=True)

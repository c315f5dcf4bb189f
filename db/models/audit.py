"""The audit trail: who changed what, when, from what to what, and why. Append-only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from db.base import Field, SQLModel, fk, timestamp_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = timestamp_field(default_now=True, index=True)
    actor_user_id: int | None = fk("app_user.id", nullable=True)
    actor_token_id: int | None = fk("api_token.id", nullable=True)
    actor_organisation_id: int | None = fk("organisation.id", nullable=True)
    actor_label: str = Field(max_length=200, description="e.g. 'cli', 'seed', a token name")
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=64)
    object_id: str = Field(max_length=128)
    before: dict | None = Field(default=None, sa_type=sa.JSON)
    after: dict | None = Field(default=None, sa_type=sa.JSON)
    reason: str | None = Field(default=None, sa_type=sa.Text)

"""Policy documents, their (nested) action lines, measures, partners and dated status updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from core.enums import DocumentStatus, MeasureStatus, PartnerRole
from db.base import FIGURE, Field, SQLModel, enum_field, fk, timestamp_field


class PolicyDocument(SQLModel, table=True):
    __tablename__ = "policy_document"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    title: str = Field(max_length=400)
    issuer_id: int | None = fk("organisation.id", nullable=True)
    jurisdiction_id: int = fk("jurisdiction.id")
    published_on: date | None = Field(default=None)
    status: DocumentStatus = enum_field(DocumentStatus)
    horizon_year: int | None = Field(default=None)
    source_file: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    retired_on: date | None = Field(default=None, description="No longer in force from this day")


class ActionLine(SQLModel, table=True):
    """A pillar, theme, ambition or objective; nests through ``parent_id``."""

    __tablename__ = "action_line"
    __table_args__ = (sa.UniqueConstraint("document_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = fk("policy_document.id", ondelete="CASCADE")
    parent_id: int | None = fk("action_line.id", nullable=True)
    code: str = Field(max_length=32)
    title: str = Field(sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    position: int = Field(default=0)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    retired_on: date | None = Field(default=None, description="Finished or dropped from this day")


class Measure(SQLModel, table=True):
    """Who does what by when: a measure (action) with its owner and current status."""

    __tablename__ = "measure"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "code"),
        sa.CheckConstraint(
            "percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
            name="percent_complete_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = fk("policy_document.id", ondelete="CASCADE")
    action_line_id: int | None = fk("action_line.id", nullable=True)
    code: str = Field(max_length=32)
    title: str = Field(sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    owner_id: int | None = fk("organisation.id", nullable=True)
    planned_start: str | None = Field(default=None, max_length=16, description="Period text")
    due: str | None = Field(default=None, max_length=16, description="Period text")
    status: MeasureStatus = enum_field(MeasureStatus, default=MeasureStatus.PLANNED, index=True)
    percent_complete: Decimal | None = Field(default=None, sa_type=FIGURE)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    retired_on: date | None = Field(default=None, description="No longer pursued from this day")


class MeasurePartner(SQLModel, table=True):
    __tablename__ = "measure_partner"
    __table_args__ = (sa.UniqueConstraint("measure_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = fk("measure.id", ondelete="CASCADE")
    organisation_id: int = fk("organisation.id")
    role: PartnerRole = enum_field(PartnerRole, default=PartnerRole.PARTNER)


class MeasureStatusUpdate(SQLModel, table=True):
    """A dated status report on a measure; the measure's own status is the latest of these."""

    __tablename__ = "measure_status_update"
    __table_args__ = (
        sa.CheckConstraint(
            "percent_complete IS NULL OR (percent_complete >= 0 AND percent_complete <= 100)",
            name="percent_complete_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = fk("measure.id", ondelete="CASCADE")
    status: MeasureStatus = enum_field(MeasureStatus)
    reported_on: date
    note: str | None = Field(default=None, sa_type=sa.Text)
    percent_complete: Decimal | None = Field(default=None, sa_type=FIGURE)
    reported_by_organisation_id: int | None = fk("organisation.id", nullable=True)
    reported_by_user_id: int | None = fk("app_user.id", nullable=True)
    recorded_at: datetime = timestamp_field(default_now=True)

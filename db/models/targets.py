"""Targets and the distribution rules (commitment keys) that derive per-member targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from core.enums import DistributionMethod, DocumentStatus, Recurrence, TargetKind
from db.base import FIGURE, Field, SQLModel, enum_field, fk, timestamp_field


class DistributionRule(SQLModel, table=True):
    """Derives a target per region member from inputs; derived targets point back here."""

    __tablename__ = "distribution_rule"
    __table_args__ = (
        sa.CheckConstraint(
            "percentage IS NULL OR (percentage >= 0 AND percentage <= 100)", name="percentage_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=96, unique=True, index=True)
    name: str = Field(max_length=300)
    method: DistributionMethod = enum_field(DistributionMethod)
    region_id: int = fk("jurisdiction.id")
    indicator_id: int = fk("indicator.id")
    target_group_id: int | None = fk("target_group.id", nullable=True)
    housing_type_id: int | None = fk("housing_type.id", nullable=True)
    price_segment: str | None = Field(default=None, max_length=32)
    target_kind: TargetKind = enum_field(TargetKind)
    input_indicator_id: int | None = fk("indicator.id", nullable=True)
    input_price_segment: str | None = Field(default=None, max_length=32)
    input_period_from: str | None = Field(default=None, max_length=16)
    input_period_to: str | None = Field(default=None, max_length=16)
    percentage: Decimal | None = Field(default=None, sa_type=FIGURE)
    regional_total: Decimal | None = Field(default=None, sa_type=FIGURE)
    recurrence: Recurrence = enum_field(Recurrence, default=Recurrence.NONE)
    carry_over: bool = Field(default=False)
    rounding: str = Field(default="half_up", max_length=16)
    document_id: int | None = fk("policy_document.id", nullable=True)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    retired_on: date | None = Field(default=None, description="No longer applied from this day")


class DistributionShare(SQLModel, table=True):
    """A fixed-table rule's value for one member (e.g. a covenant quota)."""

    __tablename__ = "distribution_share"
    __table_args__ = (sa.UniqueConstraint("rule_id", "jurisdiction_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = fk("distribution_rule.id", ondelete="CASCADE")
    jurisdiction_id: int = fk("jurisdiction.id")
    value: Decimal = Field(sa_type=FIGURE)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    flag: str | None = Field(default=None, sa_type=sa.Text)


class Target(SQLModel, table=True):
    """A number to reach, stay under or estimate, for an indicator in a jurisdiction."""

    __tablename__ = "target"
    __table_args__ = (
        sa.CheckConstraint(
            "(value IS NOT NULL) <> (value_low IS NOT NULL OR value_high IS NOT NULL)",
            name="value_or_range",
        ),
        sa.CheckConstraint(
            "value_low IS NULL OR value_high IS NULL OR value_low <= value_high",
            name="range_ordered",
        ),
        sa.Index("ix_target_cell", "indicator_id", "jurisdiction_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=128, unique=True, index=True)
    indicator_id: int = fk("indicator.id", index=False)
    jurisdiction_id: int = fk("jurisdiction.id")
    target_group_id: int | None = fk("target_group.id", nullable=True)
    housing_type_id: int | None = fk("housing_type.id", nullable=True)
    price_segment: str | None = Field(default=None, max_length=32)
    kind: TargetKind = enum_field(TargetKind, index=True)
    value: Decimal | None = Field(default=None, sa_type=FIGURE)
    value_low: Decimal | None = Field(default=None, sa_type=FIGURE)
    value_high: Decimal | None = Field(default=None, sa_type=FIGURE)
    baseline_period: str | None = Field(default=None, max_length=16)
    baseline_value: Decimal | None = Field(default=None, sa_type=FIGURE)
    start_period: str | None = Field(default=None, max_length=16)
    deadline: str | None = Field(default=None, max_length=16, description="Period text")
    deadline_year: int | None = Field(default=None, index=True)
    recurrence: Recurrence = enum_field(Recurrence, default=Recurrence.NONE)
    carry_over: bool = Field(default=False)
    status: DocumentStatus = enum_field(DocumentStatus, default=DocumentStatus.ADOPTED)
    document_id: int | None = fk("policy_document.id", nullable=True)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    flag: str | None = Field(default=None, sa_type=sa.Text)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    distribution_rule_id: int | None = fk("distribution_rule.id", nullable=True)
    derivation: dict | None = Field(
        default=None, sa_type=sa.JSON, description="Inputs a derived target was computed from"
    )
    retired_on: date | None = Field(default=None, description="No longer in force from this day")
    updated_at: datetime = timestamp_field(default_now=True)

"""Stored progress per target (and per region roll-up), written by the compute workers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from core.enums import ProgressBasis, ProgressStatus
from db.base import FIGURE, Field, SQLModel, enum_field, fk, timestamp_field


class ProgressSnapshot(SQLModel, table=True):
    __tablename__ = "progress_snapshot"
    __table_args__ = (sa.UniqueConstraint("target_id", "basis", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = fk("target.id", ondelete="CASCADE", index=False)
    jurisdiction_id: int = fk("jurisdiction.id")
    basis: ProgressBasis = enum_field(ProgressBasis, default=ProgressBasis.OWN)
    period: str = Field(
        default="", max_length=16, description="The judged year of a yearly target; '' otherwise"
    )
    realised: Decimal | None = Field(default=None, sa_type=FIGURE)
    percent_of_target: Decimal | None = Field(default=None, sa_type=FIGURE)
    expected_by_now: Decimal | None = Field(default=None, sa_type=FIGURE)
    gap: Decimal | None = Field(default=None, sa_type=FIGURE)
    status: ProgressStatus = enum_field(ProgressStatus, index=True)
    forecast_trend: Decimal | None = Field(default=None, sa_type=FIGURE)
    forecast_pipeline: Decimal | None = Field(default=None, sa_type=FIGURE)
    flags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    details: dict | None = Field(default=None, sa_type=sa.JSON)
    inputs_hash: str = Field(max_length=64)
    computed_at: datetime = timestamp_field(default_now=True)
    data_as_of: datetime | None = timestamp_field(nullable=True)

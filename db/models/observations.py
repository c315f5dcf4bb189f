"""Realisation counts: bitemporal, versioned per cell and source; nothing is ever deleted."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from db.base import FIGURE, Field, SQLModel, fk, timestamp_field


def cell_key(
    indicator_id: int,
    jurisdiction_id: int,
    period: str,
    target_group_id: int | None = None,
    housing_type_id: int | None = None,
    price_segment: str | None = None,
    per_year: bool = False,
) -> str:
    """The identity of a cell, breakdowns included (NULLs never compare equal in SQL)."""
    parts = (indicator_id, jurisdiction_id, period, target_group_id, housing_type_id, price_segment)
    key = "|".join("" if p is None else str(p) for p in parts)
    return f"{key}|per-year" if per_year else key


class Observation(SQLModel, table=True):
    """One version of one source's value for one cell.

    A correction inserts version n+1 and sets ``superseded_at`` on version n: the value as known
    at moment T is the version with ``recorded_at <= T`` and (``superseded_at`` NULL or > T).
    """

    __tablename__ = "observation"
    __table_args__ = (
        sa.UniqueConstraint("cell_key", "source_organisation_id", "version"),
        sa.Index("ix_observation_lookup", "indicator_id", "jurisdiction_id", "period_start"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("period_start <= period_end", name="period_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = fk("indicator.id", index=False)
    jurisdiction_id: int = fk("jurisdiction.id")
    period: str = Field(max_length=16)
    period_start: date
    period_end: date
    target_group_id: int | None = fk("target_group.id", nullable=True)
    housing_type_id: int | None = fk("housing_type.id", nullable=True)
    price_segment: str | None = Field(default=None, max_length=32)
    cell_key: str = Field(max_length=160)
    value: Decimal = Field(sa_type=FIGURE)
    per_year: bool = Field(
        default=False,
        description="The value is the yearly average over a multi-year period, not its total",
    )
    source_organisation_id: int = fk("organisation.id")
    submission_id: int | None = fk("submission.id", nullable=True)
    project_id: int | None = fk("project.id", nullable=True)
    version: int = Field(default=1)
    recorded_at: datetime = timestamp_field(default_now=True)
    superseded_at: datetime | None = timestamp_field(nullable=True)
    superseded_by_id: int | None = fk("observation.id", nullable=True, index=False)
    change_reason: str | None = Field(default=None, sa_type=sa.Text)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    flag: str | None = Field(default=None, sa_type=sa.Text)
    notes: str | None = Field(default=None, sa_type=sa.Text)

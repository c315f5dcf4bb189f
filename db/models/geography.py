"""Jurisdictions (country … district) and the typed, dated memberships of regions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from core.enums import JurisdictionKind, RegionType
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class Jurisdiction(SQLModel, table=True):
    """A country, province, region, municipality (CBS code ``GM0518``) or district."""

    __tablename__ = "jurisdiction"
    __table_args__ = (
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to", name="valid_dates"
        ),
        sa.CheckConstraint(
            "(kind = 'region') = (region_type IS NOT NULL)", name="region_type_only_for_regions"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    kind: JurisdictionKind = enum_field(JurisdictionKind, index=True)
    region_type: RegionType | None = enum_field(RegionType, default=None, nullable=True)
    parent_id: int | None = fk("jurisdiction.id", nullable=True)
    successor_id: int | None = fk("jurisdiction.id", nullable=True)
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    updated_at: datetime = timestamp_field(default_now=True)


class RegionMembership(SQLModel, table=True):
    """A member jurisdiction of a region, valid between two dates (both optional)."""

    __tablename__ = "region_membership"
    __table_args__ = (
        sa.UniqueConstraint("region_id", "member_id"),
        sa.CheckConstraint("region_id <> member_id", name="not_own_member"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to", name="valid_dates"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = fk("jurisdiction.id", ondelete="CASCADE")
    member_id: int = fk("jurisdiction.id")
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    notes: str | None = Field(default=None, sa_type=sa.Text)

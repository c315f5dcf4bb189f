"""Target groups, housing types and indicators: what is counted, for whom, in which dwellings."""

from __future__ import annotations

import sqlalchemy as sa

from core.enums import Direction, IndicatorKind
from db.base import Field, SQLModel, enum_field, fk


class TargetGroup(SQLModel, table=True):
    """An aandachtsgroep; statutory urgency categories sit under the priority groups."""

    __tablename__ = "target_group"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    parent_id: int | None = fk("target_group.id", nullable=True)
    statutory: bool = Field(default=False)
    definition: str | None = Field(default=None, sa_type=sa.Text)
    counting_rule: str | None = Field(default=None, sa_type=sa.Text)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    source: dict | None = Field(default=None, sa_type=sa.JSON)


class HousingType(SQLModel, table=True):
    """A dwelling or care form (nultredenwoning, geclusterde woning, Skaeve Huse, …)."""

    __tablename__ = "housing_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    parent_id: int | None = fk("housing_type.id", nullable=True)
    definition: str | None = Field(default=None, sa_type=sa.Text)
    counting_rule: str | None = Field(default=None, sa_type=sa.Text)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    source: dict | None = Field(default=None, sa_type=sa.JSON)


class Indicator(SQLModel, table=True):
    """Something counted: a flow per period, a stock at a moment, or a ratio of two indicators."""

    __tablename__ = "indicator"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'ratio') = (numerator_id IS NOT NULL AND denominator_id IS NOT NULL)",
            name="ratio_has_parts",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    unit: str = Field(max_length=32)
    kind: IndicatorKind = enum_field(IndicatorKind)
    direction: Direction = enum_field(Direction)
    numerator_id: int | None = fk("indicator.id", nullable=True, index=False)
    denominator_id: int | None = fk("indicator.id", nullable=True, index=False)
    dimensions: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    source_precedence: list[str] = Field(
        default_factory=list,
        sa_type=sa.JSON,
        description="Organisation codes, most trusted first, for cells with several sources",
    )
    description: str | None = Field(default=None, sa_type=sa.Text)

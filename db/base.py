"""Shared table machinery: the constraint naming convention and portable column types.

The naming convention must be set before any table class is defined, so every model module
imports ``SQLModel`` from here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.clock import utcnow

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend (SQLite stores text without an offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


FIGURE = sa.Numeric(18, 4)
"""Counts, places and percentages: exact decimals, never floats."""


def timestamp_field(*, nullable: bool = False, default_now: bool = False, **kwargs: Any) -> Any:
    return Field(
        default_factory=utcnow if default_now else None,
        sa_type=UTCDateTime(),
        nullable=nullable,
        **kwargs,
    )


def enum_field(
    enum: type[StrEnum],
    *,
    default: Any = ...,
    nullable: bool = False,
    check_name: str | None = None,
    **kw: Any,
) -> Any:
    """A closed vocabulary stored as text with a named CHECK constraint (portable; no PG ENUM).

    ``check_name`` tells two columns of the same vocabulary in one table apart.
    """
    return Field(
        default=default,
        sa_type=sa.Enum(
            enum,
            name=check_name or enum.__name__.lower(),
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        nullable=nullable,
        **kw,
    )


OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def fk(
    target: str,
    *,
    nullable: bool = False,
    ondelete: OnDelete = "RESTRICT",
    index: bool = True,
) -> Any:
    return Field(
        default=None,
        foreign_key=target,
        nullable=nullable,
        ondelete=ondelete,
        index=index,
    )


__all__ = [
    "FIGURE",
    "Field",
    "SQLModel",
    "UTCDateTime",
    "enum_field",
    "fk",
    "timestamp_field",
]

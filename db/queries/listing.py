"""Keyset pagination over a filtered, ordered statement, with opaque cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, QueryableAttribute
from sqlmodel import Session

Row = TypeVar("Row")


class InvalidCursor(ValueError):
    """An ``after`` cursor that this listing did not hand out."""


@dataclass(frozen=True)
class SortKey:
    """One column of a listing's order; the last key of every order must be unique (the id).

    ``column`` is a model attribute, e.g. ``col(Model.id)``.
    """

    column: Mapped[Any]
    descending: bool = False

    @property
    def attribute(self) -> QueryableAttribute[Any]:
        if not isinstance(self.column, QueryableAttribute):
            raise TypeError(f"sort key {self.column!r} is not a model attribute")
        return self.column


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    cursors: list[str]
    has_next: bool


@dataclass(frozen=True)
class Listing(Generic[Row]):
    """Rows of one entity matching a filter, in a stable order, fetched a page at a time."""

    statement: sa.Select[Any]
    order: tuple[SortKey, ...]
    name: str

    def page(self, session: Session, first: int, after: str | None = None) -> Page[Row]:
        statement = self.statement
        if after is not None:
            statement = statement.where(_after(self.order, self._decode(after)))
        statement = statement.order_by(
            *(key.column.desc() if key.descending else key.column.asc() for key in self.order)
        ).limit(first + 1)
        rows = list(session.scalars(statement))
        has_next = len(rows) > first
        rows = rows[:first]
        return Page(rows, [self._encode(row) for row in rows], has_next)

    def count(self, session: Session) -> int:
        counted = sa.select(sa.func.count()).select_from(self.statement.order_by(None).subquery())
        return int(session.scalar(counted) or 0)

    def _encode(self, row: Any) -> str:
        values = [_jsonable(getattr(row, key.attribute.key)) for key in self.order]
        raw = json.dumps([self.name, values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode()

    def _decode(self, cursor: str) -> list[Any]:
        try:
            name, values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        except (ValueError, binascii.Error, TypeError) as exc:
            raise InvalidCursor(f"'{cursor}' is not a cursor of this list") from exc
        if name != self.name or not isinstance(values, list) or len(values) != len(self.order):
            raise InvalidCursor(f"'{cursor}' is not a cursor of this list")
        return [_python_value(key, value) for key, value in zip(self.order, values, strict=True)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # a StrEnum
        return value.value
    return value


def _python_value(key: SortKey, value: Any) -> Any:
    python_type = key.attribute.type.python_type
    if value is None or isinstance(value, python_type):
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    raise InvalidCursor("cursor value of the wrong type")


def _after(order: Sequence[SortKey], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows strictly after ``values`` in ``order``: (a > x) OR (a = x AND b > y) OR …"""
    alternatives = []
    for position, key in enumerate(order):
        equal_before = [order[i].column == values[i] for i in range(position)]
        beyond = key.column < values[position] if key.descending else key.column > values[position]
        alternatives.append(sa.and_(*equal_before, beyond))
    return sa.or_(*alternatives)

"""Batch lookups by primary key or by a foreign key: what the API's DataLoaders call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

Model = TypeVar("Model", bound=SQLModel)


def by_ids(session: Session, model: type[Model], ids: Iterable[int]) -> dict[int, Model]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(sa.select(model).where(model.id.in_(wanted)))  # type: ignore[attr-defined]
    return {row.id: row for row in rows}  # type: ignore[attr-defined]


def all_rows(session: Session, model: type[Model]) -> dict[int, Model]:
    """A whole table by id: only for the small vocabulary tables."""
    return {row.id: row for row in session.scalars(sa.select(model))}  # type: ignore[attr-defined]


def by_codes(session: Session, model: type[Model], codes: Iterable[str]) -> dict[str, Model]:
    wanted = set(codes)
    if not wanted:
        return {}
    rows = session.scalars(sa.select(model).where(model.code.in_(wanted)))  # type: ignore[attr-defined]
    return {row.code: row for row in rows}  # type: ignore[attr-defined]


def grouped_by(
    session: Session,
    model: type[Model],
    column: Any,
    keys: Iterable[Any],
    order_by: Sequence[Any] = (),
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> dict[Any, list[Model]]:
    """Rows of ``model`` per value of ``column`` (a foreign key), in ``order_by`` order."""
    wanted = set(keys)
    groups: dict[Any, list[Model]] = defaultdict(list)
    if not wanted:
        return groups
    statement = sa.select(model).where(column.in_(wanted), *where)
    statement = statement.order_by(*order_by, model.id)  # type: ignore[attr-defined]
    for row in session.scalars(statement):
        groups[getattr(row, column.key)].append(row)
    return groups


def text_search(columns: Sequence[Any], text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive match of every word of ``text`` in any of ``columns``."""
    words = [w for w in text.split() if w]
    return sa.and_(
        *(
            sa.or_(
                *(
                    sa.func.lower(column).contains(word.lower(), autoescape=True)
                    for column in columns
                )
            )
            for word in words
        )
    )

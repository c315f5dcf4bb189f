"""Batch lookups by primary key or by a foreign key: what the API's DataLoaders call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col

Model = TypeVar("Model", bound=SQLModel)


def _column(model: type[SQLModel], name: str) -> Mapped[Any]:
    """The column ``name`` of a table (``col`` checks it is one): the ``SQLModel`` base that the
    lookups are generic over declares no columns, every table passed to them has an ``id`` (and
    the coded ones a ``code``)."""
    return col(getattr(model, name))


def _value(row: SQLModel, name: str) -> Any:
    """The value of the column ``name`` (see ``_column``) on a row."""
    return getattr(row, name)


def by_ids(session: Session, model: type[Model], ids: Iterable[int]) -> dict[int, Model]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.scalars(sa.select(model).where(_column(model, "id").in_(wanted)))
    return {_value(row, "id"): row for row in rows}


def all_rows(session: Session, model: type[Model]) -> dict[int, Model]:
    """A whole table by id: only for the small vocabulary tables."""
    return {_value(row, "id"): row for row in session.scalars(sa.select(model))}


def by_codes(session: Session, model: type[Model], codes: Iterable[str]) -> dict[str, Model]:
    wanted = set(codes)
    if not wanted:
        return {}
    rows = session.scalars(sa.select(model).where(_column(model, "code").in_(wanted)))
    return {_value(row, "code"): row for row in rows}


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
    statement = statement.order_by(*order_by, _column(model, "id"))
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

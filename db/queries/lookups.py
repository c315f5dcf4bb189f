"""Batch lookups by primary key or by a foreign key: what the API's DataLoaders call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased
from sqlalchemy.sql.util import ClauseAdapter
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


def pages_by(
    session: Session,
    model: type[Model],
    column: Any,
    keys: Iterable[Any],
    order_by: Sequence[tuple[Any, bool]],
    limit: int,
    after_id: int | None = None,
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> dict[Any, list[Model]]:
    """The first ``limit`` rows of ``model`` per value of ``column`` in one statement (a window
    over each parent's rows), in ``order_by`` order: (column, descending) pairs, each a non-null
    column or an expression over the model's columns that is never null (``coalesce`` puts a
    nullable column's nulls where the list wants them), the row's id added last as the
    tie-break. With ``after_id`` the rows start AT that row (a
    keyset condition on its sort key): the caller checks it heads each list and drops it, so a
    cursor whose item is not in the list is told apart from the end of the list."""
    wanted = set(keys)
    groups: dict[Any, list[Model]] = defaultdict(list)
    if not wanted or limit <= 0:
        return groups
    identifier = _column(model, "id")
    order = list(order_by)
    if not order or getattr(order[-1][0], "key", None) != "id":
        order.append((identifier, False))
    conditions = [column.in_(wanted), *where]
    if after_id is not None:
        conditions.append(_from_row(model, order, after_id))
    rank = (
        sa.func.row_number()
        .over(
            partition_by=column,
            order_by=[c.desc() if descending else c.asc() for c, descending in order],
        )
        .label("rank")
    )
    ranked = sa.select(model, rank).where(*conditions).subquery()
    rows = aliased(model, ranked)
    statement = (
        sa.select(rows).where(ranked.c.rank <= limit).order_by(ranked.c[column.key], ranked.c.rank)
    )
    for row in session.scalars(statement):
        groups[getattr(row, column.key)].append(row)
    return groups


def _from_row(
    model: type[SQLModel], order: Sequence[tuple[Any, bool]], row_id: int
) -> sa.ColumnElement[bool]:
    """Rows at or beyond the row ``row_id`` in ``order`` (its last key the id): the row's sort
    values (columns or expressions over them) are read by scalar subqueries of an alias of the
    table, so the condition is part of the one statement."""
    source = aliased(model)
    to_source = ClauseAdapter(sa.inspect(source).selectable)

    def value_of(column: Any) -> Any:
        return (
            sa.select(to_source.traverse(column.expression))
            .where(_column(source, "id") == row_id)
            .scalar_subquery()
        )

    alternatives = []
    for position, (column, descending) in enumerate(order):
        equal_before = [order[i][0] == value_of(order[i][0]) for i in range(position)]
        last = position == len(order) - 1
        if last:
            beyond = column <= row_id if descending else column >= row_id
        else:
            value = value_of(column)
            beyond = column < value if descending else column > value
        alternatives.append(sa.and_(*equal_before, beyond))
    return sa.or_(*alternatives)


def counts_by(
    session: Session,
    model: type[Model],
    column: Any,
    keys: Iterable[Any],
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> dict[Any, int]:
    """How many rows of ``model`` each value of ``column`` has: one grouped COUNT."""
    wanted = set(keys)
    if not wanted:
        return {}
    statement = (
        sa.select(column, sa.func.count())
        .select_from(model)
        .where(column.in_(wanted), *where)
        .group_by(column)
    )
    return {key: int(count) for key, count in session.execute(statement)}


@dataclass(frozen=True)
class ChildRows(Generic[Model]):
    """A parent's list without filters: the rows of ``model`` whose ``column`` (a foreign key)
    holds the parent's id, in ``order`` ((column, descending) pairs; the id breaks ties), read a
    page per parent (``pages``) or counted (``counts``) for a batch of parents at once."""

    model: type[Model]
    column: Any
    order: tuple[tuple[Any, bool], ...] = ()

    def pages(
        self, session: Session, keys: Iterable[Any], limit: int, after_id: int | None
    ) -> dict[Any, list[Model]]:
        return pages_by(session, self.model, self.column, keys, self.order, limit, after_id)

    def counts(self, session: Session, keys: Iterable[Any]) -> dict[Any, int]:
        return counts_by(session, self.model, self.column, keys)

"""Relay nodes backed by one table row: global ids, ``node(id:)`` lookup, row → type mapping."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, ClassVar, Self

from sqlmodel import SQLModel
from strawberry import relay
from strawberry.types.base import get_object_definition

from schema.context import Info


class RowNode(relay.Node):
    """A Node read from one row: subclasses set ``model`` and name fields after its columns."""

    model: ClassVar[type[SQLModel]]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        # Annotated as plain `type`: mypy does not take type[Any] (of an Any row) as Hashable.
        row_type: type = type(row)
        values = {name: getattr(row, name) for name in cls._copied_columns(row_type)}
        # Subclasses are @strawberry.type dataclasses with a ``row`` field; mypy only sees the
        # constructor of relay.Node, which this undecorated base inherits.
        return cls(**values, row=row)  # type: ignore[call-arg]

    @classmethod
    @cache
    def _copied_columns(cls, row_type: type) -> tuple[str, ...]:
        """The plain fields of the type that the row has (computed once per type)."""
        return tuple(
            field.python_name
            for field in get_object_definition(cls, strict=True).fields
            if field.base_resolver is None and hasattr(row_type, field.python_name)
        )

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> list[Self]:
        return [cls.from_row(row) for row in rows]

    # relay.Node declares resolve_nodes as overloads on ``required`` taking any Info; mypy cannot
    # match this one implementation (for our Context's Info) against them.
    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [int(i) if str(i).isdigit() else -1 for i in node_ids]
        rows = await info.context.loaders.row(cls.model).load_many(ids)
        return [None if row is None else cls.from_row(row) for row in rows]


def vocabulary_one(info: Info, node: type[RowNode], row_id: int | None) -> Any:
    """The node for a reference to a small vocabulary table, resolved without awaiting."""
    if row_id is None:
        return None
    row = info.context.loaders.whole_table(node.model).get(row_id)
    return None if row is None else node.from_row(row)


async def load_one(info: Info, node: type[RowNode], row_id: int | None) -> Any:
    """The node for a foreign key (None when the key is None)."""
    if row_id is None:
        return None
    row = await info.context.loaders.row(node.model).load(row_id)
    return None if row is None else node.from_row(row)

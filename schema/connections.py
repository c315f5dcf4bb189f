"""Keyset cursor connections (Relay style) over the listings of db/queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from db.queries.listing import InvalidCursor, Listing
from schema.context import Info
from schema.errors import bad_input

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100

Node = TypeVar("Node")

FIRST_DESCRIPTION = f"How many items to return: 0 to {MAX_PAGE_SIZE}."
FILTER_DESCRIPTION = "Conditions the items must all meet; omitted: every item."
AFTER_DESCRIPTION = "Return the items after this cursor (a previous page's `pageInfo.endCursor`)."


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item: pass it as `after` for the next page."
    )


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[Node]):
    node: Node = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of the item in its list.")


@strawberry.type(
    description="A page of a list, ordered stably, paged forward with `first`/`after`."
)
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(
        description="The items of the page with their cursors."
    )
    page_info: PageInfo = strawberry.field(description="Where the page sits in the list.")
    listing: strawberry.Private[Listing[Any]]

    @strawberry.field(description="The items of the page, without cursors.")
    def nodes(self) -> list[Node]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole filtered list has (one extra query).")
    def total_count(self, info: Info) -> int:
        return self.listing.count(info.context.session)


def paginate(
    info: Info,
    listing: Listing[Any],
    first: int,
    after: str | None,
    to_node: Callable[[Any], Node],
) -> Connection[Node]:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}, not {first}", "first")
    try:
        page = listing.page(info.context.session, first, after)
    except InvalidCursor as exc:
        raise bad_input(str(exc), "after") from None
    edges = [
        Edge(node=to_node(row), cursor=cursor)
        for row, cursor in zip(page.rows, page.cursors, strict=True)
    ]
    page_info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=after is not None,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None,
    )
    return Connection(edges=edges, page_info=page_info, listing=listing)


First = Annotated[int, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]

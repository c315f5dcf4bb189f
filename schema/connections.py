"""Keyset cursor connections (Relay style) over the listings of db/queries, and nested connections
of a parent: either only the page read per parent (``nested_page``: one window statement per
relation and level for all parents of a batch, so neither the statement count nor the rows read
grow with the lists), or a short list a DataLoader read whole and paged in memory (``page_of``)."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from db.queries.listing import InvalidCursor, Listing
from schema.context import Info
from schema.errors import bad_input
from schema.loaders import CountFetch, PageFetch

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
    listing: strawberry.Private[Listing[Any] | None] = None
    total: strawberry.Private[int | None] = None
    counter: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(description="The items of the page, without cursors.")
    def nodes(self) -> list[Node]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole filtered list has (one extra query).")
    async def total_count(self, info: Info) -> int:
        if self.counter is not None:
            return await self.counter()
        if self.listing is None:
            return self.total or 0
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


def _list_cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(["item", key]).encode()).decode()


def _list_key(cursor: str) -> object:
    try:
        name, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise bad_input("not a cursor of this list", "after") from None
    if name != "item":
        raise bad_input("not a cursor of this list", "after")
    return key


def _item_key(item: Any, position: int) -> object:
    key = getattr(item, "id", None)
    return position if key is None else key if isinstance(key, int | str) else str(key)


async def nested_page(
    info: Info,
    parent_id: Any,
    first: int,
    after: str | None,
    to_nodes: Callable[[list[Any]], list[Node]],
    pages: PageFetch,
    counts: CountFetch,
    *args: Hashable,
) -> Connection[Node]:
    """The page of a parent's list that ``first``/``after`` ask for, read alone: ``pages`` gives
    each parent of the batch its first rows in the list's order (from the cursor's row on), in one
    statement; ``totalCount``, only when selected, is one grouped COUNT (``counts``). ``args``
    are the list's filters, passed to both. Cursors and paging are those of ``page_of``."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}, not {first}", "first")
    after_id: int | None = None
    if after is not None:
        key = _list_key(after)
        if not isinstance(key, int) or isinstance(key, bool):
            raise bad_input("not a cursor of this list", "after")
        after_id = key
    # the cursor's own row heads the rows read, then the page, then one to tell if more follow
    limit = first + 1 + (after_id is not None)
    loaders = info.context.loaders
    rows = await loaders.pages(pages, limit, after_id, *args).load(parent_id)
    if after_id is not None:
        if not rows or rows[0].id != after_id:
            raise bad_input("not a cursor of this list (or its item is gone)", "after")
        rows = rows[1:]
    nodes = to_nodes(rows[:first])
    edges = [
        Edge(node=node, cursor=_list_cursor(row.id)) for node, row in zip(nodes, rows, strict=False)
    ]
    page_info = PageInfo(
        has_next_page=len(rows) > first,
        has_previous_page=after_id is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )

    def count() -> Awaitable[int]:
        return loaders.counts(counts, *args).load(parent_id)

    return Connection(edges=edges, page_info=page_info, counter=count)


def page_of(items: Sequence[Node], first: int, after: str | None) -> Connection[Node]:
    """A page of a list already read for its parent (in its stable order): the cursor is the
    item's id (its position when it has none), so a page does not shift when items are added
    before it; ``totalCount`` is the whole list's length, with no extra query."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}, not {first}", "first")
    keys = [_item_key(item, position) for position, item in enumerate(items)]
    start = 0
    if after is not None:
        wanted = _list_key(after)
        try:
            start = keys.index(wanted) + 1
        except ValueError:
            raise bad_input("not a cursor of this list (or its item is gone)", "after") from None
    chosen = range(start, min(start + first, len(items)))
    edges = [Edge(node=items[i], cursor=_list_cursor(keys[i])) for i in chosen]
    page_info = PageInfo(
        has_next_page=start + first < len(items),
        has_previous_page=start > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=page_info, total=len(items))


Key = tuple[str | int, ...]


def _key_cursor(name: str, key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, list(key)]).encode()).decode()


def _cursor_key(name: str, cursor: str, like: Key | None) -> Key:
    """The key a cursor of this list holds; with ``like`` (a key of the list now), each part must
    be of the type of ``like``'s."""
    try:
        found, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise bad_input("not a cursor of this list", "after") from None
    if found != name or not isinstance(key, list):
        raise bad_input("not a cursor of this list", "after")
    if like is not None and (
        len(key) != len(like)
        or any(type(part) is not type(model) for part, model in zip(key, like, strict=True))
    ):
        raise bad_input("not a cursor of this list", "after")
    return tuple(key)


def page_by_key(
    items: Sequence[Node],
    first: int,
    after: str | None,
    key: Callable[[Node], Key],
    name: str,
) -> Connection[Node]:
    """A keyset page of a list computed in full in Python (not stored rows, e.g. the reporting
    calendar), given in ascending order of ``key`` (unique per item; text and whole numbers, dates
    as ISO text). The cursor holds the item's key and the page starts at the first key beyond it,
    so paging neither shifts nor fails when items before the cursor go away (a report arrives);
    ``totalCount`` is the whole list's length, with no extra query."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}, not {first}", "first")
    keys = [key(item) for item in items]
    start = 0
    if after is not None:
        wanted = _cursor_key(name, after, keys[0] if keys else None)
        start = bisect.bisect_right(keys, wanted) if keys else 0
    chosen = range(start, min(start + first, len(items)))
    edges = [Edge(node=items[i], cursor=_key_cursor(name, keys[i])) for i in chosen]
    page_info = PageInfo(
        has_next_page=start + first < len(items),
        has_previous_page=start > 0 or after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=page_info, total=len(items))

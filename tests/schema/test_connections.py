"""Paging a list computed in full by its sort key (page_by_key): pages follow the key, a cursor
outlives the item it points at, and anything that is not a cursor of the list is refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphql import GraphQLError

from schema.connections import Key, page_by_key


@dataclass(frozen=True)
class Item:
    key: Key


def items(*keys: Key) -> list[Item]:
    return [Item(key) for key in keys]


def keys(page: object) -> list[Key]:
    return [edge.node.key for edge in page.edges]  # type: ignore[attr-defined]


def by_key(item: Item) -> Key:
    return item.key


def test_pages_follow_the_key_and_a_cursor_outlives_its_item() -> None:
    listed = items(("a", 1), ("a", 2), ("b", 1), ("c", 1))
    first = page_by_key(listed, 2, None, by_key, "things")
    assert keys(first) == [("a", 1), ("a", 2)]
    assert (first.total, first.page_info.has_next_page, first.page_info.has_previous_page) == (
        4,
        True,
        False,
    )
    cursor = first.page_info.end_cursor
    assert cursor is not None
    # when the item at the cursor and one before it are gone, the next page starts after it
    shrunk = items(("b", 1), ("c", 1))
    rest = page_by_key(shrunk, 2, cursor, by_key, "things")
    assert keys(rest) == [("b", 1), ("c", 1)]
    assert (rest.page_info.has_next_page, rest.page_info.has_previous_page) == (False, True)
    # an emptied list answers an empty page for a cursor of its own
    assert keys(page_by_key([], 2, cursor, by_key, "things")) == []


@pytest.mark.parametrize(
    ("cursor", "why"),
    [
        ("not base64 json", "garbage"),
        (None, "another list's name"),
        ("WyJ0aGluZ3MiLCBbMSwgMl1d", "parts of another type"),  # ["things", [1, 2]]
    ],
)
def test_what_is_not_a_cursor_of_this_list_is_refused(cursor: str | None, why: str) -> None:
    listed = items(("a", 1))
    if cursor is None:
        cursor = page_by_key(listed, 1, None, by_key, "others").page_info.end_cursor
    with pytest.raises(GraphQLError) as refused:
        page_by_key(listed, 1, cursor, by_key, "things")
    extensions = refused.value.extensions or {}
    assert (extensions["code"], extensions["argument"]) == ("BAD_USER_INPUT", "after"), why
    assert "not a cursor of this list" in refused.value.message


def test_a_page_size_out_of_range_is_refused() -> None:
    with pytest.raises(GraphQLError, match="first must be between 0 and 100, not 101"):
        page_by_key(items(("a", 1)), 101, None, by_key, "things")

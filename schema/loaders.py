"""Per-request DataLoaders over the batch lookups of db/queries: one query per relation and level.

A loader is made on first use and kept for the request, keyed by what it loads, so every
resolver asking for the same relation shares one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from sqlmodel import Session, SQLModel
from strawberry.dataloader import DataLoader

from db.queries import lookups

GroupFetch = Callable[..., Mapping[Any, Sequence[Any]]]
PageFetch = Callable[..., Mapping[Any, Sequence[Any]]]
"""``fetch(session, parent_ids, limit, after_id, *args)``: at most ``limit`` rows per parent."""
CountFetch = Callable[..., Mapping[Any, int]]
"""``fetch(session, parent_ids, *args)``: how many rows each parent has."""


class Loaders:
    def __init__(self, session: Session, visible: Callable[[Any], bool] = lambda row: True) -> None:
        self.session = session
        self.visible = visible
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}
        self._tables: dict[type[SQLModel], dict[int, Any]] = {}

    def whole_table(self, model: type[SQLModel]) -> dict[int, Any]:
        """Every visible row of a small table (indicators, target groups, housing types) by id,
        read once per request: resolving a reference to one is then a dictionary lookup, with no
        DataLoader round trip for each of the thousands of observations that point at it."""
        rows = self._tables.get(model)
        if rows is None:
            found = lookups.all_rows(self.session, model)
            rows = self._tables[model] = {
                key: row for key, row in found.items() if self.visible(row)
            }
        return rows

    def row(self, model: type[SQLModel]) -> DataLoader[int, Any]:
        """Rows of ``model`` by id: None for an unknown id, and for a row the request may not see
        (so a hidden object is indistinguishable from a missing one)."""

        def fetch(keys: Sequence[int]) -> list[Any]:
            found = lookups.by_ids(self.session, model, keys)
            return [
                row if row is not None and self.visible(row) else None
                for row in (found.get(key) for key in keys)
            ]

        return self._get(("row", model), fetch)

    def by_code(self, model: type[SQLModel]) -> DataLoader[str, Any]:
        def fetch(keys: Sequence[str]) -> list[Any]:
            found = lookups.by_codes(self.session, model, keys)
            return [found.get(key) for key in keys]

        return self._get(("code", model), fetch)

    def grouped(self, fetch_groups: GroupFetch, *args: Hashable) -> DataLoader[Any, list[Any]]:
        """Lists per key from ``fetch_groups(session, keys, *args)``."""

        def fetch(keys: Sequence[Any]) -> list[list[Any]]:
            groups = fetch_groups(self.session, keys, *args)
            return [list(groups.get(key, ())) for key in keys]

        return self._get(("grouped", fetch_groups, *args), fetch)

    def pages(
        self, fetch_pages: PageFetch, limit: int, after_id: int | None, *args: Hashable
    ) -> DataLoader[Any, list[Any]]:
        """Each parent's first ``limit`` rows (from the row ``after_id`` on) by
        ``fetch_pages``: one statement per batch, whatever the length of the lists."""

        def fetch(keys: Sequence[Any]) -> list[list[Any]]:
            groups = fetch_pages(self.session, keys, limit, after_id, *args)
            return [list(groups.get(key, ())) for key in keys]

        return self._get(("pages", fetch_pages, limit, after_id, *args), fetch)

    def counts(self, fetch_counts: CountFetch, *args: Hashable) -> DataLoader[Any, int]:
        """How many rows each parent's whole list has: one grouped COUNT per batch."""

        def fetch(keys: Sequence[Any]) -> list[int]:
            found = fetch_counts(self.session, keys, *args)
            return [found.get(key, 0) for key in keys]

        return self._get(("counts", fetch_counts, *args), fetch)

    def computed(
        self, name: Hashable, fetch: Callable[[Sequence[Any]], list[Any]]
    ) -> DataLoader[Any, Any]:
        """A loader over any batch function aligned with its keys (e.g. time-travel progress)."""
        return self._get(("computed", name), fetch)

    def _get(
        self, key: Hashable, fetch: Callable[[Sequence[Any]], list[Any]]
    ) -> DataLoader[Any, Any]:
        loader = self._loaders.get(key)
        if loader is None:

            async def load(keys: Sequence[Any]) -> list[Any]:
                return fetch(keys)

            loader = self._loaders[key] = DataLoader(load_fn=load)
        return loader

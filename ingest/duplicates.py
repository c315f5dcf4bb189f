"""Which row of a file first held a cell: duplicate detection in memory that does not grow with
the file.

The keys seen so far live in a private SQLite database on disk (deleted when closed) with a
small page cache, so a 500,000-row upload costs the same memory as a 50-row one.
"""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Self

_PAGE_CACHE_KIB = 2048


class FirstRows:
    """``first_row(key, row)``: the row that first held ``key``, remembering ``row`` if none."""

    def __init__(self) -> None:
        # "": a temporary on-disk database, private to us. Used by one row stream at a time,
        # which a caller may advance from different threads.
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.executescript(
            f"""
            PRAGMA cache_size = -{_PAGE_CACHE_KIB};
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
            """
        )

    def first_row(self, key: str, row: int) -> int:
        inserted = self._db.execute(
            "INSERT INTO seen (key, row) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, row)
        ).rowcount
        if inserted:
            return row
        (first,) = self._db.execute("SELECT row FROM seen WHERE key = ?", (key,)).fetchone()
        return int(first)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

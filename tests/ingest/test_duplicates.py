"""FirstRows: the row that first held a cell, over more rows than its page cache holds."""

from __future__ import annotations

from ingest.duplicates import FirstRows


def test_each_key_answers_the_row_that_first_held_it() -> None:
    # given 60,000 distinct keys (more than the 2 MB page cache), each seen first at its row
    with FirstRows() as first_rows:
        for row in range(60_000):
            assert first_rows.first_row(f"dwellings-added\x1fGM{row:05d}\x1f2025", row) == row
        # when keys come again at later rows, then each answers its first row, not the later one
        assert first_rows.first_row("dwellings-added\x1fGM00007\x1f2025", 70_000) == 7
        assert first_rows.first_row("dwellings-added\x1fGM59999\x1f2025", 70_001) == 59_999
        # and a new key is remembered at its own row
        assert first_rows.first_row("homeless-persons\x1fGM00007\x1f2025", 70_002) == 70_002

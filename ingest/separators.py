"""Which separator a CSV upload uses, and what it says about its numbers."""

from __future__ import annotations

import re

from ingest.errors import ErrorCode, FileError
from ingest.raw_rows import DecimalMark
from ingest.row_builder import RecordShape

SEPARATORS = (";", ",", "\t")
DECIMAL_MARK_BY_SEPARATOR: dict[str, DecimalMark | None] = {";": ",", ",": None, "\t": None}
EXCEL_SEPARATOR_LINE = re.compile(r'"?sep=(?P<separator>[;,\t])"?\s*', re.IGNORECASE)
"""Excel's first line naming the separator (``sep=;``); it is not a row."""


def record_shape(separator: str) -> RecordShape:
    return RecordShape(
        decimal_mark=DECIMAL_MARK_BY_SEPARATOR[separator],
        separator=separator,
        count_empty_overflow=separator == ",",
    )


def detect_separator(header_line: str) -> str:
    """The separator used in ``header_line``: the candidate occurring most outside quotes."""
    counts = dict.fromkeys(SEPARATORS, 0)
    in_quotes = False
    for char in header_line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    separator = max(SEPARATORS, key=lambda candidate: counts[candidate])
    if counts[separator] == 0:
        raise FileError(ErrorCode.NO_SEPARATOR, row=1)
    return separator

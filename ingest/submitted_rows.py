"""Figures sent as rows through the API, and their canonical CSV: API rows take the same path as
uploaded files (pure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

CANONICAL_HEADERS = (
    "indicator",
    "jurisdiction",
    "period",
    "target_group",
    "housing_type",
    "price_segment",
    "value",
    "note",
)


@dataclass(frozen=True)
class SubmittedRow:
    """One figure sent through the API."""

    indicator: str
    jurisdiction: str
    period: str
    value: Decimal | str
    target_group: str | None = None
    housing_type: str | None = None
    price_segment: str | None = None
    note: str | None = None


def canonical_csv(rows: Iterable[SubmittedRow]) -> bytes:
    """The rows as a ``;`` CSV; a Decimal value is written with a decimal comma, so that ``1.08``
    can never be read as one thousand and eighty."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\n")
    writer.writerow(CANONICAL_HEADERS)
    for row in rows:
        writer.writerow([_cell(getattr(row, header)) for header in CANONICAL_HEADERS])
    return text.getvalue().encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)

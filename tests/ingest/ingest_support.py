"""Factories shared by the ingest tests: a validation context like the database would fill,
and raw rows as a reader would yield them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ingest.errors import RowError
from ingest.raw_rows import RawRow
from ingest.validation import IndicatorRule, ValidationContext, ValidRow, validate_rows

FILES = Path(__file__).parent / "files"
TODAY = date(2025, 9, 1)

INDICATORS = (
    IndicatorRule(
        "dwellings-added",
        "flow",
        frozenset({"housing_type", "price_segment"}),
        whole_numbers_only=True,
    ),
    IndicatorRule(
        "lettings-priority-groups", "flow", frozenset({"target_group"}), whole_numbers_only=True
    ),
    IndicatorRule("share-priority-lettings", "ratio"),
    IndicatorRule(
        "homeless-persons", "stock", frozenset({"target_group"}), whole_numbers_only=True
    ),
    IndicatorRule("waiting-list-change", "flow", allow_negative=True),
)


def make_context(**overrides: object) -> ValidationContext:
    context = ValidationContext(
        indicators=INDICATORS,
        jurisdictions={"GM0518", "GM0546", "GM0603", "GM1916"},
        target_groups={"ouderen", "statushouders", "uitstroom-bw-mo"},
        housing_types={"nultredenwoning", "geclusterde-woning", "zorggeschikte-woning"},
        price_segments={"sociale-huur", "middenhuur"},
        today=TODAY,
    )
    return replace(context, **overrides)  # type: ignore[arg-type]


def make_raw_row(row_number: int = 2, **values: str | None) -> RawRow:
    """A row for dwellings-added in GM0518 over 2024 with value 10, fields overridable."""
    defaults: dict[str, str | None] = {
        "indicator": "dwellings-added",
        "jurisdiction": "GM0518",
        "period": "2024",
        "value": "10",
    }
    return RawRow(row_number=row_number, values={**defaults, **values})


@dataclass
class ValidationReport:
    """The outcome of validating a whole file in memory, for the tests. ``errors`` keeps at most
    ``max_errors``; ``error_count`` counts them all. (The services validate row by row, storing as
    they go.)"""

    valid_rows: list[ValidRow]
    errors: list[RowError]
    rows_read: int
    error_count: int

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0


def validate_file(
    rows: Iterable[RawRow], context: ValidationContext, max_errors: int = 1000
) -> ValidationReport:
    report = ValidationReport(valid_rows=[], errors=[], rows_read=0, error_count=0)
    for result in validate_rows(rows, context):
        report.rows_read += 1
        if isinstance(result, ValidRow):
            report.valid_rows.append(result)
            continue
        report.error_count += len(result)
        report.errors.extend(result[: max(0, max_errors - len(report.errors))])
    return report

"""Weakness: on PostgreSQL a NUL character in a cell raised a DataError and left the submission
``validating`` for good. NUL (and other control characters) are a row error like any other."""

from __future__ import annotations

from ingest.errors import ErrorCode
from ingest.raw_rows import RawRow
from ingest.validation import ValidationContext, validate_row


def test_a_nul_in_a_cell_is_a_row_error_that_stores_no_nul() -> None:
    raw = RawRow(
        row_number=2,
        values={
            "indicator": "dwellings-added",
            "jurisdiction": "GM05\x0046",
            "period": "2024",
            "value": "3",
            "note": "a\x00b",
        },
    )
    context = ValidationContext.__new__(ValidationContext)  # the check runs before any lookup
    errors = validate_row(raw, context)
    assert isinstance(errors, list)
    assert {e.code for e in errors} == {ErrorCode.CONTROL_CHARACTER}
    assert len(errors) == 2
    for error in errors:
        assert "\x00" not in (error.value or "") + error.message_en + error.message_nl

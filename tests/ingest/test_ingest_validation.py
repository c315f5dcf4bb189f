"""Row validation against a context the caller fills from the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest_support import make_context, make_raw_row, validate_file

from ingest.errors import ErrorCode, RowError
from ingest.periods import Period
from ingest.raw_rows import Overflow
from ingest.validation import ValidRow, validate_row, validate_rows


def errors_of(result: ValidRow | list[RowError]) -> list[tuple[str | None, str]]:
    assert isinstance(result, list), result
    return [(error.column, error.code) for error in result]


def test_valid_row_has_canonical_codes_and_typed_values() -> None:
    # Given a row written in mixed case with a bare CBS number
    raw = make_raw_row(
        indicator=" Dwellings-Added ",
        jurisdiction="518",
        period="2024-q3",
        housing_type="Nultredenwoning",
        price_segment="SOCIALE-HUUR",
        value="1080",
        note="prima",
    )
    # When validated
    result = validate_row(raw, make_context())
    # Then codes are spelled as the database spells them and values are typed
    assert result == ValidRow(
        row_number=2,
        indicator="dwellings-added",
        jurisdiction="GM0518",
        period=Period.parse("2024-Q3"),
        target_group=None,
        housing_type="nultredenwoning",
        price_segment="sociale-huur",
        value=Decimal(1080),
        note="prima",
    )


def test_hand_built_rows_do_not_guess_thousands_separators() -> None:
    assert errors_of(validate_row(make_raw_row(value="1.080"), make_context())) == [
        ("value", "ambiguous_number")
    ]


def test_every_error_of_a_row_is_reported_at_once() -> None:
    raw = make_raw_row(indicator="nope", jurisdiction="GM9999", period="2024-13", value="veel")
    assert errors_of(validate_row(raw, make_context())) == [
        ("indicator", "unknown_indicator"),
        ("jurisdiction", "unknown_jurisdiction"),
        ("period", "malformed_period"),
        ("value", "not_a_number"),
    ]


def test_missing_required_values_are_each_reported() -> None:
    raw = make_raw_row(indicator=None, jurisdiction="  ", period=None, value=None)
    assert errors_of(validate_row(raw, make_context())) == [
        ("indicator", "missing_value"),
        ("jurisdiction", "missing_value"),
        ("period", "missing_value"),
        ("value", "missing_value"),
    ]


def test_error_carries_the_header_as_written_the_value_and_the_column_number() -> None:
    (error,) = validate_row(make_raw_row(row_number=7, value="-3"), make_context())  # type: ignore[misc]
    assert (error.row, error.column, error.header, error.value, error.code) == (
        7,
        "value",
        "waarde",
        "-3",
        ErrorCode.NEGATIVE_COUNT,
    )
    assert error.column_number == 7
    assert "negatief" in error.message_nl


def test_negative_values_are_allowed_where_the_indicator_says_so() -> None:
    result = validate_row(
        make_raw_row(indicator="waiting-list-change", value="-12"), make_context()
    )
    assert isinstance(result, ValidRow) and result.value == Decimal(-12)


def test_a_period_starting_today_is_not_in_the_future() -> None:
    context = make_context(today=date(2025, 7, 1))
    assert isinstance(validate_row(make_raw_row(period="2025-07"), context), ValidRow)
    assert errors_of(validate_row(make_raw_row(period="2025-08"), context)) == [
        ("period", "future_period")
    ]


def test_breakdown_not_allowed_for_the_indicator_wins_over_checking_its_code() -> None:
    raw = make_raw_row(target_group="bestaat-niet")
    assert errors_of(validate_row(raw, make_context())) == [
        ("target_group", "dimension_not_allowed")
    ]


def test_breakdown_codes_are_still_checked_when_the_indicator_is_unknown() -> None:
    raw = make_raw_row(indicator="nope", target_group="bestaat-niet")
    assert errors_of(validate_row(raw, make_context())) == [
        ("indicator", "unknown_indicator"),
        ("target_group", "unknown_target_group"),
    ]


def test_any_price_segment_is_accepted_when_the_context_has_no_list() -> None:
    result = validate_row(
        make_raw_row(price_segment="below-first-cap"), make_context(price_segments=None)
    )
    assert isinstance(result, ValidRow) and result.price_segment == "below-first-cap"


def test_unrestricted_scope_accepts_every_known_code() -> None:
    context = make_context(scope_jurisdictions=None, scope_indicators=None)
    assert isinstance(validate_row(make_raw_row(jurisdiction="GM1916"), context), ValidRow)


def test_overflowing_row_and_formula_cells_are_reported() -> None:
    raw = make_raw_row(value=None)
    raw = type(raw)(
        row_number=4,
        values=raw.values,
        formulas={"value": "=B2*2"},
        overflow=Overflow(extra_cells=1, record_text="x;GM0518;2024;;5"),
    )
    result = validate_row(raw, make_context())
    assert errors_of(result) == [(None, "too_many_cells"), ("value", "formula_without_value")]
    assert isinstance(result, list) and result[1].value == "=B2*2"


def test_year_and_its_quarter_are_not_duplicates_but_the_same_cell_twice_is() -> None:
    rows = [
        make_raw_row(row_number=2, period="2024"),
        make_raw_row(row_number=3, period="2024-Q1"),
        make_raw_row(row_number=4, period="2024", housing_type="nultredenwoning"),
        make_raw_row(row_number=5, period=" 2024 ", value="11"),
    ]
    results = list(validate_rows(rows, make_context()))
    assert [isinstance(result, ValidRow) for result in results] == [True, True, True, False]
    (duplicate,) = results[3]  # type: ignore[misc]
    assert (duplicate.code, duplicate.row, duplicate.related_row) == ("duplicate_row", 5, 2)


def test_a_row_with_errors_does_not_count_as_a_first_occurrence() -> None:
    rows = [make_raw_row(row_number=2, value="x"), make_raw_row(row_number=3)]
    results = list(validate_rows(rows, make_context()))
    assert isinstance(results[1], ValidRow)


def test_validate_file_counts_all_errors_but_keeps_at_most_max_errors() -> None:
    rows = [make_raw_row(row_number=n, value="x") for n in range(2, 12)]
    report = validate_file(rows, make_context(), max_errors=3)
    assert (report.rows_read, report.error_count, len(report.errors)) == (10, 10, 3)
    assert not report.is_valid and report.valid_rows == []

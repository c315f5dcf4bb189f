"""The corpus in tests/ingest/files: every good file reads and validates cleanly; every bad file
fails with exactly the expected error at the expected place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ingest_support import FILES, make_context, validate_file

from ingest.errors import ErrorCode, FileError
from ingest.limits import ReadLimits
from ingest.tabular import read_table
from ingest.validation import ValidRow


def validated(name: str, **context_overrides: object):
    return validate_file(read_table(FILES / name, name), make_context(**context_overrides))


def test_semicolon_file_with_bom_reads_decimal_comma_thousands_and_accents() -> None:
    # Given a UTF-8 file with BOM, ';' separators, '1.080' and '3,5'
    # When it is read and validated
    report = validated("good_semicolon_decimal_comma_bom.csv")
    # Then every row is valid, numbers follow the Dutch convention and text is intact
    assert report.is_valid, report.errors
    first, second, third = report.valid_rows
    assert (first.row_number, first.value, first.housing_type) == (
        2,
        Decimal(1080),
        "geclusterde-woning",
    )
    assert first.price_segment == "sociale-huur"
    assert first.note == "inclusief één complex"
    assert second.value == Decimal("3.5")
    assert (third.target_group, str(third.period), third.note) == (
        "ouderen",
        "2025-Q1",
        "café-project € 3 mln",
    )


def test_comma_separated_file_with_english_headers_reads_quoted_decimal_comma() -> None:
    # Given a ',' file with English headers, a quoted "3,5" and a decimal point 12.75
    report = validated("good_comma_separated_english.csv")
    # Then all rows are valid with the expected values
    assert report.is_valid, report.errors
    assert [row.value for row in report.valid_rows] == [
        Decimal(250),
        Decimal("3.5"),
        Decimal("12.75"),
    ]
    assert report.valid_rows[0].housing_type == "nultredenwoning"
    assert str(report.valid_rows[0].period) == "2024-H2"


def test_windows_1252_file_keeps_accents_dashes_and_euro_sign() -> None:
    # Given a file saved by Excel as Windows-1252
    report = validated("good_windows1252.csv")
    # Then the text reads exactly as typed
    assert report.is_valid, report.errors
    assert report.valid_rows[0].note == "Déjà vu – één woning à € 750"
    assert report.valid_rows[0].value == Decimal(7)


def test_thousands_separators_and_signed_decimal_comma() -> None:
    report = validated("good_thousands_separators.csv")
    assert report.is_valid, report.errors
    assert [row.value for row in report.valid_rows] == [
        Decimal(1080),
        Decimal(12500),
        Decimal(1000000),
        Decimal("-1080.5"),
    ]


def test_header_aliases_are_case_and_space_insensitive_and_codes_are_canonicalised() -> None:
    report = validated("good_alias_headers.csv")
    assert report.is_valid, report.errors
    row = report.valid_rows[0]
    assert (row.indicator, row.jurisdiction, row.target_group) == (
        "lettings-priority-groups",
        "GM0518",
        "ouderen",
    )


def test_empty_lines_are_skipped_but_row_numbers_stay_those_excel_shows() -> None:
    report = validated("good_trailing_empty_rows.csv")
    assert report.is_valid, report.errors
    assert [row.row_number for row in report.valid_rows] == [2, 5]


def test_workbook_reads_the_gegevens_sheet_with_numeric_and_text_cells() -> None:
    # Given a workbook whose data sheet is not the first and mixes numeric and text cells
    report = validated("good_workbook.xlsx")
    # Then the 'Gegevens' sheet is read: 518 → GM0518, 3.5 stays 3.5, text '1.080' is 1080
    assert report.is_valid, report.errors
    assert [
        (row.row_number, row.indicator, row.jurisdiction, str(row.period), row.value)
        for row in report.valid_rows
    ] == [
        (2, "dwellings-added", "GM0518", "2024", Decimal(1080)),
        (3, "share-priority-lettings", "GM0546", "2024-Q2", Decimal("3.5")),
        (4, "dwellings-added", "GM0603", "2024", Decimal(1080)),
    ]
    assert report.valid_rows[0].note == "één"


SCOPED = {"scope_jurisdictions": {"GM0518"}, "scope_indicators": {"dwellings-added"}}

BAD_ROW_FILES = [
    ("bad_unknown_indicator.csv", {}, [(3, "indicator", "indicator", "unknown_indicator")]),
    ("bad_unknown_jurisdiction.csv", {}, [(3, "jurisdiction", "gemeente", "unknown_jurisdiction")]),
    (
        "bad_unknown_target_group.csv",
        {},
        [(3, "target_group", "doelgroep", "unknown_target_group")],
    ),
    ("bad_unknown_housing_type.csv", {}, [(3, "housing_type", "woonvorm", "unknown_housing_type")]),
    (
        "bad_unknown_price_segment.csv",
        {},
        [(3, "price_segment", "prijssegment", "unknown_price_segment")],
    ),
    ("bad_malformed_period.csv", {}, [(3, "period", "periode", "malformed_period")]),
    ("bad_future_period.csv", {}, [(3, "period", "periode", "future_period")]),
    ("bad_not_a_number.csv", {}, [(3, "value", "waarde", "not_a_number")]),
    ("bad_ambiguous_number.csv", {}, [(3, "value", "waarde", "ambiguous_number")]),
    ("bad_not_a_whole_number.csv", {}, [(3, "value", "waarde", "not_a_whole_number")]),
    ("bad_negative_count.csv", {}, [(3, "value", "waarde", "negative_count")]),
    (
        "bad_dimension_not_allowed.csv",
        {},
        [(3, "target_group", "doelgroep", "dimension_not_allowed")],
    ),
    ("bad_missing_value.csv", {}, [(3, "value", "waarde", "missing_value")]),
    ("bad_note_too_long.csv", {}, [(3, "note", "opmerking", "note_too_long")]),
    ("bad_duplicate_row.csv", {}, [(4, None, None, "duplicate_row")]),
    (
        "bad_outside_scope.csv",
        SCOPED,
        [
            (3, "jurisdiction", "gemeente", "outside_scope"),
            (4, "indicator", "indicator", "outside_scope"),
        ],
    ),
    ("bad_too_many_cells.csv", {}, [(3, None, None, "too_many_cells")]),
    ("bad_formula_without_value.xlsx", {}, [(3, "value", "waarde", "formula_without_value")]),
]


@pytest.mark.parametrize(
    ("name", "context_overrides", "expected"),
    BAD_ROW_FILES,
    ids=[case[0] for case in BAD_ROW_FILES],
)
def test_bad_file_reports_exactly_the_expected_row_errors(
    name: str, context_overrides: dict[str, object], expected: list[tuple]
) -> None:
    # Given a file with one kind of mistake (after a correct row 2)
    # When it is read and validated
    report = validated(name, **context_overrides)
    # Then exactly that mistake is reported, where the user sees it, in both languages
    assert [(e.row, e.column, e.header, e.code) for e in report.errors] == expected
    assert all(e.message_en and e.message_nl for e in report.errors)
    assert isinstance(report.valid_rows[0], ValidRow) and report.valid_rows[0].row_number == 2


def test_duplicate_row_names_both_rows() -> None:
    report = validated("bad_duplicate_row.csv")
    (error,) = report.errors
    assert (error.row, error.related_row) == (4, 2)
    assert "row 2" in error.message_en and "rij 2" in error.message_nl


def test_too_many_cells_shows_the_record_as_written() -> None:
    report = validated("bad_too_many_cells.csv")
    (error,) = report.errors
    assert error.value == "dwellings-added,GM0546,2024,,,,3,5,"


BAD_WHOLE_FILES = [
    ("bad_unknown_column.csv", ErrorCode.UNKNOWN_COLUMN, 1),
    ("bad_missing_column.csv", ErrorCode.MISSING_COLUMN, 1),
    ("bad_duplicate_column.csv", ErrorCode.DUPLICATE_COLUMN, 1),
    ("bad_no_separator.csv", ErrorCode.NO_SEPARATOR, 1),
    ("bad_empty.csv", ErrorCode.EMPTY_FILE, None),
    ("bad_encoding.csv", ErrorCode.UNSUPPORTED_ENCODING, None),
    ("bad_not_a_zip.xlsx", ErrorCode.UNREADABLE_FILE, None),
]


@pytest.mark.parametrize(
    ("name", "code", "row"), BAD_WHOLE_FILES, ids=[case[0] for case in BAD_WHOLE_FILES]
)
def test_unreadable_file_raises_file_error_with_code(
    name: str, code: ErrorCode, row: int | None
) -> None:
    # Given a file that cannot be read as a whole
    # When its rows are requested
    with pytest.raises(FileError) as raised:
        list(read_table(FILES / name, name))
    # Then one FileError names the problem in both languages
    assert (raised.value.code, raised.value.row) == (code, row)
    assert raised.value.message_en and raised.value.message_nl


def test_too_many_sheets_is_a_file_error_naming_the_limit() -> None:
    with pytest.raises(FileError) as raised:
        list(read_table(FILES / "good_workbook.xlsx", "x.xlsx", ReadLimits(max_sheets=1)))
    assert raised.value.code == ErrorCode.TOO_MANY_SHEETS
    assert "limit is 1" in raised.value.message_en


def test_file_name_decides_the_reader_and_old_xls_is_refused() -> None:
    # Given an upload named .xls (the old binary format)
    # When rows are requested
    with pytest.raises(FileError) as raised:
        read_table(b"\xd0\xcf\x11\xe0", "realisatie 2024.XLS")
    # Then it is refused by name, with advice to save as .xlsx
    assert raised.value.code == ErrorCode.UNSUPPORTED_FORMAT
    assert "realisatie 2024.XLS" in raised.value.message_en
    assert ".xlsx" in raised.value.message_nl

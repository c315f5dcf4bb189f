"""The CSV reader: encodings, separators, row numbering, streams and limits."""

from __future__ import annotations

import io

import pytest

from ingest.csv_reader import read_csv
from ingest.errors import ErrorCode, FileError
from ingest.limits import ReadLimits
from ingest.raw_rows import RawRow
from ingest.separators import detect_separator

HEADER = "indicator;gemeente;periode;waarde\r\n"


def rows_of(data: bytes, limits: ReadLimits | None = None) -> list[RawRow]:
    return list(read_csv(data, limits) if limits else read_csv(data))


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("indicator;gemeente;periode;waarde", ";"),
        ("indicator,gemeente,periode,waarde", ","),
        ("indicator\tgemeente\tperiode\twaarde", "\t"),
        ('"indicator, code";gemeente;periode;waarde', ";"),
        ('"a;b",gemeente,periode,waarde', ","),
    ],
)
def test_separator_is_detected_from_the_header_line_outside_quotes(
    line: str, separator: str
) -> None:
    assert detect_separator(line) == separator


def test_row_numbers_count_every_record_as_excel_does() -> None:
    # Given blank lines before the header and a quoted note spanning two lines
    data = (
        "\r\n" + HEADER + 'x;GM0518;2024;1;"twee\r\nregels"\r\n' + "y;GM0518;2024;2\r\n"
    ).encode()
    data = data.replace(b"waarde\r\n", b"waarde;opmerking\r\n", 1)
    # When read
    rows = rows_of(data)
    # Then the header is row 2 and the data rows 3 and 4, the note keeps its line break
    assert [row.row_number for row in rows] == [3, 4]
    assert rows[0].values["note"] == "twee\r\nregels"


def test_excel_sep_line_sets_the_separator_and_is_not_a_row() -> None:
    rows = rows_of(b"sep=,\r\nindicator,gemeente,periode,waarde\r\nx,GM0518,2024,1\r\n")
    assert [(row.row_number, row.values["value"]) for row in rows] == [(2, "1")]
    assert rows[0].layout.decimal_mark is None


def test_utf8_bom_does_not_end_up_in_the_first_header() -> None:
    rows = rows_of(b"\xef\xbb\xbf" + HEADER.encode() + b"x;GM0518;2024;1\r\n")
    assert rows[0].layout.column("indicator").header == "indicator"


def test_utf16_file_from_excel_unicode_text_is_read() -> None:
    text = "indicator\tgemeente\tperiode\twaarde\r\nx\tGM0518\t2024\t1\r\n"
    rows = rows_of(text.encode("utf-16"))
    assert rows[0].values["jurisdiction"] == "GM0518"


def test_windows_1252_fallback_holds_for_a_bad_byte_late_in_a_large_file() -> None:
    # Given a file that is valid UTF-8 for its first 100 kB, then has a Windows-1252 'é'
    filler = b"x;GM0518;2024;1\r\n" * 6000
    data = HEADER.encode() + filler + b"caf\xe9;GM0518;2024;1\r\n"
    # When read
    rows = rows_of(data)
    # Then the whole file is decoded as Windows-1252
    assert rows[-1].values["indicator"] == "café"


def test_caller_stream_is_read_without_being_closed() -> None:
    stream = io.BytesIO(HEADER.encode() + b"x;GM0518;2024;1\r\n")
    assert len(list(read_csv(stream))) == 1
    assert not stream.closed


def test_empty_extra_cells_are_padding_in_a_semicolon_file() -> None:
    # Given ';' rows with trailing separators beyond the header
    rows = rows_of(HEADER.encode() + b"x;GM0518;2024;1;;;\r\n")
    # Then they are harmless
    assert rows[0].overflow is None


def test_filled_extra_cell_is_an_overflow_in_a_semicolon_file() -> None:
    rows = rows_of(HEADER.encode() + b"x;GM0518;2024;1;;extra\r\n")
    assert rows[0].overflow is not None
    assert rows[0].overflow.extra_cells == 2
    assert rows[0].overflow.record_text == "x;GM0518;2024;1;;extra"


def test_a_field_beyond_the_csv_field_limit_is_malformed_csv() -> None:
    data = HEADER.encode() + b"x;GM0518;2024;" + b"9" * 200_000 + b"\r\n"
    with pytest.raises(FileError) as raised:
        rows_of(data)
    assert (raised.value.code, raised.value.row) == (ErrorCode.MALFORMED_CSV, 2)


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (ReadLimits(max_file_bytes=40), ErrorCode.FILE_TOO_LARGE),
        (ReadLimits(max_rows=2), ErrorCode.TOO_MANY_ROWS),
        (ReadLimits(max_columns=3), ErrorCode.TOO_MANY_COLUMNS),
    ],
)
def test_limits_are_file_errors_naming_the_limit(limits: ReadLimits, code: ErrorCode) -> None:
    data = HEADER.encode() + b"x;GM0518;2024;1\r\n" * 3
    with pytest.raises(FileError) as raised:
        rows_of(data, limits)
    assert raised.value.code == code
    assert "limit" in raised.value.message_en and "grens" in raised.value.message_nl


def test_too_many_rows_counts_data_rows_not_empty_lines() -> None:
    data = HEADER.encode() + b";;;\r\n" * 10 + b"x;GM0518;2024;1\r\n" * 2
    assert len(rows_of(data, ReadLimits(max_rows=2))) == 2

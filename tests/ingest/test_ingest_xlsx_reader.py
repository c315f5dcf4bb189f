"""The xlsx reader: cached values only, formulas never evaluated, sheet choice, limits."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from ingest.errors import ErrorCode, FileError
from ingest.limits import ReadLimits
from ingest.raw_rows import RawRow
from ingest.xlsx_reader import cell_text, read_xlsx

HEADER = ["indicator", "gemeente", "periode", "waarde", "opmerking"]


def workbook_bytes(*sheets: tuple[str, Sequence[Sequence[object]]]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml_replaced(data: bytes, old: str, new: str) -> bytes:
    """The workbook with text in sheet1.xml replaced, as if Excel had cached a value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(item, content)
    return target_buffer.getvalue()


def rows_of(data: bytes, limits: ReadLimits | None = None) -> list[RawRow]:
    return list(read_xlsx(data, limits) if limits else read_xlsx(data))


def test_formula_with_a_cached_value_reads_the_cached_value() -> None:
    # Given a formula cell for which Excel stored the result 20
    data = workbook_bytes(
        ("data", [HEADER, ["x", "GM0518", "2024", 10], ["x", "GM0518", "2025", "=D2*2"]])
    )
    data = with_sheet_xml_replaced(data, "<f>D2*2</f><v />", "<f>D2*2</f><v>20</v>")
    # When read
    rows = rows_of(data)
    # Then the cached value is used and nothing is flagged
    assert rows[1].values["value"] == "20"
    assert rows[1].formulas == {}


def test_formula_without_a_cached_value_is_marked_with_its_text() -> None:
    data = workbook_bytes(("data", [HEADER, ["x", "GM0518", "2024", "=1+1"]]))
    rows = rows_of(data)
    assert rows[0].values["value"] is None
    assert rows[0].formulas == {"value": "=1+1"}


def test_formula_whose_cached_result_is_empty_text_is_not_flagged() -> None:
    data = workbook_bytes(("data", [HEADER, ["x", "GM0518", "2024", 1, '=""']]))
    data = with_sheet_xml_replaced(
        data, '<c r="E2"><f>""</f><v /></c>', '<c r="E2" t="str"><f>""</f><v></v></c>'
    )
    rows = rows_of(data)
    assert rows[0].formulas == {}
    assert rows[0].values["note"] is None


def test_sheet_named_data_is_chosen_over_the_first_sheet() -> None:
    data = workbook_bytes(
        ("Uitleg", [["lees mij"]]),
        ("Data", [HEADER, ["x", "GM0518", "2024", 5]]),
    )
    assert [row.values["value"] for row in rows_of(data)] == ["5"]


def test_first_sheet_is_read_when_no_sheet_is_named_data_or_gegevens() -> None:
    data = workbook_bytes(("Blad1", [HEADER, ["x", "GM0518", "2024", 5]]), ("Blad2", [["x"]]))
    assert len(rows_of(data)) == 1


def test_rows_keep_their_sheet_row_numbers_when_the_header_is_not_on_row_1() -> None:
    data = workbook_bytes(
        ("data", [[None], ["Realisatie 2024"], HEADER, [None], ["x", "GM0518", "2024", 5]])
    )
    with pytest.raises(FileError) as raised:
        rows_of(data)  # a title above the header is an unknown column
    assert (raised.value.code, raised.value.row) == (ErrorCode.UNKNOWN_COLUMN, 2)
    data = workbook_bytes(("data", [[None], HEADER, [None], ["x", "GM0518", "2024", 5]]))
    assert [row.row_number for row in rows_of(data)] == [4]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (1080, "1080"),
        (1080.0, "1080"),
        (3.5, "3,5"),
        (1.125, "1,125"),
        (0.1, "0,1"),
        (Decimal("2.50"), "2,5"),
        (True, "WAAR"),
        (date(2025, 7, 15), "2025-07-15"),
        (datetime(2025, 7, 15), "2025-07-15"),
        ("  tekst ", "  tekst "),
    ],
)
def test_cell_values_become_text_that_reads_back_exactly(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_numeric_cell_with_three_decimals_is_not_mistaken_for_thousands() -> None:
    # Given a numeric cell 1.125 (a ratio) — as text '1,125', which in xlsx means decimal comma
    data = workbook_bytes(("data", [HEADER, ["x", "GM0518", "2024", 1.125]]))
    rows = rows_of(data)
    assert rows[0].values["value"] == "1,125"
    assert rows[0].layout.decimal_mark == ","


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (ReadLimits(max_file_bytes=1000), ErrorCode.FILE_TOO_LARGE),
        (ReadLimits(max_unpacked_bytes=1000), ErrorCode.ARCHIVE_TOO_LARGE),
        (ReadLimits(max_sheets=1), ErrorCode.TOO_MANY_SHEETS),
        (ReadLimits(max_rows=1), ErrorCode.TOO_MANY_ROWS),
        (ReadLimits(max_columns=4), ErrorCode.TOO_MANY_COLUMNS),
    ],
)
def test_limits_are_file_errors(limits: ReadLimits, code: ErrorCode) -> None:
    rows: list[Sequence[object]] = [
        HEADER,
        ["x", "GM0518", "2024", 1, "a"],
        ["x", "GM0518", "2025", 2, "b"],
    ]
    data = workbook_bytes(("data", rows), ("extra", [["x"]]))
    with pytest.raises(FileError) as raised:
        rows_of(data, limits)
    assert raised.value.code == code


def test_damaged_workbook_is_unreadable_not_a_crash() -> None:
    data = workbook_bytes(("data", [HEADER]))
    damaged = with_sheet_xml_replaced(data, "</sheetData>", "<row><c")
    with pytest.raises(FileError) as raised:
        rows_of(damaged)
    assert raised.value.code == ErrorCode.UNREADABLE_FILE
    assert "beschadigd" in raised.value.message_nl


def test_empty_formatted_cells_far_to_the_right_are_not_columns() -> None:
    # Given a workbook where someone coloured cell Z2 but typed nothing in it
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "gegevens"
    sheet.append(HEADER)
    sheet.append(["x", "GM0518", "2024", 5])
    sheet["Z2"].font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    # When read with a 10-column limit
    rows = rows_of(buffer.getvalue(), ReadLimits(max_columns=10))
    # Then the row is read normally
    assert rows[0].values["value"] == "5" and rows[0].overflow is None

"""Templates an organisation downloads, fills in and uploads again."""

from __future__ import annotations

import io
from decimal import Decimal

from ingest_support import make_context, validate_file
from openpyxl import load_workbook

from ingest.csv_reader import read_csv
from ingest.periods import Period
from ingest.templates import TemplateCell, template_csv, template_xlsx
from ingest.validation import ValidRow
from ingest.xlsx_reader import read_xlsx

CELLS = [
    TemplateCell("dwellings-added", "GM0518", "2024", housing_type="nultredenwoning"),
    TemplateCell(
        "dwellings-added", "GM0518", Period.parse("2024-07"), price_segment="sociale-huur"
    ),
    TemplateCell("lettings-priority-groups", "GM0546", "2024-Q2", target_group="ouderen"),
]
EXPECTED_KEYS = [
    ("dwellings-added", "GM0518", "2024", None, "nultredenwoning", None),
    ("dwellings-added", "GM0518", "2024-07", None, None, "sociale-huur"),
    ("lettings-priority-groups", "GM0546", "2024-Q2", "ouderen", None, None),
]


def keys_of(rows: list) -> list[tuple]:
    return [
        tuple(row.values[name] for name in ("indicator", "jurisdiction", "period"))
        + tuple(row.values[name] for name in ("target_group", "housing_type", "price_segment"))
        for row in rows
    ]


def test_csv_template_is_semicolon_utf8_with_bom_and_dutch_headers() -> None:
    data = template_csv(CELLS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.splitlines()[0] == (
        b"\xef\xbb\xbfindicator;gemeente;periode;doelgroep;woonvorm;prijssegment;waarde;opmerking"
    )
    assert b"\r\n" in data


def test_csv_template_reads_back_without_errors_listing_the_expected_cells() -> None:
    # Given a template for three cells
    # When it is read back through the reader
    rows = list(read_csv(template_csv(CELLS)))
    # Then every cell comes back, in order, with the value still empty
    assert keys_of(rows) == EXPECTED_KEYS
    assert [row.row_number for row in rows] == [2, 3, 4]
    assert all(row.values["value"] is None and row.overflow is None for row in rows)


def test_xlsx_template_reads_back_without_errors_listing_the_expected_cells() -> None:
    rows = list(read_xlsx(template_xlsx(CELLS)))
    assert keys_of(rows) == EXPECTED_KEYS
    assert all(row.values["value"] is None and not row.formulas for row in rows)


def test_filled_in_csv_template_validates() -> None:
    # Given the template with values typed in the Dutch way
    lines = template_csv(CELLS).decode("utf-8-sig").splitlines()
    filled = [lines[0]] + [
        _with_value(line, value)
        for line, value in zip(lines[1:], ["1.080", "12", "3"], strict=True)
    ]
    data = ("\r\n".join(filled) + "\r\n").encode("utf-8-sig")
    # When read and validated
    report = validate_file(read_csv(data), make_context())
    # Then every row is valid
    assert report.is_valid, report.errors
    assert [row.value for row in report.valid_rows] == [Decimal(1080), Decimal(12), Decimal(3)]
    assert all(isinstance(row, ValidRow) for row in report.valid_rows)


def _with_value(line: str, value: str) -> str:
    cells = line.split(";")
    cells[6] = value
    return ";".join(cells)


def test_xlsx_template_keeps_codes_as_text_on_the_gegevens_sheet() -> None:
    book = load_workbook(io.BytesIO(template_xlsx(CELLS)))
    sheet = book["gegevens"]
    assert book.sheetnames == ["gegevens", "toelichting"]
    assert sheet["C3"].value == "2024-07"
    assert sheet["C3"].number_format == "@"
    assert sheet["A1"].font.bold

"""Writing exports: both CSV dialects, typed XLSX with its extra sheets, formula neutralisation in
every export and template, and flat memory however many rows stream through."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from ingest.exports import (
    About,
    Citation,
    Column,
    Dialect,
    Kind,
    Value,
    csv_stream,
    neutralise,
    xlsx_stream,
)
from ingest.templates import TemplateCell, template_csv, template_xlsx

COLUMNS = [
    Column("name"),
    Column("value", Kind.DECIMAL),
    Column("count", Kind.INTEGER),
    Column("day", Kind.DATE),
    Column("at", Kind.DATETIME),
    Column("yes", Kind.BOOLEAN),
]
ROW: list[Value] = [
    'Leiden; "centrum"',
    Decimal("1234.50"),
    -3,
    date(2025, 12, 31),
    datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
    True,
]
DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _csv(dialect: Dialect, rows: list[list[Value]]) -> bytes:
    return b"".join(csv_stream(COLUMNS, iter(rows), dialect))


def test_rfc4180_csv_is_plain_utf8_with_commas_crlf_and_a_decimal_point() -> None:
    content = _csv(Dialect.RFC4180, [ROW, [None] * 6])
    assert not content.startswith(b"\xef\xbb\xbf")
    assert content.decode().split("\r\n") == [
        "name,value,count,day,at,yes",
        '"Leiden; ""centrum""",1234.5,-3,2025-12-31,2025-06-01T12:00:00+00:00,true',
        ",,,,,",
        "",
    ]


def test_dutch_csv_has_a_bom_semicolons_and_a_decimal_comma() -> None:
    content = _csv(Dialect.DUTCH, [ROW])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["name", "value", "count", "day", "at", "yes"],
        ['Leiden; "centrum"', "1234,5", "-3", "2025-12-31", "2025-06-01T12:00:00+00:00", "ja"],
    ]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_a_spreadsheet_would_run_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Leiden") == "Leiden"
    # in every export format …
    for dialect in Dialect:
        content = _csv(dialect, [[text, None, None, None, None, None]])
        reader = csv.reader(
            io.StringIO(content.decode("utf-8-sig")), delimiter=";" if dialect == "nl" else ","
        )
        assert list(reader)[1][0] == "'" + text
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(xlsx_stream(COLUMNS, iter([[text, -1, -2]]), sheet_name="x")))
    )
    cell = book["x"]["A2"]
    # (XML stores a carriage return as a line feed)
    assert (cell.value, cell.data_type) == ("'" + text.replace("\r", "\n"), "s")
    # numbers stay numbers: a negative figure is not a formula
    assert (book["x"]["B2"].value, book["x"]["B2"].data_type) == (-1, "n")
    # … and in every template
    template = TemplateCell(indicator=text, jurisdiction="GM0546", period="2025")
    template_rows = csv.reader(
        io.StringIO(template_csv([template]).decode("utf-8-sig")), delimiter=";"
    )
    assert list(template_rows)[1][0] == "'" + text
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx([template])))["gegevens"]
    assert sheet["A2"].value == "'" + text.replace("\r", "\n")
    assert sheet["A2"].data_type == "s"


def test_xlsx_has_typed_cells_a_frozen_header_widths_citations_and_an_about_sheet() -> None:
    about = About(
        title="progress",
        exported_at=datetime(2026, 12, 1, 13, 0, tzinfo=UTC),
        exported_by="token wz_abc (haaglanden, taskforce)",
        filters=[("region", "rg-woningmarktregio-haaglanden"), ("asOf", "2025-12-31")],
        as_known_on="2025-12-31T23:59:59+00:00",
    )
    cited = [Citation("leiden", "L10-12", "770 geclusterde woningen")] * 2
    content = b"".join(
        xlsx_stream(COLUMNS, iter([ROW]), sheet_name="progress", about=about, cited=cited)
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["progress", "bronnen", "over deze export"]
    sheet = book["progress"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["E1"].value == "at (UTC)"
    assert sheet.column_dimensions["A"].width == 14
    values = [cell.value for cell in sheet[2]]
    assert values == [
        'Leiden; "centrum"',
        1234.5,
        -3,
        datetime(2025, 12, 31),
        datetime(2025, 6, 1, 12, 0),
        True,
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "n", "d", "d", "b"]
    assert [[c.value for c in row] for row in book["bronnen"].iter_rows(min_row=2)] == [
        ["leiden", "L10-12", "770 geclusterde woningen"]
    ]
    facts = {row[0].value: row[1].value for row in book["over deze export"].iter_rows(min_row=2)}
    assert facts["door"] == "token wz_abc (haaglanden, taskforce)"
    assert facts["filter: region"] == "rg-woningmarktregio-haaglanden"
    assert facts["stand van de gegevens"] == "2025-12-31T23:59:59+00:00"
    assert facts["aantal rijen"] == 1


def _rows(count: int) -> Iterator[list[Value]]:
    for n in range(count):
        yield [f"gemeente {n}", Decimal(n) / 7, n, date(2025, 1, 1), None, n % 2 == 0]


def _peak(chunks: Iterator[bytes]) -> int:
    tracemalloc.start()
    try:
        for _ in chunks:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_many_rows_are_exported() -> None:
    for make in (
        lambda n: csv_stream(COLUMNS, _rows(n), Dialect.DUTCH),
        lambda n: xlsx_stream(COLUMNS, _rows(n), sheet_name="x"),
    ):
        small, large = _peak(make(5_000)), _peak(make(50_000))
        assert large < small * 1.5 + 256 * 1024, (small, large)
        assert large < 4 * 1024 * 1024

"""Writing tables out: CSV in two dialects and XLSX, streamed, with formula neutralisation.

Pure: rows come in as iterables of Python values, bytes go out. Nothing here reads a database.

* **CSV, RFC 4180** (default): UTF-8 without BOM, ``,``, CRLF, ``"`` quoting where needed, decimal
  point, ``true``/``false``.
* **CSV, Dutch dialect** (``nl``): UTF-8 with BOM, ``;``, decimal comma, ``ja``/``nee``: what
  Excel in a Dutch locale opens without an import wizard.
* **XLSX**: typed cells (numbers as numbers, dates as dates), a bold frozen header, column widths,
  a ``bronnen`` (citations) sheet and an ``over deze export`` (about) sheet. Written with openpyxl's
  write-only mode, which streams rows to disk, then read back in chunks: memory stays flat.

Every text cell that a spreadsheet would take as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with ``'`` (OWASP "CSV injection"); numbers, dates
and booleans are typed values and are never formulas.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500
CHUNK_BYTES = 64 * 1024

Value = str | int | Decimal | float | bool | date | datetime | None


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it, never run: a leading formula character gets a ``'``."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    width: int = 14
    description: str = ""


class Dialect(StrEnum):
    RFC4180 = "rfc4180"
    DUTCH = "nl"


@dataclass(frozen=True)
class Citation:
    """Where a value is printed: what the ``bronnen`` sheet lists once per distinct place."""

    document: str
    lines: str
    quote: str


@dataclass(frozen=True)
class About:
    """What an export holds: the ``over deze export`` sheet (and nothing of it in a CSV)."""

    title: str
    exported_at: datetime
    exported_by: str
    filters: Sequence[tuple[str, str]]
    as_known_on: str
    notes: Sequence[str] = ()


def _text(value: Value, dialect: Dialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        if dialect is Dialect.DUTCH:
            return "ja" if value else "nee"
        return "true" if value else "false"
    if isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        if "." in text:
            text = text.rstrip("0").rstrip(".") or "0"
        return text.replace(".", ",") if dialect is Dialect.DUTCH else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def csv_stream(
    columns: Sequence[Column], rows: Iterable[Sequence[Value]], dialect: Dialect = Dialect.RFC4180
) -> Iterator[bytes]:
    """The CSV file in chunks of ``CHUNK_ROWS`` rows: a header, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=";" if dialect is Dialect.DUTCH else ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow([neutralise(column.name) for column in columns])
    head = buffer.getvalue()
    yield (("\ufeff" + head) if dialect is Dialect.DUTCH else head).encode()
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([_text(value, dialect) for value in row])
        pending += 1
        if pending >= CHUNK_ROWS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode()


def _xlsx_value(value: Value) -> Value:
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        return _utc(value).replace(tzinfo=None)  # Excel has no time zones: UTC, said in the header
    return value


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str], widths: Sequence[int]) -> None:
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=neutralise(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def xlsx_stream(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Value]],
    *,
    sheet_name: str,
    citations: Iterable[Citation] | None = None,
    about: About | None = None,
    cited: list[Citation] | None = None,
) -> Iterator[bytes]:
    """The workbook in chunks. ``cited`` may be filled while ``rows`` is consumed (the citations of
    the rows written); its entries go to the ``bronnen`` sheet after the rows."""
    book = Workbook(write_only=True)
    data = book.create_sheet(sheet_name[:31])
    sources = book.create_sheet("bronnen")
    about_sheet = book.create_sheet("over deze export")
    _header(
        data,
        [c.name + (" (UTC)" if c.kind is Kind.DATETIME else "") for c in columns],
        [c.width for c in columns],
    )
    count = 0
    for row in rows:
        data.append([_xlsx_value(value) for value in row])
        count += 1
    _header(sources, ["document", "regels", "citaat"], [40, 12, 100])
    seen: set[Citation] = set()
    for citation in [*(citations or ()), *(cited or ())]:
        if citation not in seen:
            seen.add(citation)
            sources.append(
                [
                    neutralise(citation.document),
                    neutralise(citation.lines),
                    neutralise(citation.quote),
                ]
            )
    _header(about_sheet, ["gegeven", "waarde"], [28, 100])
    if about is not None:
        for label, value in _about_rows(about, count):
            about_sheet.append([label, _xlsx_value(value)])
        about_sheet.append([])
        about_sheet.append(["kolom", "betekenis"])
        for column in columns:
            about_sheet.append([neutralise(column.name), neutralise(column.description)])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="woonzorg-export-")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def _about_rows(about: About, count: int) -> list[tuple[str, Value]]:
    rows: list[tuple[str, Value]] = [
        ("export", about.title),
        ("geëxporteerd op (UTC)", about.exported_at),
        ("door", about.exported_by),
        ("stand van de gegevens", about.as_known_on),
        ("aantal rijen", count),
    ]
    if about.filters:
        rows.extend((f"filter: {name}", value) for name, value in about.filters)
    else:
        rows.append(("filters", "geen: alles wat zichtbaar is"))
    rows.extend(("opmerking", note) for note in about.notes)
    return rows

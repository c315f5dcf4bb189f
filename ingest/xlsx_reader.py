"""Read an .xlsx upload safely, one RawRow at a time.

* Never evaluates anything: the workbook is opened with openpyxl ``read_only=True,
  data_only=True`` and only the values Excel cached when it last saved the file are read. A
  formula cell without a cached value is reported per row (``formula_without_value``).
* Rows are streamed in constant memory (ingest.xlsx_rows).
* Limits (ingest.limits) are checked before parsing where possible: file size, unpacked size of
  the zip members, the shared-strings table (number of strings and characters, counted streaming
  before openpyxl loads it into memory), number of sheets; rows and columns while streaming. Empty formatted cells far
  to the right do not count as columns.
* The sheet read is the one named ``gegevens`` or ``data`` (any case), else the first worksheet.
  Row numbers are the sheet's own.
* Cells become text: numbers without grouping and with a decimal comma (``3,5``), dates as
  ``2025-07-15``. Text cells follow the Dutch number convention (see ingest.numbers).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse

from ingest.errors import ErrorCode, FileError
from ingest.headers import OBSERVATION_HEADERS, HeaderSet
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.raw_rows import BATCH_ROWS, RawRow, RowBatch
from ingest.row_builder import RecordShape, SheetRecord, raw_batches, raw_rows
from ingest.streams import Source, open_source
from ingest.xlsx_rows import SheetCell, iter_sheet_rows

DATA_SHEET_NAMES = ("gegevens", "data")
XLSX_DECIMAL_MARK = ","

_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
_TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"

# What parsing raises when a sheet's XML or the archive is damaged halfway through.
_DAMAGED_SHEET_ERRORS = (ParseError, zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError)


def read_xlsx(
    source: Source, limits: ReadLimits = DEFAULT_LIMITS, headers: HeaderSet = OBSERVATION_HEADERS
) -> Iterator[RawRow]:
    """Yield the data rows of the workbook's data sheet; raises FileError when unreadable."""
    with _sheet_records(source, limits) as records:
        yield from raw_rows(records, RecordShape(XLSX_DECIMAL_MARK), limits, headers)


def read_xlsx_batches(
    source: Source,
    limits: ReadLimits = DEFAULT_LIMITS,
    headers: HeaderSet = OBSERVATION_HEADERS,
    size: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The rows of ``read_xlsx`` as columnar batches of at most ``size`` rows (the same
    streaming parser and limits)."""
    with _sheet_records(source, limits) as records:
        yield from raw_batches(records, RecordShape(XLSX_DECIMAL_MARK), limits, headers, size)


@contextmanager
def _sheet_records(source: Source, limits: ReadLimits) -> Iterator[Iterator[SheetRecord]]:
    with open_source(source, limits.max_file_bytes) as stream:
        _check_archive(stream, limits)
        book = _open_workbook(stream)
        try:
            if len(book.sheetnames) > limits.max_sheets:
                raise FileError(
                    ErrorCode.TOO_MANY_SHEETS, count=len(book.sheetnames), limit=limits.max_sheets
                )
            yield _records(data_sheet(book), limits.max_columns)
        finally:
            book.close()


def data_sheet(book: Workbook) -> ReadOnlyWorksheet:
    """The sheet named ``gegevens`` or ``data`` (any case), else the first worksheet."""
    sheets = [sheet for sheet in book.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
    by_lower_name = {sheet.title.strip().casefold(): sheet for sheet in sheets}
    for wanted in DATA_SHEET_NAMES:
        if wanted in by_lower_name:
            return by_lower_name[wanted]
    if not sheets:
        raise _unreadable("the workbook has no worksheet", "de werkmap heeft geen werkblad")
    return sheets[0]


def cell_text(value: Any) -> str | None:
    """A cell's cached value as the text the validator reads."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f").replace(".", XLSX_DECIMAL_MARK)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check_archive(stream: BinaryIO, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > limits.max_unpacked_bytes:
                raise FileError(
                    ErrorCode.ARCHIVE_TOO_LARGE, size=unpacked, limit=limits.max_unpacked_bytes
                )
            _check_shared_strings(archive, limits)
    except zipfile.BadZipFile:
        raise _unreadable(
            "it is not an .xlsx workbook (not a zip archive)",
            "het is geen .xlsx-werkmap (geen zip-archief)",
        ) from None
    finally:
        stream.seek(0)


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The shared-strings part's name, found as openpyxl finds it (the content types)."""
    try:
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    except Exception:  # no or a damaged manifest: openpyxl will say the file is unreadable
        return None
    part = manifest.find(SHARED_STRINGS)
    return None if part is None else str(part.PartName)[1:]


def _check_shared_strings(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """openpyxl keeps every shared string in memory: count them and their characters first,
    streaming in constant memory, and refuse a table beyond the limits (``file_too_complex``)."""
    name = _shared_strings_part(archive)
    if name is None:
        return
    count = characters = 0
    try:
        with archive.open(name) as source:
            root = None
            for event, element in iterparse(source, events=("start", "end")):
                if root is None:
                    root = element
                if event != "end":
                    continue
                if element.tag == _TEXT_TAG:
                    characters += len(element.text or "")
                elif element.tag == _STRING_TAG:
                    count += 1
                    root.clear()  # keep nothing parsed so far
                if count > limits.max_shared_strings or characters > limits.max_shared_chars:
                    raise FileError(
                        ErrorCode.FILE_TOO_COMPLEX,
                        strings=limits.max_shared_strings,
                        characters=limits.max_shared_chars,
                    )
    except KeyError:
        return  # the part is missing: openpyxl reads no shared strings
    except _DAMAGED_SHEET_ERRORS as exc:
        raise _damaged(exc) from None


def _open_workbook(stream: BinaryIO) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not need
            return load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _damaged(exc) from None


def _records(sheet: ReadOnlyWorksheet, max_columns: int) -> Iterator[SheetRecord]:
    for row_number, cells in _parsed_rows(sheet):
        texts: list[str | None] = []
        uncached: dict[int, str] = {}
        for cell in cells:
            if cell.value is None and cell.uncached_formula is None:
                continue  # an empty (formatted) cell
            if cell.column > max_columns:
                raise FileError(ErrorCode.TOO_MANY_COLUMNS, row=row_number, limit=max_columns)
            texts.extend([None] * (cell.column - 1 - len(texts)))
            texts.append(cell_text(cell.value))
            if cell.uncached_formula is not None:
                uncached[cell.column] = cell.uncached_formula
        yield SheetRecord(row_number, texts, uncached)


def _parsed_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[SheetCell]]]:
    """The sheet's rows; parse errors of a damaged sheet become a FileError."""
    rows = iter_sheet_rows(sheet)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except _DAMAGED_SHEET_ERRORS as exc:
            raise _damaged(exc) from None
        yield row


def _unreadable(reason_en: str, reason_nl: str) -> FileError:
    return FileError(
        ErrorCode.UNREADABLE_FILE, format=".xlsx", reason_en=reason_en, reason_nl=reason_nl
    )


def _damaged(exc: Exception) -> FileError:
    detail = f"{type(exc).__name__}: {exc}"
    return _unreadable(
        f"the workbook is damaged ({detail})", f"de werkmap is beschadigd ({detail})"
    )

"""Turn a sheet's records (CSV records or worksheet rows) into RawRows; shared by both readers.

* The first non-empty record is the header. Empty records (no cell with text) are skipped but
  still counted, so row numbers stay those Excel shows.
* Cells to the right of the header's last column make the row an ``overflow``: non-empty ones
  always; empty ones too when ``count_empty_overflow`` (comma-separated CSV, where an unquoted
  ``3,5`` splits into two cells and shifts the rest of the row — Excel pads every record of a
  file it saves to the same width, so a longer record is a split, not padding).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest

from ingest.errors import ErrorCode, FileError
from ingest.headers import OBSERVATION_HEADERS, HeaderSet, build_layout
from ingest.limits import ReadLimits
from ingest.raw_rows import BATCH_ROWS, DecimalMark, FileLayout, Overflow, RawRow, RowBatch


@dataclass(frozen=True, slots=True)
class SheetRecord:
    """One record as read: its Excel row number, its cells, and the formulas without a cached
    value by 1-based position (xlsx only)."""

    row_number: int
    cells: Sequence[str | None]
    formulas: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordShape:
    """How a reader's records are to be interpreted."""

    decimal_mark: DecimalMark | None
    separator: str = ";"  # joins a record back into text for messages
    count_empty_overflow: bool = False


def raw_rows(
    records: Iterable[SheetRecord],
    shape: RecordShape,
    limits: ReadLimits,
    headers: HeaderSet = OBSERVATION_HEADERS,
) -> Iterator[RawRow]:
    for layout, record, cells, overflow in _data_records(records, shape, limits, headers):
        yield record_row(record, cells, layout, overflow)


def raw_batches(
    records: Iterable[SheetRecord],
    shape: RecordShape,
    limits: ReadLimits,
    headers: HeaderSet = OBSERVATION_HEADERS,
    size: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The same rows as ``raw_rows``, as column lists of at most ``size`` rows: no object per
    row, so a columnar validator takes them as they are."""
    layout: FileLayout | None = None
    numbers: list[int] = []
    rows: list[list[str | None]] = []
    irregular: list[RawRow] = []
    for layout, record, cells, overflow in _data_records(records, shape, limits, headers):
        if overflow is not None or record.formulas:
            irregular.append(record_row(record, cells, layout, overflow))
        else:
            numbers.append(record.row_number)
            rows.append(cells)
        if len(numbers) + len(irregular) >= size:
            yield _columns(layout, numbers, rows, irregular)
            numbers, rows, irregular = [], [], []
    if layout is not None and (numbers or irregular):
        yield _columns(layout, numbers, rows, irregular)


def _columns(
    layout: FileLayout,
    numbers: list[int],
    rows: list[list[str | None]],
    irregular: list[RawRow],
) -> RowBatch:
    """Rows turned into columns in one transposition (C, not a Python step per cell)."""
    transposed = list(zip_longest(*rows))  # short rows are padded with None
    columns: dict[str, list[str | None]] = {}
    for column in layout.columns:
        index = (column.position or 0) - 1
        if 0 <= index < len(transposed):
            columns[column.field] = list(transposed[index])
    return RowBatch.from_lists(layout, numbers, columns, irregular)


def _data_records(
    records: Iterable[SheetRecord],
    shape: RecordShape,
    limits: ReadLimits,
    headers: HeaderSet,
) -> Iterator[tuple[FileLayout, SheetRecord, list[str | None], Overflow | None]]:
    """Each data record with its layout, trimmed cells and overflow; checks the limits."""
    sheet = SheetReading(shape, limits, headers)
    for record in records:
        data = sheet.take(record)
        if data is not None:
            assert sheet.layout is not None  # a data record follows the header
            yield sheet.layout, record, *data
    sheet.finish()


class SheetReading:
    """The reading of one sheet's records in order: the header found, the limits counted, each
    data record's cells trimmed and its overflow told. Both readers go through it, the columnar
    CSV reader for the records up to the header and for the rows it cannot judge in columns."""

    def __init__(self, shape: RecordShape, limits: ReadLimits, headers: HeaderSet) -> None:
        self.shape = shape
        self.limits = limits
        self.headers = headers
        self.layout: FileLayout | None = None
        self.header_width = 0
        self.seen = 0  # records read, empty ones and the header included
        self.data_rows = 0  # non-empty records after the header

    def take(self, record: SheetRecord) -> tuple[list[str | None], Overflow | None] | None:
        """A data record's trimmed cells and overflow; None for an empty record or the header.
        Raises FileError when a limit is passed."""
        if self.seen == self.limits.max_sheet_rows:  # a record refused is not counted
            raise FileError(
                ErrorCode.TOO_MANY_ROWS, row=record.row_number, limit=self.limits.max_sheet_rows
            )
        cells = self.trimmed(record)
        self.seen += 1
        if not cells and not record.formulas:
            return None
        if self.layout is None:
            self.layout = build_layout(
                cells, self.shape.decimal_mark, record.row_number, self.headers
            )
            self.header_width = len(record.cells) if self.shape.count_empty_overflow else len(cells)
            return None
        if self.data_rows == self.limits.max_rows:
            raise FileError(
                ErrorCode.TOO_MANY_ROWS, row=record.row_number, limit=self.limits.max_rows
            )
        self.data_rows += 1
        return cells, self.overflow(record, cells)

    def trimmed(self, record: SheetRecord) -> list[str | None]:
        """The record's cells trimmed; raises FileError when there are too many."""
        cells = _trimmed(record.cells)
        if len(cells) > self.limits.max_columns:
            raise FileError(
                ErrorCode.TOO_MANY_COLUMNS, row=record.row_number, limit=self.limits.max_columns
            )
        return cells

    def overflow(self, record: SheetRecord, cells: list[str | None]) -> Overflow | None:
        return _overflow(record, cells, self.header_width, self.shape)

    def finish(self) -> FileLayout:
        if self.layout is None:
            raise FileError(ErrorCode.EMPTY_FILE)
        return self.layout


def _trimmed(cells: Sequence[str | None]) -> list[str | None]:
    """Cells with blanks stripped, empty ones as None, trailing empty ones dropped."""
    stripped = [(cell and cell.strip()) or None for cell in cells]
    while stripped and stripped[-1] is None:
        stripped.pop()
    return stripped


def _overflow(
    record: SheetRecord, cells: list[str | None], header_width: int, shape: RecordShape
) -> Overflow | None:
    width = len(record.cells) if shape.count_empty_overflow else len(cells)
    if width <= header_width:
        return None
    text = shape.separator.join(cell or "" for cell in record.cells)
    return Overflow(extra_cells=width - header_width, record_text=text)


def record_row(
    record: SheetRecord, cells: list[str | None], layout: FileLayout, overflow: Overflow | None
) -> RawRow:
    values: dict[str, str | None] = {}
    formulas: dict[str, str] = {}
    for column in layout.columns:
        position = column.position or 0
        values[column.field] = cells[position - 1] if position <= len(cells) else None
        if position in record.formulas:
            formulas[column.field] = record.formulas[position]
    return RawRow(
        row_number=record.row_number,
        values=values,
        layout=layout,
        formulas=formulas,
        overflow=overflow,
    )

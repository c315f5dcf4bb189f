"""Read a plain CSV upload in columns with polars: no Python code per row.

A file is *plain* when it holds no quote, no control character but tab and line ends, and no
line ending in a lone ``\\r``, as a partner's export of figures nearly always is. Then every line
is one record and a record's cells are its text between separators, so polars' CSV reader takes
a block of lines at once. Any other file (quotes, cells over several lines, NUL, UTF-16) goes
through the record reader of ingest.csv_reader. Both give the same rows, row numbers, errors and
batches: a test compares them on every file of the corpus and on generated edge cases.

polars is told the width to expect by a header line of our own (the file's header width plus
one), so blank lines come back as rows of empty cells and Excel's row numbers are line numbers.
The records up to the header, the limits and the few rows that need a closer look (text to the
right of the header, an over-long cell, a record wider than polars was told) go through
row_builder.SheetReading, as the record reader's do.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ingest.errors import ErrorCode, FileError
from ingest.frames import pl
from ingest.headers import HeaderSet
from ingest.limits import ReadLimits
from ingest.raw_rows import FileLayout, RawRow, RowBatch, cell_schema
from ingest.row_builder import SheetReading, SheetRecord, record_row
from ingest.separators import EXCEL_SEPARATOR_LINE, detect_separator, record_shape

BLOCK_BYTES = 1 << 18
"""Bytes read at a time: a block of some 5,000 lines, read by polars in one go."""

_NOT_PLAIN = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), ord('"')])
_FIELD_LIMIT = csv.field_size_limit()  # the record reader refuses a longer cell
_LINE = "\x1f"  # a separator no plain file holds: a block read as whole lines
_SPACES = (b" ", b"\t")
_WIDE_SPACE_LEADS = (b"\xc2", b"\xe1", b"\xe2", b"\xe3")
"""The first bytes in UTF-8 of Unicode's other white space (U+0085, U+00A0, U+1680, U+2000 to
U+205F, U+3000), which Python's ``strip`` and polars' ``strip_chars`` remove too; é and ë
(``\\xc3``) are not among them."""


def is_plain(stream: BinaryIO, encoding: str) -> bool:
    """Whether the file holds no quote, no control character but tab, CR and LF, and no CR
    but before LF (a scan of the bytes at memory speed); leaves the stream at position 0."""
    if encoding == "utf-16":
        return False
    stream.seek(0)
    try:
        carried = b""
        while chunk := stream.read(BLOCK_BYTES):
            if len(chunk.translate(None, _NOT_PLAIN)) != len(chunk):
                return False
            text = carried + chunk
            carried = b"\r" if text.endswith(b"\r") else b""
            if text.count(b"\r") - len(carried) != text.count(b"\r\n"):
                return False
        return not carried
    finally:
        stream.seek(0)


def plain_batches(
    stream: BinaryIO, encoding: str, limits: ReadLimits, headers: HeaderSet, size: int
) -> Iterator[RowBatch]:
    """The data rows of a plain file as batches of ``size`` rows (the last one smaller)."""
    blocks = _line_blocks(stream, encoding)
    header = _read_header(blocks, limits, headers)
    sheet = header.sheet
    assert sheet.layout is not None  # found by _read_header
    batches = _Batches(sheet.layout, size)
    next_row = header.row + 1
    for block in _chained(header.rest, blocks):
        rows = _block_rows(block, next_row, header)
        yield from batches.add(rows.regular, rows.irregular, sheet.data_rows)
        if rows.stop is not None:
            raise rows.stop
        next_row += rows.lines
    yield from batches.rest(sheet.data_rows)


def _chained(first: bytes | None, blocks: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from blocks


def _line_blocks(stream: BinaryIO, encoding: str) -> Iterator[bytes]:
    """The file as UTF-8 in blocks of whole lines, each with its line end (the last line of
    the file may have none); a UTF-8 BOM removed."""
    transcode = encoding == "cp1252"
    pending = b""
    first = encoding == "utf-8-sig"
    while chunk := stream.read(BLOCK_BYTES):
        if first:
            chunk, first = chunk.removeprefix(codecs.BOM_UTF8), False
        text = pending + (chunk.decode("cp1252").encode() if transcode else chunk)
        cut = text.rfind(b"\n") + 1
        if cut:
            yield text[:cut]
        pending = text[cut:]
    if pending:
        yield pending


@dataclass
class _Header:
    """What the lines up to the header told: the reading of the sheet (its layout found), the
    separator, the header's row number and width as written, and the rest of its block."""

    sheet: SheetReading
    separator: str
    row: int
    width: int
    rest: bytes | None


def _read_header(blocks: Iterator[bytes], limits: ReadLimits, headers: HeaderSet) -> _Header:
    """Read line by line up to the header, as the record reader does."""
    row_number = 0
    separator: str | None = None
    sheet: SheetReading | None = None
    for block in blocks:
        start = 0
        while start < len(block):
            end = block.find(b"\n", start)
            end = len(block) if end < 0 else end
            line, start = block[start:end].removesuffix(b"\r").decode(), end + 1
            if sheet is None:
                if not line.strip():  # blank lines before the first are rows too
                    row_number += 1
                    continue
                hint = EXCEL_SEPARATOR_LINE.fullmatch(line)
                separator = hint["separator"] if hint else detect_separator(line)
                sheet = SheetReading(record_shape(separator), limits, headers)
                if hint:  # Excel's sep= line is not a row
                    continue
            assert separator is not None
            row_number += 1
            cells = line.split(separator)
            sheet.take(SheetRecord(row_number, cells))
            if sheet.layout is not None:
                return _Header(sheet, separator, row_number, len(cells), block[start:])
    raise FileError(ErrorCode.EMPTY_FILE)  # no line, or none but empty records


@dataclass
class _BlockRows:
    """A block's data rows: the regular ones as ``RowBatch`` cells plus ``data_index`` (their
    place among the file's data rows), the irregular ones with theirs, the number of lines
    read, and the FileError that ends the file at a line of this block, if any."""

    regular: pl.DataFrame
    irregular: list[tuple[int, RawRow]]
    lines: int
    stop: FileError | None


def _block_rows(block: bytes, first_row: int, header: _Header) -> _BlockRows:
    sheet = header.sheet
    layout = sheet.layout
    assert layout is not None
    limits = sheet.limits
    width = max(header.width, sheet.header_width) + 1  # one more: text to the right shows
    names = [f"cell_{index}" for index in range(width)]
    try:
        cells = pl.read_csv(
            (header.separator.join(names) + "\n").encode() + block,
            separator=header.separator,
            quote_char=None,
            infer_schema=False,
            empty_string_is_null=False,
        )
    except pl.exceptions.ComputeError:  # a record wider than that: read line by line
        return _rows_one_by_one(block, first_row, header)
    filled = pl.any_horizontal([pl.col(f"trimmed_{i}") != "" for i in range(width)])
    beyond_header = pl.any_horizontal(
        [pl.col(f"trimmed_{i}") != "" for i in range(sheet.header_width, width)]
    )
    if sheet.shape.count_empty_overflow:  # cells beyond the header count even when empty
        widths = _raw_widths(block)  # and a header padded past the limit lets wide rows in
        beyond_header = (widths > sheet.header_width) | (widths > limits.max_columns)
    sheet_limit = limits.max_sheet_rows - sheet.seen  # the index of the first line past it
    long_cell = pl.any_horizontal([pl.col(name).str.len_bytes() > _FIELD_LIMIT for name in names])
    padded = _may_be_padded(block)
    flagged = (
        cells.lazy()
        .with_row_index("index")
        .with_columns(
            (pl.col("index").cast(pl.Int64) + first_row).alias("row"),
            *[
                (pl.col(name).str.strip_chars() if padded else pl.col(name)).alias(f"trimmed_{i}")
                for i, name in enumerate(names)
            ],
        )
        .with_columns(filled.alias("filled"), beyond_header.alias("beyond_header"))
        .with_columns(
            (pl.col("filled").cast(pl.Int64).cum_sum() + sheet.data_rows - 1).alias("data_index")
        )
        .with_columns(
            (
                (pl.col("index") >= sheet_limit)
                | long_cell
                | (
                    pl.col("filled")
                    & ((pl.col("data_index") >= limits.max_rows) | pl.col("beyond_header"))
                )
            ).alias("needs_a_look")
        )
        .collect()
    )
    looked_at = (
        flagged.filter(pl.col("needs_a_look")).select("index", "row", "filled", "data_index").rows()
    )
    irregular, stop, lines = _closer_looks(block, looked_at, header, sheet_limit, flagged.height)
    kept = flagged.head(lines)
    looked = [data_index for data_index, _ in irregular]
    regular = kept.lazy().filter(pl.col("filled") & ~pl.col("data_index").is_in(looked))
    sheet.seen += lines
    sheet.data_rows += int(kept.get_column("filled").sum())
    return _BlockRows(_cells(regular, layout), irregular, lines, stop)


def _may_be_padded(block: bytes) -> bool:
    """Whether a cell of the block may start or end with white space: whether the block holds
    any (byte searches, against a strip of every cell)."""
    if any(space in block for space in _SPACES):
        return True
    return not block.isascii() and any(lead in block for lead in _WIDE_SPACE_LEADS)


def _raw_widths(block: bytes) -> pl.Expr:
    """Each line's number of cells as written, empty ones included."""
    lines = pl.read_csv(
        block,
        has_header=False,
        new_columns=["line"],
        separator=_LINE,
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
    ).get_column("line")
    return pl.lit(lines.str.count_matches(",", literal=True) + 1)


def _closer_looks(
    block: bytes,
    looked_at: list[tuple[int, int, bool, int]],
    header: _Header,
    sheet_limit: int,
    lines: int,
) -> tuple[list[tuple[int, RawRow]], FileError | None, int]:
    """The lines polars cannot judge, as the record reader sees them: the irregular rows, the
    FileError that stops the file (if any) and how many lines to keep before it."""
    irregular: list[tuple[int, RawRow]] = []
    if not looked_at:
        return irregular, None, lines
    texts = block.split(b"\n")
    for index, row, filled, data_index in looked_at:
        text = texts[index].removesuffix(b"\r").decode()
        try:
            found = _closer_look(header, row, text, index >= sheet_limit, filled, data_index)
        except FileError as error:
            return irregular, error, index
        if found is not None:
            irregular.append((data_index, found))
    return irregular, None, lines


def _rows_one_by_one(block: bytes, first_row: int, header: _Header) -> _BlockRows:
    """A block with a record wider than polars was told, read as the record reader would."""
    sheet = header.sheet
    assert sheet.layout is not None
    texts = block.split(b"\n")
    if block.endswith(b"\n"):
        texts.pop()  # nothing after the last line end
    regular: list[tuple[int, int, list[str | None]]] = []
    irregular: list[tuple[int, RawRow]] = []
    for index, text in enumerate(texts):
        line = text.removesuffix(b"\r").decode()
        record = SheetRecord(first_row + index, line.split(header.separator))
        try:
            _check_cell_lengths(line, header.separator, record.row_number)
            data = sheet.take(record)
        except FileError as error:
            return _BlockRows(_listed(regular, sheet.layout), irregular, index, error)
        if data is None:
            continue
        trimmed, overflow = data
        if overflow is None:
            regular.append((sheet.data_rows - 1, record.row_number, trimmed))
        else:
            row = record_row(record, trimmed, sheet.layout, overflow)
            irregular.append((sheet.data_rows - 1, row))
    return _BlockRows(_listed(regular, sheet.layout), irregular, len(texts), None)


def _closer_look(
    header: _Header, row: int, text: str, past_sheet_limit: bool, filled: bool, data_index: int
) -> RawRow | None:
    """What the record reader finds at a line the columns cannot judge, in its order: a
    FileError raised, an irregular row, or None (a regular or an empty record)."""
    sheet, separator = header.sheet, header.separator
    _check_cell_lengths(text, separator, row)
    limits = sheet.limits
    if past_sheet_limit:
        raise FileError(ErrorCode.TOO_MANY_ROWS, row=row, limit=limits.max_sheet_rows)
    record = SheetRecord(row, text.split(separator))
    cells = sheet.trimmed(record)
    if not filled:
        return None
    if data_index >= limits.max_rows:
        raise FileError(ErrorCode.TOO_MANY_ROWS, row=row, limit=limits.max_rows)
    overflow = sheet.overflow(record, cells)
    if overflow is None:
        return None
    assert sheet.layout is not None
    return record_row(record, cells, sheet.layout, overflow)


def _check_cell_lengths(text: str, separator: str, row: int) -> None:
    """Refuse a cell longer than the csv module takes, with its message."""
    if len(text) > _FIELD_LIMIT:
        try:
            next(csv.reader([text], delimiter=separator))
        except csv.Error as exc:
            raise FileError(ErrorCode.MALFORMED_CSV, row=row, detail=str(exc)) from None


def _cells(regular: pl.LazyFrame, layout: FileLayout) -> pl.DataFrame:
    """``RowBatch`` cells (and ``data_index``): each column's trimmed cell, null when empty."""

    def cell(position: int | None) -> pl.Expr:
        text = pl.col(f"trimmed_{(position or 0) - 1}")
        return pl.when(text != "").then(text)

    return (
        regular.select(
            "row",
            *[cell(column.position).alias(column.field) for column in layout.columns],
            "data_index",
        )
        .cast(cell_schema(layout))
        .collect()
    )


def _listed(rows: list[tuple[int, int, list[str | None]]], layout: FileLayout) -> pl.DataFrame:
    """``_cells`` of rows read one by one: (data index, row number, trimmed cells)."""

    def cell(cells: list[str | None], position: int | None) -> str | None:
        index = (position or 0) - 1
        return cells[index] if 0 <= index < len(cells) else None

    data: dict[str, list[object]] = {"row": [row for _, row, _ in rows]}
    for column in layout.columns:
        data[column.field] = [cell(cells, column.position) for _, _, cells in rows]
    data["data_index"] = [index for index, _, _ in rows]
    return pl.DataFrame(data, schema={**cell_schema(layout), "data_index": pl.Int64})


class _Batches:
    """Data rows regrouped into batches of ``size``, as the record reader cuts them: batch k
    holds the file's data rows k·size to (k+1)·size - 1, regular and irregular alike."""

    def __init__(self, layout: FileLayout, size: int) -> None:
        self.layout = layout
        self.size = size
        self.regular: list[pl.DataFrame] = []
        self.irregular: list[tuple[int, RawRow]] = []
        self.taken = 0  # data rows handed out

    def add(
        self, regular: pl.DataFrame, irregular: list[tuple[int, RawRow]], data_rows: int
    ) -> Iterator[RowBatch]:
        """Keep a block's rows; hand out every batch that ``data_rows`` read so far complete."""
        self.regular.append(regular)
        self.irregular.extend(irregular)
        while data_rows - self.taken >= self.size:
            yield self._take(self.taken + self.size)

    def rest(self, data_rows: int) -> Iterator[RowBatch]:
        if data_rows > self.taken:
            yield self._take(data_rows)

    def _take(self, end: int) -> RowBatch:
        kept = pl.concat(self.regular, rechunk=False)  # in data_index order
        count = int(kept.get_column("data_index").search_sorted(end))
        self.regular = [kept.slice(count)]
        irregular = [row for index, row in self.irregular if index < end]
        self.irregular = [(index, row) for index, row in self.irregular if index >= end]
        self.taken = end
        return RowBatch(self.layout, kept.slice(0, count).drop("data_index"), irregular)

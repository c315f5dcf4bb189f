"""Read a CSV upload as Dutch offices produce it, one RawRow at a time.

* Encoding: UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 (ingest.text_encoding).
* Separator: detected from the header line alone (``;``, ``,`` or tab, whichever occurs most
  outside quotes; a tie goes to ``;``). An Excel ``sep=;`` first line is honoured and, as in
  Excel, not counted as a row.
* Numbers: a ``;`` file uses the Dutch convention (decimal comma, ``.`` groups thousands); a ``,``
  or tab file does not say, so ``1.080`` / ``1,080`` are reported as ambiguous (ingest.numbers).
* A comma-separated record with more cells than the header is an error even when the extra
  cells are empty: it is what an unquoted ``3,5`` looks like (ingest.row_builder).
* Row numbers are those Excel shows when it opens the file: one per record, empty lines included.

The stream is read line by line; memory does not grow with the file.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ingest.csv_columns import is_plain, plain_batches
from ingest.errors import ErrorCode, FileError
from ingest.headers import OBSERVATION_HEADERS, HeaderSet
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.raw_rows import BATCH_ROWS, RawRow, RowBatch
from ingest.row_builder import SheetRecord, raw_batches, raw_rows
from ingest.separators import EXCEL_SEPARATOR_LINE, detect_separator, record_shape
from ingest.streams import Source, open_source
from ingest.text_encoding import detect_encoding


def read_csv(
    source: Source, limits: ReadLimits = DEFAULT_LIMITS, headers: HeaderSet = OBSERVATION_HEADERS
) -> Iterator[RawRow]:
    """Yield the data rows of a CSV file; raises FileError when the file cannot be read."""
    with _csv_records(source, limits) as (separator, records):
        yield from raw_rows(records, record_shape(separator), limits, headers)


def read_csv_batches(
    source: Source,
    limits: ReadLimits = DEFAULT_LIMITS,
    headers: HeaderSet = OBSERVATION_HEADERS,
    size: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The rows of ``read_csv`` as columnar batches of at most ``size`` rows; a plain file
    (no quotes, no control characters) is read in columns by polars (ingest.csv_columns)."""
    with open_source(source, limits.max_file_bytes) as stream:
        encoding = detect_encoding(stream)
        if is_plain(stream, encoding):
            yield from plain_batches(stream, encoding, limits, headers, size)
            return
    yield from record_batches(source, limits, headers, size)


def record_batches(
    source: Source,
    limits: ReadLimits = DEFAULT_LIMITS,
    headers: HeaderSet = OBSERVATION_HEADERS,
    size: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The batches of ``read_csv_batches`` built from the records of Python's csv module, for
    any CSV file."""
    with _csv_records(source, limits) as (separator, records):
        yield from raw_batches(records, record_shape(separator), limits, headers, size)


@contextmanager
def _csv_records(source: Source, limits: ReadLimits) -> Iterator[tuple[str, Iterator[SheetRecord]]]:
    with open_source(source, limits.max_file_bytes) as stream:
        encoding = detect_encoding(stream)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            yield _records(text)
        except UnicodeDecodeError as exc:  # only possible for UTF-16, which is not pre-checked
            raise FileError(ErrorCode.UNSUPPORTED_ENCODING, offset=exc.start) from None
        finally:
            text.detach()  # leave the caller's stream open


def _records(text: TextIO) -> tuple[str, Iterator[SheetRecord]]:
    """The separator and the file's records, numbered as Excel numbers rows."""
    lines = iter(text)
    blank_lines = 0
    for line in lines:
        if line.strip():
            first_line = line
            break
        blank_lines += 1
    else:
        raise FileError(ErrorCode.EMPTY_FILE)
    excel_hint = EXCEL_SEPARATOR_LINE.fullmatch(first_line)
    if excel_hint:
        separator = excel_hint["separator"]
        remaining = lines
    else:
        separator = detect_separator(first_line)
        remaining = itertools.chain([first_line], lines)
    return separator, _numbered(csv.reader(remaining, delimiter=separator), blank_lines)


def _numbered(reader: Iterator[list[str]], rows_before: int) -> Iterator[SheetRecord]:
    row_number = rows_before
    try:
        for cells in reader:
            row_number += 1
            yield SheetRecord(row_number, cells)
    except csv.Error as exc:
        raise FileError(ErrorCode.MALFORMED_CSV, row=row_number + 1, detail=str(exc)) from None

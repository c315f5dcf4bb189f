"""One entry point for uploads: pick the CSV or XLSX reader from the file name.

The public ingestion API lives in these modules:

* ``read_table`` / ``read_csv`` / ``read_xlsx`` → ``Iterator[RawRow]`` (raise ``FileError``)
* ``read_table_batches`` → ``Iterator[RowBatch]``: the same rows as columns
* ``validate_batches`` (ingest.columnar) → per batch a frame of valid rows and the errors
* ``validate_row`` / ``validate_rows`` with a ``ValidationContext``
* ``template_csv`` / ``template_xlsx`` from ``TemplateCell`` s
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from ingest.csv_reader import read_csv, read_csv_batches
from ingest.errors import ErrorCode, FileError
from ingest.headers import OBSERVATION_HEADERS, HeaderSet
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.raw_rows import BATCH_ROWS, RawRow, RowBatch
from ingest.streams import Source
from ingest.xlsx_reader import read_xlsx, read_xlsx_batches

READERS = {".csv": read_csv, ".txt": read_csv, ".xlsx": read_xlsx, ".xlsm": read_xlsx}
BATCH_READERS = {
    ".csv": read_csv_batches,
    ".txt": read_csv_batches,
    ".xlsx": read_xlsx_batches,
    ".xlsm": read_xlsx_batches,
}


def read_table(
    source: Source,
    filename: str,
    limits: ReadLimits = DEFAULT_LIMITS,
    headers: HeaderSet = OBSERVATION_HEADERS,
) -> Iterator[RawRow]:
    """The rows of an upload named ``filename`` (the name decides the format), with the columns
    of ``headers`` (realisation figures unless told otherwise)."""
    reader = READERS.get(PurePath(filename).suffix.casefold())
    if reader is None:
        raise FileError(ErrorCode.UNSUPPORTED_FORMAT, name=PurePath(filename).name)
    return reader(source, limits, headers)


def read_table_batches(
    source: Source,
    filename: str,
    limits: ReadLimits = DEFAULT_LIMITS,
    headers: HeaderSet = OBSERVATION_HEADERS,
    size: int = BATCH_ROWS,
) -> Iterator[RowBatch]:
    """The rows of ``read_table`` as columnar batches."""
    reader = BATCH_READERS.get(PurePath(filename).suffix.casefold())
    if reader is None:
        raise FileError(ErrorCode.UNSUPPORTED_FORMAT, name=PurePath(filename).name)
    return reader(source, limits, headers, size)

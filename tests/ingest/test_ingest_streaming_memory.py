"""Readers stream: peak memory does not grow with the file (memory checks, not timing ones)."""

from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import Workbook

from ingest.csv_reader import read_csv
from ingest.raw_rows import RawRow
from ingest.xlsx_reader import read_xlsx

CSV_ROWS = 200_000
PEAK_LIMIT_BYTES = 1024 * 1024


def peak_memory_while_reading(read: Callable[[], Iterator[RawRow]]) -> tuple[int, int]:
    """(rows read, peak bytes allocated) while consuming the reader row by row."""
    gc.collect()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def write_large_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("indicator;gemeente;periode;woonvorm;waarde;opmerking\r\n")
        for n in range(rows):
            out.write(f"dwellings-added;GM0518;2024;nultredenwoning;{n % 5000};rij {n} – één\r\n")


def test_reading_200000_csv_rows_keeps_peak_memory_small(tmp_path: Path) -> None:
    # Given a CSV of 200,000 rows (about 12 MB)
    path = tmp_path / "large.csv"
    write_large_csv(path, CSV_ROWS)
    assert path.stat().st_size > 10 * PEAK_LIMIT_BYTES
    # When every row is read
    count, peak = peak_memory_while_reading(lambda: read_csv(path))
    # Then all rows came through while peak memory stayed far below the file size
    assert count == CSV_ROWS
    assert peak < PEAK_LIMIT_BYTES, f"peak {peak} bytes"


def workbook_with_rows(rows: int) -> bytes:
    """A workbook as Excel writes it (with a <dimension>), streamed out by openpyxl."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("gegevens")
    sheet.append(["indicator", "gemeente", "periode", "waarde"])
    for n in range(rows):
        sheet.append(["dwellings-added", "GM0518", "2024", n])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                dimension = f'<dimension ref="A1:D{rows + 1}"/><sheetData>'.encode()
                content = content.replace(b"<sheetData>", dimension, 1)
            target.writestr(item, content)
    return result.getvalue()


def test_xlsx_peak_memory_does_not_grow_with_the_number_of_rows() -> None:
    # Given two workbooks, one eight times longer than the other
    small, large = workbook_with_rows(1_000), workbook_with_rows(8_000)
    # When each is read row by row
    small_count, small_peak = peak_memory_while_reading(lambda: read_xlsx(small))
    large_count, large_peak = peak_memory_while_reading(lambda: read_xlsx(large))
    # Then the longer one needs (almost) no more memory
    assert (small_count, large_count) == (1_000, 8_000)
    assert large_peak < small_peak * 1.25 + 64 * 1024, (small_peak, large_peak)

"""Vulnerability 5: an xlsx whose shared-strings table holds millions of strings must not take the
process's memory; it is refused as ``file_too_complex`` with peak memory under a stated bound."""

from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from ingest.errors import ErrorCode, FileError, render_messages
from ingest.limits import DEFAULT_LIMITS, ReadLimits
from ingest.xlsx_reader import read_xlsx

SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
PEAK_BOUND_BYTES = 8 * 1024 * 1024  # what refusing the bomb may cost at most


def workbook_with_shared_strings(count: int, text: str = "s{n}") -> bytes:
    """A valid workbook whose shared-strings table holds ``count`` distinct strings."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "gegevens"
    sheet.append(["indicator", "gemeente", "periode", "waarde"])
    sheet.append(["dwellings-added", "GM0518", "2024", "1"])
    plain = io.BytesIO()
    book.save(plain)
    strings = b"".join(b"<si><t>" + text.format(n=n).encode() + b"</t></si>" for n in range(count))
    table = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + f'count="{count}" uniqueCount="{count}">'.encode()
        + strings
        + b"</sst>"
    )
    result = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            target.writestr(item, content)
        target.writestr("xl/sharedStrings.xml", table)
    return result.getvalue()


def test_a_shared_strings_bomb_is_refused_within_a_memory_bound() -> None:
    # Given a small workbook with more shared strings than the limit (a tenth of the default
    # limit keeps the test quick; the check streams, so its memory does not depend on the count)
    limits = ReadLimits(max_shared_strings=DEFAULT_LIMITS.max_shared_strings // 10)
    bomb = workbook_with_shared_strings(limits.max_shared_strings + 1)
    assert len(bomb) < 1024 * 1024
    # When it is read
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(FileError) as refused:
            list(read_xlsx(bomb, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then it is refused as too complex, in both languages, without loading the strings
    assert refused.value.code is ErrorCode.FILE_TOO_COMPLEX
    assert "distinct texts" in refused.value.message_en
    assert "verschillende teksten" in refused.value.message_nl
    assert peak < PEAK_BOUND_BYTES, f"peak {peak} bytes"


def test_the_total_size_of_the_shared_strings_is_bounded_too() -> None:
    book = workbook_with_shared_strings(10, text="{n}" + "x" * 500)
    with pytest.raises(FileError) as refused:
        list(read_xlsx(book, ReadLimits(max_shared_chars=2_000)))
    assert refused.value.code is ErrorCode.FILE_TOO_COMPLEX


def test_a_workbook_within_the_limits_is_read() -> None:
    rows = list(read_xlsx(workbook_with_shared_strings(1_000)))
    assert len(rows) == 1


def test_the_message_names_the_limits() -> None:
    en, nl = render_messages(ErrorCode.FILE_TOO_COMPLEX, strings=500_000, characters=20_000_000)
    assert "500000" in en and "500000" in nl


def test_empty_rows_count_toward_a_bound_on_the_work() -> None:
    # a workbook of one figure followed by many empty rows (tiny when zipped)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "gemeente", "periode", "waarde"])
    sheet.append(["dwellings-added", "GM0518", "2024", 1])
    plain = io.BytesIO()
    book.save(plain)
    result = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"<row/>" * 5_000 + b"</sheetData>")
            target.writestr(item, content)
    with pytest.raises(FileError) as refused:
        list(read_xlsx(result.getvalue(), ReadLimits(max_sheet_rows=1_000)))
    assert refused.value.code is ErrorCode.TOO_MANY_ROWS

"""Stream the rows of one read-only worksheet in constant memory, cached values only.

openpyxl parses the cells (shared strings, date styles, cell types: ``WorkSheetParser``), but its
own read-only iteration keeps every parsed ``<row>`` element attached to the XML tree (cleared,
not removed), so memory grows with the sheet, and with ``data_only=True`` it cannot tell a
formula without a cached value from an empty cell. This parser reads each ``<c>`` once, keeps
the cached value (nothing is ever evaluated), notes a formula that has no cached value, and
drops each row from the tree as soon as it is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


@dataclass(frozen=True, slots=True)
class SheetCell:
    """A cell's 1-based column, its cached value, and its formula when it has no cached value."""

    column: int
    value: Any
    uncached_formula: str | None = None


def iter_sheet_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[SheetCell]]]:
    """(row number, cells present in the XML) for each stored row, in order."""
    book = sheet.parent
    with sheet._get_source() as source:  # the sheet's XML inside the zip, read lazily
        parser = _CachedValueParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield from parser.rows()


class _CachedValueParser(WorkSheetParser):
    row_counter: int  # set by WorkSheetParser; parse_cell reads them for cells without "r"
    col_counter: int

    def rows(self) -> Iterator[tuple[int, list[SheetCell]]]:
        sheet_data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == SHEET_DATA_TAG:
                    sheet_data = element
                continue
            if element.tag != ROW_TAG:
                continue
            row = self._row(element)
            element.clear()
            if sheet_data is not None:
                sheet_data.clear()  # holds only this row: earlier ones were dropped already
            yield row

    def _row(self, element: Any) -> tuple[int, list[SheetCell]]:
        number = element.get("r")
        self.row_counter = int(float(number)) if number else self.row_counter + 1
        self.col_counter = 0
        return self.row_counter, [self._cell(cell) for cell in element]

    def _cell(self, element: Any) -> SheetCell:
        parsed = self.parse_cell(element)
        formula = element.find(FORMULA_TAG)
        # A formula whose cached result is empty text has type "str"; it is not uncached.
        uncached = formula is not None and parsed["value"] is None and parsed["data_type"] != "str"
        text = f"={formula.text or ''}" if uncached else None
        return SheetCell(parsed["column"], parsed["value"], text)

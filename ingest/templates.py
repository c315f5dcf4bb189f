"""Downloadable templates: the cells an organisation is expected to report, value left empty.

Both formats use the Dutch headers of ingest.fields. The CSV is ``;``-separated UTF-8 with a BOM
and CRLF line ends, which Excel (Dutch locale) opens correctly. The .xlsx has the rows on a sheet
named ``gegevens`` (the sheet the reader picks), code columns formatted as text so Excel does not
turn ``2025-07`` into a date, and a ``toelichting`` sheet with instructions. A cell that a
spreadsheet would run as a formula is neutralised (``ingest.exports.neutralise``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from ingest.exports import neutralise
from ingest.fields import DUTCH_HEADERS, Field
from ingest.periods import Period

TEMPLATE_SHEET = "gegevens"
INSTRUCTIONS_SHEET = "toelichting"
_TEXT_FORMAT = "@"
_INSTRUCTIONS = (
    "Vul per rij de kolom 'waarde' in; laat de andere kolommen staan zoals ze zijn.",
    "Een lege waarde is geen nul: vul 0 in als er niets is gerealiseerd, of verwijder de rij.",
    "Getallen zonder scheidingsteken voor duizendtallen (1080); decimalen met een komma (3,5).",
    "Perioden: 2025, 2025-H1, 2025-Q3, 2025-07 of een datum 2025-07-15.",
    "Zie docs/file-format.md voor alle kolomnamen en foutcodes.",
)


@dataclass(frozen=True, slots=True)
class TemplateCell:
    """One figure an organisation is expected to report."""

    indicator: str
    jurisdiction: str
    period: str | Period
    target_group: str | None = None
    housing_type: str | None = None
    price_segment: str | None = None

    def cells(self) -> list[str]:
        """The row in template column order, value and note empty."""
        by_field = {
            Field.INDICATOR: self.indicator,
            Field.JURISDICTION: self.jurisdiction,
            Field.PERIOD: str(self.period),
            Field.TARGET_GROUP: self.target_group or "",
            Field.HOUSING_TYPE: self.housing_type or "",
            Field.PRICE_SEGMENT: self.price_segment or "",
            Field.VALUE: "",
            Field.NOTE: "",
        }
        return [neutralise(by_field[name]) for name in DUTCH_HEADERS]


def template_csv(cells: Iterable[TemplateCell]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(DUTCH_HEADERS.values())
    for cell in cells:
        writer.writerow(cell.cells())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(cells: Iterable[TemplateCell]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TEMPLATE_SHEET
    sheet.append(list(DUTCH_HEADERS.values()))
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
    text_columns = [
        position
        for position, name in enumerate(DUTCH_HEADERS, start=1)
        if name not in (Field.VALUE, Field.NOTE)
    ]
    for cell in cells:
        sheet.append([text or None for text in cell.cells()])
        for position in text_columns:
            sheet.cell(row=sheet.max_row, column=position).number_format = _TEXT_FORMAT
    for position, header in enumerate(DUTCH_HEADERS.values(), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=position).column_letter].width = max(
            14, len(header) + 4
        )
    sheet.freeze_panes = "A2"
    instructions = book.create_sheet(INSTRUCTIONS_SHEET)
    for line in _INSTRUCTIONS:
        instructions.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

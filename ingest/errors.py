"""Error codes and messages for file ingestion, in English and Dutch.

Two kinds of error:

* ``RowError``: one cell or row of an otherwise readable file is wrong. Validation collects these
  and goes on, so a partner sees every problem of a file at once.
* ``FileError`` (an exception): the file as a whole cannot be read (too large, no header, not an
  xlsx, a required column missing…). Reading stops.

Codes are stable machine identifiers (``ErrorCode``); clients may switch on them. Messages are for
people and may be reworded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    # row errors
    UNKNOWN_INDICATOR = "unknown_indicator"
    UNKNOWN_JURISDICTION = "unknown_jurisdiction"
    UNKNOWN_TARGET_GROUP = "unknown_target_group"
    UNKNOWN_HOUSING_TYPE = "unknown_housing_type"
    UNKNOWN_PRICE_SEGMENT = "unknown_price_segment"
    MALFORMED_PERIOD = "malformed_period"
    FUTURE_PERIOD = "future_period"
    NOT_A_NUMBER = "not_a_number"
    AMBIGUOUS_NUMBER = "ambiguous_number"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    NEGATIVE_COUNT = "negative_count"
    DIMENSION_NOT_ALLOWED = "dimension_not_allowed"
    DUPLICATE_ROW = "duplicate_row"
    OUTSIDE_SCOPE = "outside_scope"
    OUTSIDE_SCOPE_PAIR = "outside_scope_pair"
    CORRECTION_WITHOUT_REASON = "correction_without_reason"
    MISSING_VALUE = "missing_value"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    TOO_MANY_CELLS = "too_many_cells"
    NOTE_TOO_LONG = "note_too_long"
    # file errors
    FILE_TOO_LARGE = "file_too_large"
    ARCHIVE_TOO_LARGE = "archive_too_large"
    TOO_MANY_SHEETS = "too_many_sheets"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    UNREADABLE_FILE = "unreadable_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    EMPTY_FILE = "empty_file"
    NO_SEPARATOR = "no_separator"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNKNOWN_COLUMN = "unknown_column"
    MALFORMED_CSV = "malformed_csv"


FILE_ERROR_CODES = frozenset(
    {
        ErrorCode.FILE_TOO_LARGE,
        ErrorCode.ARCHIVE_TOO_LARGE,
        ErrorCode.TOO_MANY_SHEETS,
        ErrorCode.TOO_MANY_ROWS,
        ErrorCode.TOO_MANY_COLUMNS,
        ErrorCode.UNREADABLE_FILE,
        ErrorCode.UNSUPPORTED_FORMAT,
        ErrorCode.UNSUPPORTED_ENCODING,
        ErrorCode.EMPTY_FILE,
        ErrorCode.NO_SEPARATOR,
        ErrorCode.MISSING_COLUMN,
        ErrorCode.DUPLICATE_COLUMN,
        ErrorCode.UNKNOWN_COLUMN,
        ErrorCode.MALFORMED_CSV,
    }
)

# (English, Dutch) message templates, filled with str.format(**params).
MESSAGES: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.UNKNOWN_INDICATOR: (
        "Unknown indicator '{value}'. Use an indicator code from the template.",
        "Onbekende indicator '{value}'. Gebruik een indicatorcode uit het sjabloon.",
    ),
    ErrorCode.UNKNOWN_JURISDICTION: (
        "Unknown jurisdiction '{value}'. Use a CBS code such as GM0518.",
        "Onbekend gebied '{value}'. Gebruik een CBS-code zoals GM0518.",
    ),
    ErrorCode.UNKNOWN_TARGET_GROUP: (
        "Unknown target group '{value}'.",
        "Onbekende doelgroep '{value}'.",
    ),
    ErrorCode.UNKNOWN_HOUSING_TYPE: (
        "Unknown housing type '{value}'.",
        "Onbekende woonvorm '{value}'.",
    ),
    ErrorCode.UNKNOWN_PRICE_SEGMENT: (
        "Unknown price segment '{value}'.",
        "Onbekend prijssegment '{value}'.",
    ),
    ErrorCode.MALFORMED_PERIOD: (
        "'{value}' is not a period; use 2025, 2025-H1, 2025-Q3, 2025-07 or 2025-07-15.",
        "'{value}' is geen geldige periode; gebruik 2025, 2025-H1, 2025-Q3, 2025-07 of 2025-07-15.",
    ),
    ErrorCode.FUTURE_PERIOD: (
        "Period {value} starts after today ({today}); no figures can exist for it yet.",
        "Periode {value} begint na vandaag ({today}); daarvoor kunnen nog geen cijfers bestaan.",
    ),
    ErrorCode.NOT_A_NUMBER: (
        "'{value}' is not a number.",
        "'{value}' is geen getal.",
    ),
    ErrorCode.AMBIGUOUS_NUMBER: (
        "'{value}' is ambiguous in this file: it can mean {as_whole} or {as_decimal_en}. "
        "Write whole numbers without a thousands separator ({as_whole}).",
        "'{value}' is in dit bestand dubbelzinnig: het kan {as_whole} of {as_decimal_nl} "
        "betekenen. Schrijf hele getallen zonder scheidingsteken voor duizendtallen ({as_whole}).",
    ),
    ErrorCode.NOT_A_WHOLE_NUMBER: (
        "Indicator {indicator} counts whole units; '{value}' is not a whole number.",
        "Indicator {indicator} telt hele eenheden; '{value}' is geen geheel getal.",
    ),
    ErrorCode.NEGATIVE_COUNT: (
        "Indicator {indicator} cannot be negative; the file says '{value}'.",
        "Indicator {indicator} kan niet negatief zijn; in het bestand staat '{value}'.",
    ),
    ErrorCode.DIMENSION_NOT_ALLOWED: (
        "Indicator {indicator} is not broken down by {label_en}; leave '{header}' empty "
        "(breakdowns allowed: {allowed_en}).",
        "Indicator {indicator} wordt niet uitgesplitst naar {label_nl}; laat '{header}' leeg "
        "(toegestane uitsplitsingen: {allowed_nl}).",
    ),
    ErrorCode.DUPLICATE_ROW: (
        "Row {row} repeats row {first_row}: same indicator, jurisdiction, period and breakdown.",
        "Rij {row} herhaalt rij {first_row}: zelfde indicator, gebied, periode en uitsplitsing.",
    ),
    ErrorCode.OUTSIDE_SCOPE: (
        "Your organisation may not report figures for {label_en} '{value}'.",
        "Uw organisatie mag geen cijfers aanleveren voor {label_nl} '{value}'.",
    ),
    ErrorCode.OUTSIDE_SCOPE_PAIR: (
        "Your organisation may not report indicator '{indicator}' for '{jurisdiction}'.",
        "Uw organisatie mag indicator '{indicator}' niet aanleveren voor '{jurisdiction}'.",
    ),
    ErrorCode.CORRECTION_WITHOUT_REASON: (
        "This row changes the figure already reported for this cell ({old} → {new}); "
        "a correction needs a reason for the submission.",
        "Deze rij wijzigt het eerder aangeleverde cijfer voor deze cel ({old} → {new}); "
        "een correctie vraagt om een reden bij de aanlevering.",
    ),
    ErrorCode.MISSING_VALUE: (
        "'{header}' is empty; this column is required.{hint_en}",
        "'{header}' is leeg; deze kolom is verplicht.{hint_nl}",
    ),
    ErrorCode.FORMULA_WITHOUT_VALUE: (
        "'{header}' holds a formula without a calculated value. Open the file in Excel, let it "
        "recalculate and save it again, or paste the values.",
        "'{header}' bevat een formule zonder berekende waarde. Open het bestand in Excel, laat "
        "het herberekenen en sla het opnieuw op, of plak de waarden.",
    ),
    ErrorCode.TOO_MANY_CELLS: (
        "This row has {count} more cell(s) than the header row: '{value}'. In a comma-separated "
        'file a decimal comma must be inside quotes ("3,5").',
        "Deze rij heeft {count} cel(len) meer dan de kopregel: '{value}'. In een bestand met "
        'komma\'s als scheidingsteken moet een decimale komma tussen aanhalingstekens ("3,5").',
    ),
    ErrorCode.NOTE_TOO_LONG: (
        "The note is longer than {limit} characters.",
        "De opmerking is langer dan {limit} tekens.",
    ),
    ErrorCode.FILE_TOO_LARGE: (
        "The file is {size} bytes; the limit is {limit} bytes.",
        "Het bestand is {size} bytes; de grens is {limit} bytes.",
    ),
    ErrorCode.ARCHIVE_TOO_LARGE: (
        "The workbook unpacks to {size} bytes; the limit is {limit} bytes.",
        "De werkmap is uitgepakt {size} bytes; de grens is {limit} bytes.",
    ),
    ErrorCode.TOO_MANY_SHEETS: (
        "The workbook has {count} sheets; the limit is {limit}.",
        "De werkmap heeft {count} tabbladen; de grens is {limit}.",
    ),
    ErrorCode.TOO_MANY_ROWS: (
        "Row {row}: the file has more data rows than the limit of {limit}. Split it into "
        "smaller files.",
        "Rij {row}: het bestand heeft meer gegevensrijen dan de grens van {limit}. Splits het in "
        "kleinere bestanden.",
    ),
    ErrorCode.TOO_MANY_COLUMNS: (
        "Row {row} has more columns than the limit of {limit}.",
        "Rij {row} heeft meer kolommen dan de grens van {limit}.",
    ),
    ErrorCode.UNREADABLE_FILE: (
        "The file cannot be read as {format}: {reason_en}",
        "Het bestand kan niet als {format} worden gelezen: {reason_nl}",
    ),
    ErrorCode.UNSUPPORTED_FORMAT: (
        "Only .csv and .xlsx files are accepted, not '{name}'. Save an .xls file as .xlsx.",
        "Alleen .csv- en .xlsx-bestanden worden geaccepteerd, niet '{name}'. Sla een "
        ".xls-bestand op als .xlsx.",
    ),
    ErrorCode.UNSUPPORTED_ENCODING: (
        "The file is neither UTF-8 nor Windows-1252 text (unreadable byte at position {offset}).",
        "Het bestand is geen UTF-8- of Windows-1252-tekst (onleesbare byte op positie {offset}).",
    ),
    ErrorCode.EMPTY_FILE: (
        "The file has no header row.",
        "Het bestand heeft geen kopregel.",
    ),
    ErrorCode.NO_SEPARATOR: (
        "The header row has no ';' or ',' between the column names.",
        "De kopregel heeft geen ';' of ',' tussen de kolomnamen.",
    ),
    ErrorCode.MISSING_COLUMN: (
        "Required column(s) missing: {missing_en}.",
        "Verplichte kolom(men) ontbreken: {missing_nl}.",
    ),
    ErrorCode.DUPLICATE_COLUMN: (
        "Columns '{first}' and '{header}' both mean {label_en}; keep one.",
        "De kolommen '{first}' en '{header}' betekenen allebei {label_nl}; houd er één over.",
    ),
    ErrorCode.UNKNOWN_COLUMN: (
        "Unknown column '{header}'. Accepted column names: {accepted}.",
        "Onbekende kolom '{header}'. Toegestane kolomnamen: {accepted}.",
    ),
    ErrorCode.MALFORMED_CSV: (
        "Row {row} cannot be read as CSV: {detail}",
        "Rij {row} kan niet als CSV worden gelezen: {detail}",
    ),
}


def render_messages(code: ErrorCode, **params: object) -> tuple[str, str]:
    """The (English, Dutch) message for ``code`` filled with ``params``."""
    english, dutch = MESSAGES[code]
    return english.format(**params), dutch.format(**params)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row, located as the user sees it in Excel.

    ``column`` is the canonical field name (``value``), ``header`` the column header as written in
    the file (``Aantal``) and ``column_number`` its 1-based position (A = 1). All three are None
    for errors about the row as a whole (``duplicate_row``, ``too_many_cells``).
    ``related_row`` names the other row involved (the first occurrence for ``duplicate_row``).
    """

    row: int
    column: str | None
    header: str | None
    column_number: int | None
    value: str | None
    code: ErrorCode
    message_en: str
    message_nl: str
    related_row: int | None = None


class FileError(Exception):
    """The file as a whole cannot be read; nothing in it is ingested."""

    def __init__(self, code: ErrorCode, *, row: int | None = None, **params: object) -> None:
        self.code = code
        self.row = row
        self.params = params
        self.message_en, self.message_nl = render_messages(code, row=row, **params)
        super().__init__(f"{code}: {self.message_en}")

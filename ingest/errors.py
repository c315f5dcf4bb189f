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

import re
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
    CONTROL_CHARACTER = "control_character"
    # project rows (project files) and the project services
    UNKNOWN_PHASE = "unknown_phase"
    MALFORMED_DATE = "malformed_date"
    UNITS_NOT_POSITIVE = "units_not_positive"
    TOO_MANY_UNITS = "too_many_units"
    NOT_A_MUNICIPALITY = "not_a_municipality"
    UNKNOWN_DISTRICT = "unknown_district"
    DUPLICATE_PROJECT_UNITS = "duplicate_project_units"
    INCONSISTENT_PROJECT = "inconsistent_project"
    TEXT_TOO_LONG = "text_too_long"
    BACKWARD_PHASE_WITHOUT_REASON = "backward_phase_without_reason"
    FINAL_PHASE_WITHOUT_REASON = "final_phase_without_reason"
    CANCEL_WITHOUT_REASON = "cancel_without_reason"
    COMPLETION_IN_FUTURE = "completion_in_future"
    PROJECT_OUTSIDE_SCOPE = "project_outside_scope"
    COMPLETION_NEEDS_REVIEW = "completion_needs_review"
    # project services only
    PROJECT_NOT_FOUND = "project_not_found"
    NOT_PROJECT_OWNER = "not_project_owner"
    READ_ONLY_ROLE = "read_only_role"
    DUPLICATE_PROJECT_KEY = "duplicate_project_key"
    REQUIRED_FIELD = "required_field"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    # file errors
    FILE_TOO_LARGE = "file_too_large"
    ARCHIVE_TOO_LARGE = "archive_too_large"
    FILE_TOO_COMPLEX = "file_too_complex"
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
        ErrorCode.FILE_TOO_COMPLEX,
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
    ErrorCode.UNKNOWN_PHASE: (
        "Unknown phase '{value}'. Use initiative, plan, permit, construction, completed or "
        "cancelled (the Dutch names are understood too).",
        "Onbekende fase '{value}'. Gebruik initiatief, plan, vergunning, bouw, opgeleverd of "
        "geannuleerd (de Engelse namen mogen ook).",
    ),
    ErrorCode.MALFORMED_DATE: (
        "'{value}' is not a date; write 2028-03-31 or 31-03-2028.",
        "'{value}' is geen datum; schrijf 2028-03-31 of 31-03-2028.",
    ),
    ErrorCode.UNITS_NOT_POSITIVE: (
        "The number of units must be a whole number above zero, not '{value}'.",
        "Het aantal eenheden moet een geheel getal boven nul zijn, niet '{value}'.",
    ),
    ErrorCode.CONTROL_CHARACTER: (
        "'{header}' holds an invisible control character (shown as \ufffd in '{value}'); "
        "retype the cell, or save the file as UTF-8 text.",
        "'{header}' bevat een onzichtbaar stuurteken (getoond als \ufffd in '{value}'); "
        "typ de cel opnieuw, of sla het bestand op als UTF-8-tekst.",
    ),
    ErrorCode.TOO_MANY_UNITS: (
        "A project counts at most {limit} units; {value} is more. Split a larger development "
        "into projects, or ask an administrator.",
        "Een project telt hoogstens {limit} eenheden; {value} is meer. Splits een groter "
        "bouwplan in projecten, of vraag een beheerder.",
    ),
    ErrorCode.COMPLETION_NEEDS_REVIEW: (
        "Project {project}: this change counts as realised dwellings, which are published only "
        "after review. Send it in a project file (POST /submissions with kind=projects); a task "
        "force or an administrator approves it.",
        "Project {project}: deze wijziging telt als gerealiseerde woningen, die pas na "
        "beoordeling worden gepubliceerd. Stuur haar in een projectbestand (POST /submissions "
        "met kind=projects); een taskforce of beheerder keurt het goed.",
    ),
    ErrorCode.NOT_A_MUNICIPALITY: (
        "'{value}' is not a municipality; a project lies in one municipality (use its CBS "
        "code, e.g. GM0546).",
        "'{value}' is geen gemeente; een project ligt in één gemeente (gebruik de CBS-code, "
        "bijvoorbeeld GM0546).",
    ),
    ErrorCode.UNKNOWN_DISTRICT: (
        "Unknown district '{value}' in {municipality}; use the code of one of its districts.",
        "Onbekende wijk '{value}' in {municipality}; gebruik de code van een van haar wijken.",
    ),
    ErrorCode.DUPLICATE_PROJECT_UNITS: (
        "Row {row} repeats row {first_row}: same project, housing type and target group.",
        "Rij {row} herhaalt rij {first_row}: zelfde project, woonvorm en doelgroep.",
    ),
    ErrorCode.INCONSISTENT_PROJECT: (
        "Row {row} gives project '{project_key}' another {label_en} than row {first_row} "
        "('{value}' vs '{other}'); the rows of one project must agree.",
        "Rij {row} geeft project '{project_key}' een andere {label_nl} dan rij {first_row} "
        "('{value}' tegenover '{other}'); de rijen van één project moeten overeenkomen.",
    ),
    ErrorCode.TEXT_TOO_LONG: (
        "The {label_en} is longer than {limit} characters.",
        "De {label_nl} is langer dan {limit} tekens.",
    ),
    ErrorCode.BACKWARD_PHASE_WITHOUT_REASON: (
        "Project {project} would move back from {from_en} to {to_en}; moving back needs a "
        "reason (in a file: the correction reason of the submission).",
        "Project {project} zou teruggaan van {from_nl} naar {to_nl}; teruggaan vraagt om een "
        "reden (bij een bestand: de correctiereden van de aanlevering).",
    ),
    ErrorCode.FINAL_PHASE_WITHOUT_REASON: (
        "Project {project} is {from_en}, a final phase; changing it is a correction and needs "
        "a reason (in a file: the correction reason of the submission).",
        "Project {project} is {from_nl}, een eindfase; wijzigen is een correctie en vraagt om "
        "een reden (bij een bestand: de correctiereden van de aanlevering).",
    ),
    ErrorCode.CANCEL_WITHOUT_REASON: (
        "Cancelling project {project} needs a reason (in a file: the correction reason of the submission).",
        "Het annuleren van project {project} vraagt om een reden (bij een bestand: de correctiereden van de aanlevering).",
    ),
    ErrorCode.COMPLETION_IN_FUTURE: (
        "Project {project} cannot have been completed on {value}: that is after today ({today}).",
        "Project {project} kan niet op {value} zijn opgeleverd: dat is na vandaag ({today}).",
    ),
    ErrorCode.PROJECT_OUTSIDE_SCOPE: (
        "Project {project} cannot lie in {municipality}: that municipality is outside the "
        "reporting scope of {organisation}.",
        "Project {project} kan niet in {municipality} liggen: die gemeente valt buiten het "
        "rapportagegebied van {organisation}.",
    ),
    ErrorCode.PROJECT_NOT_FOUND: (
        "There is no project with id {value}.",
        "Er is geen project met id {value}.",
    ),
    ErrorCode.NOT_PROJECT_OWNER: (
        "{actor} may not change project {project}: only its owner organisation or an "
        "administrator can.",
        "{actor} mag project {project} niet wijzigen: alleen de eigenaar of een beheerder kan dat.",
    ),
    ErrorCode.READ_ONLY_ROLE: (
        "{actor} has the role '{role}', which may not change projects.",
        "{actor} heeft de rol '{role}', die geen projecten mag wijzigen.",
    ),
    ErrorCode.DUPLICATE_PROJECT_KEY: (
        "The organisation already has a project with key '{value}'.",
        "De organisatie heeft al een project met projectcode '{value}'.",
    ),
    ErrorCode.REQUIRED_FIELD: (
        "The {label_en} is required.",
        "De {label_nl} is verplicht.",
    ),
    ErrorCode.UNKNOWN_ORGANISATION: (
        "There is no organisation with id {value}.",
        "Er is geen organisatie met id {value}.",
    ),
    ErrorCode.FILE_TOO_LARGE: (
        "The file is {size} bytes; the limit is {limit} bytes.",
        "Het bestand is {size} bytes; de grens is {limit} bytes.",
    ),
    ErrorCode.ARCHIVE_TOO_LARGE: (
        "The workbook unpacks to {size} bytes; the limit is {limit} bytes.",
        "De werkmap is uitgepakt {size} bytes; de grens is {limit} bytes.",
    ),
    ErrorCode.FILE_TOO_COMPLEX: (
        "The workbook has more distinct texts than can be read (at most {strings} texts of "
        "{characters} characters in all). Save the data sheet alone as a new workbook, or send it "
        "as .csv.",
        "De werkmap bevat meer verschillende teksten dan gelezen kan worden (hoogstens {strings} "
        "teksten van samen {characters} tekens). Sla alleen het gegevensblad op als nieuwe "
        "werkmap, of stuur het als .csv.",
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


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_messages(code: ErrorCode, **params: object) -> tuple[str, str]:
    """The (English, Dutch) message for ``code`` filled with ``params``. Control characters in
    the values quoted from the file are shown as U+FFFD: a message never carries a NUL (which
    PostgreSQL refuses to store, e.g. the headers of a UTF-16 file read without its BOM)."""
    english, dutch = MESSAGES[code]
    shown = {
        name: _CONTROL.sub("\N{REPLACEMENT CHARACTER}", value) if isinstance(value, str) else value
        for name, value in params.items()
    }
    return english.format(**shown), dutch.format(**shown)


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

"""Validate RawRows against what the database knows; pure (the caller fills the context).

``validate_row`` checks one row and returns a ``ValidRow`` or every ``RowError`` of that row.
``validate_rows`` does the same for a stream of rows and also reports a row that repeats an
earlier one (same indicator, jurisdiction, period, target group, housing type and price segment):
the later row gets ``duplicate_row`` naming the first.

Codes are matched without regard to case and surrounding blanks and returned as the context
spells them. A jurisdiction may be written as the bare CBS number (``518`` or ``0518`` for
``GM0518``). An empty value is an error (``missing_value``): a blank is not a zero.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice

from ingest.duplicates import FirstRows
from ingest.errors import ErrorCode, RowError, render_messages
from ingest.fields import DIMENSION_FIELDS, FIELD_LABELS, REQUIRED_FIELDS, Field
from ingest.numbers import NumberError, parse_number
from ingest.periods import Period, PeriodError
from ingest.raw_rows import BATCH_ROWS, RawRow

MAX_NOTE_CHARS = 1000

_UNKNOWN_CODE_ERRORS = {
    Field.TARGET_GROUP: ErrorCode.UNKNOWN_TARGET_GROUP,
    Field.HOUSING_TYPE: ErrorCode.UNKNOWN_HOUSING_TYPE,
    Field.PRICE_SEGMENT: ErrorCode.UNKNOWN_PRICE_SEGMENT,
}

# C0 control characters other than tab, line feed and carriage return (NUL above all)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class IndicatorRule:
    """What the database says about one indicator.

    ``kind`` is ``flow``, ``stock`` or ``ratio``; ``dimensions`` the breakdowns allowed
    (``target_group``, ``housing_type``, ``price_segment``). Counts are not negative unless
    ``allow_negative``; ``whole_numbers_only`` rejects ``3,5`` dwellings.
    """

    code: str
    kind: str
    dimensions: frozenset[str] = frozenset()
    allow_negative: bool = False
    whole_numbers_only: bool = False


@dataclass(frozen=True)
class ValidationContext:
    """Everything validation needs to know, filled by the caller from the database.

    ``price_segments`` None accepts any price segment text. ``scope_jurisdictions`` and
    ``scope_indicators`` are what the submitting organisation may report; None = unrestricted.
    Periods starting after ``today`` are rejected.
    """

    indicators: Collection[IndicatorRule]
    jurisdictions: Collection[str]
    target_groups: Collection[str]
    housing_types: Collection[str]
    today: date
    price_segments: Collection[str] | None = None
    scope_jurisdictions: Collection[str] | None = None
    scope_indicators: Collection[str] | None = None
    _lookup: _CodeLookup = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lookup", _CodeLookup(self))

    def indicator(self, text: str) -> IndicatorRule | None:
        return self._lookup.indicators.get(_key(text))

    def jurisdiction(self, text: str) -> str | None:
        found = self._lookup.jurisdictions.get(_key(text))
        if found is None and text.strip().isdigit():  # bare CBS number: 518 → GM0518
            found = self._lookup.jurisdictions.get(_key("GM" + text.strip().zfill(4)))
        return found

    def dimension_code(self, dimension: Field, text: str) -> str | None:
        if dimension is Field.PRICE_SEGMENT and self.price_segments is None:
            return text.strip()
        return self._lookup.dimensions[dimension].get(_key(text))

    def may_report_indicator(self, code: str) -> bool:
        return self.scope_indicators is None or code in self._lookup.scope_indicators

    def may_report_jurisdiction(self, code: str) -> bool:
        return self.scope_jurisdictions is None or code in self._lookup.scope_jurisdictions


def _key(text: str) -> str:
    return text.strip().casefold()


class _CodeLookup:
    """Case-insensitive indexes over a context, built once per context."""

    def __init__(self, context: ValidationContext) -> None:
        self.indicators = {_key(rule.code): rule for rule in context.indicators}
        self.jurisdictions = {_key(code): code for code in context.jurisdictions}
        self.dimensions = {
            Field.TARGET_GROUP: {_key(code): code for code in context.target_groups},
            Field.HOUSING_TYPE: {_key(code): code for code in context.housing_types},
            Field.PRICE_SEGMENT: {_key(code): code for code in context.price_segments or ()},
        }
        self.scope_indicators = frozenset(context.scope_indicators or ())
        self.scope_jurisdictions = frozenset(context.scope_jurisdictions or ())


RowKey = tuple[str, str, Period, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class ValidRow:
    """A row that passed validation, with canonical codes and typed values."""

    row_number: int
    indicator: str
    jurisdiction: str
    period: Period
    target_group: str | None
    housing_type: str | None
    price_segment: str | None
    value: Decimal
    note: str | None

    @property
    def key(self) -> RowKey:
        """What makes two rows of one file the same cell."""
        return (
            self.indicator,
            self.jurisdiction,
            self.period,
            self.target_group,
            self.housing_type,
            self.price_segment,
        )

    @property
    def key_text(self) -> str:
        """``key`` as one text (codes are never empty, so "" can stand for a missing one)."""
        period = str(self.period)
        breakdowns = (self.target_group, self.housing_type, self.price_segment)
        parts = (self.indicator, self.jurisdiction, period, *breakdowns)
        return "\x1f".join(part or "" for part in parts)


RowResult = ValidRow | list[RowError]


def validate_row(raw: RawRow, context: ValidationContext) -> RowResult:
    """The row as a ValidRow, or all its errors (never an empty list)."""
    return _RowCheck(raw, context).run()


def validate_rows(rows: Iterable[RawRow], context: ValidationContext) -> Iterator[RowResult]:
    """validate_row for each row, plus ``duplicate_row`` for a repeat of an earlier valid row.

    Rows are checked a batch at a time by the columnar validator (ingest.columnar), which hands
    every row it is not sure of to ``validate_row``; a batch whose row numbers do not increase
    (rows built by hand) is checked row by row.
    """
    from ingest.columnar import BatchValidator, batch_of, results_in_row_order  # imports us

    with BatchValidator(context) as validator:
        for chunk in _chunks(rows, BATCH_ROWS):
            batch = batch_of(chunk)
            if batch is None:
                yield from _one_by_one(chunk, context, validator.first_rows)
            else:
                yield from results_in_row_order(batch, validator.validate(batch))


def _chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _one_by_one(
    rows: Iterable[RawRow], context: ValidationContext, first_rows: FirstRows
) -> Iterator[RowResult]:
    for raw in rows:
        result = validate_row(raw, context)
        if isinstance(result, ValidRow):
            first_row = first_rows.first_row(result.key_text, raw.row_number)
            if first_row != raw.row_number:
                result = [duplicate_error(raw.row_number, first_row)]
        yield result


def duplicate_error(row: int, first_row: int) -> RowError:
    message_en, message_nl = render_messages(ErrorCode.DUPLICATE_ROW, row=row, first_row=first_row)
    return RowError(
        row=row,
        column=None,
        header=None,
        column_number=None,
        value=None,
        code=ErrorCode.DUPLICATE_ROW,
        message_en=message_en,
        message_nl=message_nl,
        related_row=first_row,
    )


class _RowCheck:
    """One validation of one row: checks each field, collecting errors."""

    def __init__(self, raw: RawRow, context: ValidationContext) -> None:
        self.raw = raw
        self.context = context
        self.errors: list[RowError] = []

    def run(self) -> RowResult:
        if self._control_characters():
            return self.errors
        self._check_shape()
        indicator = self._indicator()
        jurisdiction = self._jurisdiction()
        period = self._period()
        dimensions = {name: self._dimension(name, indicator) for name in DIMENSION_FIELDS}
        value = self._value(indicator)
        note = self._note()
        if self.errors:
            return self.errors
        assert indicator and jurisdiction and period and value is not None  # no errors ⇒ all set
        return ValidRow(
            row_number=self.raw.row_number,
            indicator=indicator.code,
            jurisdiction=jurisdiction,
            period=period,
            target_group=dimensions[Field.TARGET_GROUP],
            housing_type=dimensions[Field.HOUSING_TYPE],
            price_segment=dimensions[Field.PRICE_SEGMENT],
            value=value,
            note=note,
        )

    # --- fields ---------------------------------------------------------------------------

    def _check_shape(self) -> None:
        overflow = self.raw.overflow
        if overflow is not None:
            self._add(
                None,
                ErrorCode.TOO_MANY_CELLS,
                value=overflow.record_text,
                count=overflow.extra_cells,
            )
        for name, formula in sorted(self.raw.formulas.items()):
            self._add(Field(name), ErrorCode.FORMULA_WITHOUT_VALUE, value=formula)
        for name in REQUIRED_FIELDS:
            if name not in self.raw.formulas and self._text(name) is None:
                self._add(name, ErrorCode.MISSING_VALUE, **_missing_hint(name))

    def _indicator(self) -> IndicatorRule | None:
        text = self._text(Field.INDICATOR)
        if text is None:
            return None
        rule = self.context.indicator(text)
        if rule is None:
            self._add(Field.INDICATOR, ErrorCode.UNKNOWN_INDICATOR)
        elif not self.context.may_report_indicator(rule.code):
            self._add(Field.INDICATOR, ErrorCode.OUTSIDE_SCOPE, **_labels(Field.INDICATOR))
        return rule

    def _jurisdiction(self) -> str | None:
        text = self._text(Field.JURISDICTION)
        if text is None:
            return None
        code = self.context.jurisdiction(text)
        if code is None:
            self._add(Field.JURISDICTION, ErrorCode.UNKNOWN_JURISDICTION)
        elif not self.context.may_report_jurisdiction(code):
            self._add(Field.JURISDICTION, ErrorCode.OUTSIDE_SCOPE, **_labels(Field.JURISDICTION))
        return code

    def _period(self) -> Period | None:
        text = self._text(Field.PERIOD)
        if text is None:
            return None
        try:
            period = Period.parse(text)
        except PeriodError:
            self._add(Field.PERIOD, ErrorCode.MALFORMED_PERIOD)
            return None
        if period.is_future(self.context.today):
            self._add(Field.PERIOD, ErrorCode.FUTURE_PERIOD, today=self.context.today.isoformat())
            return None
        return period

    def _dimension(self, name: Field, indicator: IndicatorRule | None) -> str | None:
        text = self._text(name)
        if text is None:
            return None
        if indicator is not None and name not in indicator.dimensions:
            allowed = sorted(indicator.dimensions)
            self._add(
                name,
                ErrorCode.DIMENSION_NOT_ALLOWED,
                indicator=indicator.code,
                allowed_en=", ".join(FIELD_LABELS[Field(d)][0] for d in allowed) or "none",
                allowed_nl=", ".join(FIELD_LABELS[Field(d)][1] for d in allowed) or "geen",
                **_labels(name),
            )
            return None
        code = self.context.dimension_code(name, text)
        if code is None:
            self._add(name, _UNKNOWN_CODE_ERRORS[name])
        return code

    def _value(self, indicator: IndicatorRule | None) -> Decimal | None:
        text = self._text(Field.VALUE)
        if text is None:
            return None
        try:
            value = parse_number(text, self.raw.layout.decimal_mark)
        except NumberError as exc:
            self._add(
                Field.VALUE,
                exc.code,
                as_whole=exc.as_whole,
                as_decimal_en=exc.as_decimal,
                as_decimal_nl=exc.as_decimal.replace(".", ","),
            )
            return None
        if indicator is None:
            return value
        if value < 0 and not indicator.allow_negative:
            self._add(Field.VALUE, ErrorCode.NEGATIVE_COUNT, indicator=indicator.code)
        elif indicator.whole_numbers_only and value != value.to_integral_value():
            self._add(Field.VALUE, ErrorCode.NOT_A_WHOLE_NUMBER, indicator=indicator.code)
        return value

    def _note(self) -> str | None:
        text = self._text(Field.NOTE)
        if text is not None and len(text) > MAX_NOTE_CHARS:
            self._add(Field.NOTE, ErrorCode.NOTE_TOO_LONG, limit=MAX_NOTE_CHARS)
        return text

    # --- helpers --------------------------------------------------------------------------

    def _text(self, name: Field) -> str | None:
        """The cell text, or None when empty or already reported as a formula without value."""
        if name in self.raw.formulas:
            return None
        text = self.raw.values.get(name)
        return text.strip() or None if text is not None else None

    def _control_characters(self) -> bool:
        """A NUL (or another C0 control character but tab, line feed and carriage return) is a
        row error: no database stores NUL in text, and none belongs in a figure."""
        found = False
        for name, text in self.raw.values.items():
            if text is not None and CONTROL_CHARACTERS.search(text):
                visible = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", text)
                field_name = Field(name) if name in Field._value2member_map_ else None
                self._add(field_name, ErrorCode.CONTROL_CHARACTER, value=visible[:200])
                found = True
        return found

    def _add(self, name: Field | None, code: ErrorCode, **params: object) -> None:
        column = self.raw.layout.column(name) if name is not None else None
        value = params.pop("value") if "value" in params else self.raw.values.get(name or "")
        header = column.header if column else None
        message_en, message_nl = render_messages(
            code, row=self.raw.row_number, value=value, header=header, **params
        )
        self.errors.append(
            RowError(
                row=self.raw.row_number,
                column=str(name) if name is not None else None,
                header=header,
                column_number=column.position if column else None,
                value=value if isinstance(value, str) or value is None else str(value),
                code=code,
                message_en=message_en,
                message_nl=message_nl,
            )
        )


def _labels(name: Field) -> dict[str, str]:
    label_en, label_nl = FIELD_LABELS[name]
    return {"label_en": label_en, "label_nl": label_nl}


def _missing_hint(name: Field) -> dict[str, str]:
    if name is not Field.VALUE:
        return {"hint_en": "", "hint_nl": ""}
    return {
        "hint_en": " A blank is not a zero: write 0 if nothing was realised, or remove the row.",
        "hint_nl": " Een lege cel is geen nul: vul 0 in als er niets is gerealiseerd, of "
        "verwijder de rij.",
    }

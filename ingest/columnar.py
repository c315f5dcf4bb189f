"""Columnar validation with polars: a batch of rows is checked by one lazy query instead of
Python code per row.

The row-by-row validator (ingest.validation) stays the one place that words errors. Each batch is
split by a conservative test: a row that is plainly right (codes found in the vocabularies and
the scope, a period parsed once per distinct text, a number of a simple shape, every rule met) is
taken from the columns as it is; any other row (a doubt, an error, a control character,
``1.080,5``, a formula, an overflow…) goes through ``validate_row``, which reports it exactly as
it always did or finds it right after all. The test only decides *which* validator looks at a
row, so the errors and the values are the row validator's by construction.

The test runs twice at most. First on the cells as a reader gives them (stripped, null when
empty), codes as spelled: a cell that is not so simply fails it, and nothing needs stripping,
lower-casing or a look for control characters, because

- a code is looked up by its exact text among keys of printable ASCII without blanks at either
  end (each code as written and as casefolded), so a text found holds no control character and
  no surrounding blank, and its casefold finds the same code in the row validator;
- a period is parsed in Python once per distinct text (control characters looked for there);
- a value must match a number pattern of ASCII digits, which leaves room for nothing else;
- a free text (a note, a price segment when any is accepted) is checked by one pattern: no
  control character, no blank at either end, not empty.

Then, only for the rows that failed (hand-built rows, codes in another case), normalised as the
row validator reads a row: stripped, empty as null, codes lower-cased (``K``, the Kelvin sign,
lower-cases to ``k`` as it casefolds), one control-character pattern over the row's cells.

Repeated rows are found by grouping: within a batch by the hashes of the cell key, across batches
through ingest.duplicates' store of hashes, one set-based step per batch. Memory is that of one
batch, whatever the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from ingest.duplicates import FirstRows, cell_hashes
from ingest.errors import RowError
from ingest.fields import DIMENSION_FIELDS, Field
from ingest.frames import pl
from ingest.periods import Period, PeriodError
from ingest.raw_rows import FileLayout, RawRow, RowBatch
from ingest.validation import (
    CONTROL_CHARACTERS,
    MAX_NOTE_CHARS,
    RowResult,
    ValidationContext,
    ValidRow,
    duplicate_error,
    validate_row,
)

KEY_COLUMNS = (
    "indicator",
    "jurisdiction",
    "period",
    "target_group",
    "housing_type",
    "price_segment",
)
VALID_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),
    "indicator": pl.String(),
    "jurisdiction": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "target_group": pl.String(),
    "housing_type": pl.String(),
    "price_segment": pl.String(),
    "value": pl.String(),  # the exact decimal as text: "1080", "-3.50"
    "note": pl.String(),
}
"""The valid rows of a batch: canonical codes, the period's text and dates, the value."""

# a key a clean text can match: printable ASCII, no blank at either end (keys are stripped)
_CLEAN_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # validation.CONTROL_CHARACTERS
# a free text as the row validator keeps it: not empty, no control character, no blank at either
# end (\s is Unicode's White_Space, what polars strips; str.strip also strips the C0 separators,
# which are control characters)
_CLEAN_TEXT = r"^[^\s\x00-\x1f](?:[^\x00-\x08\x0b\x0c\x0e-\x1f]*[^\s\x00-\x1f])?$"
# an integer or a number with one mark
_NUMBER = r"^[+-]?[0-9]+(?:[.,][0-9]+)?$"
# one mark that may group thousands: 1 to 3 digits (not starting with 0) and 3 after it
_COULD_GROUP = r"^[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}$"
_HASHES = ("hash", "check_hash")
_PERIOD_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
}


_V = TypeVar("_V")


@dataclass(frozen=True)
class BatchResult:
    """One batch validated: its valid rows (``VALID_SCHEMA``, in row order), the errors of the
    others (in row order), and every row number of the batch."""

    valid: pl.DataFrame
    errors: list[RowError]
    rows: int


def _key(code: str) -> str:
    return code.strip().casefold()


class _Lookup:
    """Texts to values without a join: a text's index is its cast to an Enum of the keys (null
    when it is none of them) and its values gathers by that index. A join would copy every
    column of the batch once per vocabulary."""

    def __init__(
        self, entries: dict[str, tuple[object, ...]], schema: dict[str, pl.DataType]
    ) -> None:
        self.entries = entries
        self.dtype = pl.Enum(list(entries))
        columns = list(zip(*entries.values(), strict=True)) or [() for _ in schema]
        self.values = [
            pl.Series(name, column, dtype=dtype)
            for (name, dtype), column in zip(schema.items(), columns, strict=True)
        ]

    def index(self, text: pl.Expr) -> pl.Expr:
        return text.cast(self.dtype, strict=False).to_physical()

    def get(self, index: str) -> list[pl.Expr]:
        """The values at the index in column ``index`` (null where that is null). (One gather
        of a struct of them was slower.)"""
        return [pl.lit(values).gather(pl.col(index)).alias(values.name) for values in self.values]


def _clean(entries: dict[str, _V]) -> dict[str, _V]:
    """The entries a clean text can find: keyed by printable ASCII without blanks at either end."""
    return {key: value for key, value in entries.items() if _CLEAN_KEY.fullmatch(key)}


def _spelled(by_key: dict[str, _V], codes: Iterable[str]) -> dict[str, _V]:
    """``by_key`` also under each code as written, so a text spelled like its code is found
    without changing its case (what the row validator finds for it: its casefold's entry)."""
    return {**by_key, **{code: by_key[_key(code)] for code in codes if _key(code) in by_key}}


def _number_keys(key: str) -> list[str]:
    """The bare CBS numbers the row validator reads as jurisdiction ``key`` (``gm0518``: 518 and
    0518; its rule: ``"GM" + text.zfill(4)``, casefolded, is the key)."""
    digits = key[2:]
    if not (key.startswith("gm") and digits.isascii() and digits.isdigit() and len(digits) >= 4):
        return []
    if len(digits) > 4:
        return [digits]
    return [digits[start:] for start in range(4) if not digits[:start].strip("0")]


class _Vocabulary:
    """The context's codes as lookups, built once per file. Like the row validator's lookups, a
    later code wins over an earlier one with the same key; a code outside the scope is left out
    (its rows are the row validator's to report)."""

    def __init__(self, context: ValidationContext) -> None:
        rules = {_key(rule.code): rule for rule in context.indicators}
        scope = context.scope_indicators
        self.indicators = _Lookup(
            _clean(
                {
                    key: (
                        rule.code,
                        "target_group" in rule.dimensions,
                        "housing_type" in rule.dimensions,
                        "price_segment" in rule.dimensions,
                        rule.allow_negative,
                        rule.whole_numbers_only,
                    )
                    for key, rule in _spelled(rules, (r.code for r in context.indicators)).items()
                    if scope is None or rule.code in scope
                }
            ),
            {
                "indicator": pl.String(),
                "allows_target_group": pl.Boolean(),
                "allows_housing_type": pl.Boolean(),
                "allows_price_segment": pl.Boolean(),
                "allow_negative": pl.Boolean(),
                "whole_numbers_only": pl.Boolean(),
            },
        )
        codes = {_key(code): code for code in context.jurisdictions}
        # a bare number is looked up only when no code has it as its own key
        by_number = {
            number: code
            for key, code in codes.items()
            for number in _number_keys(key)
            if number not in codes
        }
        jurisdictions = {**_spelled(codes, context.jurisdictions), **by_number}
        scope_jurisdictions = context.scope_jurisdictions
        self.jurisdictions = _Lookup(
            _clean(
                {
                    key: (code,)
                    for key, code in jurisdictions.items()
                    if scope_jurisdictions is None or code in scope_jurisdictions
                }
            ),
            {"jurisdiction": pl.String()},
        )
        self.dimensions: dict[Field, _Lookup | None] = {
            Field.TARGET_GROUP: _codes(Field.TARGET_GROUP, context.target_groups),
            Field.HOUSING_TYPE: _codes(Field.HOUSING_TYPE, context.housing_types),
            Field.PRICE_SEGMENT: None
            if context.price_segments is None
            else _codes(Field.PRICE_SEGMENT, context.price_segments),
        }


def _codes(name: Field, listed: Iterable[str]) -> _Lookup:
    codes = list(listed)
    by_key: dict[str, tuple[object, ...]] = {_key(code): (code,) for code in codes}
    return _Lookup(_clean(_spelled(by_key, codes)), {str(name): pl.String()})


class BatchValidator:
    """Validates the batches of one file in order (duplicates are remembered across them)."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.vocabulary = _Vocabulary(context)
        self.first_rows = FirstRows()
        self._parsed: set[str] = set()  # the period texts looked at so far
        self._periods = _Lookup({}, _PERIOD_SCHEMA)  # those that are right
        # the query's expressions, built once per file (building them costs as much as a check)
        self._stages: dict[tuple[frozenset[str], bool, str | None], _Stages] = {}

    def close(self) -> None:
        self.first_rows.close()

    def __enter__(self) -> BatchValidator:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def validate(self, batch: RowBatch) -> BatchResult:
        cells = batch.cells
        checked = self._checked(cells, batch.layout, normalise=False)
        plain = checked.get_column("plain")
        slow: list[RawRow] = []
        if plain.all():
            valid = checked
        else:  # the rows not plain as they are: again, normalised as the row validator does
            valid = checked.filter(plain)
            rest = cells.filter(~plain)
            again = self._checked(rest, batch.layout, normalise=True)
            plain_again = again.get_column("plain")
            if plain_again.any():
                valid = pl.concat([valid, again.filter(plain_again)]).sort("row")
            slow = list(self._doubtful(rest.filter(~plain_again), batch.layout))
        valid = valid.drop("plain")
        slow.extend(batch.irregular)
        errors: list[RowError] = []
        slow_valid: list[ValidRow] = []
        for raw in slow:
            result = validate_row(raw, self.context)
            if isinstance(result, ValidRow):
                slow_valid.append(result)
            else:
                errors.extend(result)
        if slow_valid:
            slow_frame = _valid_frame(slow_valid).with_columns(_cell_hashes())
            valid = pl.concat([valid, slow_frame]).sort("row")
        valid, duplicates = self._without_duplicates(valid)
        errors.extend(duplicates)
        errors.sort(key=lambda error: error.row)  # stable: a row's own errors keep their order
        return BatchResult(valid, errors, batch.size)

    # --- the vectorised checks ---------------------------------------------------------------

    def _checked(self, cells: pl.DataFrame, layout: FileLayout, normalise: bool) -> pl.DataFrame:
        """One query: the rows with the ``VALID_SCHEMA`` columns, the cell key's hashes and
        ``plain``: True when every check passed (the other columns of such a row are then its
        valid values; those of another row mean nothing)."""
        present = frozenset(cells.columns)
        periods = self._periods_of(cells, present)
        stages = self._stages.get((present, normalise, layout.decimal_mark))
        if stages is None:
            stages = self._stages.setdefault(
                (present, normalise, layout.decimal_mark),
                _Stages(self.vocabulary, present, normalise, layout.decimal_mark),
            )
        return (
            cells.lazy()
            .select(*stages.first, periods.index(stages.period).alias("period_at"))
            .with_columns(*stages.found, *periods.get("period_at"))
            .with_columns(stages.value)
            .select(*VALID_SCHEMA, *stages.hashes, stages.plain)
            # a query this small costs more to optimise than to run as written
            .collect(engine="in-memory", optimizations=pl.QueryOptFlags.none())
        )

    def _periods_of(self, cells: pl.DataFrame, present: frozenset[str]) -> _Lookup:
        """The right period texts seen so far (stripped), each parsed once for the whole
        file."""
        if Field.PERIOD in present:
            texts = cells.get_column(Field.PERIOD).drop_nulls().unique().to_list()
            new = {text.strip() for text in texts} - self._parsed
            if new:
                self._parsed.update(new)
                added = {text: parsed for text in new if (parsed := self._parse_period(text))}
                if added:
                    self._periods = _Lookup({**self._periods.entries, **added}, _PERIOD_SCHEMA)
        return self._periods

    def _parse_period(self, text: str) -> tuple[object, ...] | None:
        if CONTROL_CHARACTERS.search(text):
            return None  # the row validator's to report
        try:
            period = Period.parse(text)
        except PeriodError:
            return None
        if period.is_future(self.context.today):
            return None
        return str(period), period.start, period.end

    @staticmethod
    def _doubtful(cells: pl.DataFrame, layout: FileLayout) -> Iterator[RawRow]:
        present = [name for name in map(str, Field) if name in cells.columns]
        for row_number, *texts in cells.select("row", *present).iter_rows():
            assert isinstance(row_number, int)
            values = dict(zip(present, texts, strict=True))
            by_column = {column.field: values.get(column.field) for column in layout.columns}
            yield RawRow(row_number=row_number, values=by_column, layout=layout)

    # --- duplicates ---------------------------------------------------------------------------

    def _without_duplicates(self, valid: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
        """``valid`` (in row order, with the key's hashes) without the repeats of an earlier
        row, and their errors naming it."""
        first_row = pl.col("row").min().over(_HASHES).alias("first_row")
        if valid.select(pl.col("hash").is_duplicated().any()).item():
            keyed = valid.with_columns(first_row)
            repeated = keyed.filter(pl.col("row") != pl.col("first_row")).select("row", "first_row")
            firsts = keyed.filter(pl.col("row") == pl.col("first_row"))
        else:  # the common case: no key twice in the batch
            repeated = pl.DataFrame(schema={"row": pl.Int64, "first_row": pl.Int64})
            firsts = valid
        earlier = self.first_rows.seen_before(firsts.select(*_HASHES, "row"))
        if earlier.is_empty() and repeated.is_empty():
            return valid.drop(_HASHES), []
        # a repeat of a row from an earlier batch names that row, as do its own repeats
        pairs = pl.concat(
            [
                repeated.join(
                    earlier.rename({"row": "first_row", "first_row": "earlier_row"}),
                    on="first_row",
                    how="left",
                    maintain_order="left",
                ).select("row", pl.coalesce("earlier_row", "first_row").alias("first_row")),
                earlier,
            ]
        )
        kept = valid.filter(~pl.col("row").is_in(pairs.get_column("row").implode()))
        errors = [duplicate_error(row, first) for row, first in pairs.iter_rows()]
        return kept.drop(_HASHES), errors


class _Stages:
    """The expressions of the query of ``BatchValidator._checked`` but the period's.

    Without ``normalise``, cells are taken as the reader gives them (stripped, null when empty)
    and codes as they are spelled: a cell that is not so simply fails a check. With it, cells are
    stripped, empty ones read as null, codes lower-cased and every cell looked at for control
    characters, as the row validator does: for the rows the first query was not sure of
    (hand-built ones, codes in another case)."""

    def __init__(
        self,
        vocabulary: _Vocabulary,
        present: frozenset[str],
        normalise: bool,
        decimal_mark: str | None,
    ) -> None:
        if normalise:
            text = {name: _text(name, present) for name in Field}
            raw = [pl.col(name) for name in Field if name in present]
            # one pattern over the row's cells joined: a control character in any of them
            control = pl.concat_str(raw, ignore_nulls=True).str.contains(_CONTROL) if raw else None
        else:
            # a clean code, number or period holds no control character (its key or pattern
            # leaves no room for one); a free text is looked at by _CLEAN_TEXT
            text = {name: _cell(name, present) for name in Field}
            control = None
        lookups = {
            Field.INDICATOR: vocabulary.indicators,
            Field.JURISDICTION: vocabulary.jurisdictions,
            **vocabulary.dimensions,
        }
        self.period = text[Field.PERIOD]
        self.first = [
            pl.col("row").cast(pl.Int64),
            *[
                lookup.index(text[name].str.to_lowercase() if normalise else text[name]).alias(
                    f"{name}_at"
                )
                for name, lookup in lookups.items()
                if lookup is not None
            ],
            *[text[name].alias(f"{name}_text") for name in DIMENSION_FIELDS],
            text[Field.VALUE].alias("value_text"),
            text[Field.NOTE].alias("note"),
        ]
        if control is not None:
            self.first.append(control.alias("control"))
        self.found = [
            value
            for name, lookup in lookups.items()
            if lookup is not None
            for value in lookup.get(f"{name}_at")
        ]
        dimension_checks = []
        for name in DIMENSION_FIELDS:
            dimension_text = pl.col(f"{name}_text")
            if vocabulary.dimensions[name] is None:  # any text is accepted as it is
                self.found.append(dimension_text.alias(str(name)))
                known = dimension_text.str.contains(_CLEAN_TEXT)
            else:
                known = pl.col(str(name)).is_not_null()
            dimension_checks.append(dimension_text.is_null() | (pl.col(f"allows_{name}") & known))
        self.value = _number(pl.col("value_text"), decimal_mark)
        value = pl.col("value")
        note = pl.col("note")
        plain = (
            pl.col("indicator").is_not_null()
            & pl.col("jurisdiction").is_not_null()
            & pl.col("period").is_not_null()
            & pl.all_horizontal(dimension_checks)
            & value.is_not_null()
            & (~pl.col("value_text").str.starts_with("-") | pl.col("allow_negative"))
            & ~(pl.col("whole_numbers_only") & value.str.contains(".", literal=True))
            & (
                note.is_null()
                | (note.str.contains(_CLEAN_TEXT) & (note.str.len_chars() <= MAX_NOTE_CHARS))
            )
        )
        if control is not None:
            plain = plain & ~pl.col("control")
        self.plain = plain.fill_null(False).alias("plain")
        self.hashes = _cell_hashes()


def _cell(name: Field, present: frozenset[str]) -> pl.Expr:
    return pl.col(name) if name in present else pl.lit(None, pl.String)


def _text(name: Field, present: frozenset[str]) -> pl.Expr:
    """A cell's text as the row validator reads it: stripped, null when empty. (polars strips
    Unicode's White_Space, as str.strip does, which also strips the C0 separators: control
    characters, which keep a row from being plain anyway.)"""
    if name not in present:
        return pl.lit(None, pl.String)
    stripped = pl.col(name).str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def _cell_hashes() -> list[pl.Expr]:
    """The hashes of a valid row's cell key (``ValidRow.key_text``: its codes are never empty,
    so a missing one is null here and empty there)."""
    return cell_hashes([pl.col(name) for name in KEY_COLUMNS])


def _number(text: pl.Expr, decimal_mark: str | None) -> pl.Expr:
    """The value as exact decimal text for the shapes that read one way: ``12``, ``-3``,
    ``3,5`` / ``3.5``, and ``1.080`` / ``1,080`` where the file says which mark is decimal.
    Null for anything else (the row validator decides those). The value is ``text`` itself with
    at most its mark changed, and the shapes are told by patterns without groups (a pattern
    that extracts groups costs several times one that only matches)."""
    signed = text.str.strip_prefix("+")  # "-" kept
    as_decimal = signed.str.replace(",", ".", literal=True)  # an integer stays as it is
    if decimal_mark is None:
        grouped = pl.lit(None, pl.String)
    else:
        grouping = "," if decimal_mark == "." else "."
        grouped = (
            pl.when(text.str.contains(decimal_mark, literal=True))
            .then(as_decimal)
            .otherwise(signed.str.replace(grouping, "", literal=True))
        )
    return (
        pl.when(~text.str.contains(_NUMBER))
        .then(pl.lit(None, pl.String))
        .when(text.str.contains(_COULD_GROUP))
        .then(grouped)
        .otherwise(as_decimal)
        .alias("value")
    )


def _valid_frame(rows: list[ValidRow]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                row.row_number,
                row.indicator,
                row.jurisdiction,
                str(row.period),
                row.period.start,
                row.period.end,
                row.target_group,
                row.housing_type,
                row.price_segment,
                format(row.value, "f"),
                row.note,
            )
            for row in rows
        ],
        schema=VALID_SCHEMA,
        orient="row",
    )


def valid_rows(frame: pl.DataFrame) -> Iterator[ValidRow]:
    """The rows of a ``VALID_SCHEMA`` frame as ValidRow objects (for the row-wise paths)."""
    periods: dict[str, Period] = {}
    for row in frame.iter_rows(named=True):
        period = periods.get(row["period"])
        if period is None:
            period = periods.setdefault(row["period"], Period.parse(row["period"]))
        yield ValidRow(
            row_number=row["row"],
            indicator=row["indicator"],
            jurisdiction=row["jurisdiction"],
            period=period,
            target_group=row["target_group"],
            housing_type=row["housing_type"],
            price_segment=row["price_segment"],
            value=Decimal(row["value"]),
            note=row["note"],
        )


def validate_batches(
    batches: Iterable[RowBatch], context: ValidationContext
) -> Iterator[BatchResult]:
    """Each batch validated, duplicates found across the whole stream."""
    with BatchValidator(context) as validator:
        for batch in batches:
            yield validator.validate(batch)


def batch_of(rows: list[RawRow]) -> RowBatch | None:
    """RawRows (built by hand, or a reader's) as one batch; None when they cannot be one: rows
    of different layouts, row numbers that do not increase, or values outside the layout."""
    if not rows:
        return None
    layout = rows[0].layout
    fields = {column.field for column in layout.columns}
    numbers: list[int] = []
    columns: dict[str, list[str | None]] = {name: [] for name in fields}
    irregular: list[RawRow] = []
    previous = 0
    for raw in rows:
        if raw.layout is not layout or raw.row_number <= previous:
            return None
        if not raw.values.keys() <= fields:
            return None
        previous = raw.row_number
        if raw.formulas or raw.overflow is not None:
            irregular.append(raw)
            continue
        numbers.append(raw.row_number)
        for name, values in columns.items():
            values.append(raw.values.get(name))
    return RowBatch.from_lists(layout, numbers, columns, irregular)


def results_in_row_order(batch: RowBatch, result: BatchResult) -> Iterator[RowResult]:
    """Per row of the batch, in row order (the stream's: row numbers increase): its ValidRow or
    its errors."""
    errors: dict[int, list[RowError]] = {}
    for error in result.errors:
        errors.setdefault(error.row, []).append(error)
    valid = {row.row_number: row for row in valid_rows(result.valid)}
    numbers = sorted([*batch.row_numbers, *(raw.row_number for raw in batch.irregular)])
    for number in numbers:
        yield valid[number] if number in valid else errors[number]

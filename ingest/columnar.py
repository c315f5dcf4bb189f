"""Columnar validation with polars: a batch of rows is checked with a few vectorised expressions
instead of Python code per row.

The row-by-row validator (ingest.validation) stays the one place that words errors. Each batch is
split by a conservative test: a row that is plainly right (ASCII codes found by joins against the
vocabularies and the scope, a period parsed once per distinct text, a number of a simple shape,
every rule met) is taken from the columns as it is; any other row (a doubt, an error, a control
character, ``1.080,5``, a formula, an overflow…) goes through ``validate_row``, which reports it
exactly as it always did or finds it right after all. The test only decides *which* validator
looks at a row, so the errors and the values are the row validator's by construction.

Repeated rows are found by grouping: within a batch by the cell key, across batches through the
on-disk key store of ingest.duplicates, one set-based statement per batch. Memory is that of one
batch, whatever the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ingest.duplicates import FirstRows
from ingest.errors import RowError
from ingest.fields import DIMENSION_FIELDS, REQUIRED_FIELDS, Field
from ingest.frames import pl
from ingest.periods import Period, PeriodError
from ingest.raw_rows import FileLayout, RawRow, RowBatch
from ingest.validation import (
    MAX_NOTE_CHARS,
    RowResult,
    ValidationContext,
    ValidRow,
    duplicate_error,
    validate_row,
)

CODE_FIELDS = (Field.INDICATOR, Field.JURISDICTION, Field.PERIOD, *DIMENSION_FIELDS, Field.VALUE)
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

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_PRINTABLE_ASCII = r"^[\x20-\x7e]*$"
_INTEGER = r"^[+-]?[0-9]+$"
_ONE_MARK = r"^([+-]?)([0-9]+)([.,])([0-9]+)$"


@dataclass(frozen=True)
class BatchResult:
    """One batch validated: its valid rows (``VALID_SCHEMA``, in row order), the errors of the
    others (in row order), and every row number of the batch."""

    valid: pl.DataFrame
    errors: list[RowError]
    rows: int


class _Vocabulary:
    """The context's codes as small frames to join against, built once per file."""

    def __init__(self, context: ValidationContext) -> None:
        scope_indicators = context.scope_indicators
        self.indicators = pl.DataFrame(
            {
                "indicator_key": [rule.code.strip().casefold() for rule in context.indicators],
                "indicator_code": [rule.code for rule in context.indicators],
                "allows_target_group": [
                    "target_group" in rule.dimensions for rule in context.indicators
                ],
                "allows_housing_type": [
                    "housing_type" in rule.dimensions for rule in context.indicators
                ],
                "allows_price_segment": [
                    "price_segment" in rule.dimensions for rule in context.indicators
                ],
                "allow_negative": [rule.allow_negative for rule in context.indicators],
                "whole_numbers_only": [rule.whole_numbers_only for rule in context.indicators],
                "indicator_in_scope": [
                    scope_indicators is None or rule.code in scope_indicators
                    for rule in context.indicators
                ],
            }
        ).unique("indicator_key", keep="first", maintain_order=True)
        scope_jurisdictions = context.scope_jurisdictions
        self.jurisdictions = pl.DataFrame(
            {
                "jurisdiction_key": [code.strip().casefold() for code in context.jurisdictions],
                "jurisdiction_code": list(context.jurisdictions),
                "jurisdiction_in_scope": [
                    scope_jurisdictions is None or code in scope_jurisdictions
                    for code in context.jurisdictions
                ],
            },
            schema={
                "jurisdiction_key": pl.String,
                "jurisdiction_code": pl.String,
                "jurisdiction_in_scope": pl.Boolean,
            },
        ).unique("jurisdiction_key", keep="first", maintain_order=True)
        self.dimensions: dict[Field, pl.DataFrame | None] = {
            Field.TARGET_GROUP: _codes(Field.TARGET_GROUP, context.target_groups),
            Field.HOUSING_TYPE: _codes(Field.HOUSING_TYPE, context.housing_types),
            Field.PRICE_SEGMENT: None
            if context.price_segments is None
            else _codes(Field.PRICE_SEGMENT, context.price_segments),
        }


def _codes(name: Field, codes: Iterable[str]) -> pl.DataFrame:
    listed = list(codes)
    return pl.DataFrame(
        {f"{name}_key": [code.strip().casefold() for code in listed], f"{name}_code": listed},
        schema={f"{name}_key": pl.String, f"{name}_code": pl.String},
    ).unique(f"{name}_key", keep="first", maintain_order=True)


class BatchValidator:
    """Validates the batches of one file in order (duplicates are remembered across them)."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self.vocabulary = _Vocabulary(context)
        self.first_rows = FirstRows()
        self._periods: dict[str, tuple[str, object, object] | None] = {}

    def close(self) -> None:
        self.first_rows.close()

    def __enter__(self) -> BatchValidator:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def validate(self, batch: RowBatch) -> BatchResult:
        frame = _frame(batch)
        checked = self._checked(frame, batch.layout)
        plain = checked.filter(pl.col("plain"))
        doubtful_rows = checked.filter(~pl.col("plain")).select(_RAW_COLUMNS).rows()
        slow = [_raw_row(values, batch.layout) for values in doubtful_rows] + batch.irregular
        errors: list[RowError] = []
        slow_valid: list[ValidRow] = []
        for raw in slow:
            result = validate_row(raw, self.context)
            if isinstance(result, ValidRow):
                slow_valid.append(result)
            else:
                errors.extend(result)
        valid = pl.concat([plain.select(list(VALID_SCHEMA)), _valid_frame(slow_valid)]).sort("row")
        valid, duplicates = self._without_duplicates(valid)
        errors.extend(duplicates)
        errors.sort(key=lambda error: error.row)  # stable: a row's own errors keep their order
        return BatchResult(valid, errors, batch.size)

    # --- the vectorised checks ---------------------------------------------------------------

    def _checked(self, frame: pl.DataFrame, layout: FileLayout) -> pl.DataFrame:
        """The frame with canonical columns and ``plain``: True when every check passed."""
        vocabulary = self.vocabulary
        text = {name: pl.col(f"{name}_text") for name in Field}
        frame = frame.with_columns(
            [
                pl.col(f"raw_{name}").str.strip_chars().replace("", None).alias(f"{name}_text")
                for name in Field
            ]
        )
        frame = frame.with_columns(
            pl.col("indicator_text").str.to_lowercase().alias("indicator_key"),
            pl.col("jurisdiction_text").str.to_lowercase().alias("jurisdiction_key"),
            pl.when(pl.col("jurisdiction_text").str.contains(r"^[0-9]+$"))
            .then(pl.lit("gm") + pl.col("jurisdiction_text").str.zfill(4))
            .alias("jurisdiction_number_key"),
            *[
                pl.col(f"{name}_text").str.to_lowercase().alias(f"{name}_key")
                for name in DIMENSION_FIELDS
            ],
        )
        frame = frame.join(vocabulary.indicators, on="indicator_key", how="left")
        frame = frame.join(vocabulary.jurisdictions, on="jurisdiction_key", how="left")
        by_number = vocabulary.jurisdictions.rename(
            {
                "jurisdiction_key": "jurisdiction_number_key",
                "jurisdiction_code": "jurisdiction_number_code",
                "jurisdiction_in_scope": "jurisdiction_number_in_scope",
            }
        )
        frame = frame.join(by_number, on="jurisdiction_number_key", how="left")
        frame = frame.with_columns(
            pl.coalesce("jurisdiction_code", "jurisdiction_number_code").alias("jurisdiction"),
            pl.coalesce("jurisdiction_in_scope", "jurisdiction_number_in_scope").alias(
                "jurisdiction_may"
            ),
        )
        dimension_checks = []
        for name in DIMENSION_FIELDS:
            codes = vocabulary.dimensions[name]
            if codes is None:  # any text is accepted
                frame = frame.with_columns(text[name].alias(f"{name}_code"))
            else:
                frame = frame.join(codes, on=f"{name}_key", how="left")
            dimension_checks.append(
                text[name].is_null()
                | (pl.col(f"allows_{name}").fill_null(False) & pl.col(f"{name}_code").is_not_null())
            )
        frame = frame.join(self._period_table(frame), on="period_text", how="left")
        frame = frame.with_columns(_number(text[Field.VALUE], layout.decimal_mark))
        control = pl.any_horizontal(
            [pl.col(f"raw_{name}").str.contains(_CONTROL).fill_null(False) for name in Field]
        )
        ascii_codes = pl.all_horizontal(
            [
                pl.col(f"raw_{name}").str.contains(_PRINTABLE_ASCII).fill_null(True)
                for name in CODE_FIELDS
            ]
        )
        value = pl.col("value")
        negative = value.str.starts_with("-")
        plain = (
            pl.all_horizontal([text[name].is_not_null() for name in REQUIRED_FIELDS])
            & ~control
            & ascii_codes
            & pl.col("indicator_code").is_not_null()
            & pl.col("indicator_in_scope").fill_null(False)
            & pl.col("jurisdiction").is_not_null()
            & pl.col("jurisdiction_may").fill_null(False)
            & pl.col("period").is_not_null()
            & pl.all_horizontal(dimension_checks)
            & value.is_not_null()
            & (~negative | pl.col("allow_negative").fill_null(False))
            & ~(pl.col("whole_numbers_only").fill_null(False) & value.str.contains(r"\."))
            & (text[Field.NOTE].is_null() | (text[Field.NOTE].str.len_chars() <= MAX_NOTE_CHARS))
        )
        return frame.with_columns(
            plain.fill_null(False).alias("plain"),
            pl.col("indicator_code").alias("indicator"),
            *[pl.col(f"{name}_code").alias(str(name)) for name in DIMENSION_FIELDS],
            text[Field.NOTE].alias("note"),
        )

    def _period_table(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Each distinct period text of the batch, parsed once for the whole file."""
        texts = frame.get_column("period_text").drop_nulls().unique().to_list()
        rows = []
        for text in texts:
            if text not in self._periods:
                self._periods[text] = self._parse_period(text)
            parsed = self._periods[text]
            if parsed is not None:
                rows.append((text, *parsed))
        return pl.DataFrame(
            rows,
            schema={
                "period_text": pl.String,
                "period": pl.String,
                "period_start": pl.Date,
                "period_end": pl.Date,
            },
            orient="row",
        )

    def _parse_period(self, text: str) -> tuple[str, object, object] | None:
        try:
            period = Period.parse(text)
        except PeriodError:
            return None
        if period.is_future(self.context.today):
            return None
        return str(period), period.start, period.end

    # --- duplicates ---------------------------------------------------------------------------

    def _without_duplicates(self, valid: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
        keyed = valid.with_columns(
            pl.concat_str(
                [pl.col(name).fill_null("") for name in KEY_COLUMNS], separator="\x1f"
            ).alias("key")
        ).with_columns(pl.col("row").min().over("key").alias("first_row"))
        repeated = keyed.filter(pl.col("row") != pl.col("first_row"))
        firsts = keyed.filter(pl.col("row") == pl.col("first_row"))
        earlier = self.first_rows.first_rows(
            firsts.get_column("key").to_list(), firsts.get_column("row").to_list()
        )
        pairs = [*repeated.select("row", "first_row").rows()]
        if earlier:
            seen_before = pl.DataFrame(
                {"row": list(earlier), "earlier_row": list(earlier.values())},
                schema={"row": pl.Int64, "earlier_row": pl.Int64},
            )
            # a repeat of a row from an earlier batch names that row, as do its own repeats
            pairs = [
                (row, earlier.get(first, first))
                for row, first in repeated.select("row", "first_row").rows()
            ]
            pairs.extend(seen_before.rows())
        duplicate_rows = {row for row, _ in pairs}
        kept = valid.filter(~pl.col("row").is_in(list(duplicate_rows))) if pairs else valid
        return kept, [duplicate_error(row, first) for row, first in pairs]


_RAW_COLUMNS = ["row", *[f"raw_{name}" for name in Field]]


def _frame(batch: RowBatch) -> pl.DataFrame:
    present = set(batch.cells.columns)
    return batch.cells.select(
        pl.col("row").cast(pl.Int64),
        *[
            (pl.col(name) if name in present else pl.lit(None, pl.String)).alias(f"raw_{name}")
            for name in Field
        ],
    )


def _raw_row(values: tuple[object, ...], layout: FileLayout) -> RawRow:
    row_number, *texts = values
    by_field = dict(zip([str(name) for name in Field], texts, strict=True))
    assert isinstance(row_number, int)
    present = {column.field: by_field.get(column.field) for column in layout.columns}
    return RawRow(row_number=row_number, values=present, layout=layout)  # type: ignore[arg-type]


def _number(text: pl.Expr, decimal_mark: str | None) -> pl.Expr:
    """The value as exact decimal text for the shapes that read one way: ``12``, ``-3``,
    ``3,5`` / ``3.5``, and ``1.080`` / ``1,080`` where the file says which mark is decimal.
    Null for anything else (the row validator decides those)."""
    parts = text.str.extract_groups(_ONE_MARK)
    sign = parts.struct.field("1").str.replace(r"\+", "")
    whole = parts.struct.field("2")
    mark = parts.struct.field("3")
    fraction = parts.struct.field("4")
    could_group = (
        (fraction.str.len_chars() == 3) & (whole.str.len_chars() <= 3) & ~whole.str.starts_with("0")
    )
    as_decimal = sign + whole + pl.lit(".") + fraction
    if decimal_mark is None:
        one_mark = pl.when(~could_group).then(as_decimal).otherwise(pl.lit(None, pl.String))
    else:
        one_mark = (
            pl.when(~could_group | (mark == decimal_mark))
            .then(as_decimal)
            .otherwise(sign + whole + fraction)
        )
    return (
        pl.when(text.str.contains(_INTEGER))
        .then(text.str.replace(r"^\+", ""))
        .otherwise(one_mark)
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

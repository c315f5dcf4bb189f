"""Custom scalars: ``Period`` (reporting periods as the documents and partners write them) and
``Decimal`` (exact figures, answered as JSON numbers).

Fields and arguments are annotated with :class:`ingest.periods.Period`; ``SCALAR_MAP`` tells the
schema how to read and write it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry

from ingest.periods import ACCEPTED_FORMS
from ingest.periods import Period as Period


def _parse_period(value: object) -> Period:
    if not isinstance(value, str):
        raise ValueError(f"a Period is a string ({ACCEPTED_FORMS}), not {type(value).__name__}")
    return Period.parse(value)  # a PeriodError says which forms are accepted


# A double holds 15 significant digits exactly; the database keeps more (Numeric(18, 4)), so a
# figure is rounded to 15 significant digits on the way out, and only then made a float.
DECIMAL_DIGITS = 15


def serialize_decimal(value: Decimal | int | float) -> int | float:
    """An exact figure as a JSON number: a whole one as an integer (``67``, never ``"67.0000"``),
    any other as the nearest double to it rounded to 15 significant digits (``12.5``)."""
    number = Decimal(value) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        raise ValueError(f"a Decimal is a finite number, not {number}")
    if number == number.to_integral_value() and abs(number) < 2**53:
        return int(number)
    return float(format(number, f".{DECIMAL_DIGITS}g"))


def parse_decimal(value: object) -> Decimal:
    """A JSON number or (as before) a numeric string, read exactly."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"a Decimal is a number, not {type(value).__name__}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"a Decimal is a finite number, not {value!r}")
    return number


SCALAR_MAP: dict[object, Any] = {
    Decimal: strawberry.scalar(
        name="Decimal",
        description=(
            "An exact figure (kept with 4 decimals in the database), answered as a JSON number: "
            "whole figures as integers, others rounded to 15 significant digits. Accepted as a "
            "number or a numeric string."
        ),
        serialize=serialize_decimal,
        parse_value=parse_decimal,
    ),
    Period: strawberry.scalar(
        name="Period",
        description=(
            "A reporting period: a year (2025), half-year (2025-H1), quarter (2025-Q3), month "
            "(2025-07), a day for a moment (2025-07-15) or a run of whole years (2022/2023)."
        ),
        serialize=str,
        parse_value=_parse_period,
    ),
}

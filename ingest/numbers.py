"""Numbers as Dutch and English offices write them.

The rule, per value (``decimal_mark`` comes from the file, see below):

1. Blanks around the number and a leading ``+`` or ``-`` are allowed; nothing else (no currency,
   no ``%``, no exponent, no spaces inside).
2. Both ``.`` and ``,`` present: the last one is the decimal mark and the other groups thousands
   (``1.080,5`` = ``1,080.5`` = 1080.5). Groups must be three digits.
3. One mark appearing more than once groups thousands (``1.000.000`` = ``1,000,000`` = 1000000).
4. One mark appearing once is a decimal mark (``3,5`` = ``3.5`` = 3.5, ``0,125`` = 0.125) —
   unless it *could* group thousands: one to three digits not starting with 0, the mark, then
   exactly three digits (``1.080``, ``1,080``). Only such a value is decided by the file:

   * ``;``-separated CSV and text cells in an .xlsx follow the Dutch convention: ``,`` is the
     decimal mark and ``.`` groups thousands, so ``1.080`` = 1080 and ``1,080`` = 1.08;
   * ``,``- or tab-separated CSV (and rows built by hand) do not tell: ``1.080`` and ``1,080``
     are rejected as ``ambiguous_number`` instead of being guessed. Write ``1080``.

Numeric .xlsx cells are numbers already; the reader writes them without grouping and with a
decimal comma, so they read back exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.errors import ErrorCode

_NUMBER_SHAPE = re.compile(r"[+-]?\d[\d.,]*")
_SURROUNDING_BLANKS = " \t\u00a0\u202f"


class NumberError(ValueError):
    """A value that is not a number (``not_a_number``) or reads two ways (``ambiguous_number``)."""

    def __init__(self, code: ErrorCode, text: str, *, as_whole: str = "", as_decimal: str = ""):
        self.code = code
        self.text = text
        self.as_whole = as_whole
        self.as_decimal = as_decimal
        super().__init__(f"{code}: {text!r}")


def parse_number(text: str, decimal_mark: str | None) -> Decimal:
    """The value of ``text``; raises NumberError. ``decimal_mark``: ``","``, ``"."`` or None."""
    cleaned = text.strip(_SURROUNDING_BLANKS)
    if not _NUMBER_SHAPE.fullmatch(cleaned) or cleaned[-1] in ".,":
        raise NumberError(ErrorCode.NOT_A_NUMBER, text)
    sign = "-" if cleaned[0] == "-" else ""
    body = cleaned.lstrip("+-")
    digits = _plain_digits(body, decimal_mark, text)
    return Decimal(sign + digits)


def _plain_digits(body: str, decimal_mark: str | None, text: str) -> str:
    """``body`` rewritten as ``1234`` or ``1234.5``."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole:
            raise NumberError(ErrorCode.NOT_A_NUMBER, text)
        return f"{_ungrouped(whole, grouping, text)}.{fraction}"
    if dots > 1 or commas > 1:
        return _ungrouped(body, "." if dots else ",", text)
    if dots == 1 or commas == 1:
        mark = "." if dots else ","
        whole, _, fraction = body.partition(mark)
        if not _could_group_thousands(whole, fraction):
            return f"{whole}.{fraction}"
        if decimal_mark is None:
            raise NumberError(
                ErrorCode.AMBIGUOUS_NUMBER,
                text,
                as_whole=whole + fraction,
                as_decimal=f"{whole}.{fraction.rstrip('0')}",
            )
        return f"{whole}.{fraction}" if mark == decimal_mark else whole + fraction
    return body


def _could_group_thousands(whole: str, fraction: str) -> bool:
    return len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")


def _ungrouped(text: str, grouping: str, original: str) -> str:
    groups = text.split(grouping)
    head, tail = groups[0], groups[1:]
    well_formed = (
        1 <= len(head) <= 3 and not head.startswith("0") and all(len(g) == 3 for g in tail)
    )
    if not well_formed:
        raise NumberError(ErrorCode.NOT_A_NUMBER, original)
    return "".join(groups)

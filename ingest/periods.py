"""Reporting periods: a year, half-year, quarter, month or a single day (a moment for stocks).

Canonical text forms: ``2025``, ``2025-H1``, ``2025-Q3``, ``2025-07``, ``2025-07-15``, and
``2022/2023`` for a run of whole years (documents print two-year totals).
A period is the closed date interval ``[start, end]``; containment is what keeps a year figure and
its quarters from being counted twice.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache


class PeriodKind(StrEnum):
    YEARS = "years"
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


class PeriodError(ValueError):
    """A period text that is not one of the accepted forms."""


_PATTERNS: list[tuple[PeriodKind, re.Pattern[str]]] = [
    (PeriodKind.YEARS, re.compile(r"(?P<y>\d{4})/(?P<n>\d{4})")),
    (PeriodKind.YEAR, re.compile(r"(?P<y>\d{4})")),
    (PeriodKind.HALF, re.compile(r"(?P<y>\d{4})-H(?P<n>[12])")),
    (PeriodKind.QUARTER, re.compile(r"(?P<y>\d{4})-Q(?P<n>[1-4])")),
    (PeriodKind.MONTH, re.compile(r"(?P<y>\d{4})-(?P<n>\d{2})")),
    (PeriodKind.DAY, re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")),
]

ACCEPTED_FORMS = "2025, 2025-H1, 2025-Q3, 2025-07, 2025-07-15 or 2022/2023"

# Months per unit, for ordering granularities from coarse to fine.
_MONTHS_PER = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str | int | date) -> Period:
        if isinstance(text, date):
            return cls.day(text)
        return _parse_text(str(text))

    @classmethod
    def _parse(cls, text: str) -> Period:
        raw = text.strip().upper()
        for kind, pattern in _PATTERNS:
            match = pattern.fullmatch(raw)
            if match:
                return cls._build(kind, match, str(text))
        raise PeriodError(f"'{text}' is not a period; use {ACCEPTED_FORMS}")

    @classmethod
    def _build(cls, kind: PeriodKind, match: re.Match[str], original: str) -> Period:
        year = int(match["y"])
        if not 1900 <= year <= 2200:
            raise PeriodError(f"'{original}': year {year} is out of range 1900-2200")
        if kind is PeriodKind.DAY:
            try:
                return cls.day(date(year, int(match["m"]), int(match["d"])))
            except ValueError as exc:
                raise PeriodError(f"'{original}' is not a valid date: {exc}") from None
        if kind is PeriodKind.YEAR:
            return cls.months(year, 1, 12, kind)
        n = int(match["n"])
        if kind is PeriodKind.YEARS:
            if not year < n <= 2200:
                raise PeriodError(f"'{original}': the last year must come after the first")
            return cls(date(year, 1, 1), date(n, 12, 31), kind)
        if kind is PeriodKind.MONTH and not 1 <= n <= 12:
            raise PeriodError(f"'{original}': month {n} is not 01-12")
        span = _MONTHS_PER[kind]
        first = (n - 1) * span + 1
        return cls.months(year, first, first + span - 1, kind)

    @classmethod
    def months(cls, year: int, first: int, last: int, kind: PeriodKind) -> Period:
        return cls(date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), kind)

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day, PeriodKind.DAY)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls.months(year, 1, 12, PeriodKind.YEAR)

    def __str__(self) -> str:
        y = self.start.year
        match self.kind:
            case PeriodKind.YEARS:
                return f"{y}/{self.end.year}"
            case PeriodKind.YEAR:
                return f"{y}"
            case PeriodKind.HALF:
                return f"{y}-H{(self.start.month - 1) // 6 + 1}"
            case PeriodKind.QUARTER:
                return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
            case PeriodKind.MONTH:
                return f"{y}-{self.start.month:02d}"
            case PeriodKind.DAY:
                return self.start.isoformat()

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def is_future(self, today: date) -> bool:
        """True when the period has not begun on ``today``: no figure can exist for it yet."""
        return self.start > today


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    """Period texts repeat across the rows of a file: each is parsed once (a Period is immutable)."""
    return Period._parse(text)

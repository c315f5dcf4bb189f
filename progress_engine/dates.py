"""Small date arithmetic used by the engine."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

ONE_DAY = timedelta(days=1)


def days_inclusive(first: date, last: date) -> int:
    return (last - first).days + 1


def shift_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier if negative), clamped to the month's length."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_complete_day(today: date) -> date:
    """The last day of the month before ``today``'s: figures for the running month cannot exist."""
    return today.replace(day=1) - ONE_DAY


def elapsed_fraction(window_start: date, window_end: date, today: date) -> Decimal:
    """Share of the window's days that have passed, counting ``today``; between 0 and 1."""
    total = days_inclusive(window_start, window_end)
    passed = min(max(days_inclusive(window_start, today), 0), total)
    return Decimal(passed) / Decimal(total)


def uncovered_spans(
    covered: list[tuple[date, date]], first: date, last: date
) -> list[tuple[date, date]]:
    """Spans of [first, last] that no interval in ``covered`` touches (intervals may overlap)."""
    gaps: list[tuple[date, date]] = []
    cursor = first
    for start, end in sorted(covered):
        if end < cursor:
            continue
        if start > last:
            break
        if start > cursor:
            gaps.append((cursor, start - ONE_DAY))
        cursor = max(cursor, end + ONE_DAY)
    if cursor <= last:
        gaps.append((cursor, last))
    return gaps

"""Periods: every accepted form, its interval, containment, and clear errors."""

from datetime import date

import pytest

from ingest.periods import Period, PeriodError, PeriodKind


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2025", PeriodKind.YEAR, date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-H2", PeriodKind.HALF, date(2025, 7, 1), date(2025, 12, 31)),
        ("2025-q3", PeriodKind.QUARTER, date(2025, 7, 1), date(2025, 9, 30)),
        ("2024-02", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-07-15", PeriodKind.DAY, date(2025, 7, 15), date(2025, 7, 15)),
        ("2022/2023", PeriodKind.YEARS, date(2022, 1, 1), date(2023, 12, 31)),
    ],
)
def test_each_form_parses_to_its_interval_and_prints_canonically(text, kind, start, end) -> None:  # type: ignore[no-untyped-def]
    period = Period.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert str(period) == text.upper()
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-Q5", "is not a period"),
        ("2025-13", "month 13 is not 01-12"),
        ("2025-02-30", "is not a valid date"),
        ("25", "is not a period"),
        ("1850", "out of range"),
        ("", "is not a period"),
        ("2023/2022", "must come after the first"),
    ],
)
def test_malformed_periods_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


def test_a_year_contains_its_quarters_but_not_the_next_year() -> None:
    year = Period.parse("2024")
    assert year.contains(Period.parse("2024-Q4"))
    assert year.contains(Period.parse("2024-06-30"))
    assert not year.contains(Period.parse("2025-Q1"))
    assert Period.parse("2024-H1").overlaps(Period.parse("2024-Q2"))
    assert not Period.parse("2024-H1").overlaps(Period.parse("2024-Q3"))
    assert Period.parse("2022/2023").contains(Period.parse("2023"))


def test_future_means_not_yet_begun() -> None:
    today = date(2026, 11, 22)
    assert not Period.parse("2026").is_future(today)
    assert Period.parse("2026-12").is_future(today)

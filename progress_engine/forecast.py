"""Forecasts at the deadline: the recent trend carried forward, and the project pipeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from progress_engine.dates import ONE_DAY, days_inclusive, shift_months
from progress_engine.measurement import Measurement, Series
from progress_engine.model import IndicatorKind, Phase, PipelineItem

ZERO = Decimal(0)


def trend_forecast(measurement: Measurement, deadline: date, months: int) -> Decimal | None:
    """Each series' recent rate (figures ending in its last ``months`` months) run on to the deadline.

    Flows: realised + rate per day × days left. Ratios: the same for numerator and denominator.
    Stocks: latest value + slope between the first and last value in the window × days left.
    None when a series has too little data to show a rate.
    """
    if not measurement.has_data or measurement.unweighted:
        return None
    if measurement.kind is IndicatorKind.STOCK:
        return _stock_trend(measurement.series, deadline, months)

    numerator = denominator = ZERO
    for series in measurement.series:
        projected = _projected_amounts(series, deadline, months, measurement.kind)
        if projected is None:
            continue
        numerator += projected[0]
        denominator += projected[1]
    if measurement.kind is IndicatorKind.RATIO:
        return numerator / denominator if denominator else None
    return numerator


def _projected_amounts(
    series: Series, deadline: date, months: int, kind: IndicatorKind
) -> tuple[Decimal, Decimal] | None:
    through = series.covered_through
    if through is None:
        return None
    since = shift_months(through + ONE_DAY, -months)
    recent = [f for f in series.figures if f.period.end >= since]
    recent_days = Decimal(sum(days_inclusive(f.period.start, f.period.end) for f in recent))
    days_left = Decimal(max((deadline - through).days, 0))

    def projected(parts: Iterable[Decimal], recent_parts: Iterable[Decimal]) -> Decimal:
        return sum(parts, ZERO) + sum(recent_parts, ZERO) / recent_days * days_left

    if kind is IndicatorKind.RATIO:
        return (
            projected(
                (f.numerator or ZERO for f in series.figures),
                (f.numerator or ZERO for f in recent),
            ),
            projected(
                (f.denominator or ZERO for f in series.figures),
                (f.denominator or ZERO for f in recent),
            ),
        )
    return projected((f.value for f in series.figures), (f.value for f in recent)), ZERO


def _stock_trend(series_list: Iterable[Series], deadline: date, months: int) -> Decimal | None:
    total = ZERO
    for series in series_list:
        latest = series.latest
        if latest is None:
            continue
        since = shift_months(latest.period.end + ONE_DAY, -months)
        points = [f for f in series.figures if f.period.end >= since]
        if len(points) < 2:
            return None
        first, last = points[0], points[-1]
        span = Decimal((last.period.end - first.period.end).days)
        if span == 0:
            return None
        slope = (last.value - first.value) / span
        projected = last.value + slope * Decimal(max((deadline - last.period.end).days, 0))
        total += max(projected, ZERO)  # a count cannot fall below zero
    return total


def pipeline_forecast(
    realised: Decimal | None,
    items: Iterable[PipelineItem],
    deadline: date,
    covered_through: date | None,
    today: date,
    probabilities: Mapping[Phase, Decimal],
) -> tuple[Decimal, list[str]]:
    """Realised + Σ units expected by the deadline × the phase's probability.

    Completed projects finished on or before the last counted figure are already in ``realised``.
    """
    flags: list[str] = []
    expected = ZERO
    for item in items:
        if item.phase is Phase.CANCELLED:
            continue
        if item.expected_completion is None:
            flags.append(f"pipeline_undated: {item.ref} has no expected completion; not counted")
            continue
        if item.expected_completion > deadline:
            continue
        completed = item.phase is Phase.COMPLETED
        if (
            completed
            and covered_through is not None
            and item.expected_completion <= covered_through
        ):
            continue
        if not completed and item.expected_completion < today:
            flags.append(
                f"pipeline_overdue: {item.ref} was expected {item.expected_completion.isoformat()}"
            )
        expected += item.units * probabilities.get(item.phase, ZERO)
    return (realised or ZERO) + expected, flags

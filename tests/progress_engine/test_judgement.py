"""Judging progress (DESIGN §5 "Progress"): percent, expected-by-now, status, caps, yearly targets.

Dates are in leap year 2028 so that 2028-07-01 is exactly half the year: (Jul 1 − Jan 1) + 1 day =
183 of 366 days.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.periods import Period
from progress_engine import (
    Direction,
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    Status,
    TargetKind,
    TargetSpec,
    compute_progress,
)

D = Decimal
P = Period.parse
CONFIG = EngineConfig()
MID_2028 = date(2028, 7, 1)
AFTER_2028 = date(2029, 1, 15)


def target(**overrides: object) -> TargetSpec:
    fields: dict[str, object] = {
        "indicator_kind": IndicatorKind.FLOW,
        "direction": Direction.HIGHER_IS_BETTER,
        "kind": TargetKind.TARGET,
        "value": D(1000),
        "start": P("2028"),
        "deadline": P("2028"),
    }
    fields.update(overrides)
    return TargetSpec(**fields)  # type: ignore[arg-type]


def obs(period: str, value: str | int, source: str = "partner") -> ObservationPoint:
    return ObservationPoint(P(period), D(value), source)


def test_percent_exceeds_100_when_realised_exceeds_the_target() -> None:
    # regression: no capping helper. given 600 + 600 against a target of 1,000
    spec = target(start=P("2027"), deadline=P("2028"))
    observations = [obs("2027", 600), obs("2028", 600)]
    # when
    result = compute_progress(spec, observations, [], CONFIG, AFTER_2028)
    # then 1,200 / 1,000 = 120%, and 200 more than needed
    assert result.realised == D(1200)
    assert result.percent == D("120.00")
    assert result.gap_to_target == D(-200)
    assert result.status is Status.ACHIEVED


@pytest.mark.parametrize(
    ("realised", "status"),
    [
        # expected by now = 1,000 × 183/366 = 500
        (480, Status.ON_TRACK),  # 480 / 500 = 0.96 ≥ 0.95
        (475, Status.ON_TRACK),  # 0.95 exactly
        (474, Status.AT_RISK),  # 0.948
        (400, Status.AT_RISK),  # 0.80 exactly
        (399, Status.OFF_TRACK),  # 0.798
        (1000, Status.ACHIEVED),
    ],
)
def test_status_thresholds_against_expected_by_now(realised: int, status: Status) -> None:
    result = compute_progress(target(), [obs("2028-H1", realised)], [], CONFIG, MID_2028)
    assert result.expected_by_now == D(500)
    assert result.elapsed_fraction == D("0.5")
    assert result.gap_to_expected == D(500 - realised)
    assert result.status is status


def test_thresholds_are_configuration() -> None:
    strict = EngineConfig(on_track_threshold=D("0.99"), at_risk_threshold=D("0.97"))
    result = compute_progress(target(), [obs("2028-H1", 480)], [], strict, MID_2028)
    assert result.status is Status.OFF_TRACK  # 0.96 < 0.97


def test_a_missed_deadline_is_off_track_and_flagged() -> None:
    result = compute_progress(target(), [obs("2028", 990)], [], CONFIG, AFTER_2028)
    assert result.status is Status.OFF_TRACK  # 99% of the goal, but the window is over
    assert "deadline_passed: 2028-12-31 without reaching 1000" in result.flags


@pytest.mark.parametrize(
    ("goal", "realised", "percent", "status"),
    [
        # homelessness 800 -> 400: expected by now 800 − 400 × 0.5 = 600
        ("400", "620", "45.00", Status.AT_RISK),  # fall 180 of the 200 due = 0.90; 180/400 = 45%
        ("400", "600", "50.00", Status.ON_TRACK),  # fall 200 of 200
        ("400", "700", "25.00", Status.OFF_TRACK),  # fall 100 of 200 = 0.50
        ("0", "0", "100.00", Status.ACHIEVED),  # to zero: fall 800 of 800
        ("400", "820", "-5.00", Status.OFF_TRACK),  # it rose: −20 / 400 = −5%
    ],
)
def test_lower_is_better_measures_the_fall_from_baseline(
    goal: str, realised: str, percent: str, status: Status
) -> None:
    # given a stock baseline of 800 (end of 2027) and an older figure within the window
    spec = target(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.LOWER_IS_BETTER,
        value=D(goal),
        start=None,
        baseline_value=D(800),
        baseline_period=P("2027"),
    )
    observations = [obs("2028-03-31", 700), obs("2028-06-30", realised)]
    # when
    result = compute_progress(spec, observations, [], CONFIG, MID_2028)
    # then the latest value counts and the fall is measured
    assert result.realised == D(realised)
    assert result.percent == D(percent)
    assert result.status is status


def test_lower_is_better_needs_a_baseline() -> None:
    with pytest.raises(ValueError, match="baseline"):
        target(indicator_kind=IndicatorKind.STOCK, direction=Direction.LOWER_IS_BETTER)


@pytest.mark.parametrize(
    ("realised", "today", "percent", "status"),
    [
        (1100, AFTER_2028, "110.00", Status.ACHIEVED),  # ≥ low end 1,000: 1,100 / 1,000
        (900, AFTER_2028, "90.00", Status.OFF_TRACK),  # below the low end after the deadline
        (480, MID_2028, "48.00", Status.ON_TRACK),  # expected = 1,000 × 0.5; 480/500 = 0.96
    ],
)
def test_range_is_achieved_at_the_low_end(
    realised: int, today: date, percent: str, status: Status
) -> None:
    spec = target(kind=TargetKind.NEED_ESTIMATE, value=None, low=D(1000), high=D(1500))
    result = compute_progress(spec, [obs("2028-H1", realised)], [], CONFIG, today)
    assert result.target_value == D(1000)
    assert result.percent == D(percent)
    assert result.status is status


@pytest.mark.parametrize(
    ("realised", "percent", "status"),
    [
        (99, "99.00", Status.WITHIN),
        (100, "100.00", Status.WITHIN),
        (101, "101.00", Status.EXCEEDED),
    ],
)
def test_cap_is_within_or_exceeded(realised: int, percent: str, status: Status) -> None:
    spec = target(kind=TargetKind.MAXIMUM, direction=Direction.WITHIN, value=D(100))
    result = compute_progress(spec, [obs("2028", realised)], [], CONFIG, AFTER_2028)
    assert result.percent == D(percent)
    assert result.gap_to_target == D(100 - realised)  # headroom; negative once exceeded
    assert result.status is status


@pytest.mark.parametrize(
    ("realised", "status"),
    [
        (50, Status.WITHIN),
        (60, Status.WITHIN),
        (61, Status.EXCEEDED),  # above the high end of the band
        (30, Status.OFF_TRACK),  # below the low end: 30 / 40 = 0.75 < 0.80
    ],
)
def test_band_cap_uses_the_high_end_and_the_low_end(realised: int, status: Status) -> None:
    spec = target(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.WITHIN,
        value=None,
        low=D(40),
        high=D(60),
    )
    result = compute_progress(spec, [obs("2028-06-30", realised)], [], CONFIG, MID_2028)
    assert result.target_value == D(60)
    assert result.status is status


def _yearly(carry_over: bool) -> TargetSpec:
    return target(
        value=D(100),
        start=P("2026"),
        deadline=P("2030"),
        recurrence="yearly",
        carry_over=carry_over,
    )


YEARLY_FIGURES = [obs("2026", 80), obs("2027", 130), obs("2028-H1", 45)]


def test_yearly_target_is_judged_per_year_with_carry_over() -> None:
    # given 100 a year with carry-over; 2026: 80 (short 20), 2027: 130, 2028 H1: 45
    result = compute_progress(_yearly(carry_over=True), YEARLY_FIGURES, [], CONFIG, MID_2028)
    years = result.years
    # then 2026: 100, missed; 2027: 100 + 20 = 120, achieved (130 ≥ 120, nothing carried);
    # 2028: 100, expected 50 by July, 45 / 50 = 0.90 -> at risk
    assert [y.window_start.year for y in years] == [2026, 2027, 2028]
    assert [y.target_value for y in years] == [D(100), D(120), D(100)]
    assert [y.carried_in for y in years] == [D(0), D(20), D(0)]
    assert [y.status for y in years] == [Status.OFF_TRACK, Status.ACHIEVED, Status.AT_RISK]
    assert years[1].percent == D("108.33")  # 130 / 120
    # the headline is the running year
    assert (result.status, result.realised, result.expected_by_now) == (
        Status.AT_RISK,
        D(45),
        D(50),
    )


def test_yearly_target_without_carry_over_keeps_each_year_at_its_value() -> None:
    result = compute_progress(_yearly(carry_over=False), YEARLY_FIGURES, [], CONFIG, MID_2028)
    assert [y.target_value for y in result.years] == [D(100), D(100), D(100)]
    assert [y.percent for y in result.years] == [D("80.00"), D("130.00"), D("45.00")]


def test_carry_over_after_a_year_without_figures_is_flagged() -> None:
    result = compute_progress(_yearly(carry_over=True), [obs("2027", 90)], [], CONFIG, MID_2028)
    assert result.years[0].status is Status.NO_DATA
    assert result.years[1].target_value == D(100)
    assert "carry_over_unknown: no figures for 2026, nothing carried over" in result.years[1].flags
    assert result.years[2].target_value == D(110)  # 2027 fell 10 short


@pytest.mark.parametrize(
    "observations",
    [
        [],
        [ObservationPoint(P("2028"), D(500), "partner", target_group="other")],  # another cell
        [obs("2027", 500)],  # before the window
    ],
)
def test_no_figures_for_the_cell_in_the_window_is_no_data(
    observations: list[ObservationPoint],
) -> None:
    result = compute_progress(target(target_group="mine"), observations, [], CONFIG, MID_2028)
    assert result.status is Status.NO_DATA
    assert (result.realised, result.percent, result.gap_to_target) == (None, None, None)
    assert result.expected_by_now == D(500)  # still known: the line does not need figures

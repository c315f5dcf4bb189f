"""Target kind × indicator direction × indicator kind (issue 23, docs/progress-rules.md).

Each scenario was worked out by hand before it was run; the arithmetic is in the comments.
2025 has 365 days: H1 (1 Jan – 30 Jun) is 181 of them.
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
    Membership,
    ObservationPoint,
    Phase,
    PipelineItem,
    Status,
    TargetKind,
    TargetSpec,
    compute_progress,
    compute_region_progress,
)

D = Decimal
P = Period.parse
CONFIG = EngineConfig()
AFTER_2025 = date(2026, 1, 15)
JULY_2025 = date(2025, 7, 1)


def spec(**overrides: object) -> TargetSpec:
    fields: dict[str, object] = {
        "indicator_kind": IndicatorKind.FLOW,
        "direction": Direction.HIGHER_IS_BETTER,
        "kind": TargetKind.TARGET,
        "value": D(100),
        "start": P("2025"),
        "deadline": P("2025"),
    }
    fields.update(overrides)
    return TargetSpec(**fields)  # type: ignore[arg-type]


def share(period: str, numerator: int, denominator: int) -> ObservationPoint:
    return ObservationPoint.of_ratio(P(period), D(numerator), D(denominator), "svh")


def floor_15(**overrides: object) -> TargetSpec:
    """Haaglanden's statutory floor: at least 15% of lettings to priority groups."""
    fields: dict[str, object] = {
        "indicator_kind": IndicatorKind.RATIO,
        "direction": Direction.WITHIN,
        "kind": TargetKind.MINIMUM,
        "value": D("0.15"),
    }
    fields.update(overrides)
    return spec(**fields)


# --- 1. the target's kind decides: a minimum is a floor, a maximum a cap --------------------------


@pytest.mark.parametrize(
    ("to_priority", "percent", "status"),
    [
        (20, "133.33", Status.ACHIEVED),  # 20% ≥ 15%: 0.20 / 0.15
        (15, "100.00", Status.ACHIEVED),  # exactly the floor
        (10, "66.67", Status.OFF_TRACK),  # 10% < 15% and 2025 is over (was: within)
    ],
)
def test_a_minimum_on_a_within_ratio_is_a_floor(
    to_priority: int, percent: str, status: Status
) -> None:
    result = compute_progress(floor_15(), [share("2025", to_priority, 100)], [], CONFIG, AFTER_2025)
    assert result.status is status
    assert result.percent == D(percent)
    assert result.target_value == D("0.15")
    assert result.expected_by_now == D("0.15")  # a share to hold throughout the window


def test_a_minimum_on_a_within_ratio_midway_is_judged_against_the_floor() -> None:
    # given 10 of 100 H1 lettings (10%) on 1 July: 0.10 / 0.15 = 0.67 < 0.80 of the level due
    result = compute_progress(floor_15(), [share("2025-H1", 10, 100)], [], CONFIG, JULY_2025)
    assert result.status is Status.OFF_TRACK
    assert result.forecast_pipeline is None


def test_the_yearly_floor_is_judged_per_year() -> None:
    target = floor_15(start=P("2025"), deadline=P("2026"), recurrence="yearly")
    figures = [share("2025", 20, 100), share("2026", 10, 100)]
    result = compute_progress(target, figures, [], CONFIG, date(2027, 1, 15))
    assert [y.status for y in result.years] == [Status.ACHIEVED, Status.OFF_TRACK]


@pytest.mark.parametrize(
    ("to_priority", "status"),
    [(20, Status.WITHIN), (30, Status.WITHIN), (40, Status.EXCEEDED)],
)
def test_a_maximum_on_a_within_ratio_is_a_cap(to_priority: int, status: Status) -> None:
    cap = floor_15(kind=TargetKind.MAXIMUM, value=D("0.30"))
    result = compute_progress(cap, [share("2025", to_priority, 100)], [], CONFIG, AFTER_2025)
    assert result.status is status
    assert result.expected_by_now is None  # a cap has no path to follow


def test_a_need_estimate_on_a_within_ratio_is_a_level_to_reach_not_a_cap() -> None:
    # given a need of 43% and 40% realised in 2025: 0.40 / 0.43 = 93% of it, the year is over
    need = floor_15(kind=TargetKind.NEED_ESTIMATE, value=D("0.43"))
    result = compute_progress(need, [share("2025", 40, 100)], [], CONFIG, AFTER_2025)
    assert not need.is_cap
    assert result.status is Status.OFF_TRACK
    assert result.percent == D("93.02")


@pytest.mark.parametrize(("months", "status"), [(18, Status.WITHIN), (25, Status.EXCEEDED)])
def test_a_plain_target_on_a_within_indicator_is_a_cap(months: int, status: Status) -> None:
    # given Leiden's "the average stay in the sociaal pension stays 20 months": kind target on a
    # "stay within" indicator; the kind does not say which way is better, the direction does
    stay = spec(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.WITHIN,
        value=D(20),
        baseline_value=D(20),
    )
    result = compute_progress(
        stay, [ObservationPoint(P("2025-12-31"), D(months), "x")], [], CONFIG, AFTER_2025
    )
    assert stay.is_cap and result.status is status


@pytest.mark.parametrize(
    ("realised", "status"),
    [(150, Status.ACHIEVED), (50, Status.ON_TRACK), (40, Status.AT_RISK)],
)
def test_a_minimum_on_a_higher_is_better_flow(realised: int, status: Status) -> None:
    # given at least 100 dwellings in 2025; on 1 July 182/365 = 0.4986 of the year has passed:
    # 49.86 expected; 50 is on track, 40 / 49.86 = 0.80 at risk
    target = spec(kind=TargetKind.MINIMUM)
    today = AFTER_2025 if realised == 150 else JULY_2025
    period = "2025" if realised == 150 else "2025-H1"
    pipeline = [PipelineItem("p1", Phase.CONSTRUCTION, D(10), date(2025, 10, 1))]
    result = compute_progress(
        target, [ObservationPoint(P(period), D(realised), "cbs")], pipeline, CONFIG, today
    )
    assert result.status is status
    if realised != 150:  # a floor on a count still gets the pipeline: + 10 × 0.9
        assert result.forecast_pipeline == D(realised) + D(9)


# --- 2. and 3. a lower-is-better flow measures the fall from its baseline, on its path ------------


def falling_flow(**overrides: object) -> TargetSpec:
    """Baseline 100 in 2024, at most 60 in 2025."""
    fields: dict[str, object] = {
        "direction": Direction.LOWER_IS_BETTER,
        "value": D(60),
        "baseline_value": D(100),
        "baseline_period": P("2024"),
        "start": None,
    }
    fields.update(overrides)
    return spec(**fields)


def test_a_lower_is_better_flow_measures_the_fall_from_its_baseline() -> None:
    # given 80 in 2025: a fall of 100 - 80 = 20 of the 100 - 60 = 40 required
    result = compute_progress(
        falling_flow(), [ObservationPoint(P("2025"), D(80), "cbs")], [], CONFIG, AFTER_2025
    )
    assert result.percent == D("50.00")  # was 133.33: measured from 0
    assert result.status is Status.OFF_TRACK
    assert result.gap_to_target == D(20)
    assert result.expected_by_now == D(60)  # the whole window counted


def test_a_lower_is_better_flow_at_or_below_its_goal_is_achieved_once_counted() -> None:
    result = compute_progress(
        falling_flow(), [ObservationPoint(P("2025"), D(55), "cbs")], [], CONFIG, AFTER_2025
    )
    assert result.status is Status.ACHIEVED
    assert result.percent == D("112.50")  # (100 - 55) / 40


def test_a_lower_is_better_flow_is_not_achieved_before_its_period_is_over() -> None:
    # given only H1 = 35 on 1 July: 181/365 of the year counted, so 100 × 181/365 = 49.59 at the
    # baseline's pace and 60 × 181/365 = 29.75 at the goal's; the fall made 49.59 - 35 = 14.59 is
    # 73.55% of the 19.84 due (the year heads for 35 / (181/365) = 70.6, not below 60)
    result = compute_progress(
        falling_flow(), [ObservationPoint(P("2025-H1"), D(35), "cbs")], [], CONFIG, JULY_2025
    )
    assert result.status is Status.OFF_TRACK  # was: achieved, because 35 <= 60
    assert result.percent == D("73.55")
    assert result.expected_by_now == D("29.75")
    assert result.elapsed_fraction == D("0.4959")
    assert result.forecast_trend == D("70.58")  # 35 + 35/181 × 184 days left


def test_a_lower_is_better_flow_on_its_path_midway_is_on_track_not_achieved() -> None:
    # given H1 = 25: (49.59 - 25) / 19.84 = 124% of the fall due
    result = compute_progress(
        falling_flow(), [ObservationPoint(P("2025-H1"), D(25), "cbs")], [], CONFIG, JULY_2025
    )
    assert result.status is Status.ON_TRACK
    assert result.percent == D("123.96")


def test_a_yearly_lower_is_better_flow_measures_each_year_from_the_baseline() -> None:
    target = falling_flow(deadline=P("2026"), recurrence="yearly")
    figures = [ObservationPoint(P("2025"), D(80), "cbs"), ObservationPoint(P("2026"), D(55), "cbs")]
    result = compute_progress(target, figures, [], CONFIG, date(2027, 1, 15))
    assert [(y.percent, y.status) for y in result.years] == [
        (D("50.00"), Status.OFF_TRACK),
        (D("112.50"), Status.ACHIEVED),
    ]


# --- a lower-is-better stock with a baseline -----------------------------------------------------


@pytest.mark.parametrize(
    ("level", "percent", "status"),
    [
        (150, "50.00", Status.ON_TRACK),  # fall 50 of 50.14 due: 0.997
        (170, "30.00", Status.OFF_TRACK),  # fall 30 / 50.14 = 0.60
        (90, "110.00", Status.ACHIEVED),  # the level is below the goal
    ],
)
def test_a_lower_is_better_stock_measures_the_fall_from_its_baseline(
    level: int, percent: str, status: Status
) -> None:
    # given 200 homeless at the end of 2024, at most 100 at the end of 2026 (730 days); on
    # 1 Jan 2026 366/730 has passed: expected 200 - 100 × 366/730 = 149.86
    target = spec(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.LOWER_IS_BETTER,
        kind=TargetKind.AMBITION,
        deadline=P("2026"),
        baseline_value=D(200),
        baseline_period=P("2024"),
        start=None,
    )
    point = ObservationPoint(P("2025-12-31"), D(level), "ggd")
    result = compute_progress(target, [point], [], CONFIG, date(2026, 1, 1))
    assert result.expected_by_now == D("149.86")
    assert (result.percent, result.status) == (D(percent), status)
    assert result.forecast_pipeline is None
    assert "no_pipeline_forecast: new units do not lower this indicator" in result.flags


# --- 6. a pipeline forecast for stocks -----------------------------------------------------------


def places_stock() -> TargetSpec:
    return spec(
        indicator_kind=IndicatorKind.STOCK,
        kind=TargetKind.NEED_ESTIMATE,
        value=D(80),
        start=P("2025"),
        deadline=P("2026"),
        baseline_value=D(30),
    )


def test_a_stock_gets_a_pipeline_forecast_from_its_latest_level() -> None:
    # given 40 places at the end of 2025; 20 places under construction due mid-2026 (× 0.9),
    # 10 with a permit due in 2027 (after the deadline), 5 completed before the last count
    pipeline = [
        PipelineItem("building", Phase.CONSTRUCTION, D(20), date(2026, 6, 1)),
        PipelineItem("late", Phase.PERMIT, D(10), date(2027, 3, 1)),
        PipelineItem("done", Phase.COMPLETED, D(5), date(2025, 10, 1)),
    ]
    point = ObservationPoint(P("2025-12-31"), D(40), "zorgkantoor")
    result = compute_progress(places_stock(), [point], pipeline, CONFIG, date(2026, 1, 15))
    # then 40 + 20 × 0.9 = 58: the completed places are in the level already
    assert result.forecast_pipeline == D(58)


def test_a_stock_without_a_level_says_why_it_has_no_pipeline_forecast() -> None:
    pipeline = [PipelineItem("building", Phase.CONSTRUCTION, D(20), date(2026, 6, 1))]
    result = compute_progress(places_stock(), [], pipeline, CONFIG, date(2026, 1, 15))
    assert result.forecast_pipeline is None
    assert "no_pipeline_forecast: no level measured to add the pipeline to" in result.flags


# --- 4. a stock roll-up counts the members on the moment measured --------------------------------

A, B, C = "GM0001", "GM0002", "GM0003"  # B leaves on 30 June 2025, C (its successor) joins 1 July
MEMBERS = [
    Membership(A),
    Membership(B, valid_to=date(2025, 6, 30)),
    Membership(C, valid_from=date(2025, 7, 1)),
]


def test_a_member_that_left_does_not_count_in_a_stock_roll_up() -> None:
    target = spec(indicator_kind=IndicatorKind.STOCK, value=D(200))
    figures = {
        A: [ObservationPoint(P("2025-12-31"), D(100), "cbs")],
        B: [ObservationPoint(P("2025-06-30"), D(50), "cbs")],
        C: [ObservationPoint(P("2025-12-31"), D(60), "cbs")],
    }
    result = compute_region_progress(target, figures, MEMBERS, [], CONFIG, AFTER_2025)
    # then the level at the end of 2025 is A + C = 160 (was 210: B's 50 counted too)
    assert result.realised == D(160)
    assert {f.jurisdiction for f in result.counted} == {A, C}
    assert "not_a_member_on: GM0002 is not a member on 2025-12-31; its level is not counted" in (
        result.flags
    )


def test_a_stock_roll_up_during_the_window_counts_the_members_of_today() -> None:
    # given the same region measured on 1 June 2025, before B left and C joined
    target = spec(indicator_kind=IndicatorKind.STOCK, value=D(200))
    figures = {
        A: [ObservationPoint(P("2025-03-31"), D(90), "cbs")],
        B: [ObservationPoint(P("2025-03-31"), D(50), "cbs")],
    }
    result = compute_region_progress(target, figures, MEMBERS, [], CONFIG, date(2025, 6, 1))
    assert result.realised == D(140)


def test_a_member_joining_mid_window_counts_its_flow_from_joining() -> None:
    # given C joins on 1 July 2025: its Q2 is before joining, its Q3 and Q4 count
    target = spec(value=D(300))
    figures = {
        A: [ObservationPoint(P("2025"), D(100), "cbs")],
        C: [ObservationPoint(P(f"2025-Q{q}"), D(v), "cbs") for q, v in ((2, 10), (3, 20), (4, 30))],
    }
    members = [Membership(A), Membership(C, valid_from=date(2025, 7, 1))]
    result = compute_region_progress(target, figures, members, [], CONFIG, AFTER_2025)
    assert result.realised == D(150)  # 100 + 20 + 30
    assert not [f for f in result.flags if f.startswith("partial_coverage")]


def test_a_member_joining_mid_window_counts_its_stock_level() -> None:
    target = spec(indicator_kind=IndicatorKind.STOCK, value=D(200))
    figures = {A: [ObservationPoint(P("2025-12-31"), D(100), "cbs")]}
    figures[C] = [ObservationPoint(P("2025-09-30"), D(60), "cbs")]
    members = [Membership(A), Membership(C, valid_from=date(2025, 7, 1))]
    result = compute_region_progress(target, figures, members, [], CONFIG, AFTER_2025)
    assert result.realised == D(160)


# --- 5. ratios: a ratio of sums, or no figure and why --------------------------------------------


def only_a_share(period: str, fraction: str) -> ObservationPoint:
    return ObservationPoint(P(period), D(fraction), "svh")


def test_a_region_ratio_with_some_members_unweighted_has_no_figure_and_says_who() -> None:
    # given Delft 100 of 1,000 lettings (10%) and Den Haag only "40%", without its lettings
    cap = floor_15(kind=TargetKind.MAXIMUM, value=D("0.30"))
    figures = {"GM0503": [share("2025", 100, 1000)], "GM0518": [only_a_share("2025", "0.40")]}
    members = [Membership("GM0503"), Membership("GM0518")]
    result = compute_region_progress(cap, figures, members, [], CONFIG, AFTER_2025)
    # then no region share (not the average 25%), no_data, and the flag names Den Haag
    assert result.status is Status.NO_DATA
    assert result.realised is None and result.forecast_trend is None
    assert (
        "ratio_without_parts: GM0518 2025 svh has no numerator and denominator (no weight); "
        "no ratio of sums, never an average of percentages"
    ) in result.flags
    assert result.method == "no ratio of sums: 1 of 2 figure(s) without numerator and denominator"


def test_a_region_ratio_of_weighted_members_is_the_ratio_of_sums() -> None:
    # given Delft 10% of 1,000 lettings and Den Haag 40% of 3,000: (100 + 1,200) / 4,000
    cap = floor_15(kind=TargetKind.MAXIMUM, value=D("0.30"))
    figures = {"GM0503": [share("2025", 100, 1000)], "GM0518": [share("2025", 1200, 3000)]}
    members = [Membership("GM0503"), Membership("GM0518")]
    result = compute_region_progress(cap, figures, members, [], CONFIG, AFTER_2025)
    assert result.realised == D("0.325")  # not (0.10 + 0.40) / 2 = 0.25
    assert result.status is Status.EXCEEDED


def test_a_single_share_without_parts_is_used_as_reported_and_says_so() -> None:
    result = compute_progress(floor_15(), [only_a_share("2025", "0.20")], [], CONFIG, AFTER_2025)
    assert result.realised == D("0.2") and result.status is Status.ACHIEVED
    assert result.method == "reported share 0.20 (no numerator and denominator)"
    assert (
        "ratio_without_parts: 2025 svh has no numerator and denominator; "
        "the reported share is used as it is"
    ) in result.flags


def test_shares_without_parts_are_not_averaged_over_periods() -> None:
    # given H1 10% and H2 30% without lettings (was: method "0 / 0" or their average, no flag)
    figures = [only_a_share("2025-H1", "0.10"), only_a_share("2025-H2", "0.30")]
    result = compute_progress(floor_15(), figures, [], CONFIG, AFTER_2025)
    assert result.status is Status.NO_DATA and result.realised is None
    assert any(
        f.startswith("ratio_without_parts: 2025-H1 svh, 2025-H2 svh has no numerator")
        for f in result.flags
    )


def test_shares_of_groups_without_parts_add_up_but_are_not_a_ratio_of_sums() -> None:
    # given only shares per target group (10% + 5% of the same lettings) and no total
    figures = [
        ObservationPoint(P("2025"), D("0.10"), "svh", target_group="urgent"),
        ObservationPoint(P("2025"), D("0.05"), "svh", target_group="mantelzorg"),
    ]
    result = compute_progress(floor_15(), figures, [], CONFIG, AFTER_2025)
    # then their sum, 15%, is the reported share, with no invented numerator and denominator
    assert result.realised == D("0.15") and result.status is Status.ACHIEVED
    assert (result.numerator, result.denominator) == (None, None)
    assert any(f.startswith("sum_of_breakdowns") for f in result.flags)

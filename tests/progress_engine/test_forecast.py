"""Forecasts at the deadline (DESIGN §5): the recent trend and the pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest.periods import Period
from progress_engine import (
    Direction,
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    Phase,
    PipelineItem,
    TargetKind,
    TargetSpec,
    compute_progress,
)

D = Decimal
P = Period.parse
CONFIG = EngineConfig()
TODAY = date(2029, 1, 15)


def two_year_flow_target() -> TargetSpec:
    return TargetSpec(
        indicator_kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER_IS_BETTER,
        kind=TargetKind.TARGET,
        value=D(400),
        start=P("2028"),
        deadline=P("2029"),
    )


QUARTERS_2028 = [
    ObservationPoint(P(f"2028-Q{q}"), D(value), "partner")
    for q, value in ((1, 40), (2, 50), (3, 50), (4, 60))
]


def test_trend_extrapolates_the_recent_rate_to_the_deadline() -> None:
    # given 200 dwellings in the 366 days of 2028; the default trend window is 12 months
    result = compute_progress(two_year_flow_target(), QUARTERS_2028, [], CONFIG, TODAY)
    # then 200 + 200/366 per day × 365 days left in 2029 = 200 + 199.4536 = 399.45
    assert result.realised == D(200)
    assert result.forecast_trend == D("399.45")


def test_trend_window_is_configuration() -> None:
    # given a 6-month window: Q3 + Q4 = 110 in 184 days
    config = EngineConfig(trend_window_months=6)
    result = compute_progress(two_year_flow_target(), QUARTERS_2028, [], config, TODAY)
    # then 200 + 110/184 × 365 = 200 + 218.2065 = 418.21
    assert result.forecast_trend == D("418.21")


def test_pipeline_adds_units_expected_before_the_deadline_times_phase_probability() -> None:
    pipeline = [
        PipelineItem("construction", Phase.CONSTRUCTION, D(100), date(2029, 6, 30)),  # × 0.9 = 90
        PipelineItem("permit", Phase.PERMIT, D(50), date(2029, 9, 30)),  # × 0.6 = 30
        PipelineItem("too late", Phase.PLAN, D(40), date(2030, 3, 1)),  # after the deadline: 0
        PipelineItem("cancelled", Phase.CANCELLED, D(30), date(2029, 3, 1)),  # 0
        PipelineItem("in the figures", Phase.COMPLETED, D(20), date(2028, 11, 30)),  # counted: 0
        PipelineItem("not yet reported", Phase.COMPLETED, D(10), date(2029, 1, 10)),  # × 1.0 = 10
        PipelineItem("undated", Phase.PLAN, D(99), None),  # not counted, flagged
    ]
    result = compute_progress(two_year_flow_target(), QUARTERS_2028, pipeline, CONFIG, TODAY)
    # then 200 + 90 + 30 + 10 = 330
    assert result.forecast_pipeline == D(330)
    assert "pipeline_undated: undated has no expected completion; not counted" in result.flags


def test_phase_probabilities_are_configuration() -> None:
    config = EngineConfig(phase_probability={Phase.PLAN: D("0.5")})
    pipeline = [PipelineItem("plan", Phase.PLAN, D(100), date(2029, 6, 30))]
    result = compute_progress(two_year_flow_target(), QUARTERS_2028, pipeline, config, TODAY)
    assert result.forecast_pipeline == D(250)  # 200 + 100 × 0.5


def test_stock_trend_follows_the_slope_of_recent_values() -> None:
    # given homelessness 700 on 1 April and 610 on 30 June 2028: −90 in 90 days, −1 a day
    spec = TargetSpec(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.LOWER_IS_BETTER,
        kind=TargetKind.TARGET,
        value=D(0),
        baseline_value=D(800),
        baseline_period=P("2027"),
        deadline=P("2028"),
    )
    observations = [
        ObservationPoint(P("2028-04-01"), D(700), "ggd"),
        ObservationPoint(P("2028-06-30"), D(610), "ggd"),
    ]
    result = compute_progress(spec, observations, [], CONFIG, date(2028, 7, 1))
    # then 610 − 184 days to 31 December = 426; no pipeline forecast for a stock
    assert result.forecast_trend == D(426)
    assert result.forecast_pipeline is None

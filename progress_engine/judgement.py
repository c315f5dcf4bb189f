"""Judging one measurement against one goal over one window: percent, expected-by-now, status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from progress_engine.dates import elapsed_fraction
from progress_engine.forecast import pipeline_forecast, trend_forecast
from progress_engine.measurement import Measurement
from progress_engine.model import (
    Direction,
    EngineConfig,
    IndicatorKind,
    PipelineItem,
    ProgressResult,
    Status,
    TargetSpec,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def judge(
    target: TargetSpec,
    goal: Decimal,
    measurement: Measurement,
    window: tuple[date, date],
    today: date,
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    carried_in: Decimal = ZERO,
) -> ProgressResult:
    window_start, window_end = window
    flags = list(measurement.flags)
    fraction = elapsed_fraction(window_start, window_end, today)
    baseline = _line_baseline(target, flags)
    expected = _expected_by_now(target, goal, baseline, fraction)
    realised = measurement.realised

    forecast_pipeline = None
    if (
        target.indicator_kind is IndicatorKind.FLOW
        and target.direction is Direction.HIGHER_IS_BETTER
        and not target.is_cap
    ):
        forecast_pipeline, pipeline_flags = pipeline_forecast(
            realised,
            pipeline,
            window_end,
            measurement.covered_through,
            today,
            config.phase_probability,
        )
        flags.extend(pipeline_flags)

    if realised is None:
        status, percent, gap_to_target, gap_to_expected = Status.NO_DATA, None, None, None
    else:
        percent = _percent(target, goal, baseline, realised)
        status = _status(target, goal, baseline, expected, realised, today, window_end, config)
        if status is Status.OFF_TRACK and today > window_end:
            flags.append(f"deadline_passed: {window_end.isoformat()} without reaching {goal}")
        gap_to_target, gap_to_expected = _gaps(target, goal, expected, realised)

    values = _Rounder(config, target.indicator_kind)
    return ProgressResult(
        status=status,
        realised=values.value(realised),
        percent=values.percent(percent),
        target_value=goal,
        expected_by_now=values.value(expected),
        gap_to_target=values.value(gap_to_target),
        gap_to_expected=values.value(gap_to_expected),
        forecast_trend=values.value(
            trend_forecast(measurement, window_end, config.trend_window_months)
        ),
        forecast_pipeline=values.value(forecast_pipeline),
        window_start=window_start,
        window_end=window_end,
        elapsed_fraction=fraction.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        covered_through=measurement.covered_through,
        numerator=measurement.numerator,
        denominator=measurement.denominator,
        carried_in=carried_in,
        method=measurement.method,
        counted=measurement.counted,
        flags=tuple(flags),
    )


def _line_baseline(target: TargetSpec, flags: list[str]) -> Decimal | None:
    """Where the expected-by-now line starts. None: a ratio that should hold its level throughout."""
    if target.indicator_kind is IndicatorKind.FLOW:
        return ZERO  # a flow is counted from the window start
    if target.baseline_value is not None:
        return target.baseline_value
    if target.indicator_kind is IndicatorKind.STOCK and not target.is_cap:
        flags.append("no_baseline: the expected line starts at 0")
        return ZERO
    return None


def _expected_by_now(
    target: TargetSpec, goal: Decimal, baseline: Decimal | None, fraction: Decimal
) -> Decimal | None:
    if target.is_cap and target.low is None:
        return None
    line_goal = target.low if target.is_cap and target.low is not None else goal
    if baseline is None:
        return line_goal
    return baseline + (line_goal - baseline) * fraction


def _percent(
    target: TargetSpec, goal: Decimal, baseline: Decimal | None, realised: Decimal
) -> Decimal | None:
    """Never capped at 100: above-target realisation shows as more than 100%."""
    if target.direction is Direction.LOWER_IS_BETTER and not target.is_cap:
        assert baseline is not None  # enforced by TargetSpec
        required_fall = baseline - goal
        return (baseline - realised) / required_fall * HUNDRED if required_fall else None
    return realised / goal * HUNDRED if goal else None


def _status(
    target: TargetSpec,
    goal: Decimal,
    baseline: Decimal | None,
    expected: Decimal | None,
    realised: Decimal,
    today: date,
    deadline: date,
    config: EngineConfig,
) -> Status:
    if target.is_cap:
        if realised > goal:
            return Status.EXCEEDED
        if target.low is None or realised >= target.low:
            return Status.WITHIN
        goal = target.low  # below the band: judged as a minimum at its low end
    lower = target.direction is Direction.LOWER_IS_BETTER and not target.is_cap
    if (realised <= goal) if lower else (realised >= goal):
        return Status.ACHIEVED
    if today > deadline:
        return Status.OFF_TRACK
    assert expected is not None
    origin = baseline if baseline is not None else ZERO
    sign = Decimal(-1) if lower else Decimal(1)
    made = (realised - origin) * sign
    due = (expected - origin) * sign
    if due <= 0:
        return Status.ON_TRACK if made >= 0 else Status.AT_RISK
    share = made / due
    if share >= config.on_track_threshold:
        return Status.ON_TRACK
    if share >= config.at_risk_threshold:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _gaps(
    target: TargetSpec, goal: Decimal, expected: Decimal | None, realised: Decimal
) -> tuple[Decimal, Decimal | None]:
    if target.direction is Direction.LOWER_IS_BETTER and not target.is_cap:
        to_expected = realised - expected if expected is not None else None
        return realised - goal, to_expected
    to_expected = expected - realised if expected is not None else None
    return goal - realised, to_expected


class _Rounder:
    """Rounds derived numbers for the result; the status is decided on unrounded values."""

    def __init__(self, config: EngineConfig, kind: IndicatorKind) -> None:
        places = config.ratio_decimals if kind is IndicatorKind.RATIO else config.decimals
        self._value_step = Decimal(1).scaleb(-places)
        self._percent_step = Decimal(1).scaleb(-config.decimals)

    def value(self, number: Decimal | None) -> Decimal | None:
        return None if number is None else number.quantize(self._value_step, ROUND_HALF_UP)

    def percent(self, number: Decimal | None) -> Decimal | None:
        return None if number is None else number.quantize(self._percent_step, ROUND_HALF_UP)

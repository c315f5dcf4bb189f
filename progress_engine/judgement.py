"""Judging one measurement against one goal over one window: percent, expected-by-now, status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from progress_engine.dates import elapsed_fraction
from progress_engine.forecast import pipeline_forecast, trend_forecast
from progress_engine.measurement import Measurement
from progress_engine.model import (
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
    if _falling_flow(target):
        # a flow that should fall is judged on the share of the window its figures cover: a
        # partly counted window against the path there, never early against the final goal
        fraction = _counted_fraction(window_start, window_end, measurement.covered_through)
    else:
        fraction = elapsed_fraction(window_start, window_end, today)
    baseline = _line_baseline(target, flags)
    expected = _expected_by_now(target, goal, baseline, fraction)
    realised = measurement.realised
    forecast_pipeline = _pipeline_forecast(
        target, realised, pipeline, window_end, measurement, today, config, flags
    )

    if realised is None:
        status, percent, gap_to_target, gap_to_expected = Status.NO_DATA, None, None, None
    else:
        percent = _percent(target, goal, baseline, realised, fraction)
        status = _status(
            target, goal, baseline, expected, realised, today, window_end, fraction, config
        )
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


def _falling_flow(target: TargetSpec) -> bool:
    return target.measures_fall and target.indicator_kind is IndicatorKind.FLOW


def _counted_fraction(
    window_start: date, window_end: date, covered_through: date | None
) -> Decimal:
    """Share of the window's days that the counted figures reach (0 without figures)."""
    if covered_through is None or covered_through < window_start:
        return ZERO
    return elapsed_fraction(window_start, window_end, min(covered_through, window_end))


def _pipeline_forecast(
    target: TargetSpec,
    realised: Decimal | None,
    pipeline: Sequence[PipelineItem],
    window_end: date,
    measurement: Measurement,
    today: date,
    config: EngineConfig,
    flags: list[str],
) -> Decimal | None:
    """Realised (a stock: its latest level) + units expected by the deadline × probability.

    Only for counts that new units raise: flows and stocks that are neither caps nor meant to
    fall. A stock without one says why in its flags."""
    kind = target.indicator_kind
    if kind is IndicatorKind.RATIO:
        return None
    stock = kind is IndicatorKind.STOCK
    if target.is_cap:
        if stock:
            flags.append("no_pipeline_forecast: a cap is not forecast from the pipeline")
        return None
    if target.measures_fall:
        if stock:
            flags.append("no_pipeline_forecast: new units do not lower this indicator")
        return None
    if stock and realised is None:
        flags.append("no_pipeline_forecast: no level measured to add the pipeline to")
        return None
    forecast, pipeline_flags = pipeline_forecast(
        realised,
        pipeline,
        window_end,
        measurement.covered_through,
        today,
        config.phase_probability,
    )
    flags.extend(pipeline_flags)
    return forecast


def _line_baseline(target: TargetSpec, flags: list[str]) -> Decimal | None:
    """Where the expected-by-now line starts. None: a ratio that should hold its level throughout.

    A flow is counted from the window start (0), except one that should fall: its baseline is
    the flow over an equally long period before, which the fall is measured from."""
    if target.indicator_kind is IndicatorKind.FLOW:
        return target.baseline_value if target.measures_fall else ZERO
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
    if _falling_flow(target):
        return goal * fraction  # the most that may have been counted by now
    if baseline is None:
        return line_goal
    return baseline + (line_goal - baseline) * fraction


def _percent(
    target: TargetSpec,
    goal: Decimal,
    baseline: Decimal | None,
    realised: Decimal,
    fraction: Decimal,
) -> Decimal | None:
    """Never capped at 100: above-target realisation shows as more than 100%.

    Lower-is-better: the share of the required fall from the baseline achieved (a flow counted
    over part of its window: against the baseline's and goal's share of that part)."""
    if target.measures_fall:
        assert baseline is not None  # enforced by TargetSpec
        if _falling_flow(target):
            if not fraction:
                return None
            required_fall = (baseline - goal) * fraction
            return (
                (baseline * fraction - realised) / required_fall * HUNDRED
                if required_fall
                else None
            )
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
    fraction: Decimal,
    config: EngineConfig,
) -> Status:
    if target.is_cap:
        if realised > goal:
            return Status.EXCEEDED
        if target.low is None or realised >= target.low:
            return Status.WITHIN
        goal = target.low  # below the band: judged as a minimum at its low end
    lower = target.measures_fall
    if _falling_flow(target):
        assert baseline is not None and expected is not None
        if fraction >= 1:  # the whole window is counted: judged against the goal itself
            return Status.ACHIEVED if realised <= goal else Status.OFF_TRACK
        # partly counted: against the path, the baseline's share of the part counted as origin
        return _on_path(baseline * fraction - realised, (baseline - goal) * fraction, config)
    if (realised <= goal) if lower else (realised >= goal):
        return Status.ACHIEVED
    if today > deadline:
        return Status.OFF_TRACK
    assert expected is not None
    origin = baseline if baseline is not None else ZERO
    sign = Decimal(-1) if lower else Decimal(1)
    return _on_path((realised - origin) * sign, (expected - origin) * sign, config)


def _on_path(made: Decimal, due: Decimal, config: EngineConfig) -> Status:
    """``made`` of the ``due`` progress along the expected path."""
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
    if target.measures_fall:
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

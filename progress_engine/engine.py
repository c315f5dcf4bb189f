"""The progress engine's entry point: pure, no I/O; the DB-backed actors call it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from progress_engine.judgement import judge
from progress_engine.measurement import Measurement
from progress_engine.model import (
    YEARLY,
    EngineConfig,
    ObservationPoint,
    PipelineItem,
    ProgressResult,
    TargetSpec,
)
from progress_engine.selection import CellQuery, select_series
from progress_engine.versions import current_versions, known_at

# Measures the target's cell over [start, end] as known on ``today``.
Measurer = Callable[[date, date], Measurement]


def compute_progress(
    target: TargetSpec,
    observations: Iterable[ObservationPoint],
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    today: date,
    as_of: datetime | None = None,
) -> ProgressResult:
    """Progress of ``target`` from the observations of its jurisdiction.

    ``observations`` may hold every version: the current ones are used, or those known ``as_of``.
    """
    versions = known_at(observations, as_of) if as_of else current_versions(observations)

    def measure(start: date, end: date) -> Measurement:
        query = cell_query(target, config, start, end, today)
        return Measurement(target.indicator_kind, (select_series(versions, query),))

    return evaluate(target, measure, pipeline, config, today)


def cell_query(
    target: TargetSpec,
    config: EngineConfig,
    start: date,
    end: date,
    today: date,
    label: str | None = None,
    required_spans: tuple[tuple[date, date], ...] | None = None,
) -> CellQuery:
    precedence = (
        target.source_precedence
        if target.source_precedence is not None
        else config.source_precedence
    )
    return CellQuery(
        kind=target.indicator_kind,
        target_group=target.target_group,
        housing_type=target.housing_type,
        window_start=start,
        window_end=end,
        today=today,
        precedence=precedence,
        label=label,
        required_spans=required_spans,
    )


def evaluate(
    target: TargetSpec,
    measure: Measurer,
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    today: date,
) -> ProgressResult:
    """Judge the whole window, or each year for a yearly target (headline: the latest year)."""
    if target.recurrence == YEARLY:
        return _evaluate_yearly(target, measure, pipeline, config, today)
    window = (target.window_start, target.window_end)
    return judge(target, target.goal, measure(*window), window, today, pipeline, config)


def _evaluate_yearly(
    target: TargetSpec,
    measure: Measurer,
    pipeline: Sequence[PipelineItem],
    config: EngineConfig,
    today: date,
) -> ProgressResult:
    first_year, last_year = target.window_start.year, target.window_end.year
    headline_year = min(max(today.year, first_year), last_year)
    results: list[ProgressResult] = []
    carried = Decimal(0)
    unknown_carry: list[str] = []
    for year in range(first_year, headline_year + 1):
        window = (
            max(date(year, 1, 1), target.window_start),
            min(date(year, 12, 31), target.window_end),
        )
        result = judge(
            target,
            target.goal + carried,
            measure(*window),
            window,
            today,
            pipeline,
            config,
            carried_in=carried,
        )
        if unknown_carry:
            result = replace(result, flags=(*result.flags, *unknown_carry))
        results.append(result)
        carried, unknown_carry = _carry_to_next_year(target, result, year)
    return replace(results[-1], years=tuple(results))


def _carry_to_next_year(
    target: TargetSpec, result: ProgressResult, year: int
) -> tuple[Decimal, list[str]]:
    if not target.carry_over:
        return Decimal(0), []
    if result.realised is None:
        return Decimal(0), [f"carry_over_unknown: no figures for {year}, nothing carried over"]
    return max(result.target_value - result.realised, Decimal(0)), []

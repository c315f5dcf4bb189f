"""Choosing which reported figures count for one cell and window.

Three rules, applied in this order:

1. totals vs breakdowns: per source and period, an explicit total wins; the sum of its breakdowns
   is used only when there is no total (flagged);
2. flows and ratios: per source, the coarsest figures count (a year and its quarters: the year);
   sources are then merged by precedence, a lower source only filling periods no higher source
   covers; stocks: per period, the highest source;
3. disagreement between sources and gaps in the coverage are reported as flags.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ingest.periods import Period
from progress_engine.dates import days_inclusive, last_complete_day, uncovered_spans
from progress_engine.measurement import Series
from progress_engine.model import CountedFigure, IndicatorKind, ObservationPoint

# Preference when a cell is only available broken down along several dimension sets.
_BREAKDOWN_PREFERENCE: tuple[tuple[str, ...], ...] = (
    ("target_group",),
    ("housing_type",),
    ("target_group", "housing_type"),
)

Amount = tuple[Decimal, ...]


@dataclass(frozen=True)
class CellQuery:
    kind: IndicatorKind
    target_group: str | None
    housing_type: str | None
    window_start: date
    window_end: date
    today: date
    precedence: tuple[str, ...] = ()
    label: str | None = None  # the member, in roll-ups
    # Spans that should be covered by figures (flows/ratios); default: the whole window.
    required_spans: tuple[tuple[date, date], ...] | None = None


def select_series(observations: Iterable[ObservationPoint], query: CellQuery) -> Series:
    flags: list[str] = []
    in_window: list[tuple[ObservationPoint, tuple[str, ...]]] = []
    for observation in observations:
        finer = _finer_dimensions(observation, query)
        if finer is None:
            continue
        placement = _placement(observation.period, query)
        if placement == "in":
            in_window.append((observation, finer))
        elif placement == "straddles":
            flags.append(
                _flag(
                    "straddles_window",
                    f"{observation.period} {observation.source} not counted",
                    query,
                )
            )

    figures = _resolve_totals(in_window, query, flags)
    if query.kind is IndicatorKind.STOCK:
        chosen = _choose_per_period(figures, query, flags)
    else:
        chosen = _merge_sources(figures, query, flags)
        _flag_coverage(chosen, query, flags)
    ordered = sorted(chosen, key=lambda f: (f.period.end, f.period.start))
    return Series(query.label, tuple(ordered), tuple(flags))


def _flag(code: str, text: str, query: CellQuery) -> str:
    return f"{code}: {query.label} {text}" if query.label else f"{code}: {text}"


def _finer_dimensions(observation: ObservationPoint, query: CellQuery) -> tuple[str, ...] | None:
    """() for the cell itself, the finer dimensions for a breakdown, None for another cell."""
    finer: list[str] = []
    for name, wanted, got in (
        ("target_group", query.target_group, observation.target_group),
        ("housing_type", query.housing_type, observation.housing_type),
    ):
        if wanted is None and got is not None:
            finer.append(name)
        elif wanted != got:
            return None
    return tuple(finer)


def _placement(period: Period, query: CellQuery) -> str:
    if period.start > query.today:
        return "out"
    if query.kind is IndicatorKind.STOCK:
        inside = query.window_start <= period.end <= query.window_end
        return "in" if inside else "out"
    if query.window_start <= period.start and period.end <= query.window_end:
        return "in"
    if period.start <= query.window_end and query.window_start <= period.end:
        return "straddles"
    return "out"


def _amount(figure: CountedFigure, kind: IndicatorKind) -> Amount:
    if kind is IndicatorKind.RATIO:
        return (figure.numerator or Decimal(0), figure.denominator or Decimal(0))
    return (figure.value,)


def _show(amount: Amount) -> str:
    return "/".join(str(part) for part in amount)


def _as_figure(observation: ObservationPoint, label: str | None) -> CountedFigure:
    return CountedFigure(
        period=observation.period,
        value=observation.value,
        source=observation.source,
        numerator=observation.numerator,
        denominator=observation.denominator,
        jurisdiction=label,
    )


def _sum_breakdowns(
    parts: Sequence[ObservationPoint], kind: IndicatorKind, label: str | None
) -> CountedFigure:
    first = parts[0]
    if kind is not IndicatorKind.RATIO:
        total = sum((p.value for p in parts), Decimal(0))
        return CountedFigure(
            first.period, total, first.source, from_breakdowns=True, jurisdiction=label
        )
    if any(p.numerator is None or p.denominator is None for p in parts):
        # shares of one whole by group add up; without their parts no ratio of sums is known
        total = sum((p.value for p in parts), Decimal(0))
        return CountedFigure(
            first.period, total, first.source, from_breakdowns=True, jurisdiction=label
        )
    numerator = sum((p.numerator or Decimal(0) for p in parts), Decimal(0))
    denominators = {p.denominator for p in parts}
    # Breakdowns by target group usually share the denominator (all lettings); otherwise it is split too.
    if len(denominators) == 1:
        denominator = first.denominator or Decimal(0)
    else:
        denominator = sum((p.denominator or Decimal(0) for p in parts), Decimal(0))
    value = numerator / denominator if denominator else Decimal(0)
    return CountedFigure(
        first.period, value, first.source, numerator, denominator, True, jurisdiction=label
    )


def _resolve_totals(
    in_window: list[tuple[ObservationPoint, tuple[str, ...]]],
    query: CellQuery,
    flags: list[str],
) -> list[CountedFigure]:
    groups: dict[tuple[str, Period], list[tuple[ObservationPoint, tuple[str, ...]]]] = defaultdict(
        list
    )
    for observation, finer in in_window:
        groups[(observation.source, observation.period)].append((observation, finer))

    figures: list[CountedFigure] = []
    for (source, period), members in sorted(groups.items(), key=lambda item: item[0][1]):
        totals = [o for o, finer in members if not finer]
        by_dimensions: dict[tuple[str, ...], list[ObservationPoint]] = defaultdict(list)
        for observation, finer in members:
            if finer:
                by_dimensions[finer].append(observation)
        dimensions = next((d for d in _BREAKDOWN_PREFERENCE if d in by_dimensions), None)
        summed = (
            _sum_breakdowns(by_dimensions[dimensions], query.kind, query.label)
            if dimensions
            else None
        )
        if totals:
            total = _as_figure(max(totals, key=lambda o: o.version), query.label)
            figures.append(total)
            if summed and _amount(summed, query.kind) != _amount(total, query.kind):
                flags.append(
                    _flag(
                        "breakdown_mismatch",
                        f"{period} {source} total {_show(_amount(total, query.kind))} vs sum of "
                        f"breakdowns {_show(_amount(summed, query.kind))} (total used)",
                        query,
                    )
                )
        elif summed and dimensions:
            figures.append(summed)
            flags.append(
                _flag(
                    "sum_of_breakdowns",
                    f"{period} {source} by {'+'.join(dimensions)} (no total reported)",
                    query,
                )
            )
    return figures


def _source_rank(precedence: tuple[str, ...]) -> Callable[[str], tuple[int, str]]:
    def rank(source: str) -> tuple[int, str]:
        return (precedence.index(source) if source in precedence else len(precedence), source)

    return rank


def _coarsest(figures: Sequence[CountedFigure]) -> list[CountedFigure]:
    """Figures not inside another figure's period. Calendar periods nest, so these are disjoint."""
    return [
        f
        for f in figures
        if not any(g.period != f.period and g.period.contains(f.period) for g in figures)
    ]


def _tiling_amount(
    figures: Sequence[CountedFigure], period: Period, kind: IndicatorKind
) -> Amount | None:
    """The summed amount of the figures inside ``period`` if they cover it exactly, else None."""
    inside = _coarsest([f for f in figures if period.contains(f.period)])
    days = sum(days_inclusive(f.period.start, f.period.end) for f in inside)
    if not inside or days != days_inclusive(period.start, period.end):
        return None
    amounts = [_amount(f, kind) for f in inside]
    return tuple(sum(parts, Decimal(0)) for parts in zip(*amounts, strict=True))


def _merge_sources(
    figures: list[CountedFigure], query: CellQuery, flags: list[str]
) -> list[CountedFigure]:
    by_source: dict[str, list[CountedFigure]] = defaultdict(list)
    for figure in figures:
        by_source[figure.source].append(figure)

    chosen: list[CountedFigure] = []
    passed_over: list[CountedFigure] = []
    for source in sorted(by_source, key=_source_rank(query.precedence)):
        for figure in _coarsest(by_source[source]):
            if any(figure.period.overlaps(c.period) for c in chosen):
                passed_over.append(figure)
            else:
                chosen.append(figure)
    _flag_discrepancies(chosen, passed_over, query, flags)
    return chosen


def _flag_discrepancies(
    chosen: list[CountedFigure],
    passed_over: list[CountedFigure],
    query: CellQuery,
    flags: list[str],
) -> None:
    """Compare a passed-over source with the chosen figures wherever both cover the same span."""
    kind = query.kind
    compared: set[tuple[Period, str]] = set()

    def report(period: Period, used: Amount, other_source: str, other: Amount) -> None:
        used_sources = "+".join(sorted({c.source for c in chosen if period.contains(c.period)}))
        flags.append(
            _flag(
                "source_discrepancy",
                f"{period} {used_sources}={_show(used)} vs {other_source}={_show(other)} "
                f"({used_sources} used)",
                query,
            )
        )

    for figure in passed_over:
        used = _tiling_amount(chosen, figure.period, kind)
        if used is not None:
            if used != _amount(figure, kind):
                report(figure.period, used, figure.source, _amount(figure, kind))
            continue
        container = next((c for c in chosen if c.period.contains(figure.period)), None)
        if container is None or (container.period, figure.source) in compared:
            continue
        compared.add((container.period, figure.source))
        same_source = [f for f in passed_over if f.source == figure.source]
        other = _tiling_amount(same_source, container.period, kind)
        if other is not None and other != _amount(container, kind):
            report(container.period, _amount(container, kind), figure.source, other)


def _choose_per_period(
    figures: list[CountedFigure], query: CellQuery, flags: list[str]
) -> list[CountedFigure]:
    by_period: dict[Period, list[CountedFigure]] = defaultdict(list)
    for figure in figures:
        by_period[figure.period].append(figure)
    rank = _source_rank(query.precedence)
    chosen: list[CountedFigure] = []
    for period, candidates in by_period.items():
        best, *others = sorted(candidates, key=lambda f: rank(f.source))
        chosen.append(best)
        for other in others:
            if other.value != best.value:
                flags.append(
                    _flag(
                        "source_discrepancy",
                        f"{period} {best.source}={best.value} vs {other.source}={other.value} "
                        f"({best.source} used)",
                        query,
                    )
                )
    return chosen


def _flag_coverage(chosen: list[CountedFigure], query: CellQuery, flags: list[str]) -> None:
    required_end = min(query.window_end, last_complete_day(query.today))
    spans = query.required_spans or ((query.window_start, query.window_end),)
    covered = [(f.period.start, f.period.end) for f in chosen]
    gaps: list[tuple[date, date]] = []
    for start, end in spans:
        first, last = max(start, query.window_start), min(end, required_end)
        if first <= last:
            gaps.extend(uncovered_spans(covered, first, last))
    if gaps:
        missing = ", ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in gaps)
        flags.append(_flag("partial_coverage", f"no figures for {missing}", query))

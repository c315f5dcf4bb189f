"""Inputs and outputs of the progress engine: plain frozen dataclasses, no database types.

Conventions: values are ``Decimal``; ratio values are fractions (``0.30`` for 30%); percentages in
results are percent (``104.5`` for 104.5%) and are never capped at 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.enums import Direction, IndicatorKind, ProgressStatus, ProjectPhase, TargetKind
from core.settings import Settings
from ingest.periods import Period

# The engine speaks the domain's own vocabularies (plain enums, no database behind them).
Status = ProgressStatus
Phase = ProjectPhase

YEARLY = "yearly"

# Target kinds that do not say which way is better: the indicator's direction decides.
_KINDS_WITHOUT_A_WAY = frozenset({TargetKind.TARGET, TargetKind.AMBITION, TargetKind.COMMITMENT})


@dataclass(frozen=True)
class TargetSpec:
    """One target on one cell (indicator × jurisdiction × optional target group / housing type).

    The window runs from ``start`` (or, without it, the day after ``baseline_period``) to the end
    of ``deadline``. ``value`` is a single target; ``low``/``high`` a range. A cap is a target of
    kind ``maximum`` or direction ``within``.
    """

    indicator_kind: IndicatorKind
    direction: Direction
    kind: TargetKind
    deadline: Period
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    baseline_value: Decimal | None = None
    baseline_period: Period | None = None
    start: Period | None = None
    recurrence: str | None = None  # None or "yearly": the value applies to every calendar year
    carry_over: bool = False  # yearly only: a year's shortfall is added to the next year's target
    target_group: str | None = None  # None means the total over all target groups
    housing_type: str | None = None  # None means the total over all housing types
    source_precedence: tuple[str, ...] | None = None  # overrides EngineConfig for this indicator

    def __post_init__(self) -> None:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError("a target needs a value or a low/high range")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"range low {self.low} is above high {self.high}")
        if self.recurrence not in (None, YEARLY):
            raise ValueError(f"recurrence must be None or 'yearly', not {self.recurrence!r}")
        if self.carry_over and self.recurrence != YEARLY:
            raise ValueError("carry_over only applies to yearly targets")
        if self.carry_over and (self.is_cap or self.measures_fall):
            raise ValueError("carry_over carries a shortfall: only for higher-is-better targets")
        if self.start is None and self.baseline_period is None:
            raise ValueError("a target needs a start period or a baseline period")
        if self.measures_fall and self.baseline_value is None:
            raise ValueError("a lower-is-better target measures the fall from a baseline value")

    @property
    def is_cap(self) -> bool:
        """Judged ``within`` / ``exceeded``: a maximum on any indicator, or a plain target,
        ambition or commitment on a "stay within" indicator (the kind does not say which way is
        better, so the direction does). A minimum is a floor and a need estimate a level to reach,
        whatever the indicator's direction."""
        if self.kind is TargetKind.MAXIMUM:
            return True
        return self.direction is Direction.WITHIN and self.kind in _KINDS_WITHOUT_A_WAY

    @property
    def measures_fall(self) -> bool:
        """Lower is better and the kind does not say otherwise: progress is the fall from the
        baseline (a minimum is a floor and a maximum a cap on any indicator)."""
        return self.direction is Direction.LOWER_IS_BETTER and self.kind not in (
            TargetKind.MINIMUM,
            TargetKind.MAXIMUM,
        )

    @property
    def window_start(self) -> date:
        if self.start is not None:
            return self.start.start
        assert self.baseline_period is not None
        return self.baseline_period.end + timedelta(days=1)

    @property
    def window_end(self) -> date:
        return self.deadline.end

    @property
    def goal(self) -> Decimal:
        """The value judged against: ranges are achieved at the low end, caps bind at the high end."""
        if self.is_cap:
            candidates = (self.high, self.value, self.low)
        else:
            candidates = (self.low, self.value, self.high)
        return next(bound for bound in candidates if bound is not None)


@dataclass(frozen=True)
class ObservationPoint:
    """One reported figure for the target's cell or a breakdown of it, in one version."""

    period: Period
    value: Decimal
    source: str
    target_group: str | None = None
    housing_type: str | None = None
    numerator: Decimal | None = None  # ratio indicators: the parts that are summed
    denominator: Decimal | None = None
    version: int = 1
    recorded_at: datetime | None = None
    superseded_at: datetime | None = None

    @classmethod
    def of_ratio(
        cls, period: Period, numerator: Decimal, denominator: Decimal, source: str, **extra: Any
    ) -> ObservationPoint:
        value = numerator / denominator if denominator else Decimal(0)
        return cls(period, value, source, numerator=numerator, denominator=denominator, **extra)


@dataclass(frozen=True)
class PipelineItem:
    """A planned project's units for the target's cell."""

    ref: str
    phase: Phase
    units: Decimal
    expected_completion: date | None


# The engine's defaults are the settings' defaults (never the environment's values): one place.
_DEFAULT_SETTINGS = Settings.model_construct()


def phase_probabilities(configured: Mapping[str, float]) -> dict[Phase, Decimal]:
    """Per phase the chance that its units are delivered: as configured for the open phases, 1 for
    completed, 0 for cancelled and for any phase the configuration leaves out."""
    chances = {phase: Decimal(0) for phase in Phase}
    chances[Phase.COMPLETED] = Decimal(1)
    for phase, chance in configured.items():
        chances[Phase(phase)] = Decimal(str(chance))
    return chances


def _default_phase_probability() -> dict[Phase, Decimal]:
    return phase_probabilities(_DEFAULT_SETTINGS.phase_probabilities)


@dataclass(frozen=True)
class EngineConfig:
    on_track_threshold: Decimal = Decimal(str(_DEFAULT_SETTINGS.progress_on_track))
    at_risk_threshold: Decimal = Decimal(str(_DEFAULT_SETTINGS.progress_at_risk))
    phase_probability: dict[Phase, Decimal] = field(default_factory=_default_phase_probability)
    source_precedence: tuple[str, ...] = ()  # unlisted sources rank after, alphabetically
    trend_window_months: int = _DEFAULT_SETTINGS.trend_window_months
    decimals: int = 2  # rounding of derived counts and percentages in results
    ratio_decimals: int = 4  # rounding of derived ratio values (fractions)


@dataclass(frozen=True)
class CountedFigure:
    """A figure that was counted, and how it was obtained."""

    period: Period
    value: Decimal
    source: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    from_breakdowns: bool = False
    jurisdiction: str | None = None  # set in roll-ups: the member the figure belongs to


@dataclass(frozen=True)
class ProgressResult:
    """Progress of one target over one window (and, for yearly targets, per year in ``years``).

    ``gap_to_target`` is what is still to do (negative: surpassed; for caps, the headroom left).
    ``gap_to_expected`` is how far realisation is behind the expected-by-now line.
    """

    status: Status
    realised: Decimal | None
    percent: Decimal | None
    target_value: Decimal
    expected_by_now: Decimal | None
    gap_to_target: Decimal | None
    gap_to_expected: Decimal | None
    forecast_trend: Decimal | None
    forecast_pipeline: Decimal | None
    window_start: date
    window_end: date
    elapsed_fraction: Decimal
    covered_through: date | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    carried_in: Decimal = Decimal(0)
    method: str = ""
    counted: tuple[CountedFigure, ...] = ()
    flags: tuple[str, ...] = ()
    years: tuple[ProgressResult, ...] = ()

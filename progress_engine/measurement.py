"""What was measured over a window: one series of counted figures per jurisdiction, and its total.

Flows are summed, stocks take each series' latest value, ratios are the ratio of the summed parts
(never an average of percentages). A roll-up is simply a measurement with one series per member.

A ratio figure without numerator and denominator (a share reported on its own, with no weight to
give it) is used as reported only when it is the one figure of a jurisdiction's own cell; summed
with other figures it would make an average of percentages, so there is then no ratio, and a
flag names the figures without parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from progress_engine.model import CountedFigure, IndicatorKind


@dataclass(frozen=True)
class Series:
    """The figures chosen for one jurisdiction: disjoint periods for flows, one per period for stocks."""

    label: str | None
    figures: tuple[CountedFigure, ...]
    flags: tuple[str, ...] = ()

    @property
    def covered_through(self) -> date | None:
        return max((f.period.end for f in self.figures), default=None)

    @property
    def latest(self) -> CountedFigure | None:
        return max(self.figures, key=lambda f: (f.period.end, f.period.start), default=None)


@dataclass(frozen=True)
class Measurement:
    kind: IndicatorKind
    series: tuple[Series, ...]
    extra_flags: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return any(s.figures for s in self.series)

    @property
    def flags(self) -> tuple[str, ...]:
        flags = tuple(flag for s in self.series for flag in s.flags) + self.extra_flags
        dates = sorted({f.period.end for f in self.counted})
        if self.kind is IndicatorKind.STOCK and len(dates) > 1:
            shown = ", ".join(d.isoformat() for d in dates)
            flags += (f"stock_dates_differ: the summed latest values are from {shown}",)
        unweighted = self.unweighted
        if unweighted:
            shown = ", ".join(_describe(f) for f in unweighted)
            if self._reported_share is not None:
                flags += (
                    f"ratio_without_parts: {shown} has no numerator and denominator; "
                    "the reported share is used as it is",
                )
            else:
                flags += (
                    f"ratio_without_parts: {shown} has no numerator and denominator (no weight); "
                    "no ratio of sums, never an average of percentages",
                )
        return flags

    @property
    def unweighted(self) -> tuple[CountedFigure, ...]:
        """Ratio figures counted without their numerator and denominator."""
        if self.kind is not IndicatorKind.RATIO:
            return ()
        return tuple(f for f in self.counted if f.numerator is None or f.denominator is None)

    @property
    def _reported_share(self) -> CountedFigure | None:
        """The one figure of the jurisdiction's own cell, when it is a share without parts."""
        counted = self.counted
        if len(counted) == 1 and counted[0].jurisdiction is None and self.unweighted:
            return counted[0]
        return None

    @property
    def counted(self) -> tuple[CountedFigure, ...]:
        if self.kind is IndicatorKind.STOCK:
            return tuple(s.latest for s in self.series if s.latest is not None)
        return tuple(f for s in self.series for f in s.figures)

    @property
    def covered_through(self) -> date | None:
        return max((d for s in self.series if (d := s.covered_through) is not None), default=None)

    @property
    def numerator(self) -> Decimal | None:
        if self.kind is not IndicatorKind.RATIO or not self.has_data or self.unweighted:
            return None
        return sum((f.numerator or Decimal(0) for f in self.counted), Decimal(0))

    @property
    def denominator(self) -> Decimal | None:
        if self.kind is not IndicatorKind.RATIO or not self.has_data or self.unweighted:
            return None
        return sum((f.denominator or Decimal(0) for f in self.counted), Decimal(0))

    @property
    def realised(self) -> Decimal | None:
        if not self.has_data:
            return None
        if self.kind is IndicatorKind.RATIO:
            if self.unweighted:
                share = self._reported_share
                return None if share is None else share.value
            numerator, denominator = self.numerator, self.denominator
            return numerator / denominator if numerator is not None and denominator else None
        return sum((f.value for f in self.counted), Decimal(0))

    @property
    def method(self) -> str:
        if not self.has_data:
            return "no figures in the window"
        figures = len(self.counted)
        match self.kind:
            case IndicatorKind.FLOW:
                return f"sum of {figures} figure(s) without overlap"
            case IndicatorKind.STOCK:
                return f"latest value of {figures} series, summed"
            case IndicatorKind.RATIO:
                if self._reported_share is not None:
                    return f"reported share {self._reported_share.value} (no numerator and denominator)"
                if self.unweighted:
                    return (
                        f"no ratio of sums: {len(self.unweighted)} of {figures} figure(s) "
                        "without numerator and denominator"
                    )
                return (
                    f"ratio of sums {self.numerator} / {self.denominator} over {figures} figure(s)"
                )


def _describe(figure: CountedFigure) -> str:
    where = f"{figure.jurisdiction} " if figure.jurisdiction else ""
    return f"{where}{figure.period} {figure.source}"

"""Figures as ``key=value`` lines (one per figure) and the statistics behind them."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from typing import TextIO


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 = p95)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def ratio(value: float, reference: float) -> float:
    return value / reference if reference else float("nan")


class Report:
    """Prints each figure as it is measured and keeps them for the summary."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self.out = out
        self.figures: dict[str, float | str] = {}

    def put(self, key: str, value: float | int | str) -> None:
        self.figures[key] = value
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"{key}={text}", file=self.out, flush=True)

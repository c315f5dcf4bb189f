"""How each cost grows per 10× of data, from the figures measured at two scales."""

from __future__ import annotations

import math

# Figures that are rates (more is better): their cost is the inverse.
RATES = ("rows_per_s", "throughput_rps")


def cost(key: str, value: float) -> float:
    return 1 / value if key.endswith(RATES) and value else value


def growth_per_10x(
    key: str, small: float, large: float, small_scale: float, large_scale: float
) -> float:
    """Factor by which the cost grows when the data grows 10×: 10 = linear, 1 = flat."""
    steps = math.log10(large_scale / small_scale)
    base = cost(key, small)
    if not steps or not base:
        return float("nan")
    return float((cost(key, large) / base) ** (1 / steps))

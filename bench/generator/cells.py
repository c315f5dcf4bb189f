"""The observation cells of the generated dataset, in a deterministic order.

A cell is indicator × municipality × period × at most one breakdown (a target group or a
housing type, where the indicator allows it). Each (indicator, municipality) pair offers its
cells newest period first; the database load and the partner files take the first cells of each
pair, as many as their size asks for.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from bench.generator.plan import Plan
from bench.generator.structure import IndicatorInfo, Universe
from core.enums import IndicatorKind
from ingest.periods import Period

FIRST_YEAR = 2000
LAST_YEAR = 2025  # no period after today


def _periods() -> list[Period]:
    years = [Period.parse(str(y)) for y in range(LAST_YEAR, FIRST_YEAR - 1, -1)]
    quarters = [
        Period.parse(f"{y}-Q{q}")
        for y in range(LAST_YEAR, FIRST_YEAR - 1, -1)
        for q in (4, 3, 2, 1)
    ]
    months = [
        Period.parse(f"{y}-{m:02d}")
        for y in range(LAST_YEAR, FIRST_YEAR - 1, -1)
        for m in range(12, 0, -1)
    ]
    return years + quarters + months


PERIODS = _periods()


@dataclass(frozen=True, slots=True)
class Cell:
    indicator: IndicatorInfo
    municipality: str
    jurisdiction_id: int
    period: Period
    target_group: str | None
    housing_type: str | None

    def value(self, plan: Plan, variant: int = 0) -> Decimal:
        """A plausible value, the same for the same cell, seed and variant."""
        key = f"{plan.seed}|{self.indicator.code}|{self.municipality}|{self.period}|{self.target_group}|{self.housing_type}|{variant}"
        draw = zlib.crc32(key.encode())
        if self.indicator.kind is IndicatorKind.RATIO or self.indicator.unit == "percent":
            return Decimal(draw % 1001) / 10
        return Decimal(draw % 251)


def _breakdowns(
    indicator: IndicatorInfo, universe: Universe
) -> list[tuple[str | None, str | None]]:
    options: list[tuple[str | None, str | None]] = [(None, None)]
    if "target_group" in indicator.dimensions:
        options += [(code, None) for code in universe.target_groups]
    if "housing_type" in indicator.dimensions:
        options += [(None, code) for code in universe.housing_types]
    return options


def pair_cells(
    indicator: IndicatorInfo, municipality: str, jurisdiction_id: int, universe: Universe
) -> Iterator[Cell]:
    """Every cell of one pair: newest periods first, each with its breakdowns."""
    breakdowns = _breakdowns(indicator, universe)
    for period in PERIODS:
        for group, housing in breakdowns:
            yield Cell(indicator, municipality, jurisdiction_id, period, group, housing)


def pair_capacity(indicator: IndicatorInfo, universe: Universe) -> int:
    return len(PERIODS) * len(_breakdowns(indicator, universe))


def cells(universe: Universe, total: int) -> Iterator[Cell]:
    """About ``total`` cells spread evenly over every (indicator, municipality) pair."""
    pairs = [
        (i, code, jid) for i in universe.indicators for code, jid in universe.municipalities.items()
    ]
    capacities = [pair_capacity(i, universe) for i, _, _ in pairs]
    quotas = _spread(total, capacities)
    for (indicator, code, jid), quota in zip(pairs, quotas, strict=True):
        yield from islice(pair_cells(indicator, code, jid, universe), quota)


def _spread(total: int, capacities: list[int]) -> list[int]:
    """Share ``total`` over the pairs as evenly as their capacities allow."""
    quotas = [0] * len(capacities)
    remaining = min(total, sum(capacities))
    open_pairs = [i for i, c in enumerate(capacities) if c > 0]
    while remaining > 0 and open_pairs:
        share, extra = divmod(remaining, len(open_pairs))
        still_open = []
        for rank, index in enumerate(open_pairs):
            wanted = share + (1 if rank < extra else 0)
            granted = min(wanted, capacities[index] - quotas[index])
            quotas[index] += granted
            remaining -= granted
            if quotas[index] < capacities[index]:
                still_open.append(index)
        if len(still_open) == len(open_pairs) and share == 0 and extra == 0:
            break
        open_pairs = still_open
    return quotas

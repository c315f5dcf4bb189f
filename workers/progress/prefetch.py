"""The observations of many targets' cells, read in a few statements instead of one per cell.

A recompute of every target would otherwise send a query per target (and one per member of a
region target). Inside ``prefetched_cells`` the input functions take the rows of the prefetched
(indicator, jurisdiction) cells from memory, in the same order (by id) as their query would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Indicator, Observation, RegionMembership, Target

Cell = tuple[int, int]  # (indicator id, jurisdiction id)
_KEY = "progress_prefetched_cells"
_CELLS_PER_STATEMENT = 500


def prefetched(
    session: Session, indicator_id: int, jurisdiction_id: int
) -> list[Observation] | None:
    """Every observation row of the cell, when prefetched; None: ask the database."""
    cells: dict[Cell, list[Observation]] | None = session.info.get(_KEY)
    return None if cells is None else cells.get((indicator_id, jurisdiction_id))


@contextmanager
def prefetched_cells(session: Session, target_ids: Sequence[int]) -> Iterator[None]:
    """Read the rows of every cell the targets' inputs need, for the duration of the block."""
    cells: dict[Cell, list[Observation]] = {cell: [] for cell in _cells_of(session, target_ids)}
    ordered = sorted(cells)
    for start in range(0, len(ordered), _CELLS_PER_STATEMENT):
        chunk = ordered[start : start + _CELLS_PER_STATEMENT]
        statement = (
            sa.select(Observation)
            .where(sa.tuple_(Observation.indicator_id, Observation.jurisdiction_id).in_(chunk))
            .order_by(Observation.id)  # type: ignore[arg-type]
        )
        for row in session.scalars(statement):
            cells[(row.indicator_id, row.jurisdiction_id)].append(row)
    session.info[_KEY] = cells
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def _cells_of(session: Session, target_ids: Sequence[int]) -> set[Cell]:
    """The targets' own cells, their region members' cells, and for ratio indicators the cells
    of the numerator and denominator."""
    targets = session.execute(
        sa.select(Target.indicator_id, Target.jurisdiction_id).where(Target.id.in_(target_ids))  # type: ignore[call-overload, union-attr]
    ).all()
    parts = {
        i.id: [i.numerator_id, i.denominator_id]
        for i in session.execute(
            sa.select(Indicator.id, Indicator.numerator_id, Indicator.denominator_id)  # type: ignore[call-overload]
        )
    }
    members: dict[int, list[int]] = defaultdict(list)
    places = {jurisdiction for _, jurisdiction in targets}
    memberships = sa.select(RegionMembership.region_id, RegionMembership.member_id)  # type: ignore[call-overload]
    for region, member in session.execute(
        memberships.where(RegionMembership.region_id.in_(places))  # type: ignore[attr-defined]
    ):
        members[region].append(member)
    cells: set[Cell] = set()
    for indicator, jurisdiction in targets:
        indicators = [indicator, *(p for p in parts.get(indicator, ()) if p is not None)]
        for place in (jurisdiction, *members[jurisdiction]):
            cells.update((i, place) for i in indicators)
    return cells

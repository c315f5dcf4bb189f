"""Stored progress snapshots (written by the compute workers; read here, never computed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import ProgressBasis, ProgressStatus
from db.models import ProgressSnapshot, Target
from db.queries.listing import Listing, SortKey
from db.queries.lookups import grouped_by
from db.queries.targets import TargetCriteria, target_conditions


@dataclass(frozen=True)
class ProgressCriteria:
    target: TargetCriteria = field(default_factory=TargetCriteria)
    statuses: Sequence[ProgressStatus] | None = None
    bases: Sequence[ProgressBasis] | None = None
    periods: Sequence[str] | None = None  # judged years of yearly targets; "" for the window
    target_ids: Sequence[int] | None = None


def progress(criteria: ProgressCriteria) -> Listing[ProgressSnapshot]:
    targets = sa.select(col(Target.id)).where(*target_conditions(criteria.target))
    statement = sa.select(ProgressSnapshot).where(col(ProgressSnapshot.target_id).in_(targets))
    if criteria.statuses:
        statement = statement.where(col(ProgressSnapshot.status).in_(criteria.statuses))
    if criteria.bases:
        statement = statement.where(col(ProgressSnapshot.basis).in_(criteria.bases))
    if criteria.periods is not None:
        statement = statement.where(col(ProgressSnapshot.period).in_(criteria.periods))
    if criteria.target_ids is not None:
        statement = statement.where(col(ProgressSnapshot.target_id).in_(criteria.target_ids))
    order = (SortKey(col(ProgressSnapshot.target_id)), SortKey(col(ProgressSnapshot.id)))
    return Listing(statement, order, "progress")


def snapshots_of_targets(
    session: Session, target_ids: Iterable[int]
) -> dict[int, list[ProgressSnapshot]]:
    return grouped_by(
        session,
        ProgressSnapshot,
        col(ProgressSnapshot.target_id),
        target_ids,
        order_by=[col(ProgressSnapshot.basis), col(ProgressSnapshot.period)],
    )


def snapshots_of_jurisdictions(
    session: Session, jurisdiction_ids: Iterable[int]
) -> dict[int, list[ProgressSnapshot]]:
    return grouped_by(
        session,
        ProgressSnapshot,
        col(ProgressSnapshot.jurisdiction_id),
        jurisdiction_ids,
        order_by=[
            col(ProgressSnapshot.target_id),
            col(ProgressSnapshot.basis),
            col(ProgressSnapshot.period),
        ],
    )


def targets_for_time_travel(criteria: TargetCriteria) -> Listing[Target]:
    """The targets whose progress ``asOf`` a moment is recomputed, in the order of ``progress``."""
    statement = sa.select(Target).where(*target_conditions(criteria))
    return Listing(statement, (SortKey(col(Target.id)),), "progressAsOf")

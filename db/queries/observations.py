"""Realisation counts, bitemporal: the versions in force now, or as known at a moment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from db.models import Indicator, Observation, Organisation
from db.queries.cells import CellCriteria, cell_conditions
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows, counts_by, grouped_by, pages_by


def known_at(moment: datetime | None) -> list[sa.ColumnElement[bool]]:
    """The versions in force at ``moment`` (None: now): recorded by then, not yet superseded."""
    if moment is None:
        return [col(Observation.superseded_at).is_(None)]
    return [
        col(Observation.recorded_at) <= moment,
        sa.or_(col(Observation.superseded_at).is_(None), col(Observation.superseded_at) > moment),
    ]


@dataclass(frozen=True)
class ObservationCriteria:
    cell: CellCriteria = field(default_factory=CellCriteria)
    starts_on_or_after: date | None = None  # the observation's period lies within these bounds
    ends_on_or_before: date | None = None
    sources: Sequence[str] | None = None
    submission_ids: Sequence[int] | None = None
    project_ids: Sequence[int] | None = None
    flagged: bool | None = None
    as_of: datetime | None = None
    all_versions: bool = False


def observations(criteria: ObservationCriteria) -> Listing[Observation]:
    statement = sa.select(Observation).where(
        *cell_conditions(
            criteria.cell,
            indicator=col(Observation.indicator_id),
            jurisdiction=col(Observation.jurisdiction_id),
            target_group=col(Observation.target_group_id),
            housing_type=col(Observation.housing_type_id),
            price_segment=col(Observation.price_segment),
        )
    )
    if not criteria.all_versions:
        statement = statement.where(*known_at(criteria.as_of))
    elif criteria.as_of is not None:
        statement = statement.where(col(Observation.recorded_at) <= criteria.as_of)
    if criteria.starts_on_or_after is not None:
        statement = statement.where(col(Observation.period_start) >= criteria.starts_on_or_after)
    if criteria.ends_on_or_before is not None:
        statement = statement.where(col(Observation.period_end) <= criteria.ends_on_or_before)
    if criteria.sources is not None:
        sources = sa.select(col(Organisation.id)).where(
            col(Organisation.code).in_(criteria.sources)
        )
        statement = statement.where(col(Observation.source_organisation_id).in_(sources))
    if criteria.submission_ids is not None:
        statement = statement.where(col(Observation.submission_id).in_(criteria.submission_ids))
    if criteria.project_ids is not None:
        statement = statement.where(col(Observation.project_id).in_(criteria.project_ids))
    if criteria.flagged is not None:
        statement = statement.where(
            col(Observation.flag).is_not(None)
            if criteria.flagged
            else col(Observation.flag).is_(None)
        )
    order = (SortKey(col(Observation.period_start)), SortKey(col(Observation.id)))
    return Listing(statement, order, "observations")


def _of_jurisdiction(
    as_of: datetime | None, indicator_ids: tuple[int, ...] | None
) -> list[sa.ColumnElement[bool]]:
    conditions = known_at(as_of)
    if indicator_ids is not None:
        conditions.append(col(Observation.indicator_id).in_(indicator_ids))
    return conditions


def observation_pages_of_jurisdictions(
    session: Session,
    jurisdiction_ids: Iterable[int],
    limit: int,
    after_id: int | None,
    as_of: datetime | None = None,
    indicator_ids: tuple[int, ...] | None = None,
) -> dict[int, list[Observation]]:
    """Per jurisdiction, the first ``limit`` of its observations in force (now or at ``as_of``),
    of these indicators (None: all), oldest period first, from the observation ``after_id`` on."""
    return pages_by(
        session,
        Observation,
        col(Observation.jurisdiction_id),
        jurisdiction_ids,
        [(col(Observation.period_start), False)],
        limit,
        after_id,
        where=_of_jurisdiction(as_of, indicator_ids),
    )


def observation_counts_of_jurisdictions(
    session: Session,
    jurisdiction_ids: Iterable[int],
    as_of: datetime | None = None,
    indicator_ids: tuple[int, ...] | None = None,
) -> dict[int, int]:
    return counts_by(
        session,
        Observation,
        col(Observation.jurisdiction_id),
        jurisdiction_ids,
        where=_of_jurisdiction(as_of, indicator_ids),
    )


# A cell apart from its period: the latest period of each is what an overview shows.
_SERIES = (
    col(Observation.jurisdiction_id),
    col(Observation.indicator_id),
    col(Observation.target_group_id),
    col(Observation.housing_type_id),
    col(Observation.price_segment),
    col(Observation.per_year),
    col(Observation.source_organisation_id),
)


def latest_observations_of_jurisdictions(
    session: Session,
    jurisdiction_ids: Iterable[int],
    as_of: datetime | None = None,
    indicators: tuple[str, ...] | None = None,
) -> dict[int, list[Observation]]:
    """Per jurisdiction, each series' value for its latest period (the one ending last; of two
    ending together, the shorter): one row per indicator × breakdowns × source, in force now or
    known at ``as_of``; ordered by indicator and breakdowns."""
    wanted = set(jurisdiction_ids)
    if not wanted:
        return {}
    rank = (
        sa.func.row_number()
        .over(
            partition_by=_SERIES,
            order_by=(col(Observation.period_end).desc(), col(Observation.period_start).desc()),
        )
        .label("rank")
    )
    ranked = sa.select(col(Observation.id), rank).where(
        col(Observation.jurisdiction_id).in_(wanted), *known_at(as_of)
    )
    if indicators is not None:
        # ids, not a subquery: the planner then reads (indicator, jurisdiction) off
        # ix_observation_lookup instead of every observation of every member
        ids = session.scalars(
            sa.select(col(Indicator.id)).where(col(Indicator.code).in_(indicators))
        )
        ranked = ranked.where(col(Observation.indicator_id).in_(list(ids)))
    latest = ranked.subquery()
    statement = (
        sa.select(Observation)
        .join(latest, latest.c.id == col(Observation.id))
        .where(latest.c.rank == 1)
        .order_by(*_SERIES, col(Observation.id))
    )
    groups: dict[int, list[Observation]] = defaultdict(list)
    for row in session.scalars(statement):
        groups[row.jurisdiction_id].append(row)
    return groups


OBSERVATIONS_OF_SUBMISSIONS = ChildRows(
    Observation, col(Observation.submission_id), ((col(Observation.period_start), False),)
)
"""The observations a submission added (all versions), oldest period first."""


def versions_of_cells(session: Session, cell_keys: Iterable[str]) -> dict[str, list[Observation]]:
    """Every version of the cells, oldest first (all sources: callers pick theirs)."""
    return grouped_by(
        session,
        Observation,
        col(Observation.cell_key),
        cell_keys,
        order_by=[col(Observation.version)],
    )

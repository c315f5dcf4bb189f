"""Target groups, housing types and indicators (hierarchical vocabularies)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import Direction, IndicatorKind
from db.models import HousingType, Indicator, TargetGroup
from db.queries.listing import Listing, SortKey
from db.queries.lookups import grouped_by, text_search

Vocabulary = TypeVar("Vocabulary", TargetGroup, HousingType)


@dataclass(frozen=True)
class VocabularyCriteria:
    codes: Sequence[str] | None = None
    top_level_only: bool = False
    parent: str | None = None
    search: str | None = None


def _vocabulary(
    model: type[Vocabulary], criteria: VocabularyCriteria, name: str
) -> Listing[Vocabulary]:
    statement = sa.select(model)
    if criteria.codes is not None:
        statement = statement.where(col(model.code).in_(criteria.codes))
    if criteria.top_level_only:
        statement = statement.where(col(model.parent_id).is_(None))
    if criteria.parent is not None:
        statement = statement.where(
            col(model.parent_id).in_(
                sa.select(col(model.id)).where(col(model.code) == criteria.parent)
            )
        )
    if criteria.search:
        statement = statement.where(
            text_search([col(model.name_nl), col(model.name_en), col(model.code)], criteria.search)
        )
    return Listing(statement, (SortKey(col(model.code)), SortKey(col(model.id))), name)


def target_groups(criteria: VocabularyCriteria) -> Listing[TargetGroup]:
    return _vocabulary(TargetGroup, criteria, "targetGroups")


def housing_types(criteria: VocabularyCriteria) -> Listing[HousingType]:
    return _vocabulary(HousingType, criteria, "housingTypes")


def children_of(
    session: Session, parent_ids: Iterable[int], model: type[Vocabulary]
) -> dict[int, list[Vocabulary]]:
    return grouped_by(session, model, col(model.parent_id), parent_ids, order_by=[col(model.code)])


@dataclass(frozen=True)
class IndicatorCriteria:
    codes: Sequence[str] | None = None
    kinds: Sequence[IndicatorKind] | None = None
    directions: Sequence[Direction] | None = None
    units: Sequence[str] | None = None
    search: str | None = None


def indicators(criteria: IndicatorCriteria) -> Listing[Indicator]:
    statement = sa.select(Indicator)
    if criteria.codes is not None:
        statement = statement.where(col(Indicator.code).in_(criteria.codes))
    if criteria.kinds:
        statement = statement.where(col(Indicator.kind).in_(criteria.kinds))
    if criteria.directions:
        statement = statement.where(col(Indicator.direction).in_(criteria.directions))
    if criteria.units:
        statement = statement.where(col(Indicator.unit).in_(criteria.units))
    if criteria.search:
        statement = statement.where(
            text_search(
                [col(Indicator.name_nl), col(Indicator.name_en), col(Indicator.code)],
                criteria.search,
            )
        )
    return Listing(
        statement, (SortKey(col(Indicator.code)), SortKey(col(Indicator.id))), "indicators"
    )


def with_descendants(
    model: type[TargetGroup] | type[HousingType], codes: Sequence[str]
) -> sa.Select[Any]:
    """Ids of the entries ``codes`` and every entry below them (a priority group's categories)."""
    tree = (
        sa.select(col(model.id))
        .where(col(model.code).in_(codes))
        .cte(f"{model.__tablename__}_tree", recursive=True)
    )
    tree = tree.union(sa.select(col(model.id)).join(tree, col(model.parent_id) == tree.c.id))
    return sa.select(tree.c.id)

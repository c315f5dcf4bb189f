"""Target groups, housing types and indicators (hierarchical vocabularies)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import Direction, IndicatorKind
from db.models import HousingType, Indicator, TargetGroup
from db.queries.listing import Listing, SortKey
from db.queries.lookups import grouped_by, text_search

Vocabulary = type[TargetGroup] | type[HousingType]


@dataclass(frozen=True)
class VocabularyCriteria:
    codes: Sequence[str] | None = None
    top_level_only: bool = False
    parent: str | None = None
    search: str | None = None


def _vocabulary(model: Vocabulary, criteria: VocabularyCriteria, name: str) -> Listing:  # type: ignore[type-arg]
    statement = sa.select(model)
    if criteria.codes is not None:
        statement = statement.where(model.code.in_(criteria.codes))
    if criteria.top_level_only:
        statement = statement.where(model.parent_id.is_(None))
    if criteria.parent is not None:
        statement = statement.where(
            model.parent_id.in_(sa.select(model.id).where(model.code == criteria.parent))
        )
    if criteria.search:
        statement = statement.where(
            text_search([model.name_nl, model.name_en, model.code], criteria.search)
        )
    return Listing(statement, (SortKey(model.code), SortKey(model.id)), name)  # type: ignore[arg-type]


def target_groups(criteria: VocabularyCriteria) -> Listing[TargetGroup]:
    return _vocabulary(TargetGroup, criteria, "targetGroups")


def housing_types(criteria: VocabularyCriteria) -> Listing[HousingType]:
    return _vocabulary(HousingType, criteria, "housingTypes")


def children_of(session: Session, parent_ids: Iterable[int], model: Vocabulary) -> dict[int, list]:  # type: ignore[type-arg]
    return grouped_by(session, model, model.parent_id, parent_ids, order_by=[model.code])


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
        statement = statement.where(Indicator.code.in_(criteria.codes))
    if criteria.kinds:
        statement = statement.where(Indicator.kind.in_(criteria.kinds))
    if criteria.directions:
        statement = statement.where(Indicator.direction.in_(criteria.directions))
    if criteria.units:
        statement = statement.where(Indicator.unit.in_(criteria.units))
    if criteria.search:
        statement = statement.where(
            text_search([Indicator.name_nl, Indicator.name_en, Indicator.code], criteria.search)
        )
    return Listing(statement, (SortKey(Indicator.code), SortKey(Indicator.id)), "indicators")


def with_descendants(model: Vocabulary, codes: Sequence[str]) -> sa.Select:  # type: ignore[type-arg]
    """Ids of the entries ``codes`` and every entry below them (a priority group's categories)."""
    tree = (
        sa.select(model.id)
        .where(model.code.in_(codes))
        .cte(f"{model.__tablename__}_tree", recursive=True)
    )
    tree = tree.union(sa.select(model.id).join(tree, model.parent_id == tree.c.id))
    return sa.select(tree.c.id)

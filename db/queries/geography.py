"""Jurisdictions, regions and memberships: areas including their members and districts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import JurisdictionKind, RegionType
from db.models import Jurisdiction, RegionMembership
from db.queries.listing import Listing, SortKey
from db.queries.lookups import grouped_by, text_search


def area_ids(
    codes: Iterable[str], include_members: bool = True, name: str = "area"
) -> sa.Select[Any]:
    """Ids of the jurisdictions ``codes`` and, with ``include_members``, everything inside them:
    a region's members (transitively: a subregion's members too) and a municipality's districts,
    whatever the validity dates (historic figures of a merged municipality stay in its region)."""
    roots = sa.select(col(Jurisdiction.id)).where(col(Jurisdiction.code).in_(list(codes)))
    if not include_members:
        return roots
    edges = _containment(name)
    area = roots.cte(name, recursive=True)
    area = area.union(sa.select(edges.c.child_id).join(area, edges.c.parent_id == area.c.id))
    return sa.select(area.c.id)


def areas_and_contents(ids: Iterable[int], name: str = "contents") -> sa.Select[Any]:
    """(``area_id``, ``id``) pairs, each once: for every area in ``ids`` the jurisdictions that
    ``area_ids`` of its code with ``include_members`` gives (itself included), for many areas in
    one statement."""
    roots = sa.select(sa.label("area_id", col(Jurisdiction.id)), col(Jurisdiction.id)).where(
        col(Jurisdiction.id).in_(list(ids))
    )
    edges = _containment(name)
    found = roots.cte(name, recursive=True)
    inside = sa.select(found.c.area_id, edges.c.child_id).join(
        found, edges.c.parent_id == found.c.id
    )
    found = found.union(inside)  # a union, not union all: no pair twice, and cycles end
    return sa.select(found.c.area_id, found.c.id)


def _containment(name: str) -> sa.Subquery:
    """(``parent_id``, ``child_id``): a region and its member, a municipality and its district."""
    return sa.union_all(
        sa.select(
            sa.label("parent_id", col(RegionMembership.region_id)),
            sa.label("child_id", col(RegionMembership.member_id)),
        ),
        sa.select(col(Jurisdiction.parent_id), col(Jurisdiction.id)).where(
            col(Jurisdiction.parent_id).is_not(None)
        ),
    ).subquery(f"{name}_edges")


def in_area(
    column: Any, codes: Sequence[str] | None, include_members: bool
) -> sa.ColumnElement[bool]:
    # One statement may hold several areas (a project's municipality and district): name apart.
    return column.in_(area_ids(codes or [], include_members, f"area_{column.key}"))


@dataclass(frozen=True)
class JurisdictionCriteria:
    codes: Sequence[str] | None = None
    kinds: Sequence[JurisdictionKind] | None = None
    region_types: Sequence[RegionType] | None = None
    within: Sequence[str] | None = None  # codes of areas whose members/districts are wanted
    include_area: bool = True  # with ``within``: the areas themselves too
    containing: Sequence[str] | None = None  # regions with one of these (direct) members
    search: str | None = None


def jurisdictions(criteria: JurisdictionCriteria) -> Listing[Jurisdiction]:
    statement = sa.select(Jurisdiction)
    if criteria.codes is not None:
        statement = statement.where(col(Jurisdiction.code).in_(criteria.codes))
    if criteria.kinds:
        statement = statement.where(col(Jurisdiction.kind).in_(criteria.kinds))
    if criteria.region_types:
        statement = statement.where(col(Jurisdiction.region_type).in_(criteria.region_types))
    if criteria.within is not None:
        statement = statement.where(in_area(col(Jurisdiction.id), criteria.within, True))
        if not criteria.include_area:
            statement = statement.where(col(Jurisdiction.code).not_in(criteria.within))
    if criteria.search:
        statement = statement.where(
            text_search([col(Jurisdiction.name), col(Jurisdiction.code)], criteria.search)
        )
    return Listing(
        statement, (SortKey(col(Jurisdiction.code)), SortKey(col(Jurisdiction.id))), "jurisdictions"
    )


def _valid_on(day: date | None) -> list[sa.ColumnElement[bool]]:
    if day is None:
        return []
    return [
        sa.or_(col(RegionMembership.valid_from).is_(None), col(RegionMembership.valid_from) <= day),
        sa.or_(col(RegionMembership.valid_to).is_(None), col(RegionMembership.valid_to) >= day),
    ]


def memberships_of_regions(
    session: Session, region_ids: Iterable[int], valid_on: date | None = None
) -> dict[int, list[RegionMembership]]:
    return grouped_by(
        session,
        RegionMembership,
        col(RegionMembership.region_id),
        region_ids,
        where=_valid_on(valid_on),
    )


def memberships_of_members(
    session: Session, member_ids: Iterable[int], valid_on: date | None = None
) -> dict[int, list[RegionMembership]]:
    return grouped_by(
        session,
        RegionMembership,
        col(RegionMembership.member_id),
        member_ids,
        where=_valid_on(valid_on),
    )


def districts_of(session: Session, parent_ids: Iterable[int]) -> dict[int, list[Jurisdiction]]:
    return grouped_by(
        session,
        Jurisdiction,
        col(Jurisdiction.parent_id),
        parent_ids,
        order_by=[col(Jurisdiction.code)],
    )

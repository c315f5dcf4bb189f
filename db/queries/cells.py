"""Filters shared by everything that sits on a cell: indicator × jurisdiction × breakdowns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from db.models import HousingType, Indicator, TargetGroup
from db.queries.geography import in_area
from db.queries.vocabulary import with_descendants


@dataclass(frozen=True)
class CellCriteria:
    jurisdictions: Sequence[str] | None = None
    include_members: bool = True
    indicators: Sequence[str] | None = None
    target_groups: Sequence[str] | None = None  # a group includes the groups below it
    housing_types: Sequence[str] | None = None  # a type includes the types below it
    price_segments: Sequence[str] | None = None


def cell_conditions(
    criteria: CellCriteria,
    *,
    indicator: Any,
    jurisdiction: Any,
    target_group: Any,
    housing_type: Any,
    price_segment: Any,
) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if criteria.jurisdictions is not None:
        conditions.append(in_area(jurisdiction, criteria.jurisdictions, criteria.include_members))
    if criteria.indicators is not None:
        conditions.append(
            indicator.in_(
                sa.select(col(Indicator.id)).where(col(Indicator.code).in_(criteria.indicators))
            )
        )
    if criteria.target_groups is not None:
        conditions.append(target_group.in_(with_descendants(TargetGroup, criteria.target_groups)))
    if criteria.housing_types is not None:
        conditions.append(housing_type.in_(with_descendants(HousingType, criteria.housing_types)))
    if criteria.price_segments is not None:
        conditions.append(price_segment.in_(criteria.price_segments))
    return conditions

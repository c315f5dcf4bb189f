"""Targets and the distribution rules (commitment keys) that derive them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import DistributionMethod, DocumentStatus, Recurrence, TargetKind
from db.models import DistributionRule, DistributionShare, PolicyDocument, Target
from db.queries.cells import CellCriteria, cell_conditions
from db.queries.geography import in_area
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows, counts_by, grouped_by, pages_by, text_search


@dataclass(frozen=True)
class TargetCriteria:
    cell: CellCriteria = field(default_factory=CellCriteria)
    kinds: Sequence[TargetKind] | None = None
    statuses: Sequence[DocumentStatus] | None = None
    recurrences: Sequence[Recurrence] | None = None
    deadline_year_from: int | None = None
    deadline_year_to: int | None = None
    documents: Sequence[str] | None = None
    distribution_rules: Sequence[str] | None = None
    flagged: bool | None = None
    search: str | None = None


def target_conditions(criteria: TargetCriteria) -> list[sa.ColumnElement[bool]]:
    conditions = cell_conditions(
        criteria.cell,
        indicator=col(Target.indicator_id),
        jurisdiction=col(Target.jurisdiction_id),
        target_group=col(Target.target_group_id),
        housing_type=col(Target.housing_type_id),
        price_segment=col(Target.price_segment),
    )
    if criteria.kinds:
        conditions.append(col(Target.kind).in_(criteria.kinds))
    if criteria.statuses:
        conditions.append(col(Target.status).in_(criteria.statuses))
    if criteria.recurrences:
        conditions.append(col(Target.recurrence).in_(criteria.recurrences))
    if criteria.deadline_year_from is not None:
        conditions.append(col(Target.deadline_year) >= criteria.deadline_year_from)
    if criteria.deadline_year_to is not None:
        conditions.append(col(Target.deadline_year) <= criteria.deadline_year_to)
    if criteria.documents is not None:
        in_documents = sa.select(col(PolicyDocument.id)).where(
            col(PolicyDocument.code).in_(criteria.documents)
        )
        conditions.append(col(Target.document_id).in_(in_documents))
    if criteria.distribution_rules is not None:
        rules = sa.select(col(DistributionRule.id)).where(
            col(DistributionRule.code).in_(criteria.distribution_rules)
        )
        conditions.append(col(Target.distribution_rule_id).in_(rules))
    if criteria.flagged is not None:
        conditions.append(
            col(Target.flag).is_not(None) if criteria.flagged else col(Target.flag).is_(None)
        )
    if criteria.search:
        conditions.append(text_search([col(Target.code), col(Target.notes)], criteria.search))
    return conditions


def targets(criteria: TargetCriteria) -> Listing[Target]:
    statement = sa.select(Target).where(*target_conditions(criteria))
    return Listing(statement, (SortKey(col(Target.code)), SortKey(col(Target.id))), "targets")


def targets_of_jurisdictions(
    session: Session, jurisdiction_ids: Iterable[int]
) -> dict[int, list[Target]]:
    return grouped_by(
        session, Target, col(Target.jurisdiction_id), jurisdiction_ids, order_by=[col(Target.code)]
    )


def _of_indicators(indicator_ids: tuple[int, ...] | None) -> list[sa.ColumnElement[bool]]:
    return [] if indicator_ids is None else [col(Target.indicator_id).in_(indicator_ids)]


def target_pages_of_jurisdictions(
    session: Session,
    jurisdiction_ids: Iterable[int],
    limit: int,
    after_id: int | None,
    indicator_ids: tuple[int, ...] | None = None,
) -> dict[int, list[Target]]:
    """Per jurisdiction, the first ``limit`` of its own targets of these indicators (None: all),
    by code, from the target ``after_id`` on."""
    return pages_by(
        session,
        Target,
        col(Target.jurisdiction_id),
        jurisdiction_ids,
        [(col(Target.code), False)],
        limit,
        after_id,
        where=_of_indicators(indicator_ids),
    )


def target_counts_of_jurisdictions(
    session: Session,
    jurisdiction_ids: Iterable[int],
    indicator_ids: tuple[int, ...] | None = None,
) -> dict[int, int]:
    return counts_by(
        session,
        Target,
        col(Target.jurisdiction_id),
        jurisdiction_ids,
        where=_of_indicators(indicator_ids),
    )


TARGETS_OF_DOCUMENTS = ChildRows(Target, col(Target.document_id), ((col(Target.code), False),))
"""The targets a document sets, by code."""
TARGETS_OF_RULES = ChildRows(Target, col(Target.distribution_rule_id), ((col(Target.code), False),))
"""The targets a distribution rule derived, by code."""


@dataclass(frozen=True)
class DistributionRuleCriteria:
    codes: Sequence[str] | None = None
    regions: Sequence[str] | None = None
    methods: Sequence[DistributionMethod] | None = None
    cell: CellCriteria = field(default_factory=CellCriteria)
    search: str | None = None


def distribution_rules(criteria: DistributionRuleCriteria) -> Listing[DistributionRule]:
    statement = sa.select(DistributionRule).where(
        *cell_conditions(
            criteria.cell,
            indicator=col(DistributionRule.indicator_id),
            jurisdiction=col(DistributionRule.region_id),
            target_group=col(DistributionRule.target_group_id),
            housing_type=col(DistributionRule.housing_type_id),
            price_segment=col(DistributionRule.price_segment),
        )
    )
    if criteria.codes is not None:
        statement = statement.where(col(DistributionRule.code).in_(criteria.codes))
    if criteria.regions is not None:
        statement = statement.where(
            in_area(col(DistributionRule.region_id), criteria.regions, False)
        )
    if criteria.methods:
        statement = statement.where(col(DistributionRule.method).in_(criteria.methods))
    if criteria.search:
        statement = statement.where(
            text_search([col(DistributionRule.name), col(DistributionRule.code)], criteria.search)
        )
    order = (SortKey(col(DistributionRule.code)), SortKey(col(DistributionRule.id)))
    return Listing(statement, order, "distributionRules")


def shares_of_rules(
    session: Session, rule_ids: Iterable[int]
) -> dict[int, list[DistributionShare]]:
    return grouped_by(session, DistributionShare, col(DistributionShare.rule_id), rule_ids)

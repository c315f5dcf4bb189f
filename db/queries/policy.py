"""Policy documents, their action lines and measures, with partners and status updates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import DocumentStatus, MeasureStatus
from db.models import (
    ActionLine,
    Measure,
    MeasurePartner,
    MeasureStatusUpdate,
    Organisation,
    PolicyDocument,
)
from db.queries.geography import in_area
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows, grouped_by, text_search


def _document_ids(codes: Sequence[str]) -> sa.Select[int | None]:
    return sa.select(col(PolicyDocument.id)).where(col(PolicyDocument.code).in_(codes))


def _organisation_ids(codes: Sequence[str]) -> sa.Select[int | None]:
    return sa.select(col(Organisation.id)).where(col(Organisation.code).in_(codes))


@dataclass(frozen=True)
class DocumentCriteria:
    codes: Sequence[str] | None = None
    statuses: Sequence[DocumentStatus] | None = None
    jurisdictions: Sequence[str] | None = None
    include_members: bool = True
    issuers: Sequence[str] | None = None
    search: str | None = None


def documents(criteria: DocumentCriteria) -> Listing[PolicyDocument]:
    statement = sa.select(PolicyDocument)
    if criteria.codes is not None:
        statement = statement.where(col(PolicyDocument.code).in_(criteria.codes))
    if criteria.statuses:
        statement = statement.where(col(PolicyDocument.status).in_(criteria.statuses))
    if criteria.jurisdictions is not None:
        statement = statement.where(
            in_area(
                col(PolicyDocument.jurisdiction_id),
                criteria.jurisdictions,
                criteria.include_members,
            )
        )
    if criteria.issuers is not None:
        statement = statement.where(
            col(PolicyDocument.issuer_id).in_(_organisation_ids(criteria.issuers))
        )
    if criteria.search:
        statement = statement.where(
            text_search([col(PolicyDocument.title), col(PolicyDocument.code)], criteria.search)
        )
    order = (SortKey(col(PolicyDocument.code)), SortKey(col(PolicyDocument.id)))
    return Listing(statement, order, "policyDocuments")


@dataclass(frozen=True)
class ActionLineCriteria:
    documents: Sequence[str] | None = None
    top_level_only: bool = False
    search: str | None = None


def action_lines(criteria: ActionLineCriteria) -> Listing[ActionLine]:
    statement = sa.select(ActionLine)
    if criteria.documents is not None:
        statement = statement.where(
            col(ActionLine.document_id).in_(_document_ids(criteria.documents))
        )
    if criteria.top_level_only:
        statement = statement.where(col(ActionLine.parent_id).is_(None))
    if criteria.search:
        statement = statement.where(
            text_search([col(ActionLine.title), col(ActionLine.code)], criteria.search)
        )
    order = (
        SortKey(col(ActionLine.document_id)),
        SortKey(col(ActionLine.position)),
        SortKey(col(ActionLine.id)),
    )
    return Listing(statement, order, "actionLines")


@dataclass(frozen=True)
class MeasureCriteria:
    documents: Sequence[str] | None = None
    jurisdictions: Sequence[str] | None = None  # the documents' jurisdictions
    include_members: bool = True
    statuses: Sequence[MeasureStatus] | None = None
    owners: Sequence[str] | None = None
    partners: Sequence[str] | None = None
    due_year_from: int | None = None
    due_year_to: int | None = None
    search: str | None = None
    action_line_ids: Sequence[int] | None = None


def measures(criteria: MeasureCriteria) -> Listing[Measure]:
    statement = sa.select(Measure)
    if criteria.documents is not None:
        statement = statement.where(col(Measure.document_id).in_(_document_ids(criteria.documents)))
    if criteria.jurisdictions is not None:
        in_documents = sa.select(col(PolicyDocument.id)).where(
            in_area(
                col(PolicyDocument.jurisdiction_id),
                criteria.jurisdictions,
                criteria.include_members,
            )
        )
        statement = statement.where(col(Measure.document_id).in_(in_documents))
    if criteria.statuses:
        statement = statement.where(col(Measure.status).in_(criteria.statuses))
    if criteria.owners is not None:
        statement = statement.where(col(Measure.owner_id).in_(_organisation_ids(criteria.owners)))
    if criteria.partners is not None:
        with_partner = sa.select(col(MeasurePartner.measure_id)).where(
            col(MeasurePartner.organisation_id).in_(_organisation_ids(criteria.partners))
        )
        statement = statement.where(col(Measure.id).in_(with_partner))
    due_year = sa.func.substr(col(Measure.due), 1, 4)  # every period form starts with its year
    if criteria.due_year_from is not None:
        statement = statement.where(due_year >= f"{criteria.due_year_from:04d}")
    if criteria.due_year_to is not None:
        statement = statement.where(due_year <= f"{criteria.due_year_to:04d}")
    if criteria.action_line_ids is not None:
        statement = statement.where(col(Measure.action_line_id).in_(criteria.action_line_ids))
    if criteria.search:
        statement = statement.where(
            text_search(
                [col(Measure.title), col(Measure.code), col(Measure.description)], criteria.search
            )
        )
    order = (SortKey(col(Measure.document_id)), SortKey(col(Measure.id)))
    return Listing(statement, order, "measures")


def child_action_lines(session: Session, parent_ids: Iterable[int]) -> dict[int, list[ActionLine]]:
    return grouped_by(
        session,
        ActionLine,
        col(ActionLine.parent_id),
        parent_ids,
        order_by=[col(ActionLine.position)],
    )


def top_action_lines_of_documents(
    session: Session, document_ids: Iterable[int]
) -> dict[int, list[ActionLine]]:
    return grouped_by(
        session,
        ActionLine,
        col(ActionLine.document_id),
        document_ids,
        order_by=[col(ActionLine.position)],
        where=[col(ActionLine.parent_id).is_(None)],
    )


def measures_of_documents(
    session: Session, document_ids: Iterable[int]
) -> dict[int, list[Measure]]:
    return grouped_by(session, Measure, col(Measure.document_id), document_ids)


def documents_of_jurisdictions(
    session: Session, jurisdiction_ids: Iterable[int]
) -> dict[int, list[PolicyDocument]]:
    return grouped_by(
        session,
        PolicyDocument,
        col(PolicyDocument.jurisdiction_id),
        jurisdiction_ids,
        order_by=[col(PolicyDocument.code)],
    )


def partners_of_measures(
    session: Session, measure_ids: Iterable[int]
) -> dict[int, list[MeasurePartner]]:
    return grouped_by(session, MeasurePartner, col(MeasurePartner.measure_id), measure_ids)


def status_updates_of_measures(
    session: Session, measure_ids: Iterable[int]
) -> dict[int, list[MeasureStatusUpdate]]:
    return grouped_by(
        session,
        MeasureStatusUpdate,
        col(MeasureStatusUpdate.measure_id),
        measure_ids,
        order_by=[col(MeasureStatusUpdate.reported_on), col(MeasureStatusUpdate.recorded_at)],
    )


MEASURES_OF_DOCUMENTS = ChildRows(Measure, col(Measure.document_id))
"""A document's measures, in document order (as they were read in)."""
MEASURES_OF_ACTION_LINES = ChildRows(Measure, col(Measure.action_line_id))
"""The measures filed directly under an action line, in document order."""
MEASURES_OF_OWNERS = ChildRows(Measure, col(Measure.owner_id))
"""The measures an organisation leads, in document order."""

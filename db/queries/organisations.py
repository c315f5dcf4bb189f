"""Organisations: municipalities, corporations, care providers, … and who publishes what."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import OrganisationKind
from db.models import Organisation
from db.queries.geography import in_area
from db.queries.listing import Listing, SortKey
from db.queries.lookups import grouped_by, text_search


@dataclass(frozen=True)
class OrganisationCriteria:
    codes: Sequence[str] | None = None
    kinds: Sequence[OrganisationKind] | None = None
    jurisdictions: Sequence[str] | None = None
    include_members: bool = True
    search: str | None = None


def organisations(criteria: OrganisationCriteria) -> Listing[Organisation]:
    statement = sa.select(Organisation)
    if criteria.codes is not None:
        statement = statement.where(col(Organisation.code).in_(criteria.codes))
    if criteria.kinds:
        statement = statement.where(col(Organisation.kind).in_(criteria.kinds))
    if criteria.jurisdictions is not None:
        statement = statement.where(
            in_area(
                col(Organisation.jurisdiction_id), criteria.jurisdictions, criteria.include_members
            )
        )
    if criteria.search:
        statement = statement.where(
            text_search([col(Organisation.name), col(Organisation.code)], criteria.search)
        )
    return Listing(
        statement, (SortKey(col(Organisation.code)), SortKey(col(Organisation.id))), "organisations"
    )


def organisations_of_jurisdictions(
    session: Session, jurisdiction_ids: Iterable[int]
) -> dict[int, list[Organisation]]:
    return grouped_by(
        session,
        Organisation,
        col(Organisation.jurisdiction_id),
        jurisdiction_ids,
        order_by=[col(Organisation.code)],
    )

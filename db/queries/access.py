"""What the access rules need from the database: the area a task force covers; the listings of
users and tokens."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from db.models import (
    ApiToken,
    Organisation,
    OrganisationScope,
    RegionMembership,
    ReportingObligation,
    User,
)
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows


def area_of(session: Session, jurisdiction_ids: set[int]) -> set[int]:
    """The jurisdictions and everything inside them (region members, transitively)."""
    found = set(jurisdiction_ids)
    frontier = set(jurisdiction_ids)
    while frontier:
        members = (
            set(
                session.scalars(
                    sa.select(col(RegionMembership.member_id)).where(
                        col(RegionMembership.region_id).in_(frontier)
                    )
                )
            )
            - found
        )
        found |= members
        frontier = members
    return found


def scope_jurisdictions(session: Session, organisation_id: int) -> set[int]:
    return set(
        session.scalars(
            sa.select(col(OrganisationScope.jurisdiction_id)).where(
                col(OrganisationScope.organisation_id) == organisation_id
            )
        )
    )


def organisations_in_area(session: Session, area: set[int]) -> set[int]:
    """Organisations that report for, or are at home in, a jurisdiction of the area."""
    reporting = sa.select(col(OrganisationScope.organisation_id)).where(
        col(OrganisationScope.jurisdiction_id).in_(area)
    )
    at_home = sa.select(col(Organisation.id)).where(col(Organisation.jurisdiction_id).in_(area))
    return set(session.scalars(reporting.union(at_home)))


def taskforce_organisations(session: Session, taskforce_id: int) -> set[int]:
    """The organisations whose submissions a task force oversees: those in its regions, and
    itself."""
    area = area_of(session, scope_jurisdictions(session, taskforce_id))
    return organisations_in_area(session, area) | {taskforce_id}


def taskforce_area(session: Session, taskforce_id: int) -> set[int]:
    """The jurisdictions a task force covers: its scope regions and their members."""
    return area_of(session, scope_jurisdictions(session, taskforce_id))


def users(organisation_id: int | None) -> Listing[User]:
    """Users by e-mail address; of one organisation, or everyone's when None."""
    statement = sa.select(User)
    if organisation_id is not None:
        statement = statement.where(col(User.organisation_id) == organisation_id)
    return Listing(statement, (SortKey(col(User.email)), SortKey(col(User.id))), "users")


def api_tokens(organisation_id: int | None) -> Listing[ApiToken]:
    """Tokens oldest first; of one organisation, or everyone's when None."""
    statement = sa.select(ApiToken)
    if organisation_id is not None:
        statement = statement.where(col(ApiToken.organisation_id) == organisation_id)
    return Listing(statement, (SortKey(col(ApiToken.id)),), "apiTokens")


SCOPES_OF_ORGANISATIONS = ChildRows(OrganisationScope, col(OrganisationScope.organisation_id))
"""Each organisation's scope entries (its reporting scope, or a task force's area)."""
OBLIGATIONS_OF_ORGANISATIONS = ChildRows(
    ReportingObligation, col(ReportingObligation.organisation_id)
)
"""Each organisation's reporting obligations, active and ended."""

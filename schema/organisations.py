"""Organisations: municipalities, corporations, care providers, the zorgkantoor, …"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import Organisation as OrganisationRow
from db.queries import access, organisations, policy, projects, submissions
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    nested_page,
    page_of,
    paginate,
)
from schema.context import Info
from schema.enums import OrganisationKind
from schema.nodes import RowNode, load_one

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.mutations.access import ObligationSet, ScopeEntry
    from schema.policy import Measure
    from schema.projects import Project
    from schema.submissions import Submission


@strawberry.type(
    description="A body that owns measures, runs projects, submits figures or publishes documents."
)
class Organisation(RowNode):
    model = OrganisationRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. gemeente-leiden.")
    name: str = strawberry.field(description="Name as used in the documents.")
    kind: OrganisationKind = strawberry.field(description="What kind of body it is.")
    trusted_source: bool = strawberry.field(
        description="Its submissions apply without task-force approval."
    )
    notes: str | None = strawberry.field(description="Remarks.")

    @strawberry.field(description="The jurisdiction it is based in or represents.")
    async def jurisdiction(
        self, info: Info
    ) -> Annotated[Jurisdiction, strawberry.lazy("schema.geography")] | None:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.jurisdiction_id)

    @strawberry.field(description="Measures it leads.")
    async def measures(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Measure, strawberry.lazy("schema.policy")]]:
        from schema.policy import Measure

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Measure.from_rows,
            policy.MEASURES_OF_OWNERS.pages,
            policy.MEASURES_OF_OWNERS.counts,
        )

    @strawberry.field(description="Projects it owns.")
    async def projects(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Project, strawberry.lazy("schema.projects")]]:
        from schema.projects import Project

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Project.from_rows,
            projects.PROJECTS_OF_OWNERS.pages,
            projects.PROJECTS_OF_OWNERS.counts,
        )

    @strawberry.field(
        description="What it may report for (a task force: its area), one entry per jurisdiction "
        "and indicator; empty unless you may see its reporting (administrators; the organisation "
        "itself; a task force for the organisations of its area)."
    )
    async def reporting_scope(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[ScopeEntry, strawberry.lazy("schema.mutations.access")]]:
        from schema.mutations.access import ScopeEntry

        if not info.context.access.sees_reporting_of(self.id):
            return page_of([], first, after)
        return await nested_page(
            info,
            self.id,
            first,
            after,
            ScopeEntry.from_rows,
            access.SCOPES_OF_ORGANISATIONS.pages,
            access.SCOPES_OF_ORGANISATIONS.counts,
        )

    @strawberry.field(
        description="The figures it owes (reporting obligations, ended ones included); empty "
        "unless you may see its reporting, as for reportingScope."
    )
    async def reporting_obligations(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[ObligationSet, strawberry.lazy("schema.mutations.access")]]:
        from schema.mutations.access import ObligationSet

        if not info.context.access.sees_reporting_of(self.id):
            return page_of([], first, after)
        return await nested_page(
            info,
            self.id,
            first,
            after,
            ObligationSet.from_rows,
            access.OBLIGATIONS_OF_ORGANISATIONS.pages,
            access.OBLIGATIONS_OF_ORGANISATIONS.counts,
        )

    @strawberry.field(description="Its submissions, newest first.")
    async def submissions(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Submission, strawberry.lazy("schema.submissions")]]:
        from schema.submissions import Submission

        if not info.context.access.sees_submission_of(self.id):
            return page_of([], first, after)
        return await nested_page(
            info,
            self.id,
            first,
            after,
            Submission.from_rows,
            submissions.SUBMISSIONS_OF_ORGANISATIONS.pages,
            submissions.SUBMISSIONS_OF_ORGANISATIONS.counts,
        )


@strawberry.input(description="Which organisations to list; all given conditions must hold.")
class OrganisationFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    kinds: list[OrganisationKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    jurisdiction: str | None = strawberry.field(
        default=None,
        description="Only those based in this jurisdiction or region (members included).",
    )
    search: str | None = strawberry.field(default=None, description="Words in the name or code.")


@strawberry.type
class OrganisationQuery:
    @strawberry.field(description="Organisations ordered by code.")
    def organisations(
        self,
        info: Info,
        filter: Annotated[
            OrganisationFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Organisation]:
        f = filter or OrganisationFilter()
        criteria = organisations.OrganisationCriteria(
            codes=f.codes,
            kinds=f.kinds,
            jurisdictions=[f.jurisdiction] if f.jurisdiction else None,
            search=f.search,
        )
        return paginate(
            info, organisations.organisations(criteria), first, after, Organisation.from_row
        )

"""Policy documents, their nested action lines, and measures with partners and status updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import ActionLine as ActionLineRow
from db.models import Measure as MeasureRow
from db.models import MeasureStatusUpdate as MeasureStatusUpdateRow
from db.models import PolicyDocument as PolicyDocumentRow
from db.queries import policy, targets
from schema.citations import SourceCitation
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    nested_page,
    paginate,
)
from schema.context import Info
from schema.enums import DocumentStatus, MeasureStatus, PartnerRole
from schema.nodes import RowNode, load_one
from schema.scalars import Period

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.organisations import Organisation
    from schema.targets import Target

LazyJurisdiction = Annotated["Jurisdiction", strawberry.lazy("schema.geography")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations")]


@strawberry.type(
    description="A woonzorgvisie or plan: who issued it, for where, adopted or draft, until when."
)
class PolicyDocument(RowNode):
    model = PolicyDocumentRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. leiden-woonzorgvisie-2025.")
    title: str = strawberry.field(description="Title as published.")
    published_on: date | None = strawberry.field(description="Publication or adoption date.")
    status: DocumentStatus = strawberry.field(description="Adopted or draft.")
    horizon_year: int | None = strawberry.field(
        description="The last year the policy looks ahead to."
    )
    source_file: str | None = strawberry.field(description="File name of the source text.")
    notes: str | None = strawberry.field(description="Remarks.")
    retired_on: date | None = strawberry.field(
        description="The first day it no longer applies (retired); null while in force."
    )

    @strawberry.field(description="The organisation that issued it.")
    async def issuer(self, info: Info) -> LazyOrganisation | None:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.issuer_id)

    @strawberry.field(description="The jurisdiction (municipality or region) it covers.")
    async def jurisdiction(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.jurisdiction_id)

    @strawberry.field(
        description="Its top-level action lines (pillars, themes), in document order (a plain "
        "list: a document's few pillars)."
    )
    async def action_lines(self, info: Info) -> list[ActionLine]:
        loader = info.context.loaders.grouped(policy.top_action_lines_of_documents)
        return ActionLine.from_rows(await loader.load(self.id))

    @strawberry.field(description="All its measures, in document order.")
    async def measures(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Measure]:
        return await nested_page(
            info,
            self.id,
            first,
            after,
            Measure.from_rows,
            policy.MEASURES_OF_DOCUMENTS.pages,
            policy.MEASURES_OF_DOCUMENTS.counts,
        )

    @strawberry.field(description="The targets it sets.")
    async def targets(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Target, strawberry.lazy("schema.targets")]]:
        from schema.targets import Target

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Target.from_rows,
            targets.TARGETS_OF_DOCUMENTS.pages,
            targets.TARGETS_OF_DOCUMENTS.counts,
        )


@strawberry.type(
    description="A pillar, theme, ambition or objective of a document; action lines nest."
)
class ActionLine(RowNode):
    model = ActionLineRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Code within its document, e.g. AL1.2.")
    title: str = strawberry.field(description="Title as printed.")
    description: str | None = strawberry.field(description="What it is about.")
    position: int = strawberry.field(description="Order within its parent.")
    retired_on: date | None = strawberry.field(
        description="The first day it no longer applies (retired); null while in force."
    )

    @strawberry.field(description="How the document phrases it.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The document it belongs to.")
    async def document(self, info: Info) -> PolicyDocument:
        return await load_one(info, PolicyDocument, self.row.document_id)

    @strawberry.field(description="The action line it sits under.")
    async def parent(self, info: Info) -> ActionLine | None:
        return await load_one(info, ActionLine, self.row.parent_id)

    @strawberry.field(
        description="The action lines directly under it, in order (a plain list: a small set)."
    )
    async def children(self, info: Info) -> list[ActionLine]:
        return ActionLine.from_rows(
            await info.context.loaders.grouped(policy.child_action_lines).load(self.id)
        )

    @strawberry.field(description="Measures filed directly under it.")
    async def measures(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Measure]:
        return await nested_page(
            info,
            self.id,
            first,
            after,
            Measure.from_rows,
            policy.MEASURES_OF_ACTION_LINES.pages,
            policy.MEASURES_OF_ACTION_LINES.counts,
        )


@strawberry.type(
    description="Who does what by when: an action with its owner, partners and status."
)
class Measure(RowNode):
    model = MeasureRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Number as printed, e.g. 1a.")
    title: str = strawberry.field(description="Title as printed (Dutch).")
    description: str | None = strawberry.field(description="What is to be done.")
    planned_start: Period | None = strawberry.field(
        description="When it starts (quarter precision at best)."
    )
    due: Period | None = strawberry.field(description="When it is to be done.")
    status: MeasureStatus = strawberry.field(
        description="Current status: the latest status update."
    )
    percent_complete: Decimal | None = strawberry.field(description="Reported completion, 0-100.")
    notes: str | None = strawberry.field(description="Remarks.")
    retired_on: date | None = strawberry.field(
        description="The first day it no longer applies (retired); null while in force."
    )

    @strawberry.field(description="How the document phrases it.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The document it belongs to.")
    async def document(self, info: Info) -> PolicyDocument:
        return await load_one(info, PolicyDocument, self.row.document_id)

    @strawberry.field(description="The action line it serves.")
    async def action_line(self, info: Info) -> ActionLine | None:
        return await load_one(info, ActionLine, self.row.action_line_id)

    @strawberry.field(description="The lead organisation (trekker).")
    async def owner(self, info: Info) -> LazyOrganisation | None:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.owner_id)

    @strawberry.field(description="Organisations taking part (a plain list: a small closed set).")
    async def partners(self, info: Info) -> list[MeasurePartner]:
        rows = await info.context.loaders.grouped(policy.partners_of_measures).load(self.id)
        return [MeasurePartner(row=r, role=r.role) for r in rows]

    @strawberry.field(
        description="Dated status reports, oldest first (a plain list: a few per measure)."
    )
    async def status_updates(self, info: Info) -> list[MeasureStatusUpdate]:
        rows = await info.context.loaders.grouped(policy.status_updates_of_measures).load(self.id)
        return [MeasureStatusUpdate.from_row(r) for r in rows]


@strawberry.type(description="An organisation taking part in a measure.")
class MeasurePartner:
    row: strawberry.Private[Any]
    role: PartnerRole = strawberry.field(description="Lead or partner.")

    @strawberry.field(description="The organisation.")
    async def organisation(self, info: Info) -> LazyOrganisation:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.organisation_id)


@strawberry.type(description="A dated status report on a measure.")
class MeasureStatusUpdate:
    row: strawberry.Private[Any]
    status: MeasureStatus = strawberry.field(description="The status reported.")
    reported_on: date = strawberry.field(description="The day the status applies to.")
    note: str | None = strawberry.field(description="Explanation.")
    percent_complete: Decimal | None = strawberry.field(description="Completion reported, 0-100.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, row: MeasureStatusUpdateRow) -> MeasureStatusUpdate:
        return cls(
            row=row,
            status=row.status,
            reported_on=row.reported_on,
            note=row.note,
            percent_complete=row.percent_complete,
            recorded_at=row.recorded_at,
        )

    @strawberry.field(description="The organisation that reported it.")
    async def reported_by(self, info: Info) -> LazyOrganisation | None:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.reported_by_organisation_id)


@strawberry.input(description="Which policy documents to list; all given conditions must hold.")
class PolicyDocumentFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    statuses: list[DocumentStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    jurisdiction: str | None = strawberry.field(
        default=None,
        description="Only documents covering this jurisdiction or region, or one of its members.",
    )
    issuer: str | None = strawberry.field(
        default=None, description="Only documents issued by this organisation."
    )
    search: str | None = strawberry.field(default=None, description="Words in the title or code.")


@strawberry.input(description="Which action lines to list; all given conditions must hold.")
class ActionLineFilter:
    documents: list[str] | None = strawberry.field(
        default=None, description="Only in these documents (codes)."
    )
    top_level_only: bool = strawberry.field(
        default=False, description="Only pillars/themes without a parent."
    )
    search: str | None = strawberry.field(default=None, description="Words in the title or code.")


@strawberry.input(description="Which measures to list; all given conditions must hold.")
class MeasureFilter:
    documents: list[str] | None = strawberry.field(
        default=None, description="Only in these documents (codes)."
    )
    jurisdiction: str | None = strawberry.field(
        default=None,
        description="Only measures of documents covering this jurisdiction or region, or one of its members.",
    )
    statuses: list[MeasureStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    owner: str | None = strawberry.field(
        default=None, description="Only measures led by this organisation (code)."
    )
    partner: str | None = strawberry.field(
        default=None, description="Only measures this organisation (code) takes part in."
    )
    due_year_from: int | None = strawberry.field(
        default=None, description="Only measures due in or after this year."
    )
    due_year_to: int | None = strawberry.field(
        default=None, description="Only measures due in or before this year."
    )
    search: str | None = strawberry.field(
        default=None, description="Words in the title, code or description."
    )


@strawberry.type
class PolicyQuery:
    @strawberry.field(description="Policy documents ordered by code.")
    def policy_documents(
        self,
        info: Info,
        filter: Annotated[
            PolicyDocumentFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[PolicyDocument]:
        f = filter or PolicyDocumentFilter()
        criteria = policy.DocumentCriteria(
            codes=f.codes,
            statuses=f.statuses,
            jurisdictions=[f.jurisdiction] if f.jurisdiction else None,
            issuers=[f.issuer] if f.issuer else None,
            search=f.search,
        )
        return paginate(info, policy.documents(criteria), first, after, PolicyDocument.from_row)

    @strawberry.field(description="Action lines in document order.")
    def action_lines(
        self,
        info: Info,
        filter: Annotated[
            ActionLineFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[ActionLine]:
        f = filter or ActionLineFilter()
        criteria = policy.ActionLineCriteria(f.documents, f.top_level_only, f.search)
        return paginate(info, policy.action_lines(criteria), first, after, ActionLine.from_row)

    @strawberry.field(description="Measures in document order.")
    def measures(
        self,
        info: Info,
        filter: Annotated[
            MeasureFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Measure]:
        f = filter or MeasureFilter()
        criteria = policy.MeasureCriteria(
            documents=f.documents,
            jurisdictions=[f.jurisdiction] if f.jurisdiction else None,
            statuses=f.statuses,
            owners=[f.owner] if f.owner else None,
            partners=[f.partner] if f.partner else None,
            due_year_from=f.due_year_from,
            due_year_to=f.due_year_to,
            search=f.search,
        )
        return paginate(info, policy.measures(criteria), first, after, Measure.from_row)

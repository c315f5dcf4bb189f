"""Jurisdictions (country … district), regions and their dated memberships."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from core.enums import JurisdictionKind as KindValue
from db.models import Indicator as IndicatorRow
from db.models import Jurisdiction as JurisdictionRow
from db.models import RegionMembership as RegionMembershipRow
from db.queries import geography, observations, organisations, policy, progress, projects, targets
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
from schema.enums import (
    JurisdictionKind,
    MeasureStatus,
    ProgressBasis,
    ProgressStatus,
    ProjectPhase,
    RegionType,
)
from schema.nodes import RowNode, load_one

if TYPE_CHECKING:
    from schema.observations import Observation
    from schema.organisations import Organisation
    from schema.policy import Measure, PolicyDocument
    from schema.progress import ProgressSnapshot
    from schema.projects import Project
    from schema.targets import Target

VALID_ON = "Only memberships valid on this day; default: today."


@strawberry.type(description="A country, province, region, municipality (CBS code) or district.")
class Jurisdiction(RowNode):
    model = JurisdictionRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="CBS code (GM0518) or the region's own code.")
    name: str = strawberry.field(description="Official name.")
    kind: JurisdictionKind = strawberry.field(description="Level of the jurisdiction.")
    region_type: RegionType | None = strawberry.field(description="Type of region, for regions.")
    valid_from: date | None = strawberry.field(description="First day it exists, if known.")
    valid_to: date | None = strawberry.field(
        description="Last day it exists (e.g. before a merger)."
    )
    notes: str | None = strawberry.field(description="Remarks, e.g. on a merger.")

    @strawberry.field(description="The municipality a district lies in.")
    async def parent(self, info: Info) -> Jurisdiction | None:
        return await load_one(info, Jurisdiction, self.row.parent_id)

    @strawberry.field(description="The jurisdiction that took over after a merger (herindeling).")
    async def successor(self, info: Info) -> Jurisdiction | None:
        return await load_one(info, Jurisdiction, self.row.successor_id)

    @strawberry.field(description="Districts (stadsdelen, wijken) of a municipality.")
    async def districts(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Jurisdiction]:
        rows = await info.context.loaders.grouped(geography.districts_of).load(self.id)
        return page_of(Jurisdiction.from_rows(rows), first, after)

    @strawberry.field(
        description="A region's members (a plain list: a small closed set). " + VALID_ON
    )
    async def members(
        self,
        info: Info,
        valid_on: Annotated[date | None, strawberry.argument(description=VALID_ON)] = None,
    ) -> list[Jurisdiction]:
        memberships = await self._memberships(info, valid_on or date.today())
        rows = await info.context.loaders.row(JurisdictionRow).load_many(
            [m.member_id for m in memberships]
        )
        return sorted(Jurisdiction.from_rows(r for r in rows if r), key=lambda j: j.code)

    @strawberry.field(
        description="A region's memberships with their validity, past ones included (a plain "
        "list: a small closed set)."
    )
    async def memberships(self, info: Info) -> list[RegionMembership]:
        return RegionMembership.from_rows(await self._memberships(info, None))

    @strawberry.field(
        description="The regions this jurisdiction belongs to (a plain list: a small closed set). "
        + VALID_ON
    )
    async def regions(
        self,
        info: Info,
        valid_on: Annotated[date | None, strawberry.argument(description=VALID_ON)] = None,
    ) -> list[Jurisdiction]:
        loader = info.context.loaders.grouped(
            geography.memberships_of_members, valid_on or date.today()
        )
        memberships = await loader.load(self.id)
        rows = await info.context.loaders.row(JurisdictionRow).load_many(
            [m.region_id for m in memberships]
        )
        return sorted(Jurisdiction.from_rows(r for r in rows if r), key=lambda j: j.code)

    @strawberry.field(
        description="Its memberships of regions with their validity, past ones included (a plain "
        "list: a small closed set)."
    )
    async def region_memberships(self, info: Info) -> list[RegionMembership]:
        loader = info.context.loaders.grouped(geography.memberships_of_members, None)
        return RegionMembership.from_rows(await loader.load(self.id))

    @strawberry.field(description="Policy documents that cover this jurisdiction.")
    async def documents(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[PolicyDocument, strawberry.lazy("schema.policy")]]:
        from schema.policy import PolicyDocument

        rows = await info.context.loaders.grouped(policy.documents_of_jurisdictions).load(self.id)
        return page_of(PolicyDocument.from_rows(rows), first, after)

    @strawberry.field(description="Measures of the policy documents that cover this jurisdiction.")
    async def measures(
        self,
        info: Info,
        statuses: Annotated[
            list[MeasureStatus] | None, strawberry.argument(description="Only these statuses.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[Measure, strawberry.lazy("schema.policy")]]:
        from schema.policy import Measure

        documents = await info.context.loaders.grouped(policy.documents_of_jurisdictions).load(
            self.id
        )
        loader = info.context.loaders.grouped(policy.measures_of_documents)
        groups = await loader.load_many([d.id for d in documents])
        rows = [row for group in groups for row in group]
        if statuses is not None:
            rows = [row for row in rows if row.status in statuses]
        return page_of(Measure.from_rows(rows), first, after)

    @strawberry.field(description="Targets set for this jurisdiction itself (not its members').")
    async def targets(
        self,
        info: Info,
        indicators: Annotated[
            list[str] | None, strawberry.argument(description="Only these indicator codes.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[Target, strawberry.lazy("schema.targets")]]:
        from schema.targets import Target

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Target.from_rows,
            targets.target_pages_of_jurisdictions,
            targets.target_counts_of_jurisdictions,
            _indicator_ids(info, indicators),
        )

    @strawberry.field(description="Housing projects in this municipality.")
    async def projects(
        self,
        info: Info,
        phases: Annotated[
            list[ProjectPhase] | None, strawberry.argument(description="Only these phases.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[Project, strawberry.lazy("schema.projects")]]:
        from schema.projects import Project

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Project.from_rows,
            projects.project_pages_of_municipalities,
            projects.project_counts_of_municipalities,
            None if phases is None else tuple(sorted(set(phases))),
        )

    @strawberry.field(
        description="Its realisation counts: the versions in force now, or known at `asOf`; oldest period first."
    )
    async def observations(
        self,
        info: Info,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="A moment in the past.")
        ] = None,
        indicators: Annotated[
            list[str] | None, strawberry.argument(description="Only these indicator codes.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[Observation, strawberry.lazy("schema.observations")]]:
        from schema.observations import Observation

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Observation.from_rows,
            observations.observation_pages_of_jurisdictions,
            observations.observation_counts_of_jurisdictions,
            as_of,
            _indicator_ids(info, indicators),
        )

    @strawberry.field(
        description=(
            "Its latest realisation counts: per indicator, breakdown and source, the value for "
            "the most recent period (in force now, or known at `asOf`). What an overview shows; "
            "`observations` lists every period."
        )
    )
    async def latest_observations(
        self,
        info: Info,
        indicators: Annotated[
            list[str] | None, strawberry.argument(description="Only these indicator codes.")
        ] = None,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="A moment in the past.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[Observation, strawberry.lazy("schema.observations")]]:
        from schema.observations import Observation

        codes = None if indicators is None else tuple(sorted(set(indicators)))
        loader = info.context.loaders.grouped(
            observations.latest_observations_of_jurisdictions, as_of, codes
        )
        return page_of(Observation.from_rows(await loader.load(self.id)), first, after)

    @strawberry.field(description="Stored progress of the targets of this jurisdiction.")
    async def progress(
        self,
        info: Info,
        statuses: Annotated[
            list[ProgressStatus] | None, strawberry.argument(description="Only these judgements.")
        ] = None,
        bases: Annotated[
            list[ProgressBasis] | None, strawberry.argument(description="Only these bases.")
        ] = None,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="As the workers stored it at this moment: recomputed from the "
                "figures known then (time travel); filters apply to those judgements."
            ),
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Annotated[ProgressSnapshot, strawberry.lazy("schema.progress")]]:
        from schema.progress import ProgressSnapshot, progress_as_of

        if as_of is not None:
            own = await info.context.loaders.grouped(targets.targets_of_jurisdictions).load(self.id)
            groups = await asyncio.gather(*(progress_as_of(info, t.id, as_of) for t in own))
            nodes = [snapshot for group in groups for snapshot in group]
        else:
            rows = await info.context.loaders.grouped(progress.snapshots_of_jurisdictions).load(
                self.id
            )
            nodes = ProgressSnapshot.from_rows(rows)
        nodes = [
            n
            for n in nodes
            if (statuses is None or n.status in statuses) and (bases is None or n.basis in bases)
        ]
        return page_of(nodes, first, after)

    @strawberry.field(description="Organisations based in this jurisdiction.")
    async def organisations(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Organisation, strawberry.lazy("schema.organisations")]]:
        from schema.organisations import Organisation

        loader = info.context.loaders.grouped(organisations.organisations_of_jurisdictions)
        return page_of(Organisation.from_rows(await loader.load(self.id)), first, after)

    async def _memberships(self, info: Info, valid_on: date | None) -> list[RegionMembershipRow]:
        loader = info.context.loaders.grouped(geography.memberships_of_regions, valid_on)
        return await loader.load(self.id)


def _indicator_ids(info: Info, codes: list[str] | None) -> tuple[int, ...] | None:
    """The ids of these indicators (codes; None: all), from the request's indicator table."""
    if codes is None:
        return None
    table = info.context.loaders.whole_table(IndicatorRow)
    return tuple(sorted(i.id for i in table.values() if i.code in codes))


@strawberry.type(description="A jurisdiction's membership of a region, valid between two dates.")
class RegionMembership:
    row: strawberry.Private[Any]
    valid_from: date | None = strawberry.field(description="First day of membership; null: always.")
    valid_to: date | None = strawberry.field(
        description="Last day of membership; null: still a member."
    )
    notes: str | None = strawberry.field(
        description="Remarks, e.g. a merger ending the membership."
    )

    @classmethod
    def from_rows(cls, rows: list[RegionMembershipRow]) -> list[RegionMembership]:
        return [
            cls(row=r, valid_from=r.valid_from, valid_to=r.valid_to, notes=r.notes) for r in rows
        ]

    @strawberry.field(description="The region.")
    async def region(self, info: Info) -> Jurisdiction:
        return await load_one(info, Jurisdiction, self.row.region_id)

    @strawberry.field(description="The member.")
    async def member(self, info: Info) -> Jurisdiction:
        return await load_one(info, Jurisdiction, self.row.member_id)


@strawberry.input(description="Which jurisdictions to list; all given conditions must hold.")
class JurisdictionFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    kinds: list[JurisdictionKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    region_types: list[RegionType] | None = strawberry.field(
        default=None, description="Only regions of these types."
    )
    within: str | None = strawberry.field(
        default=None,
        description="Only this area and what lies in it: a region's members (transitively) and districts.",
    )
    member_of_region_containing: str | None = strawberry.field(
        default=None,
        description="Only regions that have this jurisdiction (code) as a direct member.",
    )
    search: str | None = strawberry.field(default=None, description="Words in the name or code.")

    def criteria(self, kinds: list[KindValue] | None = None) -> geography.JurisdictionCriteria:
        return geography.JurisdictionCriteria(
            codes=self.codes,
            kinds=kinds or self.kinds,
            region_types=self.region_types,
            within=[self.within] if self.within else None,
            containing=[self.member_of_region_containing]
            if self.member_of_region_containing
            else None,
            search=self.search,
        )


@strawberry.type
class GeographyQuery:
    @strawberry.field(description="One jurisdiction by its code, or null when there is none.")
    async def jurisdiction(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="CBS code or region code.")],
    ) -> Jurisdiction | None:
        row = await info.context.loaders.by_code(JurisdictionRow).load(code)
        return None if row is None else Jurisdiction.from_row(row)

    @strawberry.field(description="Jurisdictions ordered by code.")
    def jurisdictions(
        self,
        info: Info,
        filter: Annotated[
            JurisdictionFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Jurisdiction]:
        criteria = (filter or JurisdictionFilter()).criteria()
        return paginate(
            info, geography.jurisdictions(criteria), first, after, Jurisdiction.from_row
        )

    @strawberry.field(description="Regions (jurisdictions of kind REGION) ordered by code.")
    def regions(
        self,
        info: Info,
        filter: Annotated[
            JurisdictionFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Jurisdiction]:
        criteria = (filter or JurisdictionFilter()).criteria(kinds=[KindValue.REGION])
        return paginate(
            info, geography.jurisdictions(criteria), first, after, Jurisdiction.from_row
        )

"""Housing projects in the pipeline: units per housing type × target group, phase history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import Project as ProjectRow
from db.queries import projects
from schema.citations import SourceCitation
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    paginate,
)
from schema.context import Info
from schema.enums import ProjectPhase
from schema.nodes import RowNode, load_one

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.organisations import Organisation
    from schema.vocabulary import HousingType, TargetGroup

LazyJurisdiction = Annotated["Jurisdiction", strawberry.lazy("schema.geography")]


@strawberry.type(description="A planned or realised housing project.")
class Project(RowNode):
    model = ProjectRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    external_key: str = strawberry.field(description="The owner's own project key.")
    name: str = strawberry.field(description="Project name.")
    location: str | None = strawberry.field(description="Address or area.")
    phase: ProjectPhase = strawberry.field(description="Current phase.")
    expected_completion: date | None = strawberry.field(description="Expected completion date.")
    notes: str | None = strawberry.field(description="Remarks.")
    updated_at: datetime = strawberry.field(description="Last change.")

    @strawberry.field(description="Where the project is described.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The municipality it is in.")
    async def municipality(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.municipality_id)

    @strawberry.field(description="The district it is in, if known.")
    async def district(self, info: Info) -> LazyJurisdiction | None:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.district_id)

    @strawberry.field(description="The organisation that owns it.")
    async def owner(
        self, info: Info
    ) -> Annotated[Organisation, strawberry.lazy("schema.organisations")]:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.owner_id)

    @strawberry.field(description="Its units per housing type and target group.")
    async def units(self, info: Info) -> list[ProjectUnits]:
        rows = await info.context.loaders.grouped(projects.units_of_projects).load(self.id)
        return [ProjectUnits(row=r, units=r.units) for r in rows]

    @strawberry.field(description="All its units together.")
    async def total_units(self, info: Info) -> int:
        rows = await info.context.loaders.grouped(projects.units_of_projects).load(self.id)
        return sum(r.units for r in rows)

    @strawberry.field(description="Its dated phase changes, oldest first.")
    async def phase_history(self, info: Info) -> list[ProjectPhaseChange]:
        rows = await info.context.loaders.grouped(projects.phase_changes_of_projects).load(self.id)
        return [
            ProjectPhaseChange(
                from_phase=r.from_phase,
                to_phase=r.to_phase,
                changed_on=r.changed_on,
                note=r.note,
                reason=r.reason,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]


@strawberry.type(
    description="Units of one housing type (and optionally one target group) in a project."
)
class ProjectUnits:
    row: strawberry.Private[Any]
    units: int = strawberry.field(description="Number of units.")

    @strawberry.field(description="The housing type; null: not specified.")
    async def housing_type(
        self, info: Info
    ) -> Annotated[HousingType, strawberry.lazy("schema.vocabulary")] | None:
        from schema.vocabulary import HousingType

        return await load_one(info, HousingType, self.row.housing_type_id)

    @strawberry.field(description="The target group; null: not specified.")
    async def target_group(
        self, info: Info
    ) -> Annotated[TargetGroup, strawberry.lazy("schema.vocabulary")] | None:
        from schema.vocabulary import TargetGroup

        return await load_one(info, TargetGroup, self.row.target_group_id)


@strawberry.type(description="A project's move from one phase to the next.")
class ProjectPhaseChange:
    from_phase: ProjectPhase | None = strawberry.field(
        description="The phase before; null for the first entry."
    )
    to_phase: ProjectPhase = strawberry.field(description="The phase after.")
    changed_on: date = strawberry.field(description="The day of the change.")
    note: str | None = strawberry.field(description="Remarks.")
    reason: str | None = strawberry.field(description="Why, e.g. for a cancellation.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")


@strawberry.input(description="Which projects to list; all given conditions must hold.")
class ProjectFilter:
    jurisdiction: str | None = strawberry.field(
        default=None, description="Only projects in this municipality, district or region (code)."
    )
    include_members: bool = strawberry.field(
        default=True, description="With `jurisdiction`: also projects in its members and districts."
    )
    phases: list[ProjectPhase] | None = strawberry.field(
        default=None, description="Only these phases."
    )
    owner: str | None = strawberry.field(
        default=None, description="Only projects of this organisation (code)."
    )
    housing_types: list[str] | None = strawberry.field(
        default=None,
        description="Only projects with units of these housing types (codes, sub-types included).",
    )
    target_groups: list[str] | None = strawberry.field(
        default=None,
        description="Only projects with units for these target groups (codes, sub-groups included).",
    )
    completion_from: date | None = strawberry.field(
        default=None, description="Expected completion on or after."
    )
    completion_to: date | None = strawberry.field(
        default=None, description="Expected completion on or before."
    )
    search: str | None = strawberry.field(
        default=None, description="Words in the name, key or location."
    )


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="Projects ordered by name.")
    def projects(
        self,
        info: Info,
        filter: Annotated[
            ProjectFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Project]:
        f = filter or ProjectFilter()
        criteria = projects.ProjectCriteria(
            jurisdictions=[f.jurisdiction] if f.jurisdiction else None,
            include_members=f.include_members,
            phases=f.phases,
            owners=[f.owner] if f.owner else None,
            housing_types=f.housing_types,
            target_groups=f.target_groups,
            completion_from=f.completion_from,
            completion_to=f.completion_to,
            search=f.search,
        )
        return paginate(info, projects.projects(criteria), first, after, Project.from_row)

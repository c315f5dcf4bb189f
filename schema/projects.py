"""Housing projects in the pipeline: units per housing type × target group, phase history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import HousingType as HousingTypeRow
from db.models import Jurisdiction as JurisdictionRow
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
from schema.errors import bad_input
from schema.nodes import RowNode, load_one
from services.projects.pipeline import HORIZON_YEAR, pipeline_summary

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

    @strawberry.field(
        description="Its units per housing type and target group (a plain list: a small set)."
    )
    async def units(self, info: Info) -> list[ProjectUnits]:
        rows = await info.context.loaders.grouped(projects.units_of_projects).load(self.id)
        return [ProjectUnits(row=r, units=r.units) for r in rows]

    @strawberry.field(description="All its units together.")
    async def total_units(self, info: Info) -> int:
        rows = await info.context.loaders.grouped(projects.units_of_projects).load(self.id)
        return sum(r.units for r in rows)

    @strawberry.field(
        description="Its dated phase changes, oldest first (a plain list: a few per project)."
    )
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


@strawberry.type(description="Units of one phase and one housing type in a pipeline.")
class PipelinePhaseHousingUnits:
    phase: ProjectPhase = strawberry.field(description="The projects' phase.")
    housing_type_code: strawberry.Private[str | None]
    units: int = strawberry.field(description="Their units of this housing type.")

    @strawberry.field(description="The housing type; null: units not broken down by housing type.")
    async def housing_type(
        self, info: Info
    ) -> Annotated[HousingType, strawberry.lazy("schema.vocabulary")] | None:
        from schema.vocabulary import HousingType

        if self.housing_type_code is None:
            return None
        row = await info.context.loaders.by_code(HousingTypeRow).load(self.housing_type_code)
        return None if row is None else HousingType.from_row(row)


@strawberry.type(
    description="The projects and units of one phase, and what they are expected to add."
)
class PipelinePhaseTotal:
    phase: ProjectPhase = strawberry.field(description="The phase.")
    projects: int = strawberry.field(description="Projects in this phase.")
    units: int = strawberry.field(description="Their units.")
    probability: Decimal = strawberry.field(
        description="The configured chance that a project in this phase is completed (0-1)."
    )
    weighted_units: Decimal = strawberry.field(description="Units × probability.")


@strawberry.type(
    description="Units of open projects (not completed or cancelled) expected to complete in a year."
)
class PipelineYearCompletions:
    year: int = strawberry.field(description="The year of expected completion.")
    units: int = strawberry.field(description="Units expected to complete in it.")
    weighted_units: Decimal = strawberry.field(
        description="Those units weighted by the probability of their phase."
    )


@strawberry.type(
    description=(
        "The project pipeline of a municipality, or of a region with all its members: units per "
        "phase and housing type, expected completions per year and the weighted forecast the "
        "progress engine uses."
    )
)
class PipelineSummary:
    jurisdiction_code: strawberry.Private[str]
    until_year: int = strawberry.field(description="The last year the forecast counts.")
    by_phase_and_housing_type: list[PipelinePhaseHousingUnits] = strawberry.field(
        description="Units per phase × housing type, in phase order (a plain list: a closed set)."
    )
    by_phase: list[PipelinePhaseTotal] = strawberry.field(
        description="Projects, units and weighted units per phase, in phase order (a plain list: "
        "one per phase)."
    )
    completions_by_year: list[PipelineYearCompletions] = strawberry.field(
        description="Open projects' units per expected completion year, up to `untilYear` (a "
        "plain list: one per year)."
    )
    units_undated: int = strawberry.field(
        description="Units of open projects without an expected completion date."
    )
    units_after_horizon: int = strawberry.field(
        description="Units of open projects expected to complete after `untilYear`."
    )
    realised_units: int = strawberry.field(description="Units of completed projects.")
    weighted_forecast: Decimal = strawberry.field(
        description="Units of open projects expected by the end of `untilYear`, weighted by phase."
    )
    mapped_from: list[str] = strawberry.field(
        description="Codes of municipalities merged into this one (or into a member) whose "
        "projects are counted here (flagged as mapped); empty without a merger."
    )

    @strawberry.field(description="The municipality or region summarised.")
    async def jurisdiction(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        row = await info.context.loaders.by_code(JurisdictionRow).load(self.jurisdiction_code)
        return Jurisdiction.from_row(row)

    @classmethod
    def of(cls, summary: Any) -> PipelineSummary:
        """From ``services.projects.pipeline.PipelineSummary``."""
        return cls(
            jurisdiction_code=summary.jurisdiction,
            until_year=summary.until_year,
            by_phase_and_housing_type=[
                PipelinePhaseHousingUnits(
                    phase=c.phase, housing_type_code=c.housing_type, units=c.units
                )
                for c in summary.by_phase_and_housing_type
            ],
            by_phase=[
                PipelinePhaseTotal(
                    phase=t.phase,
                    projects=t.projects,
                    units=t.units,
                    probability=t.probability,
                    weighted_units=t.weighted_units,
                )
                for t in summary.by_phase
            ],
            completions_by_year=[
                PipelineYearCompletions(year=y.year, units=y.units, weighted_units=y.weighted_units)
                for y in summary.completions_by_year
            ],
            units_undated=summary.units_undated,
            units_after_horizon=summary.units_after_horizon,
            realised_units=summary.realised_units,
            weighted_forecast=summary.weighted_forecast,
            mapped_from=list(summary.mapped_from),
        )


def project_row_id(global_id: relay.GlobalID) -> int:
    if global_id.type_name != "Project" or not global_id.node_id.isdigit():
        raise bad_input(f"'{global_id}' is not the id of a Project", "id")
    return int(global_id.node_id)


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

    @strawberry.field(
        description=(
            "The project pipeline of a municipality or region (members included); null when "
            "there is no jurisdiction with that code."
        )
    )
    async def pipeline_summary(
        self,
        info: Info,
        jurisdiction_code: Annotated[
            str, strawberry.argument(description="CBS code (GM0546) or region code.")
        ],
        until_year: Annotated[
            int, strawberry.argument(description="The last year the forecast counts.")
        ] = HORIZON_YEAR,
    ) -> PipelineSummary | None:
        if await info.context.loaders.by_code(JurisdictionRow).load(jurisdiction_code) is None:
            return None
        if not 2000 <= until_year <= 2100:
            raise bad_input(
                f"untilYear must be between 2000 and 2100, not {until_year}", "untilYear"
            )
        summary = pipeline_summary(info.context.session, jurisdiction_code, until_year=until_year)
        return PipelineSummary.of(summary)

"""Realisation counts: bitemporal versions per cell and source, asked now or `asOf` a moment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import Observation as ObservationRow
from db.queries import observations
from schema.cells import CellFilter
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
from schema.nodes import RowNode, load_one
from schema.scalars import Period
from schema.targets import (
    LazyHousingType,
    LazyIndicator,
    LazyTargetGroup,
    housing_type_field,
    indicator_field,
    target_group_field,
)

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.organisations import Organisation
    from schema.projects import Project
    from schema.submissions import Submission

AS_OF = "The versions known at this moment (recorded by then and not yet superseded); default: now."


@strawberry.type(
    description=(
        "One version of one source's value for a cell (indicator × jurisdiction × period × "
        "breakdowns). A correction adds a version and supersedes the previous one."
    )
)
class Observation(RowNode):
    model = ObservationRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    period: Period = strawberry.field(description="The period the value is for.")
    period_start: date = strawberry.field(description="First day of the period.")
    period_end: date = strawberry.field(description="Last day of the period.")
    price_segment: str | None = strawberry.field(description="Price segment of the cell.")
    value: Decimal = strawberry.field(description="The value as reported.")
    per_year: bool = strawberry.field(
        description="The value is the yearly average over a multi-year period, not its total."
    )
    version: int = strawberry.field(
        description="Version number within the cell and source (1 = first)."
    )
    recorded_at: datetime = strawberry.field(description="When this version was recorded.")
    superseded_at: datetime | None = strawberry.field(
        description="When a correction replaced it; null: in force."
    )
    change_reason: str | None = strawberry.field(
        description="Why this version replaced the previous one."
    )
    flag: str | None = strawberry.field(description="A doubt about the value.")
    notes: str | None = strawberry.field(description="Remarks.")
    indicator: LazyIndicator = indicator_field()
    target_group: LazyTargetGroup | None = target_group_field()
    housing_type: LazyHousingType | None = housing_type_field()

    @strawberry.field(description="Where the value is printed, for figures taken from documents.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The jurisdiction the value is for.")
    async def jurisdiction(
        self, info: Info
    ) -> Annotated[Jurisdiction, strawberry.lazy("schema.geography")]:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.jurisdiction_id)

    @strawberry.field(description="The organisation that reported it.")
    async def source_organisation(
        self, info: Info
    ) -> Annotated[Organisation, strawberry.lazy("schema.organisations")]:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.source_organisation_id)

    @strawberry.field(description="The submission it arrived in.")
    async def submission(
        self, info: Info
    ) -> Annotated[Submission, strawberry.lazy("schema.submissions")] | None:
        from schema.submissions import Submission

        return await load_one(info, Submission, self.row.submission_id)

    @strawberry.field(description="The project it was counted from (completed units).")
    async def project(
        self, info: Info
    ) -> Annotated[Project, strawberry.lazy("schema.projects")] | None:
        from schema.projects import Project

        return await load_one(info, Project, self.row.project_id)

    @strawberry.field(description="The version that replaced it.")
    async def superseded_by(self, info: Info) -> Observation | None:
        return await load_one(info, Observation, self.row.superseded_by_id)

    @strawberry.field(
        description="Every version of this cell from the same source, oldest first (a plain "
        "list: a cell has a few versions)."
    )
    async def versions(self, info: Info) -> list[Observation]:
        rows = await info.context.loaders.grouped(observations.versions_of_cells).load(
            self.row.cell_key
        )
        source = self.row.source_organisation_id
        return Observation.from_rows(r for r in rows if r.source_organisation_id == source)


@strawberry.input(description="Which observations to list; all given conditions must hold.")
class ObservationFilter(CellFilter):
    period_from: Period | None = strawberry.field(
        default=None, description="Only periods starting on or after this period's start."
    )
    period_to: Period | None = strawberry.field(
        default=None, description="Only periods ending on or before this period's end."
    )
    sources: list[str] | None = strawberry.field(
        default=None, description="Only reported by these organisations (codes)."
    )
    flagged: bool | None = strawberry.field(
        default=None, description="Only values with (true) or without (false) a flag."
    )
    all_versions: bool = strawberry.field(
        default=False,
        description="Every version (recorded by `asOf`, if given), not only those in force.",
    )


@strawberry.type
class ObservationQuery:
    @strawberry.field(description="Realisation counts, oldest period first.")
    def observations(
        self,
        info: Info,
        filter: Annotated[
            ObservationFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        as_of: Annotated[datetime | None, strawberry.argument(description=AS_OF)] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Observation]:
        f = filter or ObservationFilter()
        criteria = observations.ObservationCriteria(
            cell=f.cell_criteria(),
            starts_on_or_after=f.period_from.start if f.period_from else None,
            ends_on_or_before=f.period_to.end if f.period_to else None,
            sources=f.sources,
            flagged=f.flagged,
            as_of=as_of,
            all_versions=f.all_versions,
        )
        return paginate(
            info, observations.observations(criteria), first, after, Observation.from_row
        )

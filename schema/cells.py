"""The filter part shared by everything on a cell: where, what, for whom, in which dwellings."""

from __future__ import annotations

import strawberry

from db.queries.cells import CellCriteria


@strawberry.input(description="Filter on the cell: jurisdiction, indicator and breakdowns.")
class CellFilter:
    jurisdiction: str | None = strawberry.field(
        default=None, description="Only this jurisdiction or region (code); see `includeMembers`."
    )
    include_members: bool = strawberry.field(
        default=True,
        description="With `jurisdiction`: also its members (a region's, transitively) and districts.",
    )
    indicators: list[str] | None = strawberry.field(
        default=None, description="Only these indicators (codes)."
    )
    target_groups: list[str] | None = strawberry.field(
        default=None,
        description="Only these target groups (codes), the groups under them included.",
    )
    housing_types: list[str] | None = strawberry.field(
        default=None, description="Only these housing types (codes), the types under them included."
    )
    price_segments: list[str] | None = strawberry.field(
        default=None, description="Only these price segments (social, mid, …)."
    )

    def cell_criteria(self) -> CellCriteria:
        return CellCriteria(
            jurisdictions=[self.jurisdiction] if self.jurisdiction else None,
            include_members=self.include_members,
            indicators=self.indicators,
            target_groups=self.target_groups,
            housing_types=self.housing_types,
            price_segments=self.price_segments,
        )

"""Target groups, housing types and indicators: what is counted, for whom, in which dwellings."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay

from db.models import HousingType as HousingTypeRow
from db.models import Indicator as IndicatorRow
from db.models import TargetGroup as TargetGroupRow
from db.queries import vocabulary
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    paginate,
)
from schema.context import Info
from schema.enums import Direction, IndicatorKind
from schema.nodes import RowNode, load_one


@strawberry.type(
    description="An aandachtsgroep; statutory urgency categories sit under the priority groups."
)
class TargetGroup(RowNode):
    model = TargetGroupRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. statushouders.")
    name_nl: str = strawberry.field(description="Dutch name.")
    name_en: str = strawberry.field(description="English name.")
    statutory: bool = strawberry.field(description="A statutory urgency category.")
    definition: str | None = strawberry.field(description="Who belongs to the group.")
    counting_rule: str | None = strawberry.field(
        description="How people or households are counted."
    )
    notes: str | None = strawberry.field(description="Remarks.")

    @strawberry.field(description="The broader group it belongs to.")
    async def parent(self, info: Info) -> TargetGroup | None:
        return await load_one(info, TargetGroup, self.row.parent_id)

    @strawberry.field(
        description="The groups directly under it (a plain list: a small closed set)."
    )
    async def children(self, info: Info) -> list[TargetGroup]:
        rows = await info.context.loaders.grouped(vocabulary.children_of, TargetGroupRow).load(
            self.id
        )
        return TargetGroup.from_rows(rows)


@strawberry.type(
    description="A dwelling or care form: nultredenwoning, geclusterde woning, Skaeve Huse, …"
)
class HousingType(RowNode):
    model = HousingTypeRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. geclusterd.")
    name_nl: str = strawberry.field(description="Dutch name.")
    name_en: str = strawberry.field(description="English name.")
    definition: str | None = strawberry.field(description="What counts as this type.")
    counting_rule: str | None = strawberry.field(description="How units are counted.")
    notes: str | None = strawberry.field(description="Remarks.")

    @strawberry.field(description="The broader type it belongs to.")
    async def parent(self, info: Info) -> HousingType | None:
        return await load_one(info, HousingType, self.row.parent_id)

    @strawberry.field(description="The types directly under it (a plain list: a small closed set).")
    async def children(self, info: Info) -> list[HousingType]:
        rows = await info.context.loaders.grouped(vocabulary.children_of, HousingTypeRow).load(
            self.id
        )
        return HousingType.from_rows(rows)


@strawberry.type(
    description="Something counted: a flow per period, a stock at a moment, or a ratio."
)
class Indicator(RowNode):
    model = IndicatorRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. dwellings-added.")
    name_nl: str = strawberry.field(description="Dutch name.")
    name_en: str = strawberry.field(description="English name.")
    unit: str = strawberry.field(
        description=(
            "Unit of its values: dwellings, places, persons, households, lettings, pitches, "
            "count, percent, euro, or a duration: days, weeks, months, years."
        )
    )
    kind: IndicatorKind = strawberry.field(description="Flow, stock or ratio.")
    direction: Direction = strawberry.field(description="Which way is good.")
    dimensions: list[str] = strawberry.field(
        description="Breakdowns it may have: target_group, housing_type, price_segment."
    )
    source_precedence: list[str] = strawberry.field(
        description="Organisation codes, most trusted first, for cells reported by several sources."
    )
    description: str | None = strawberry.field(description="What exactly is counted.")

    @strawberry.field(description="A ratio's numerator indicator.")
    async def numerator(self, info: Info) -> Indicator | None:
        return await load_one(info, Indicator, self.row.numerator_id)

    @strawberry.field(description="A ratio's denominator indicator.")
    async def denominator(self, info: Info) -> Indicator | None:
        return await load_one(info, Indicator, self.row.denominator_id)


@strawberry.input(description="Which vocabulary entries to list; all given conditions must hold.")
class VocabularyFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    top_level_only: bool = strawberry.field(
        default=False, description="Only entries without a parent."
    )
    parent: str | None = strawberry.field(
        default=None, description="Only the entries directly under this code."
    )
    search: str | None = strawberry.field(
        default=None, description="Words in the Dutch or English name or code."
    )

    def criteria(self) -> vocabulary.VocabularyCriteria:
        return vocabulary.VocabularyCriteria(
            self.codes, self.top_level_only, self.parent, self.search
        )


@strawberry.input(description="Which indicators to list; all given conditions must hold.")
class IndicatorFilter:
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    kinds: list[IndicatorKind] | None = strawberry.field(
        default=None, description="Only these kinds."
    )
    directions: list[Direction] | None = strawberry.field(
        default=None, description="Only these directions."
    )
    units: list[str] | None = strawberry.field(default=None, description="Only these units.")
    search: str | None = strawberry.field(
        default=None, description="Words in the Dutch or English name or code."
    )


@strawberry.type
class VocabularyQuery:
    @strawberry.field(description="Target groups ordered by code.")
    def target_groups(
        self,
        info: Info,
        filter: Annotated[
            VocabularyFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[TargetGroup]:
        listing = vocabulary.target_groups((filter or VocabularyFilter()).criteria())
        return paginate(info, listing, first, after, TargetGroup.from_row)

    @strawberry.field(description="Housing types ordered by code.")
    def housing_types(
        self,
        info: Info,
        filter: Annotated[
            VocabularyFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[HousingType]:
        listing = vocabulary.housing_types((filter or VocabularyFilter()).criteria())
        return paginate(info, listing, first, after, HousingType.from_row)

    @strawberry.field(description="Indicators ordered by code.")
    def indicators(
        self,
        info: Info,
        filter: Annotated[
            IndicatorFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Indicator]:
        f = filter or IndicatorFilter()
        criteria = vocabulary.IndicatorCriteria(f.codes, f.kinds, f.directions, f.units, f.search)
        return paginate(info, vocabulary.indicators(criteria), first, after, Indicator.from_row)

"""Targets (value or range, window, source, flags) and the distribution rules deriving them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from db.models import DistributionRule as DistributionRuleRow
from db.models import Target as TargetRow
from db.queries import progress, targets
from schema.cells import CellFilter
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
from schema.enums import DistributionMethod, DocumentStatus, Recurrence, TargetKind
from schema.nodes import RowNode, load_one, vocabulary_one
from schema.scalars import Period

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.policy import PolicyDocument
    from schema.progress import ProgressSnapshot
    from schema.vocabulary import HousingType, Indicator, TargetGroup

LazyJurisdiction = Annotated["Jurisdiction", strawberry.lazy("schema.geography")]
LazyIndicator = Annotated["Indicator", strawberry.lazy("schema.vocabulary")]
LazyTargetGroup = Annotated["TargetGroup", strawberry.lazy("schema.vocabulary")]
LazyHousingType = Annotated["HousingType", strawberry.lazy("schema.vocabulary")]
LazyDocument = Annotated["PolicyDocument", strawberry.lazy("schema.policy")]
LazyProgress = Annotated["ProgressSnapshot", strawberry.lazy("schema.progress")]


def _indicator(root: Any, info: Info) -> LazyIndicator:
    from schema.vocabulary import Indicator

    return vocabulary_one(info, Indicator, root.row.indicator_id)


def _target_group(root: Any, info: Info) -> LazyTargetGroup | None:
    from schema.vocabulary import TargetGroup

    return vocabulary_one(info, TargetGroup, root.row.target_group_id)


def _housing_type(root: Any, info: Info) -> LazyHousingType | None:
    from schema.vocabulary import HousingType

    return vocabulary_one(info, HousingType, root.row.housing_type_id)


def indicator_field() -> Any:
    return strawberry.field(resolver=_indicator, description="What is counted.")


def target_group_field() -> Any:
    return strawberry.field(
        resolver=_target_group, description="Target group of the cell; null: all groups."
    )


def housing_type_field() -> Any:
    return strawberry.field(
        resolver=_housing_type, description="Housing type of the cell; null: all types."
    )


@strawberry.type(
    description="A number to reach, stay under or estimate, for an indicator in a jurisdiction."
)
class Target(RowNode):
    model = TargetRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, prefixed with the document's code.")
    kind: TargetKind = strawberry.field(
        description="Target, minimum, maximum (cap), need estimate, ambition or commitment."
    )
    price_segment: str | None = strawberry.field(
        description="Price segment of the cell (social, mid, …)."
    )
    value: Decimal | None = strawberry.field(
        description="The value; null when the target is a range."
    )
    value_low: Decimal | None = strawberry.field(
        description="Low end of a range (achieved at the low end)."
    )
    value_high: Decimal | None = strawberry.field(description="High end of a range.")
    baseline_period: Period | None = strawberry.field(description="Period of the baseline value.")
    baseline_value: Decimal | None = strawberry.field(description="Value at the baseline.")
    start_period: Period | None = strawberry.field(description="Period the window starts.")
    deadline: Period | None = strawberry.field(description="Period by the end of which it is due.")
    deadline_year: int | None = strawberry.field(description="Year of the deadline.")
    recurrence: Recurrence = strawberry.field(description="One window, or a value for every year.")
    carry_over: bool = strawberry.field(
        description="Yearly: a year's shortfall is added to the next year."
    )
    status: DocumentStatus = strawberry.field(description="Adopted or draft.")
    flag: str | None = strawberry.field(
        description="A doubt about the printed value (kept as printed)."
    )
    notes: str | None = strawberry.field(description="Remarks, e.g. inconsistencies in the source.")
    retired_on: date | None = strawberry.field(
        description="The first day it no longer applies (retired); null while in force."
    )
    derivation: JSON | None = strawberry.field(
        description="For a derived target: the inputs its distribution rule computed it from."
    )
    indicator: LazyIndicator = indicator_field()
    target_group: LazyTargetGroup | None = target_group_field()
    housing_type: LazyHousingType | None = housing_type_field()

    @strawberry.field(description="True when the target is a range (valueLow–valueHigh).")
    def is_range(self) -> bool:
        return self.row.value is None

    @strawberry.field(description="Where the value is printed.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The jurisdiction (municipality or region) it is set for.")
    async def jurisdiction(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.jurisdiction_id)

    @strawberry.field(description="The policy document that sets it.")
    async def document(self, info: Info) -> LazyDocument | None:
        from schema.policy import PolicyDocument

        return await load_one(info, PolicyDocument, self.row.document_id)

    @strawberry.field(description="The distribution rule it was derived by, if any.")
    async def distribution_rule(self, info: Info) -> DistributionRule | None:
        return await load_one(info, DistributionRule, self.row.distribution_rule_id)

    @strawberry.field(
        description=(
            "Its progress: the stored snapshots (the window, each judged year and for a region "
            "its members' sum), or with `asOf` the same snapshots as the workers stored them at "
            "that moment (recomputed from the figures known then). A plain list: a target has "
            "at most a few."
        )
    )
    async def progress(
        self,
        info: Info,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="Recompute as known at this moment.")
        ] = None,
    ) -> list[LazyProgress]:
        from schema.progress import ProgressSnapshot, progress_as_of

        if as_of is not None:
            return await progress_as_of(info, self.id, as_of)
        rows = await info.context.loaders.grouped(progress.snapshots_of_targets).load(self.id)
        return ProgressSnapshot.from_rows(rows)


@strawberry.type(description="A commitment key: derives a target per region member from inputs.")
class DistributionRule(RowNode):
    model = DistributionRuleRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code.")
    name: str = strawberry.field(description="Name as the document uses it.")
    method: DistributionMethod = strawberry.field(
        description="Share of an indicator, population share or a fixed table."
    )
    price_segment: str | None = strawberry.field(
        description="Price segment the derived targets apply to."
    )
    target_kind: TargetKind = strawberry.field(description="Kind of the derived targets.")
    input_price_segment: str | None = strawberry.field(
        description="Only input figures of this price segment count."
    )
    input_period_from: Period | None = strawberry.field(
        description="Start of the reference period of the inputs."
    )
    input_period_to: Period | None = strawberry.field(
        description="End of the reference period of the inputs."
    )
    percentage: Decimal | None = strawberry.field(
        description="Percentage applied to the input (e.g. 30)."
    )
    regional_total: Decimal | None = strawberry.field(
        description="The regional total to distribute."
    )
    recurrence: Recurrence = strawberry.field(description="One window, or every year.")
    carry_over: bool = strawberry.field(description="A yearly shortfall is added to the next year.")
    rounding: str = strawberry.field(description="Rounding of derived values: half_up or none.")
    notes: str | None = strawberry.field(description="Remarks.")
    retired_on: date | None = strawberry.field(
        description="The first day it no longer applies (retired); null while in force."
    )
    indicator: LazyIndicator = indicator_field()
    target_group: LazyTargetGroup | None = target_group_field()
    housing_type: LazyHousingType | None = housing_type_field()

    @strawberry.field(description="Where the rule is printed.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)

    @strawberry.field(description="The region whose members get a share.")
    async def region(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.region_id)

    @strawberry.field(description="The indicator whose figures are the base.")
    async def input_indicator(self, info: Info) -> LazyIndicator | None:
        from schema.vocabulary import Indicator

        return await load_one(info, Indicator, self.row.input_indicator_id)

    @strawberry.field(description="The document that sets the rule.")
    async def document(self, info: Info) -> LazyDocument | None:
        from schema.policy import PolicyDocument

        return await load_one(info, PolicyDocument, self.row.document_id)

    @strawberry.field(
        description="A fixed table's value per member (a plain list: one per region member)."
    )
    async def shares(self, info: Info) -> list[DistributionShare]:
        rows = await info.context.loaders.grouped(targets.shares_of_rules).load(self.id)
        return [DistributionShare(row=r, value=r.value, flag=r.flag) for r in rows]

    @strawberry.field(description="The targets derived by the rule.")
    async def targets(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Target]:
        return await nested_page(
            info,
            self.id,
            first,
            after,
            Target.from_rows,
            targets.TARGETS_OF_RULES.pages,
            targets.TARGETS_OF_RULES.counts,
        )


@strawberry.type(
    description="A fixed distribution table's value for one member (e.g. a covenant quota)."
)
class DistributionShare:
    row: strawberry.Private[Any]
    value: Decimal = strawberry.field(description="The member's value.")
    flag: str | None = strawberry.field(description="A doubt about the printed value.")

    @strawberry.field(description="The member.")
    async def jurisdiction(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.row.jurisdiction_id)

    @strawberry.field(description="Where the value is printed.")
    def source(self) -> SourceCitation | None:
        return SourceCitation.of(self.row.source)


@strawberry.input(description="Which targets to list; all given conditions must hold.")
class TargetFilter(CellFilter):
    kinds: list[TargetKind] | None = strawberry.field(default=None, description="Only these kinds.")
    statuses: list[DocumentStatus] | None = strawberry.field(
        default=None, description="Only adopted or draft ones."
    )
    recurrences: list[Recurrence] | None = strawberry.field(
        default=None, description="Only these recurrences."
    )
    deadline_year_from: int | None = strawberry.field(
        default=None, description="Only deadlines in or after this year."
    )
    deadline_year_to: int | None = strawberry.field(
        default=None, description="Only deadlines in or before this year."
    )
    documents: list[str] | None = strawberry.field(
        default=None, description="Only set by these documents (codes)."
    )
    distribution_rules: list[str] | None = strawberry.field(
        default=None, description="Only derived by these rules (codes)."
    )
    flagged: bool | None = strawberry.field(
        default=None, description="Only targets with (true) or without (false) a flag."
    )
    search: str | None = strawberry.field(default=None, description="Words in the code or notes.")

    def criteria(self) -> targets.TargetCriteria:
        return targets.TargetCriteria(
            cell=self.cell_criteria(),
            kinds=self.kinds,
            statuses=self.statuses,
            recurrences=self.recurrences,
            deadline_year_from=self.deadline_year_from,
            deadline_year_to=self.deadline_year_to,
            documents=self.documents,
            distribution_rules=self.distribution_rules,
            flagged=self.flagged,
            search=self.search,
        )


@strawberry.input(description="Which distribution rules to list; all given conditions must hold.")
class DistributionRuleFilter(CellFilter):
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    regions: list[str] | None = strawberry.field(
        default=None, description="Only for these regions (codes)."
    )
    methods: list[DistributionMethod] | None = strawberry.field(
        default=None, description="Only these methods."
    )
    search: str | None = strawberry.field(default=None, description="Words in the name or code.")


@strawberry.type
class TargetQuery:
    @strawberry.field(description="Targets ordered by code.")
    def targets(
        self,
        info: Info,
        filter: Annotated[
            TargetFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Target]:
        listing = targets.targets((filter or TargetFilter()).criteria())
        return paginate(info, listing, first, after, Target.from_row)

    @strawberry.field(description="Distribution rules (commitment keys) ordered by code.")
    def distribution_rules(
        self,
        info: Info,
        filter: Annotated[
            DistributionRuleFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[DistributionRule]:
        f = filter or DistributionRuleFilter()
        criteria = targets.DistributionRuleCriteria(
            codes=f.codes,
            regions=f.regions,
            methods=f.methods,
            cell=f.cell_criteria(),
            search=f.search,
        )
        return paginate(
            info, targets.distribution_rules(criteria), first, after, DistributionRule.from_row
        )

"""Progress against targets: stored snapshots, or with ``asOf`` recomputed as known at a moment.

Resolvers read the snapshots the compute workers store. Only time travel (``asOf``) computes,
with the same inputs and pure engine the workers use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from sqlmodel import Session
from strawberry import relay
from strawberry.scalars import JSON

from core.enums import ProgressBasis as BasisValue
from core.enums import ProgressStatus as StatusValue
from db.models import Indicator as IndicatorRow
from db.models import ProgressSnapshot as SnapshotRow
from db.models import Target as TargetRow
from db.queries import lookups, progress
from progress_engine import ProgressResult, compute_progress
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    paginate,
)
from schema.context import Info
from schema.enums import ProgressBasis, ProgressStatus
from schema.errors import bad_input
from schema.nodes import load_one
from schema.scalars import Period
from schema.targets import TargetFilter
from services.progress.config import engine_config
from services.progress.inputs import UnjudgeableTarget, in_indicator_unit, inputs_of_target

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.targets import Target

AS_OF = (
    "Recompute progress from the figures known at this moment (time travel) instead of reading "
    "the stored snapshots."
)


@strawberry.type(
    description=(
        "Progress of one target: realised, percent of target, expected by now, gap, status and "
        "forecasts. Figures are in the indicator's unit; percentages are never capped at 100."
    )
)
class ProgressSnapshot(relay.Node):
    id: relay.NodeID[str]
    target_id: strawberry.Private[int]
    jurisdiction_id: strawberry.Private[int]
    basis: ProgressBasis = strawberry.field(
        description="OWN: measured on the jurisdiction's figures; MEMBERS_SUM: on its members' summed."
    )
    # The stored period text (or the judged year's); `Period` serialises it unchanged with str().
    period: str | None = strawberry.field(
        graphql_type=Period | None,
        description="The judged year of a yearly target; null: the whole window.",
    )
    status: ProgressStatus = strawberry.field(description="The judgement.")
    realised: Decimal | None = strawberry.field(
        description="What has been realised in the window so far."
    )
    percent_of_target: Decimal | None = strawberry.field(
        description="Realised as a percentage of the target."
    )
    expected_by_now: Decimal | None = strawberry.field(
        description="What should have been realised by now on a straight line from baseline to deadline."
    )
    gap: Decimal | None = strawberry.field(
        description="What is still to do (negative: surpassed; for caps: the headroom left)."
    )
    forecast_trend: Decimal | None = strawberry.field(
        description="Expected at the deadline, extrapolating recent periods."
    )
    forecast_pipeline: Decimal | None = strawberry.field(
        description="Expected at the deadline: realised plus pipeline units × phase probability."
    )
    flags: list[str] = strawberry.field(
        description="Caveats: partial coverage, source disagreement, breakdown sums, …"
    )
    details: JSON | None = strawberry.field(
        description="How it was computed: the counted figures and method."
    )
    inputs_hash: str = strawberry.field(description="Hash of the inputs it was computed from.")
    computed_at: datetime = strawberry.field(description="When it was computed.")
    data_as_of: datetime | None = strawberry.field(
        description="The moment of the figures it was computed from."
    )

    @classmethod
    def from_row(cls, row: SnapshotRow) -> Self:
        return cls(
            id=str(row.id),
            target_id=row.target_id,
            jurisdiction_id=row.jurisdiction_id,
            basis=row.basis,
            period=row.period or None,
            status=row.status,
            realised=row.realised,
            percent_of_target=row.percent_of_target,
            expected_by_now=row.expected_by_now,
            gap=row.gap,
            forecast_trend=row.forecast_trend,
            forecast_pipeline=row.forecast_pipeline,
            flags=list(row.flags or []),
            details=None if row.details is None else JSON(row.details),
            inputs_hash=row.inputs_hash,
            computed_at=row.computed_at,
            data_as_of=row.data_as_of,
        )

    @classmethod
    def from_rows(cls, rows: Iterable[SnapshotRow]) -> list[Self]:
        return [cls.from_row(row) for row in rows]

    # relay.Node declares resolve_nodes as overloads on ``required`` taking any Info; mypy cannot
    # match this one implementation (for our Context's Info) against them.
    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProgressSnapshot | None]:
        nodes: list[ProgressSnapshot | None] = []
        for node_id in node_ids:
            if node_id.isdigit():
                row = await info.context.loaders.row(SnapshotRow).load(int(node_id))
                nodes.append(None if row is None else cls.from_row(row))
            elif (parsed := _parse_time_travel_id(node_id)) is not None:
                nodes.append(await progress_as_of(info, *parsed))
            else:
                nodes.append(None)
        return nodes

    @strawberry.field(description="The target.")
    async def target(self, info: Info) -> Annotated[Target, strawberry.lazy("schema.targets")]:
        from schema.targets import Target

        return await load_one(info, Target, self.target_id)

    @strawberry.field(description="The jurisdiction whose figures were measured.")
    async def jurisdiction(
        self, info: Info
    ) -> Annotated[Jurisdiction, strawberry.lazy("schema.geography")]:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.jurisdiction_id)


def _time_travel_id(target_id: int, as_of: datetime) -> str:
    return f"{target_id}@{as_of.isoformat()}"


def _parse_time_travel_id(node_id: str) -> tuple[int, datetime] | None:
    target, _, moment = node_id.partition("@")
    try:
        return int(target), datetime.fromisoformat(moment)
    except ValueError:
        return None


async def progress_as_of(info: Info, target_id: int, as_of: datetime) -> ProgressSnapshot:
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    session = info.context.session

    def compute(keys: Sequence[tuple[int, datetime]]) -> list[ProgressSnapshot | None]:
        return [recompute(session, key_target, moment) for key_target, moment in keys]

    return await info.context.loaders.computed("progress-as-of", compute).load((target_id, as_of))


def recompute(session: Session, target_id: int, as_of: datetime) -> ProgressSnapshot | None:
    target = lookups.by_ids(session, TargetRow, [target_id]).get(target_id)
    if target is None:
        return None
    indicator = lookups.by_ids(session, IndicatorRow, [target.indicator_id])[target.indicator_id]
    try:
        inputs = inputs_of_target(session, target_id)
    except UnjudgeableTarget as exc:
        return _unjudged(target_id, target, as_of, str(exc))
    spec, points, pipeline = inputs.spec, inputs.observations, inputs.pipeline
    judged_on = as_of.date() if inputs.ended_on is None else min(as_of.date(), inputs.ended_on)
    result = compute_progress(spec, points, pipeline, engine_config(), judged_on, as_of=as_of)
    digest = hashlib.sha256(repr((spec, sorted(points, key=repr), pipeline)).encode()).hexdigest()

    def unit(value: Decimal | None) -> Decimal | None:
        return in_indicator_unit(indicator, value)

    return ProgressSnapshot(
        id=_time_travel_id(target_id, as_of),
        target_id=target_id,
        jurisdiction_id=target.jurisdiction_id,
        basis=BasisValue.OWN,
        period=str(result.window_end.year) if result.years else None,
        status=result.status,
        realised=unit(result.realised),
        percent_of_target=result.percent,
        expected_by_now=unit(result.expected_by_now),
        gap=unit(result.gap_to_target),
        forecast_trend=unit(result.forecast_trend),
        forecast_pipeline=unit(result.forecast_pipeline),
        flags=[*result.flags, *inputs.lineage_flags],
        details=JSON(_details(result)),
        inputs_hash=digest,
        computed_at=datetime.now(UTC),
        data_as_of=as_of,
    )


def _unjudged(target_id: int, target: TargetRow, as_of: datetime, reason: str) -> ProgressSnapshot:
    return ProgressSnapshot(
        id=_time_travel_id(target_id, as_of),
        target_id=target_id,
        jurisdiction_id=target.jurisdiction_id,
        basis=BasisValue.OWN,
        period=None,
        status=StatusValue.NO_DATA,
        realised=None,
        percent_of_target=None,
        expected_by_now=None,
        gap=None,
        forecast_trend=None,
        forecast_pipeline=None,
        flags=[f"not_judgeable: {reason}"],
        details=None,
        inputs_hash="",
        computed_at=datetime.now(UTC),
        data_as_of=as_of,
    )


def _details(result: ProgressResult) -> dict[str, Any]:
    def text(value: Any) -> Any:
        return str(value) if isinstance(value, Decimal | date) else value

    return {
        "method": result.method,
        "window": [text(result.window_start), text(result.window_end)],
        "elapsed_fraction": text(result.elapsed_fraction),
        "counted": [
            {"period": str(f.period), "value": text(f.value), "source": f.source}
            for f in result.counted
        ],
    }


@strawberry.input(description="Which progress to list; all given conditions must hold.")
class ProgressFilter:
    target: TargetFilter | None = strawberry.field(
        default=None, description="Only progress of these targets."
    )
    statuses: list[ProgressStatus] | None = strawberry.field(
        default=None, description="Only these judgements (not with `asOf`)."
    )
    bases: list[ProgressBasis] | None = strawberry.field(
        default=None, description="Only these bases."
    )


@strawberry.type
class ProgressQuery:
    @strawberry.field(description="Progress per target, ordered by target.")
    def progress(
        self,
        info: Info,
        filter: Annotated[
            ProgressFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        as_of: Annotated[datetime | None, strawberry.argument(description=AS_OF)] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[ProgressSnapshot]:
        f = filter or ProgressFilter()
        target_criteria = (f.target or TargetFilter()).criteria()
        if as_of is None:
            criteria = progress.ProgressCriteria(
                target=target_criteria, statuses=f.statuses, bases=f.bases
            )
            return paginate(
                info, progress.progress(criteria), first, after, ProgressSnapshot.from_row
            )
        if f.statuses:
            raise bad_input(
                "statuses cannot be combined with asOf: judgements are computed", "filter"
            )
        session = info.context.session
        moment = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)

        def listed(target: TargetRow) -> ProgressSnapshot:
            # A listed row has its id, and recompute finds it: the listing has just read it.
            assert target.id is not None
            snapshot = recompute(session, target.id, moment)
            assert snapshot is not None
            return snapshot

        return paginate(
            info, progress.targets_for_time_travel(target_criteria), first, after, listed
        )

"""Progress against targets: stored snapshots, or with ``asOf`` recomputed as known at a moment.

Resolvers read the snapshots the compute workers store. Only time travel (``asOf``) computes,
with the same inputs, pure engine and bases the workers use (services/progress/recompute.py
``known_at``), so it answers what a recompute at that moment stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from sqlmodel import Session
from strawberry import relay
from strawberry.scalars import JSON

from core.enums import ProgressBasis as BasisValue
from core.enums import ProgressStatus as StatusValue
from db.models import ProgressSnapshot as SnapshotRow
from db.models import Target as TargetRow
from db.queries import lookups, progress
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    page_of,
    paginate,
)
from schema.context import Info
from schema.enums import ProgressBasis, ProgressStatus
from schema.errors import bad_input
from schema.nodes import load_one
from schema.scalars import Period
from schema.targets import TargetFilter
from services.progress.config import engine_config
from services.progress.recompute import known_at

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.targets import Target

TIME_TRAVEL_MAX_TARGETS = 1000
AS_OF = (
    "As the workers stored it at this moment (time travel): the same snapshots (headline, judged "
    "years, a region's members' sum) recomputed by the same engine from the figures known then; "
    "every filter applies to those. At most 1000 targets: narrow the filter for more."
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
                target_id, basis, period, moment = parsed
                found = await progress_as_of(info, target_id, moment)
                nodes.append(
                    next(
                        (n for n in found if n.basis == basis and (n.period or "") == period),
                        None,
                    )
                )
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


def _time_travel_id(target_id: int, basis: BasisValue, period: str, as_of: datetime) -> str:
    return f"{target_id}:{basis.value}:{period}@{as_of.isoformat()}"


def _parse_time_travel_id(node_id: str) -> tuple[int, BasisValue, str, datetime] | None:
    """``target:basis:period@moment`` (or the older ``target@moment``: the headline)."""
    key, _, moment = node_id.partition("@")
    target, _, rest = key.partition(":")
    basis, _, period = rest.partition(":")
    try:
        return (
            int(target),
            BasisValue(basis) if basis else BasisValue.OWN,
            period,
            datetime.fromisoformat(moment),
        )
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def progress_as_of(info: Info, target_id: int, as_of: datetime) -> list[ProgressSnapshot]:
    """Every snapshot a recompute at ``as_of`` stored for the target (headline, judged years, a
    region's members' sum), from the figures known then; batched per request."""
    session = info.context.session

    def compute(keys: Sequence[tuple[int, datetime]]) -> list[list[ProgressSnapshot]]:
        return [recompute(session, key_target, moment) for key_target, moment in keys]

    loader = info.context.loaders.computed("progress-as-of", compute)
    return list(await loader.load((target_id, _aware(as_of))))


def recompute(session: Session, target_id: int, as_of: datetime) -> list[ProgressSnapshot]:
    """What the workers stored for the target when they recomputed at ``as_of`` (the same
    engine, bases and judged years, on the figures known then), ordered by basis and period."""
    target = lookups.by_ids(session, TargetRow, [target_id]).get(target_id)
    if target is None:
        return []
    as_of = _aware(as_of)
    computed = known_at(session, target, engine_config(), as_of)
    snapshots = [
        ProgressSnapshot(
            id=_time_travel_id(target_id, basis, period, as_of),
            target_id=target_id,
            jurisdiction_id=target.jurisdiction_id,
            basis=basis,
            period=period or None,
            status=values["status"],
            realised=values["realised"],
            percent_of_target=values["percent_of_target"],
            expected_by_now=values["expected_by_now"],
            gap=values["gap"],
            forecast_trend=values["forecast_trend"],
            forecast_pipeline=values["forecast_pipeline"],
            flags=list(values["flags"]),
            details=None if values.get("details") is None else JSON(values["details"]),
            inputs_hash=fingerprint,
            computed_at=datetime.now(UTC),
            data_as_of=as_of,
        )
        for (basis, period), (values, fingerprint, _) in computed.items()
    ]
    return sorted(snapshots, key=_order)


def _order(snapshot: ProgressSnapshot) -> tuple[int, int, str]:
    return (snapshot.target_id, list(BasisValue).index(snapshot.basis), snapshot.period or "")


def _matching(
    snapshots: Iterable[ProgressSnapshot],
    statuses: Sequence[StatusValue] | None,
    bases: Sequence[BasisValue] | None,
) -> list[ProgressSnapshot]:
    return [
        s
        for s in snapshots
        if (statuses is None or s.status in statuses) and (bases is None or s.basis in bases)
    ]


@strawberry.input(description="Which progress to list; all given conditions must hold.")
class ProgressFilter:
    target: TargetFilter | None = strawberry.field(
        default=None, description="Only progress of these targets."
    )
    statuses: list[ProgressStatus] | None = strawberry.field(
        default=None, description="Only these judgements (with `asOf`: the judgements then)."
    )
    bases: list[ProgressBasis] | None = strawberry.field(
        default=None, description="Only these bases."
    )


@strawberry.type
class ProgressQuery:
    @strawberry.field(description="Progress per target, ordered by target.")
    async def progress(
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
        session = info.context.session
        listing = progress.targets_for_time_travel(target_criteria)
        targets = list(session.scalars(listing.statement.limit(TIME_TRAVEL_MAX_TARGETS + 1)))
        if len(targets) > TIME_TRAVEL_MAX_TARGETS:
            raise bad_input(
                f"asOf recomputes at most {TIME_TRAVEL_MAX_TARGETS} targets: narrow the filter "
                "(e.g. by jurisdiction or indicator)",
                "filter",
            )
        groups = await asyncio.gather(
            *(progress_as_of(info, t.id, as_of) for t in sorted(targets, key=lambda t: t.id or 0))
        )
        found = [snapshot for group in groups for snapshot in group]
        return page_of(_matching(found, f.statuses, f.bases), first, after)

"""Recording a municipal merger (services/geography/mergers.record_merger): administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from starlette.concurrency import run_in_threadpool

from db.engine import session_scope
from db.models import Jurisdiction as JurisdictionRow
from schema.context import Info
from schema.geography import Jurisdiction
from schema.mutations.errors import InvalidInput, NotAllowed, NotFound, RateLimited, rate_limited
from schema.mutations.projects import actor_of
from services.geography.mergers import MergerError, record_merger


@strawberry.input(description="Municipalities that merge into one (herindeling) on a day.")
class MergerInput:
    successor: str = strawberry.field(
        description="Code of the new (or continuing) municipality, e.g. GM1942."
    )
    predecessors: list[str] = strawberry.field(
        description="Codes of the municipalities that cease, e.g. GM0381, GM0424, GM0425."
    )
    on: date = strawberry.field(
        description="The first day of the successor: the predecessors end the day before."
    )
    successor_name: str | None = strawberry.field(
        default=None, description="Name of the successor, to create it when it does not exist."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why, e.g. the law that decided it (kept in the audit trail)."
    )


@strawberry.type(description="The merger was recorded; the progress it affects is recomputed.")
class MergerRecorded:
    successor: Jurisdiction = strawberry.field(description="The successor.")
    predecessors: list[Jurisdiction] = strawberry.field(
        description="The predecessors, now ended and pointing at the successor (a plain list: "
        "the few municipalities the mutation named)."
    )
    memberships_ended: int = strawberry.field(
        description="Region memberships of the predecessors ended the day before the merger."
    )
    memberships_added: int = strawberry.field(
        description="Regions the successor joined from the merger day."
    )
    targets_queued: int = strawberry.field(
        description="Targets whose progress is recomputed by the workers."
    )


MergerResult = Annotated[
    MergerRecorded | NotFound | NotAllowed | InvalidInput | RateLimited,
    strawberry.union("MergerResult", description="The recorded merger, or why it was not."),
]


@strawberry.type
class GeographyMutation:
    @strawberry.mutation(
        description=(
            "Record a municipal merger (administrators): the predecessors' figures then count for "
            "the successor's targets and roll-ups (flagged as mapped), the predecessors' own "
            "targets end at the merger with their last status, and regions follow the membership "
            "dates (the predecessors' memberships end, the successor joins their regions)."
        )
    )
    async def record_merger(
        self,
        info: Info,
        input: Annotated[MergerInput, strawberry.argument(description="The merger.")],
    ) -> MergerResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def run() -> tuple[int, list[int], int, int, int]:
            with session_scope(info.context.engine) as session:
                recorded = record_merger(
                    session,
                    actor,
                    input.successor,
                    list(input.predecessors),
                    input.on,
                    successor_name=input.successor_name,
                    reason=input.reason,
                )
                assert recorded.successor.id is not None
                return (
                    recorded.successor.id,
                    [row.id for row in recorded.predecessors if row.id is not None],
                    recorded.memberships_ended,
                    recorded.memberships_added,
                    recorded.targets_queued,
                )

        try:
            successor_id, predecessor_ids, ended, added, queued = await run_in_threadpool(run)
        except MergerError as error:
            said = {"message": str(error), "code": error.code, "message_nl": error.message_nl}
            if error.code == "not_allowed":
                return NotAllowed(**said)
            if error.code == "unknown_jurisdiction":
                return NotFound(**said)
            return InvalidInput(**said, field=error.field)
        session = info.context.session
        session.expire_all()
        successor = session.get(JurisdictionRow, successor_id)
        assert successor is not None  # committed by run()
        predecessors = [session.get(JurisdictionRow, i) for i in predecessor_ids]
        return MergerRecorded(
            successor=Jurisdiction.from_row(successor),
            predecessors=[Jurisdiction.from_row(row) for row in predecessors if row is not None],
            memberships_ended=ended,
            memberships_added=added,
            targets_queued=queued,
        )

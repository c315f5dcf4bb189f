"""Live updates over graphql-transport-ws, fed by the event bus of services/events.py."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry import relay

from db.models import Jurisdiction as JurisdictionRow
from db.queries import lookups, progress
from schema.connections import DEFAULT_PAGE_SIZE, After, Connection, First, page_of
from schema.context import Info
from schema.enums import ProgressBasis, ProgressStatus
from schema.errors import not_found
from schema.geography import Jurisdiction
from schema.nodes import load_one
from schema.progress import ProgressSnapshot
from schema.submissions import Submission, submission_row_id
from services import events


@strawberry.type(description="Progress of some of a jurisdiction's targets was recomputed.")
class ProgressChange:
    jurisdiction_id: strawberry.Private[int]
    target_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The jurisdiction whose progress changed.")
    async def jurisdiction(self, info: Info) -> Jurisdiction:
        return await load_one(info, Jurisdiction, self.jurisdiction_id)

    @strawberry.field(
        description="The stored progress of the recomputed targets, as it is now, by target."
    )
    async def progress(
        self,
        info: Info,
        statuses: Annotated[
            list[ProgressStatus] | None, strawberry.argument(description="Only these judgements.")
        ] = None,
        bases: Annotated[
            list[ProgressBasis] | None, strawberry.argument(description="Only these bases.")
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[ProgressSnapshot]:
        groups = await info.context.loaders.grouped(progress.snapshots_of_targets).load_many(
            self.target_ids
        )
        nodes = [
            ProgressSnapshot.from_row(row)
            for group in groups
            for row in group
            if (statuses is None or row.status in statuses)
            and (bases is None or row.basis in bases)
        ]
        return page_of(nodes, first, after)


def _target_ids(payload: dict[str, Any]) -> list[int]:
    return [int(i) for i in payload.get("targetIds", []) if str(i).isdigit()]


@strawberry.type(description="Live updates, over WebSocket (graphql-transport-ws) only.")
class Subscription:
    @strawberry.subscription(
        description="Fires each time the progress of a jurisdiction's targets is recomputed."
    )
    async def progress_changed(
        self,
        info: Info,
        jurisdiction_code: Annotated[
            str, strawberry.argument(description="Code of the jurisdiction to watch.")
        ],
    ) -> AsyncGenerator[ProgressChange, None]:
        found = lookups.by_codes(info.context.session, JurisdictionRow, [jurisdiction_code])
        if jurisdiction_code not in found:
            raise not_found(f"no jurisdiction with code '{jurisdiction_code}'")
        jurisdiction_id = found[jurisdiction_code].id
        assert jurisdiction_id is not None  # a stored row
        async for payload in events.subscribe(events.progress_topic(jurisdiction_code)):
            info.context.refresh()
            yield ProgressChange(jurisdiction_id=jurisdiction_id, target_ids=_target_ids(payload))

    @strawberry.subscription(
        description="Fires each time the submission changes state; yields it as it is now."
    )
    async def submission_changed(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="Global id of the submission.")
        ],
    ) -> AsyncGenerator[Submission, None]:
        row_id = submission_row_id(id)
        if await load_one(info, Submission, row_id) is None:
            raise not_found(f"no submission with id '{id}'")
        async for _ in events.subscribe(events.submission_topic(row_id)):
            info.context.refresh()
            submission = await load_one(info, Submission, row_id)
            if submission is not None:
                yield submission

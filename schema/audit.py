"""The audit trail: who changed what, when, from what to what, and why."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from db.models import AuditEvent as AuditEventRow
from db.queries import audit
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

if TYPE_CHECKING:
    from schema.organisations import Organisation


@strawberry.type(description="One recorded change: who, when, what, before and after, why.")
class AuditEvent(RowNode):
    model = AuditEventRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    occurred_at: datetime = strawberry.field(description="When it happened.")
    actor_label: str = strawberry.field(
        description="Who or what did it: a user, a token name, seed, cli."
    )
    action: str = strawberry.field(description="What was done: create, update, approve, …")
    object_type: str = strawberry.field(description="The table of the changed object.")
    object_id: str = strawberry.field(description="The changed object's id.")
    before: JSON | None = strawberry.field(description="The changed fields before.")
    after: JSON | None = strawberry.field(description="The changed fields after.")
    reason: str | None = strawberry.field(description="Why.")

    @strawberry.field(description="The organisation of the actor.")
    async def actor_organisation(
        self, info: Info
    ) -> Annotated[Organisation, strawberry.lazy("schema.organisations")] | None:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.actor_organisation_id)


@strawberry.input(description="Which audit events to list; all given conditions must hold.")
class AuditEventFilter:
    object_types: list[str] | None = strawberry.field(
        default=None, description="Only on these tables."
    )
    object_ids: list[str] | None = strawberry.field(
        default=None, description="Only on these object ids."
    )
    actions: list[str] | None = strawberry.field(default=None, description="Only these actions.")
    occurred_from: datetime | None = strawberry.field(default=None, description="At or after.")
    occurred_to: datetime | None = strawberry.field(default=None, description="At or before.")


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit trail, newest first: administrators all of it; the task force the "
        "events about published objects and about the organisations of its regions; partners "
        "those about their own organisation's objects."
    )
    def audit_events(
        self,
        info: Info,
        filter: Annotated[
            AuditEventFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[AuditEvent]:
        f = filter or AuditEventFilter()
        criteria = audit.AuditCriteria(
            f.object_types, f.object_ids, f.actions, f.occurred_from, f.occurred_to
        )
        listing = audit.audit_events(criteria, info.context.access.audit_reader)
        return paginate(info, listing, first, after, AuditEvent.from_row)

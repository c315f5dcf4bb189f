"""The audit trail, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from db.models import AuditEvent
from db.queries.listing import Listing, SortKey


@dataclass(frozen=True)
class AuditCriteria:
    object_types: Sequence[str] | None = None
    object_ids: Sequence[str] | None = None
    actions: Sequence[str] | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def audit_events(criteria: AuditCriteria) -> Listing[AuditEvent]:
    statement = sa.select(AuditEvent)
    if criteria.object_types is not None:
        statement = statement.where(col(AuditEvent.object_type).in_(criteria.object_types))
    if criteria.object_ids is not None:
        statement = statement.where(col(AuditEvent.object_id).in_(criteria.object_ids))
    if criteria.actions is not None:
        statement = statement.where(col(AuditEvent.action).in_(criteria.actions))
    if criteria.occurred_from is not None:
        statement = statement.where(col(AuditEvent.occurred_at) >= criteria.occurred_from)
    if criteria.occurred_to is not None:
        statement = statement.where(col(AuditEvent.occurred_at) <= criteria.occurred_to)
    return Listing(statement, (SortKey(col(AuditEvent.id), descending=True),), "auditEvents")

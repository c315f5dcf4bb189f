"""The audit trail, newest first, narrowed to what the reader may see.

An event is about one object (``object_type``, ``object_id``); who may read it follows who may
see that object. Objects that belong to an organisation (its submissions, tokens, users,
webhooks, sources, obligations, the organisation itself, its projects and measures) are matched
to their organisation here; every other object (jurisdictions, targets, reference data) is
published data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from db.models import (
    ApiToken,
    AuditEvent,
    Measure,
    Organisation,
    Project,
    Source,
    Submission,
    User,
    WebhookSubscription,
)
from db.queries.listing import Listing, SortKey

# Objects readers never see unless they belong to an organisation the reader oversees.
PRIVATE_TYPES = (
    "submission",
    "api_token",
    "app_user",
    "organisation",
    "webhook_subscription",
    "source",
    "reporting_obligation",
    "organisation_scope",
)
# Objects whose id is written as ``<organisation code>/…``.
_PREFIXED_BY_CODE = ("reporting_obligation", "organisation_scope")


@dataclass(frozen=True)
class AuditCriteria:
    object_types: Sequence[str] | None = None
    object_ids: Sequence[str] | None = None
    actions: Sequence[str] | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


@dataclass(frozen=True)
class AuditReader:
    """Which events a reader sees: those about objects of ``organisations`` (None: every
    event), and, with ``published``, those about published objects."""

    organisations: frozenset[int] | None
    published: bool


EVERYTHING = AuditReader(organisations=None, published=True)


def _id_text(column: Any) -> sa.ColumnElement[str]:
    return sa.cast(column, sa.String)


def _owned_by(organisations: frozenset[int]) -> sa.ColumnElement[bool]:
    """Events about an object of one of ``organisations`` (object ids are stored as text:
    ids, token prefixes, e-mail addresses, codes, ``organisation/indicator/frequency``)."""
    ids = sorted(organisations)
    obj = col(AuditEvent.object_id)
    kind = col(AuditEvent.object_type)
    by_id = {
        "submission": (col(Submission.id), col(Submission.organisation_id)),
        "webhook_subscription": (
            col(WebhookSubscription.id),
            col(WebhookSubscription.organisation_id),
        ),
        "source": (col(Source.id), col(Source.organisation_id)),
        "project": (col(Project.id), col(Project.owner_id)),
        "measure": (col(Measure.id), col(Measure.owner_id)),
    }
    clauses = [
        sa.and_(kind == name, obj.in_(sa.select(_id_text(key)).where(owner.in_(ids))))
        for name, (key, owner) in by_id.items()
    ]
    clauses += [
        sa.and_(
            kind == "api_token",
            obj.in_(sa.select(col(ApiToken.prefix)).where(col(ApiToken.organisation_id).in_(ids))),
        ),
        sa.and_(
            kind == "app_user",
            obj.in_(sa.select(col(User.email)).where(col(User.organisation_id).in_(ids))),
        ),
        sa.and_(
            kind == "organisation",
            obj.in_(sa.select(col(Organisation.code)).where(col(Organisation.id).in_(ids))),
        ),
        sa.and_(  # e.g. organisation/indicator/frequency, organisation/scope jurisdiction
            kind.in_(_PREFIXED_BY_CODE),
            sa.exists().where(
                col(Organisation.id).in_(ids),
                sa.func.substr(obj, 1, sa.func.length(col(Organisation.code)) + 1)
                == col(Organisation.code) + "/",
            ),
        ),
    ]
    return sa.or_(*clauses)


def _visible_to(reader: AuditReader) -> sa.ColumnElement[bool] | None:
    if reader.organisations is None:
        return None
    clauses = [_owned_by(reader.organisations)] if reader.organisations else []
    if reader.published:
        clauses.append(col(AuditEvent.object_type).not_in(PRIVATE_TYPES))
    return sa.or_(*clauses) if clauses else sa.false()


def audit_events(criteria: AuditCriteria, reader: AuditReader = EVERYTHING) -> Listing[AuditEvent]:
    statement = sa.select(AuditEvent)
    visible = _visible_to(reader)
    if visible is not None:
        statement = statement.where(visible)
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


def sees_event(session: Session, reader: AuditReader, event_id: int) -> bool:
    """Whether ``reader`` may see one event (``node(id:)``), by the same rule as the list."""
    visible = _visible_to(reader)
    statement = sa.select(col(AuditEvent.id)).where(col(AuditEvent.id) == event_id)
    if visible is not None:
        statement = statement.where(visible)
    return session.scalar(statement) is not None

"""The one writer of the audit trail: who changed what, when, before/after and why."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.principal import Actor
from db.models import AuditEvent


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    actor_label: str | None = None,
    user_id: int | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add one audit event to the session. Without a principal (``actor=None``: the reference
    loader, the source registry, a partner's intake), ``actor_label`` and the ids say who."""
    event = AuditEvent(
        actor_user_id=actor.user_id if actor else user_id,
        actor_token_id=actor.token_id if actor else None,
        actor_organisation_id=actor.organisation_id if actor else organisation_id,
        actor_label=(actor_label or (actor.label if actor else "system"))[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        reason=reason,
    )
    session.add(event)
    return event

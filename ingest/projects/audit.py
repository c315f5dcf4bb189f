"""The audit trail of projects: one AuditEvent per change, with the actor and before/after."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.actor import Actor
from db.models import AuditEvent, Project


def record(
    session: Session,
    actor: Actor,
    action: str,
    project: Project,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            actor_organisation_id=actor.organisation_id,
            actor_label=actor.label[:200],
            action=action,
            object_type="project",
            object_id=str(project.id),
            before=before,
            after=after,
            reason=reason,
        )
    )

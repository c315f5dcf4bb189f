"""Who may change a project: its owner organisation (not as a viewer) or an administrator."""

from __future__ import annotations

from db.actor import Actor
from ingest.errors import ErrorCode
from ingest.projects.errors import ProjectError


def require_may_change(actor: Actor, owner_id: int, project: str) -> None:
    if not actor.may_write:
        raise ProjectError(ErrorCode.READ_ONLY_ROLE, actor=actor.label, role=actor.role.value)
    if not actor.may_change_owned_by(owner_id):
        raise ProjectError(ErrorCode.NOT_PROJECT_OWNER, actor=actor.label, project=project)


def owner_for_new_project(actor: Actor, owner_id: int | None) -> int:
    """The owner of a project ``actor`` creates: its own organisation unless an administrator
    names another."""
    owner = owner_id if owner_id is not None else actor.organisation_id
    if owner is None:
        raise ProjectError(ErrorCode.REQUIRED_FIELD, "owner", label_en="owner", label_nl="eigenaar")
    require_may_change(actor, owner, "(new)")
    return owner

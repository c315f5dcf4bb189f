"""Who may change a project, and where: its owner organisation (not as a viewer) or an
administrator; a project of a non-administrator lies in its owner's reporting scope."""

from __future__ import annotations

from sqlmodel import Session

from core.principal import Actor
from db.models import Jurisdiction, Organisation
from db.queries.access import scope_jurisdictions
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


def require_may_place(
    session: Session,
    actor: Actor,
    owner_id: int,
    municipality_id: int,
    project: str,
    *,
    current_municipality_id: int | None = None,
) -> None:
    """A project created, or moved to another municipality, by a non-administrator must lie in a
    municipality of its owner's scope: the jurisdictions of its ``organisation_scope`` rows,
    exactly as for figures (a region in scope does not cover its members). A project that stays
    where it is keeps its place."""
    if actor.is_admin or municipality_id == current_municipality_id:
        return
    if municipality_id in scope_jurisdictions(session, owner_id):
        return
    municipality = session.get(Jurisdiction, municipality_id)
    owner = session.get(Organisation, owner_id)
    assert municipality is not None and owner is not None
    raise ProjectError(
        ErrorCode.PROJECT_OUTSIDE_SCOPE,
        "municipality",
        project=project,
        municipality=f"{municipality.name} ({municipality.code})",
        organisation=f"{owner.name} ({owner.code})",
        value=municipality.code,
    )

"""Create, update and move projects: checked, scoped to the owner and its reporting scope, audited,
counted when completed.

Every function works in the caller's transaction and returns a :class:`ProjectChange`; its
``cells`` are the (indicator, jurisdiction) pairs whose progress must be recomputed after the
commit (``services/projects/jobs.py`` queues that).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from core.clock import utcnow
from core.enums import ProjectPhase
from core.principal import Actor
from db.models import Organisation, Project, ProjectPhaseChange, ProjectUnits
from ingest.errors import ErrorCode
from ingest.projects.details import ProjectDetails
from ingest.projects.errors import ProjectError
from ingest.projects.phases import MoveKind, check_move, require_reason_to_change_final
from services import audit
from services.progress.service import queue_recompute_for_cells
from services.projects.codes import load_project_codes
from services.projects.details import (
    ResolvedDetails,
    check_key,
    details_of,
    resolve,
    stored_details,
)
from services.projects.realisation import Contributions, contributions, sync_realisation
from services.projects.scope import owner_for_new_project, require_may_change, require_may_place


@dataclass
class ProjectChange:
    project: Project
    changed: bool
    move: MoveKind | None = None
    cells: set[tuple[int, int]] = field(default_factory=set)


@dataclass(frozen=True)
class PhaseMove:
    """A move to ``phase`` on ``on`` (the completion date, for ``completed``)."""

    phase: ProjectPhase
    on: date
    note: str | None = None
    reason: str | None = None


def create_project(
    session: Session,
    actor: Actor,
    details: ProjectDetails,
    *,
    external_key: str | None = None,
    owner_id: int | None = None,
    start: PhaseMove | None = None,
    today: date | None = None,
    submission_id: int | None = None,
) -> ProjectChange:
    """A new project of the actor's organisation (an administrator may name another owner),
    starting in ``start.phase`` (default: ``initiative`` today)."""
    today = today or date.today()
    owner = owner_for_new_project(actor, owner_id)
    if session.get(Organisation, owner) is None:
        raise ProjectError(ErrorCode.UNKNOWN_ORGANISATION, "owner", value=owner)
    key = check_key(external_key) if external_key is not None else f"wzm-{uuid.uuid4().hex[:12]}"
    if _project_with_key(session, owner, key) is not None:
        raise ProjectError(ErrorCode.DUPLICATE_PROJECT_KEY, "external_key", value=key)
    resolved = resolve(load_project_codes(session), details)
    start = start or PhaseMove(ProjectPhase.INITIATIVE, today)
    label = _label(resolved.name, key)
    require_may_place(session, actor, owner, resolved.municipality_id, label)
    kind = check_move(None, start.phase, start.reason, label)
    _check_completion_date(start, today, label)
    project = Project(
        external_key=key,
        owner_id=owner,
        phase=start.phase,
        name=resolved.name,
        municipality_id=resolved.municipality_id,
    )
    _store(session, project, resolved)
    assert project.id is not None  # _store flushed it
    _record_phase(session, actor, project, None, start)
    audit.record(
        session,
        actor,
        "project.created",
        "project",
        project.id,
        before=None,
        after=state(session, project),
        reason=start.reason,
    )
    change = ProjectChange(project, changed=True, move=kind)
    change.cells = _sync(session, actor, project, {}, reason=None, submission_id=submission_id)
    return change


def update_project(
    session: Session,
    actor: Actor,
    project_id: int,
    details: ProjectDetails,
    *,
    reason: str | None = None,
    submission_id: int | None = None,
) -> ProjectChange:
    """Replace the project's details; the same details again change nothing. A completed or
    cancelled project changes only as a correction, with a reason."""
    project = _project(session, actor, project_id)
    resolved = resolve(load_project_codes(session), details)
    if resolved == stored_details(session, project):
        return ProjectChange(project, changed=False)
    label = _label(project.name, project.external_key)
    require_may_place(
        session,
        actor,
        project.owner_id,
        resolved.municipality_id,
        label,
        current_municipality_id=project.municipality_id,
    )
    require_reason_to_change_final(project.phase, reason, label)
    before = state(session, project)
    counted_before = contributions(session, project)
    _store(session, project, resolved)
    audit.record(
        session,
        actor,
        "project.updated",
        "project",
        project_id,
        before=before,
        after=state(session, project),
        reason=reason,
    )
    change = ProjectChange(project, changed=True)
    change.cells = _sync(
        session,
        actor,
        project,
        counted_before,
        reason=reason or "project details changed",
        submission_id=submission_id,
    )
    return change


def move_phase(
    session: Session,
    actor: Actor,
    project_id: int,
    move: PhaseMove,
    *,
    today: date | None = None,
    submission_id: int | None = None,
) -> ProjectChange:
    """Move the project to another phase (see ingest.projects.phases for what needs a reason);
    the phase history keeps every move. Completing counts the units as realisation; leaving
    ``completed`` withdraws them."""
    today = today or date.today()
    project = _project(session, actor, project_id)
    label = _label(project.name, project.external_key)
    kind = check_move(project.phase, move.phase, move.reason, label)
    if kind is MoveKind.UNCHANGED:
        return ProjectChange(project, changed=False, move=kind)
    _check_completion_date(move, today, label)
    counted_before = contributions(session, project)
    before = project.phase
    project.phase = move.phase
    project.updated_at = utcnow()
    _record_phase(session, actor, project, before, move)
    audit.record(
        session,
        actor,
        "project.phase_changed",
        "project",
        project_id,
        before={"phase": before.value},
        after={
            "phase": move.phase.value,
            "on": move.on.isoformat(),
            "note": move.note,
            "move": kind.value,
        },
        reason=move.reason,
    )
    reason = move.reason or f"project {project.external_key} {move.phase.value}"
    change = ProjectChange(project, changed=True, move=kind)
    change.cells = _sync(
        session, actor, project, counted_before, reason=reason, submission_id=submission_id
    )
    return change


def state(session: Session, project: Project) -> dict[str, Any]:
    """A project as the audit trail shows it (codes, not ids)."""
    session.flush()
    details = details_of(session, project)
    return {
        "external_key": project.external_key,
        "owner_id": project.owner_id,
        "phase": project.phase.value,
        **asdict(details),
        "expected_completion": (
            details.expected_completion.isoformat() if details.expected_completion else None
        ),
        "units": [asdict(line) for line in details.units],
    }


def find_project(session: Session, owner_id: int, external_key: str) -> Project | None:
    return _project_with_key(session, owner_id, external_key)


def _project_with_key(session: Session, owner_id: int, key: str) -> Project | None:
    return session.scalar(
        sa.select(Project).where(
            col(Project.owner_id) == owner_id, col(Project.external_key) == key
        )
    )


def _project(session: Session, actor: Actor, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise ProjectError(ErrorCode.PROJECT_NOT_FOUND, "id", value=project_id)
    require_may_change(actor, project.owner_id, _label(project.name, project.external_key))
    return project


def _store(session: Session, project: Project, resolved: ResolvedDetails) -> None:
    project.name = resolved.name
    project.municipality_id = resolved.municipality_id
    project.district_id = resolved.district_id
    project.location = resolved.location
    project.expected_completion = resolved.expected_completion
    project.notes = resolved.notes
    project.updated_at = utcnow()
    session.add(project)
    session.flush()
    project_id = project.id
    assert project_id is not None  # just flushed
    existing = {
        u.breakdown_key: u
        for u in session.execute(
            sa.select(ProjectUnits).where(col(ProjectUnits.project_id) == project_id)
        ).scalars()
    }
    for key, row in existing.items():
        if key not in resolved.units:
            session.delete(row)
    for key, (housing, group, units) in resolved.units.items():
        row = existing.get(key) or ProjectUnits(
            project_id=project_id,
            housing_type_id=housing,
            target_group_id=group,
            breakdown_key=key,
            units=units,
        )
        row.units = units
        session.add(row)
    session.flush()


def _record_phase(
    session: Session, actor: Actor, project: Project, before: ProjectPhase | None, move: PhaseMove
) -> None:
    assert project.id is not None  # created (and flushed) or loaded before
    session.add(
        ProjectPhaseChange(
            project_id=project.id,
            from_phase=before,
            to_phase=move.phase,
            changed_on=move.on,
            note=move.note,
            reason=(move.reason or "").strip() or None,
            recorded_by_user_id=actor.user_id,
        )
    )
    session.flush()


def needs_review(session: Session, actor: Actor, owner_id: int) -> bool:
    """Whether realisation the actor causes must be reviewed first: yes, unless the actor is an
    administrator or the project's owner is a trusted source."""
    if actor.is_admin:
        return False
    owner = session.get(Organisation, owner_id)
    return owner is None or not owner.trusted_source


def _sync(
    session: Session,
    actor: Actor,
    project: Project,
    counted_before: Contributions,
    *,
    reason: str | None,
    submission_id: int | None,
) -> set[tuple[int, int]]:
    """Count the project's completed units as realisation; a change that is not part of a
    submission queues its own recompute (a submission's follow-up queues the whole file's)."""
    counted_after = contributions(session, project)
    if counted_after == counted_before:
        return set()
    if submission_id is None and needs_review(session, actor, project.owner_id):
        # Realised dwellings are published figures: an untrusted partner's come through a
        # reviewed project file, never straight from a mutation (the transaction rolls back).
        raise ProjectError(
            ErrorCode.COMPLETION_NEEDS_REVIEW,
            "phase",
            project=_label(project.name, project.external_key),
        )
    cells = sync_realisation(
        session,
        project.owner_id,
        {*counted_before, *counted_after},
        reason=reason,
        recorded_at=utcnow(),
        submission_id=submission_id,
    ).cells
    if submission_id is None:
        queue_recompute_for_cells(session, cells)
    return cells


def _check_completion_date(move: PhaseMove, today: date, project: str) -> None:
    if move.phase is ProjectPhase.COMPLETED and move.on > today:
        raise ProjectError(
            ErrorCode.COMPLETION_IN_FUTURE,
            "on",
            project=project,
            value=move.on.isoformat(),
            today=today.isoformat(),
        )


def _label(name: str, key: str) -> str:
    return f"'{name}' ({key})"

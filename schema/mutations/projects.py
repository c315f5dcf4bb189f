"""Creating, changing and moving housing projects (services/projects/jobs.py: the service in
ingest/projects, with the progress recompute queued after the commit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import strawberry
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from strawberry import relay

from core.principal import Actor
from db.engine import session_scope
from db.models import Organisation
from db.models import Project as ProjectRow
from ingest.errors import ErrorCode
from ingest.projects.details import ProjectDetails, UnitsLine
from ingest.projects.errors import ProjectError
from ingest.projects.phases import MoveKind
from schema.context import Info
from schema.enums import ProjectPhase
from schema.mutations.errors import (
    InvalidInput,
    InvalidState,
    NotAllowed,
    NotFound,
    RateLimited,
    rate_limited,
)
from schema.projects import Project, project_row_id
from services.projects.service import (
    PhaseMove,
    ProjectChange,
    create_project,
    move_phase,
    update_project,
)

# strawberry.enum marks the class in place and returns it: ProjectMove is MoveKind itself, which
# type checkers accept in annotations.
ProjectMove = MoveKind
strawberry.enum(
    ProjectMove,
    name="ProjectMove",
    description=(
        "What a phase change was: START (a new project), UNCHANGED, FORWARD, SKIP_FORWARD, "
        "BACKWARD, CANCEL, or CORRECTION (leaving completed or cancelled)."
    ),
)

# Refusals of the phase machine: the project's state does not allow the step without a reason.
STATE_CODES = {
    ErrorCode.BACKWARD_PHASE_WITHOUT_REASON,
    ErrorCode.CANCEL_WITHOUT_REASON,
    ErrorCode.FINAL_PHASE_WITHOUT_REASON,
}
NOT_ALLOWED_CODES = {
    ErrorCode.NOT_PROJECT_OWNER,
    ErrorCode.READ_ONLY_ROLE,
    ErrorCode.PROJECT_OUTSIDE_SCOPE,
}


@strawberry.input(description="Units of one housing type and target group in a project.")
class ProjectUnitsInput:
    units: int = strawberry.field(description="Number of units (more than 0).")
    housing_type: str | None = strawberry.field(
        default=None, description="Housing type code; omitted: not broken down."
    )
    target_group: str | None = strawberry.field(
        default=None, description="Target group code; omitted: not broken down."
    )


@strawberry.input(
    description=(
        "What a project says about itself. On update it replaces the stored details as a whole: "
        "an omitted optional field is cleared."
    )
)
class ProjectInput:
    name: str = strawberry.field(description="Project name.")
    municipality: str = strawberry.field(description="CBS code of its municipality (GM0546).")
    units: list[ProjectUnitsInput] = strawberry.field(
        default_factory=list,
        description="Its units per housing type × target group (each combination once).",
    )
    district: str | None = strawberry.field(
        default=None, description="Code of a district of the municipality."
    )
    location: str | None = strawberry.field(default=None, description="Address or area.")
    expected_completion: date | None = strawberry.field(
        default=None, description="Expected completion date."
    )
    notes: str | None = strawberry.field(default=None, description="Remarks.")

    def details(self) -> ProjectDetails:
        return ProjectDetails(
            name=self.name,
            municipality=self.municipality,
            units=tuple(UnitsLine(u.units, u.housing_type, u.target_group) for u in self.units),
            district=self.district,
            location=self.location,
            expected_completion=self.expected_completion,
            notes=self.notes,
        )


@strawberry.input(description="A new project: its details, key, owner and first phase.")
class NewProjectInput(ProjectInput):
    external_key: str | None = strawberry.field(
        default=None, description="The owner's own key; omitted: one is generated."
    )
    owner: str | None = strawberry.field(
        default=None,
        description="The owning organisation (code); only administrators name another than their own.",
    )
    phase: ProjectPhase = strawberry.field(
        default=ProjectPhase.INITIATIVE, description="The phase it starts in."
    )
    phase_on: date | None = strawberry.field(
        default=None,
        description="The day it entered that phase (its completion date, for COMPLETED); omitted: today.",
    )
    phase_note: str | None = strawberry.field(default=None, description="A remark on the phase.")
    reason: str | None = strawberry.field(
        default=None, description="Why (required when it starts as CANCELLED)."
    )


@strawberry.type(description="The project was saved (or was already as asked).")
class ProjectSaved:
    project: Project = strawberry.field(description="The project as it is now.")
    changed: bool = strawberry.field(
        description="False when the request changed nothing (the same details or phase again)."
    )
    move: ProjectMove | None = strawberry.field(
        description="The kind of phase change, for a new project or a phase move."
    )


ProjectResult = Annotated[
    ProjectSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("ProjectResult", description="The saved project, or why it was not saved."),
]


def actor_of(info: Info) -> Actor:
    """The Actor a service call is made for: the token's user, organisation and role."""
    principal = info.context.principal
    assert principal is not None  # the SignedIn permission guards every mutation
    return principal.actor


def refusal(error: ProjectError) -> NotFound | NotAllowed | InvalidInput | InvalidState:
    """A ProjectError as the result a client branches on, with both messages."""
    common: dict[str, Any] = {
        "message": error.message_en,
        "message_nl": error.message_nl,
        "code": str(error.code),
    }
    if error.code is ErrorCode.PROJECT_NOT_FOUND:
        return NotFound(**common)
    if error.code in NOT_ALLOWED_CODES:
        return NotAllowed(**common)
    if error.code in STATE_CODES:
        return InvalidState(**common)
    return InvalidInput(**common, field=_camel(error.field) if error.field else None)


async def _save(
    info: Info, step: Callable[[Session, Actor], ProjectChange]
) -> ProjectSaved | NotFound | NotAllowed | InvalidInput | InvalidState:
    actor = actor_of(info)

    def run() -> tuple[int, bool, MoveKind | None]:
        with session_scope(info.context.engine) as session:
            change = step(session, actor)
            assert change.project.id is not None  # a stored row
            return change.project.id, change.changed, change.move

    try:
        project_id, changed, move = await run_in_threadpool(run)
    except ProjectError as error:
        return refusal(error)
    info.context.session.expire_all()
    row = info.context.session.get(ProjectRow, project_id)
    return ProjectSaved(project=Project.from_row(row), changed=changed, move=move)


@strawberry.type
class ProjectMutation:
    @strawberry.mutation(
        description=(
            "Add a project of your organisation (administrators: of any). Partners, the task "
            "force and administrators may; viewers not. Except for administrators, its "
            "municipality must be in the organisation's scope (NotAllowed, code "
            "project_outside_scope)."
        )
    )
    async def create_project(self, info: Info, input: NewProjectInput) -> ProjectResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        owner_id = None
        if input.owner is not None:
            owner_id = info.context.session.exec(
                select(Organisation.id).where(Organisation.code == input.owner)
            ).first()
            if owner_id is None:
                return InvalidInput(
                    message=f"No organisation with code '{input.owner}'.",
                    field="owner",
                    code="unknown_organisation",
                    message_nl=f"Er is geen organisatie met code '{input.owner}'.",
                )
        start = PhaseMove(
            ProjectPhase(input.phase),
            input.phase_on or date.today(),
            input.phase_note,
            input.reason,
        )
        details = input.details()
        return await _save(
            info,
            lambda session, actor: create_project(
                session,
                actor,
                details,
                external_key=input.external_key,
                owner_id=owner_id,
                start=start,
            ),
        )

    @strawberry.mutation(
        description=(
            "Replace a project's details (its owner organisation or an administrator). A completed "
            "or cancelled project changes only as a correction, with a reason. Except for "
            "administrators, a new municipality must be in the owner's scope."
        )
    )
    async def update_project(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The project's global id.")],
        input: ProjectInput,
        reason: Annotated[
            str | None,
            strawberry.argument(description="Why (required for a completed or cancelled project)."),
        ] = None,
    ) -> ProjectResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        row_id = project_row_id(id)
        details = input.details()
        return await _save(
            info,
            lambda session, actor: update_project(session, actor, row_id, details, reason=reason),
        )

    @strawberry.mutation(
        description=(
            "Move a project to another phase (its owner organisation or an administrator). Forward "
            "moves need nothing; moving back, cancelling and leaving COMPLETED or CANCELLED need a "
            "reason. Completing counts its units as realisation (dwellings-added) in the month of "
            "completion."
        )
    )
    async def move_project_phase(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The project's global id.")],
        phase: Annotated[ProjectPhase, strawberry.argument(description="The phase to move to.")],
        on: Annotated[
            date,
            strawberry.argument(
                description="The day of the change (the completion date for COMPLETED; not in the future)."
            ),
        ],
        note: Annotated[str | None, strawberry.argument(description="A remark.")] = None,
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why (required to move back, cancel, or leave a final phase)."
            ),
        ] = None,
    ) -> ProjectResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        row_id = project_row_id(id)
        move = PhaseMove(ProjectPhase(phase), on, note, reason)
        return await _save(info, lambda session, actor: move_phase(session, actor, row_id, move))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

"""Creating, updating and moving projects: checks, phase history, audit trail and scope."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core.enums import ProjectPhase, Role
from core.principal import Actor
from db.models import AuditEvent, Project, ProjectUnits
from ingest.errors import ErrorCode
from ingest.projects.details import UnitsLine
from ingest.projects.errors import ProjectError
from services.projects.details import details_of
from services.projects.service import PhaseMove, create_project, move_phase, update_project
from tests.factories import Factory
from tests.ingest.projects.project_support import (
    TODAY,
    audit_actions,
    hofje,
    phase_history,
    project_world,
)


def test_a_created_project_has_its_units_first_phase_and_an_audit_event(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    # when the owner creates a project in the plan phase
    change = create_project(
        session,
        world.owner,
        hofje(district="wk054601"),
        external_key="P-001",
        start=PhaseMove(ProjectPhase.PLAN, date(2025, 1, 15), note="raadsbesluit"),
        today=TODAY,
    )
    project = change.project
    # then it is stored with its units, its first phase in the history, and who did it
    assert (project.owner_id, project.phase, project.municipality_id) == (
        world.owner_id,
        ProjectPhase.PLAN,
        world.leiden_id,
    )
    assert sorted(
        session.scalars(sa.select(ProjectUnits.units).where(ProjectUnits.project_id == project.id))
    ) == [12, 24]
    assert phase_history(session, project.id) == [(None, "plan", None)]
    event = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "project.created")
    ).one()
    assert (event.actor_organisation_id, event.actor_label, event.before) == (
        world.owner_id,
        "anna@portaal.nl",
        None,
    )
    assert event.after["district"] == "WK054601" and event.after["units"][0]["units"] == 24
    assert change.cells == set()  # nothing realised yet


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"municipality": "GM9999"}, ErrorCode.UNKNOWN_JURISDICTION, "municipality"),
        ({"municipality": "HR"}, ErrorCode.NOT_A_MUNICIPALITY, "municipality"),
        ({"municipality": " "}, ErrorCode.REQUIRED_FIELD, "municipality"),
        ({"district": "WK999999"}, ErrorCode.UNKNOWN_DISTRICT, "district"),
        ({"name": ""}, ErrorCode.REQUIRED_FIELD, "name"),
        ({"name": "x" * 301}, ErrorCode.TEXT_TOO_LONG, "name"),
        ({"units": (UnitsLine(0, "geclusterd"),)}, ErrorCode.UNITS_NOT_POSITIVE, "units[1]"),
        ({"units": (UnitsLine(3, "villa"),)}, ErrorCode.UNKNOWN_HOUSING_TYPE, "units[1]"),
        ({"units": (UnitsLine(3, None, "jongeren"),)}, ErrorCode.UNKNOWN_TARGET_GROUP, "units[1]"),
        (
            {"units": (UnitsLine(3, "geclusterd"), UnitsLine(4, "GECLUSTERD"))},
            ErrorCode.DUPLICATE_PROJECT_UNITS,
            "units[2]",
        ),
    ],
)
def test_invalid_details_are_refused_naming_the_field(
    session: Session, make: Factory, changes: dict[str, object], code: ErrorCode, field: str
) -> None:
    world = project_world(session, make)
    with pytest.raises(ProjectError) as refused:
        create_project(session, world.owner, hofje(**changes), external_key="P-1", today=TODAY)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message_en and refused.value.message_nl
    assert session.scalars(sa.select(Project)).all() == []


def test_a_project_key_is_unique_per_organisation(session: Session, make: Factory) -> None:
    world = project_world(session, make)
    create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY)
    create_project(session, world.other, hofje(), external_key="P-1", today=TODAY)  # other owner
    with pytest.raises(ProjectError) as refused:
        create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY)
    assert refused.value.code is ErrorCode.DUPLICATE_PROJECT_KEY


def test_updating_with_the_same_details_changes_nothing_and_a_change_is_audited(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    # the same details (as read back) change nothing
    same = update_project(session, world.owner, project.id, details_of(session, project))
    assert not same.changed and audit_actions(session, project.id) == ["project.created"]
    # fewer units of one type, the other type dropped
    changed = update_project(
        session, world.owner, project.id, hofje(units=(UnitsLine(20, "geclusterd", "ouderen"),))
    )
    assert changed.changed
    assert list(
        session.scalars(sa.select(ProjectUnits.units).where(ProjectUnits.project_id == project.id))
    ) == [20]
    event = session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "project.updated")
    ).one()
    assert [line["units"] for line in event.before["units"]] == [24, 12]
    assert [line["units"] for line in event.after["units"]] == [20]


def test_the_phase_history_keeps_every_move_with_its_reason(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    # forward, skipping plan
    move_phase(session, world.owner, project.id, PhaseMove(ProjectPhase.PERMIT, date(2025, 3, 1)))
    move_phase(
        session, world.owner, project.id, PhaseMove(ProjectPhase.CONSTRUCTION, date(2026, 1, 5))
    )
    # backward without a reason is refused and changes nothing
    with pytest.raises(ProjectError) as refused:
        move_phase(session, world.owner, project.id, PhaseMove(ProjectPhase.PERMIT, TODAY))
    assert refused.value.code is ErrorCode.BACKWARD_PHASE_WITHOUT_REASON
    # with a reason it is recorded
    move_phase(
        session,
        world.owner,
        project.id,
        PhaseMove(ProjectPhase.PERMIT, date(2026, 2, 1), reason="bezwaar gegrond"),
    )
    # the same phase again is no move at all
    again = move_phase(
        session, world.owner, project.id, PhaseMove(ProjectPhase.PERMIT, date(2026, 2, 2))
    )
    assert not again.changed
    assert phase_history(session, project.id) == [
        (None, "initiative", None),
        ("initiative", "permit", None),
        ("permit", "construction", None),
        ("construction", "permit", "bezwaar gegrond"),
    ]
    assert audit_actions(session, project.id).count("project.phase_changed") == 3


def test_cancelled_and_completed_are_final_unless_corrected_with_a_reason(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    with pytest.raises(ProjectError) as refused:
        move_phase(session, world.owner, project.id, PhaseMove(ProjectPhase.CANCELLED, TODAY))
    assert refused.value.code is ErrorCode.CANCEL_WITHOUT_REASON
    move_phase(
        session,
        world.owner,
        project.id,
        PhaseMove(ProjectPhase.CANCELLED, TODAY, reason="grond niet verworven"),
    )
    # neither its phase nor its details change without a reason
    with pytest.raises(ProjectError) as final:
        move_phase(session, world.owner, project.id, PhaseMove(ProjectPhase.PLAN, TODAY))
    assert final.value.code is ErrorCode.FINAL_PHASE_WITHOUT_REASON
    with pytest.raises(ProjectError) as frozen:
        update_project(session, world.owner, project.id, hofje(name="Hofje Noord"))
    assert frozen.value.code is ErrorCode.FINAL_PHASE_WITHOUT_REASON
    update_project(
        session, world.owner, project.id, hofje(name="Hofje Noord"), reason="naam gecorrigeerd"
    )
    move_phase(
        session, world.owner, project.id, PhaseMove(ProjectPhase.PLAN, TODAY, reason="toch door")
    )
    assert project.phase is ProjectPhase.PLAN and project.name == "Hofje Noord"


def test_a_completion_date_after_today_is_refused(session: Session, make: Factory) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    with pytest.raises(ProjectError) as refused:
        move_phase(
            session,
            world.owner,
            project.id,
            PhaseMove(ProjectPhase.COMPLETED, date(2030, 7, 1)),
            today=TODAY,
        )
    assert refused.value.code is ErrorCode.COMPLETION_IN_FUTURE


def test_only_the_owner_or_an_administrator_changes_a_project(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    # a partner of another organisation
    with pytest.raises(ProjectError) as foreign:
        move_phase(session, world.other, project.id, PhaseMove(ProjectPhase.PLAN, TODAY))
    assert foreign.value.code is ErrorCode.NOT_PROJECT_OWNER
    assert "bob@onsdoel.nl" in foreign.value.message_en
    with pytest.raises(ProjectError) as foreign_update:
        update_project(session, world.other, project.id, hofje(name="Overgenomen"))
    assert foreign_update.value.code is ErrorCode.NOT_PROJECT_OWNER
    # a viewer of the owner itself
    with pytest.raises(ProjectError) as viewer:
        move_phase(session, world.viewer, project.id, PhaseMove(ProjectPhase.PLAN, TODAY))
    assert viewer.value.code is ErrorCode.READ_ONLY_ROLE
    # a partner cannot create a project for another organisation
    with pytest.raises(ProjectError) as for_other:
        create_project(
            session, world.other, hofje(), external_key="X", owner_id=world.owner_id, today=TODAY
        )
    assert for_other.value.code is ErrorCode.NOT_PROJECT_OWNER
    # nothing changed
    assert project.phase is ProjectPhase.INITIATIVE and project.name == "Hofje Zuid"
    # an administrator may, and is named in the audit trail
    move_phase(session, world.admin, project.id, PhaseMove(ProjectPhase.PLAN, TODAY))
    created = create_project(
        session, world.admin, hofje(), external_key="A-1", owner_id=world.other_id, today=TODAY
    )
    assert created.project.owner_id == world.other_id
    labels = session.scalars(
        sa.select(AuditEvent.actor_label).where(AuditEvent.action == "project.phase_changed")
    ).all()
    assert labels == ["admin"]


def test_an_unknown_project_is_reported(session: Session, make: Factory) -> None:
    world = project_world(session, make)
    with pytest.raises(ProjectError) as missing:
        move_phase(session, world.owner, 999, PhaseMove(ProjectPhase.PLAN, TODAY))
    assert missing.value.code is ErrorCode.PROJECT_NOT_FOUND


def test_a_partner_creates_projects_only_in_a_municipality_of_its_scope(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    make.jurisdiction(code="GM0579", name="Oegstgeest")
    # inside its scope: saved
    create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY)
    # outside it: refused, naming the project, the municipality and the organisation
    with pytest.raises(ProjectError) as outside:
        create_project(
            session, world.owner, hofje(municipality="GM0579"), external_key="P-2", today=TODAY
        )
    assert (outside.value.code, outside.value.field) == (
        ErrorCode.PROJECT_OUTSIDE_SCOPE,
        "municipality",
    )
    assert outside.value.message_en == (
        "Project 'Hofje Zuid' (P-2) cannot lie in Oegstgeest (GM0579): that municipality is "
        "outside the reporting scope of Portaal (portaal)."
    )
    assert outside.value.message_nl == (
        "Project 'Hofje Zuid' (P-2) kan niet in Oegstgeest (GM0579) liggen: die gemeente valt "
        "buiten het rapportagegebied van Portaal (portaal)."
    )
    assert session.scalars(sa.select(Project.external_key)).all() == ["P-1"]
    assert session.scalars(sa.select(AuditEvent.action)).all() == ["project.created"]


def test_a_region_in_scope_does_not_cover_its_members_as_for_figures(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    regional = make.organisation(code="regio-wonen")
    make.scope(regional.id, world.region_id)
    actor = Actor(None, regional.id, Role.PARTNER, "regio")
    with pytest.raises(ProjectError) as outside:
        create_project(session, actor, hofje(), external_key="R-1", today=TODAY)
    assert outside.value.code is ErrorCode.PROJECT_OUTSIDE_SCOPE


def test_an_administrator_places_a_project_anywhere(session: Session, make: Factory) -> None:
    world = project_world(session, make)
    oegstgeest = make.jurisdiction(code="GM0579", name="Oegstgeest")
    # an administrator creates a project of portaal outside portaal's scope
    created = create_project(
        session,
        world.admin,
        hofje(municipality="GM0579"),
        external_key="A-1",
        owner_id=world.owner_id,
        today=TODAY,
    ).project
    # and moves another project there
    moved = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    update_project(session, world.admin, moved.id, hofje(municipality="GM0579"))
    assert (created.municipality_id, moved.municipality_id) == (oegstgeest.id, oegstgeest.id)
    # the owner still changes such a project, as long as it stays where it is
    renamed = update_project(
        session, world.owner, created.id, hofje(municipality="GM0579", name="Hof")
    )
    assert renamed.changed and created.name == "Hof"
    move_phase(session, world.owner, created.id, PhaseMove(ProjectPhase.PLAN, TODAY))
    assert created.phase is ProjectPhase.PLAN


def test_a_partner_may_not_move_a_project_outside_its_scope(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    make.jurisdiction(code="GM0579", name="Oegstgeest")
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    # moving within its scope is allowed
    update_project(session, world.owner, project.id, hofje(municipality="GM0547"))
    assert project.municipality_id == world.leiderdorp_id
    # moving outside it is refused, and nothing changes
    with pytest.raises(ProjectError) as outside:
        update_project(session, world.owner, project.id, hofje(municipality="GM0579"))
    assert outside.value.code is ErrorCode.PROJECT_OUTSIDE_SCOPE
    assert outside.value.message_en == (
        "Project 'Hofje Zuid' (P-1) cannot lie in Oegstgeest (GM0579): that municipality is "
        "outside the reporting scope of Portaal (portaal)."
    )
    assert project.municipality_id == world.leiderdorp_id
    assert audit_actions(session, project.id) == ["project.created", "project.updated"]

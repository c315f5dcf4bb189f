"""Project files end to end through the outbox and the real broker (Stub or Redis)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session

from core.enums import ProjectPhase, SubmissionChannel
from db.models import (
    AuditEvent,
    Observation,
    Organisation,
    OutboxJob,
    Project,
    ProjectUnits,
    SubmissionError,
)
from services.jobs import INGEST
from services.projects.service import PhaseMove, create_project
from services.submissions import service as intake
from services.submissions.intake import IntakeRequest
from tests.conftest import drain
from tests.factories import Factory
from tests.ingest.projects.project_support import hofje, phase_history, project_world
from tests.workers.submission_support import ADMIN, errors, status

HEADER = "projectcode;naam;gemeente;wijk;locatie;fase;opleverdatum;woonvorm;doelgroep;aantal\n"
HOFJE = "P-1;Hofje Zuid;GM0546;WK054601;Zuidsingel;bouw;2027-06-30;geclusterd;ouderen;24\n"
HOFJE_STEP_FREE = "P-1;Hofje Zuid;GM0546;WK054601;Zuidsingel;bouw;2027-06-30;nultreden;;12\n"
WERF = "P-2;De Werf;546;;;vergunning;31-12-2029;;;40\n"


def as_project_file(request: IntakeRequest) -> IntakeRequest:
    return replace(request, channel=SubmissionChannel.PROJECT)


def send(session: Session, organisation_id: int, content: str, **kw: object):  # type: ignore[no-untyped-def]
    organisation = session.get(Organisation, organisation_id)
    request = IntakeRequest(
        organisation=organisation, channel=SubmissionChannel.CSV, filename="projecten.csv", **kw
    )  # type: ignore[arg-type]
    sent = intake.submit_file(
        session, as_project_file(request), io.BytesIO(content.encode("utf-8"))
    )
    session.commit()
    return sent


def trusted(session: Session, organisation_id: int) -> None:
    session.get(Organisation, organisation_id).trusted_source = True  # type: ignore[union-attr]
    session.commit()


def projects(session: Session) -> list[tuple[str, str, str, int]]:
    session.expire_all()
    rows = session.execute(
        sa.select(
            Project.external_key, Project.name, Project.phase, sa.func.sum(ProjectUnits.units)
        )
        .join(ProjectUnits, ProjectUnits.project_id == Project.id)
        .group_by(Project.id)
        .order_by(Project.external_key)
    )
    return [(key, name, phase.value, units) for key, name, phase, units in rows]


def project_events(session: Session) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == "project")
    )


def test_a_project_file_creates_projects_and_reimporting_changes_nothing(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    trusted(session, world.owner_id)
    # given a file with two projects, one of them in two rows
    sent = send(session, world.owner_id, HEADER + HOFJE + HOFJE_STEP_FREE + WERF)
    drain(broker, worker, INGEST)
    # then both are created, in the file's phase, with the note "import"
    assert status(session, sent.submission.id) == "applied"
    assert projects(session) == [
        ("P-1", "Hofje Zuid", "construction", 36),
        ("P-2", "De Werf", "permit", 40),
    ]
    hofje = session.scalars(sa.select(Project).where(Project.external_key == "P-1")).one()
    assert phase_history(session, hofje.id) == [(None, "construction", None)]
    assert hofje.owner_id == world.owner_id and hofje.district_id is not None
    events = project_events(session)
    # when the same file is sent again it is the same submission
    again = send(session, world.owner_id, HEADER + HOFJE + HOFJE_STEP_FREE + WERF)
    assert (again.created, again.submission.id) == (False, sent.submission.id)
    # and the same rows in another order (another file) change nothing
    reordered = send(session, world.owner_id, HEADER + WERF + HOFJE_STEP_FREE + HOFJE)
    drain(broker, worker, INGEST)
    assert status(session, reordered.submission.id) == "applied"
    assert project_events(session) == events
    assert len(phase_history(session, hofje.id)) == 1


def test_a_changed_row_updates_the_project_and_a_new_phase_is_a_move_noted_import(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    trusted(session, world.owner_id)
    send(session, world.owner_id, HEADER + HOFJE + WERF)
    drain(broker, worker, INGEST)
    # when the werf gets its permit... no: it starts construction and grows to 44 homes
    send(
        session,
        world.owner_id,
        HEADER + HOFJE + WERF.replace("vergunning", "bouw").replace(";40", ";44"),
    )
    drain(broker, worker, INGEST)
    assert projects(session)[1] == ("P-2", "De Werf", "construction", 44)
    werf = session.scalars(sa.select(Project).where(Project.external_key == "P-2")).one()
    assert phase_history(session, werf.id) == [
        (None, "permit", None),
        ("permit", "construction", None),
    ]
    notes = session.scalars(
        sa.select(AuditEvent.after).where(AuditEvent.action == "project.phase_changed")
    ).all()
    assert [n["note"] for n in notes] == ["import"]


def test_row_errors_reject_the_whole_file_and_name_each_row(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    trusted(session, world.owner_id)
    content = HEADER + (
        "P-1;Hofje;GM0546;;;bouw;2027-06-30;geclusterd;;24\n"
        "P-1;Hofje;GM0547;;;bouw;2027-06-30;nultreden;;12\n"  # another municipality
        "P-2;Werf;GM9999;;;vergunning;;;;10\n"  # unknown municipality
        "P-3;Kade;GM0546;;;bijna klaar;;;;10\n"  # unknown phase
        "P-4;Hof;GM0546;;;plan;30-02-2029;villa;;0\n"  # bad date, housing type, units
        "P-5;;GM0546;;;plan;;;;10\n"  # no name
        "P-1;Hofje;GM0546;;;bouw;2027-06-30;geclusterd;;3\n"  # repeats row 2
    )
    sent = send(session, world.owner_id, content)
    drain(broker, worker, INGEST)
    assert status(session, sent.submission.id) == "rejected"
    assert [(row, code) for row, _, code in errors(session, sent.submission.id)] == [
        (4, "unknown_jurisdiction"),
        (5, "unknown_phase"),
        (6, "malformed_date"),
        (6, "unknown_housing_type"),
        (6, "units_not_positive"),
        (7, "missing_value"),
        (3, "inconsistent_project"),
        (8, "duplicate_project_units"),
    ]
    assert session.scalars(sa.select(Project)).all() == []


def test_a_backward_phase_in_a_file_needs_the_correction_reason(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    trusted(session, world.owner_id)
    send(session, world.owner_id, HEADER + HOFJE)
    drain(broker, worker, INGEST)
    back = HEADER + HOFJE.replace("bouw", "vergunning")
    refused = send(session, world.owner_id, back)
    drain(broker, worker, INGEST)
    assert errors(session, refused.submission.id) == [(2, "phase", "backward_phase_without_reason")]
    reasoned = send(session, world.owner_id, back, correction_reason="vergunning aangevochten")
    drain(broker, worker, INGEST)
    assert status(session, reasoned.submission.id) == "applied"
    hofje = session.scalars(sa.select(Project)).one()
    assert phase_history(session, hofje.id)[-1] == (
        "construction",
        "permit",
        "vergunning aangevochten",
    )


def test_an_imported_completion_is_realisation_and_queues_the_recompute(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make, trusted_owner=False)
    make.target(indicator_id=world.indicator_id, jurisdiction_id=world.leiden_id)
    session.commit()
    # given a partner (not trusted): its file waits for approval
    done = HEADER + HOFJE.replace("bouw;2027-06-30", "opgeleverd;2025-03-14")
    sent = send(session, world.owner_id, done)
    drain(broker, worker, INGEST)
    assert status(session, sent.submission.id) == "validated"
    intake.approve(session, sent.submission.id, actor=ADMIN, reason="ok")
    session.commit()
    drain(broker, worker, INGEST)
    # then the completion is counted for March 2025 and the target's progress recomputed
    assert status(session, sent.submission.id) == "applied"
    figures = session.scalars(sa.select(Observation)).all()
    assert [(o.period, int(o.value), o.submission_id) for o in figures] == [
        ("2025-03", 24, sent.submission.id)
    ]
    assert session.scalars(
        sa.select(OutboxJob.actor_name).where(OutboxJob.actor_name == "recompute_progress")
    ).all() == ["recompute_progress"]
    assert session.scalars(sa.select(Project.phase)).one() is ProjectPhase.COMPLETED


def test_an_xlsx_project_file_goes_the_same_way(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    trusted(session, world.owner_id)
    book = Workbook()
    sheet = book.active
    sheet.append(["Project code", "Name", "Municipality", "Phase", "Expected completion", "Units"])
    sheet.append(["X-1", "Kade", "GM0547", "plan", date(2029, 9, 30), 18])
    buffer = io.BytesIO()
    book.save(buffer)
    organisation = session.get(Organisation, world.owner_id)
    sent = intake.submit_file(
        session,
        IntakeRequest(
            organisation=organisation, channel=SubmissionChannel.PROJECT, filename="p.xlsx"
        ),  # type: ignore[arg-type]
        io.BytesIO(buffer.getvalue()),
    )
    session.commit()
    drain(broker, worker, INGEST)
    assert status(session, sent.submission.id) == "applied"
    assert projects(session) == [("X-1", "Kade", "plan", 18)]
    kade = session.scalars(sa.select(Project)).one()
    assert kade.expected_completion == date(2029, 9, 30)


def test_a_project_file_places_projects_only_in_the_organisations_scope(
    session: Session, make: Factory, broker, worker
) -> None:
    world = project_world(session, make)
    make.jurisdiction(code="GM0579", name="Oegstgeest")
    trusted(session, world.owner_id)
    kade = "P-3;Kade;GM0579;;;plan;;;;10\n"
    # a new project outside the scope rejects the file, naming its row and field
    refused = send(session, world.owner_id, HEADER + HOFJE + kade)
    drain(broker, worker, INGEST)
    assert status(session, refused.submission.id) == "rejected"
    assert errors(session, refused.submission.id) == [(3, "municipality", "project_outside_scope")]
    stored = session.scalars(sa.select(SubmissionError)).one()
    assert (stored.value, stored.message_en, stored.message_nl) == (
        "GM0579",
        "Project 'Kade' (P-3) cannot lie in Oegstgeest (GM0579): that municipality is outside "
        "the reporting scope of Portaal (portaal).",
        "Project 'Kade' (P-3) kan niet in Oegstgeest (GM0579) liggen: die gemeente valt buiten "
        "het rapportagegebied van Portaal (portaal).",
    )
    assert session.scalars(sa.select(Project)).all() == []
    # a stored project moved outside by a file is refused too
    send(session, world.owner_id, HEADER + HOFJE)
    drain(broker, worker, INGEST)
    moved = send(session, world.owner_id, HEADER + HOFJE.replace("GM0546;WK054601", "GM0579;"))
    drain(broker, worker, INGEST)
    assert errors(session, moved.submission.id) == [(2, "municipality", "project_outside_scope")]
    # a project an administrator placed outside stays there when the file keeps it there
    create_project(
        session,
        world.admin,
        hofje(municipality="GM0579"),
        external_key="P-3",
        owner_id=world.owner_id,
        start=PhaseMove(ProjectPhase.PLAN, date.today()),
    )
    session.commit()
    kept = send(session, world.owner_id, HEADER + HOFJE + kade)
    drain(broker, worker, INGEST)
    assert status(session, kept.submission.id) == "applied"
    assert projects(session) == [
        ("P-1", "Hofje Zuid", "construction", 24),
        ("P-3", "Kade", "plan", 10),
    ]

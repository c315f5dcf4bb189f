"""Completion → realisation: counted once, per breakdown, for the completion month; withdrawn
(superseded without successor) when the completion is corrected; as-of still shows it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core.clock import utcnow
from core.enums import ProjectPhase
from db.models import Observation
from ingest.projects.details import UnitsLine
from services.projects.service import PhaseMove, create_project, move_phase, update_project
from tests.factories import Factory
from tests.ingest.projects.project_support import TODAY, hofje, project_world, realisation

COMPLETED = PhaseMove(ProjectPhase.COMPLETED, date(2028, 3, 14), note="sleuteloverdracht")


def known_at(session: Session, moment: object) -> list[str]:
    rows = session.scalars(
        sa.select(Observation).where(
            Observation.recorded_at <= moment,
            sa.or_(Observation.superseded_at.is_(None), Observation.superseded_at > moment),
        )
    )
    return sorted(format(o.value.normalize(), "f") for o in rows)


def test_completing_counts_the_units_once_per_breakdown_for_the_completion_month(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    # when the project is completed
    change = move_phase(session, world.owner, project.id, COMPLETED, today=TODAY)
    # then its units are dwellings added by the owner in Leiden in March 2028
    rows = session.scalars(sa.select(Observation).order_by(Observation.id)).all()
    assert [(o.period, o.value, o.project_id, o.source_organisation_id) for o in rows] == [
        ("2028-03", 24, project.id, world.owner_id),
        ("2028-03", 12, project.id, world.owner_id),
    ]
    assert {(o.indicator_id, o.jurisdiction_id, o.period_start, o.period_end) for o in rows} == {
        (world.indicator_id, world.leiden_id, date(2028, 3, 1), date(2028, 3, 31))
    }
    assert rows[0].target_group_id is not None and rows[1].target_group_id is None
    assert change.cells == {(world.indicator_id, world.leiden_id)}
    # completing again, or re-saving the same details, writes nothing new
    again = move_phase(session, world.owner, project.id, COMPLETED, today=TODAY)
    assert not again.changed and again.cells == set()
    assert len(realisation(session)) == 2


def test_a_corrected_completion_withdraws_the_figures_and_as_of_still_shows_them(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    move_phase(session, world.owner, project.id, COMPLETED, today=TODAY)
    session.commit()
    while_completed = utcnow()
    # when the completion turns out to be wrong
    change = move_phase(
        session,
        world.owner,
        project.id,
        PhaseMove(ProjectPhase.CONSTRUCTION, date(2028, 4, 1), reason="oplevering afgekeurd"),
        today=TODAY,
    )
    session.commit()
    # then the figures are superseded without a successor, with the reason
    rows = session.scalars(sa.select(Observation).order_by(Observation.id)).all()
    assert [(o.superseded_at is not None, o.superseded_by_id, o.change_reason) for o in rows] == [
        (True, None, "oplevering afgekeurd"),
        (True, None, "oplevering afgekeurd"),
    ]
    assert change.cells == {(world.indicator_id, world.leiden_id)}
    # as of a moment while it was completed, the figures were known; now they are not
    assert known_at(session, while_completed) == ["12", "24"]
    assert known_at(session, utcnow()) == []
    # completing it later counts it again, as the next version
    move_phase(
        session,
        world.owner,
        project.id,
        PhaseMove(ProjectPhase.COMPLETED, date(2028, 5, 2)),
        today=TODAY,
    )
    assert [(p, v, version, current) for p, _, v, version, current, _ in realisation(session)][
        2:
    ] == [("2028-05", "24", 1, True), ("2028-05", "12", 1, True)]


def test_changing_the_units_of_a_completed_project_corrects_its_figures(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    move_phase(session, world.owner, project.id, COMPLETED, today=TODAY)
    update_project(
        session,
        world.owner,
        project.id,
        hofje(units=(UnitsLine(22, "geclusterd", "ouderen"), UnitsLine(12, "nultreden"))),
        reason="2 woningen samengevoegd",
    )
    assert [
        (v, version, current, why) for _, _, v, version, current, why in realisation(session)
    ] == [
        ("24", 1, False, None),
        ("12", 1, True, None),
        ("22", 2, True, "2 woningen samengevoegd"),
    ]


def test_projects_completed_in_the_same_cell_are_summed_and_withdrawn_one_by_one(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    units = (UnitsLine(10, "nultreden"),)
    first = create_project(
        session, world.owner, hofje(units=units), external_key="P-1", today=TODAY
    ).project
    second = create_project(
        session,
        world.owner,
        hofje(name="Hofje Noord", units=(UnitsLine(5, "nultreden"),)),
        external_key="P-2",
        today=TODAY,
    ).project
    move_phase(session, world.owner, first.id, COMPLETED, today=TODAY)
    move_phase(session, world.owner, second.id, COMPLETED, today=TODAY)
    move_phase(
        session,
        world.owner,
        first.id,
        PhaseMove(ProjectPhase.CONSTRUCTION, date(2028, 4, 1), reason="dubbel ingevoerd"),
        today=TODAY,
    )
    # one figure per cell and source: 10, then 15 (both), then 5 (the second only)
    assert [(v, version, current) for _, _, v, version, current, _ in realisation(session)] == [
        ("10", 1, False),
        ("15", 2, False),
        ("5", 3, True),
    ]
    current = session.scalars(
        sa.select(Observation).where(Observation.superseded_at.is_(None))
    ).one()
    assert current.project_id == second.id and current.source["project_ids"] == [second.id]


@pytest.mark.parametrize("phase", [ProjectPhase.PERMIT, ProjectPhase.CANCELLED])
def test_only_completion_counts(session: Session, make: Factory, phase: ProjectPhase) -> None:
    world = project_world(session, make)
    project = create_project(session, world.owner, hofje(), external_key="P-1", today=TODAY).project
    change = move_phase(
        session, world.owner, project.id, PhaseMove(phase, TODAY, reason="x"), today=TODAY
    )
    assert change.cells == set() and realisation(session) == []

"""Measure status reports: owner and task force only, history kept, overdue detection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from db.actor import Actor
from db.models import AuditEvent, Measure, MeasureStatusUpdate
from db.models.enums import MeasureStatus, Role
from tests.factories import Factory
from workers.periodic.measures import MeasureStatusError, overdue_measures, report_measure_status


def measure(session: Session, make: Factory, **kw: object) -> Measure:
    if "owner_id" not in kw:
        kw["owner_id"] = make.organisation().id
    row = Measure(
        document_id=make.document().id, code=kw.pop("code", "1a"), title="Maatregel", **kw
    )  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def test_the_owner_reports_and_the_history_is_kept(session: Session, make: Factory) -> None:
    row = measure(session, make)
    owner = Actor(user_id=None, organisation_id=row.owner_id, role=Role.PARTNER, label="owner")
    # when the owner reports progress twice, and then a back-dated report arrives
    report_measure_status(
        session, owner, row.id, MeasureStatus.IN_PROGRESS, date(2026, 3, 1), "gestart", Decimal(10)
    )  # type: ignore[arg-type]
    report_measure_status(
        session, owner, row.id, MeasureStatus.DELAYED, date(2026, 6, 1), "vergunning", Decimal(30)
    )  # type: ignore[arg-type]
    report_measure_status(
        session, owner, row.id, MeasureStatus.PLANNED, date(2026, 1, 1), "nagekomen"
    )  # type: ignore[arg-type]
    session.commit()
    # then the measure shows the latest report, the history has all three, each audited
    session.refresh(row)
    assert (row.status, row.percent_complete) == (MeasureStatus.DELAYED, Decimal(30))
    history = session.exec(
        select(MeasureStatusUpdate).order_by(MeasureStatusUpdate.reported_on)
    ).all()  # type: ignore[arg-type]
    assert [u.status for u in history] == [
        MeasureStatus.PLANNED,
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.DELAYED,
    ]
    audits = session.exec(
        select(AuditEvent).where(AuditEvent.action == "measure.status_reported")
    ).all()
    assert len(audits) == 3 and audits[1].before == {
        "status": "in_progress",
        "percent_complete": "10",
    }


@pytest.mark.parametrize(
    ("role", "own", "allowed"),
    [
        (Role.TASKFORCE, False, True),
        (Role.ADMIN, False, True),
        (Role.PARTNER, False, False),
        (Role.VIEWER, True, False),
    ],
)
def test_only_the_owner_and_the_task_force_report(
    session: Session, make: Factory, role: Role, own: bool, allowed: bool
) -> None:
    row = measure(session, make)
    other = make.organisation().id
    actor = Actor(
        user_id=None, organisation_id=row.owner_id if own else other, role=role, label="x"
    )
    if allowed:
        report_measure_status(
            session, actor, row.id, MeasureStatus.DONE, date(2026, 7, 1), None, None
        )  # type: ignore[arg-type]
        assert row.status is MeasureStatus.DONE
        return
    with pytest.raises(MeasureStatusError) as refused:
        report_measure_status(
            session, actor, row.id, MeasureStatus.DONE, date(2026, 7, 1), None, None
        )  # type: ignore[arg-type]
    assert refused.value.code == "not_allowed"
    assert session.exec(select(MeasureStatusUpdate)).all() == []


def test_a_measure_is_overdue_after_its_due_period_until_done_or_cancelled(
    session: Session, make: Factory
) -> None:
    quarter = measure(session, make, code="q", due="2026-Q2", status=MeasureStatus.IN_PROGRESS)
    measure(session, make, code="y", due="2026", status=MeasureStatus.PLANNED)
    measure(session, make, code="done", due="2025", status=MeasureStatus.DONE)
    measure(session, make, code="cancelled", due="2025-H1", status=MeasureStatus.CANCELLED)
    measure(session, make, code="vague", due="doorlopend", status=MeasureStatus.PLANNED)
    session.commit()
    assert overdue_measures(session, date(2026, 6, 30)) == []  # the last day of Q2 is not late
    [late] = overdue_measures(session, date(2026, 7, 1))
    assert (late.measure_id, late.due, late.due_end) == (quarter.id, "2026-Q2", date(2026, 6, 30))
    assert [m.code for m in overdue_measures(session, date(2027, 1, 1))] == ["q", "y"]

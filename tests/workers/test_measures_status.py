"""Measure status reports: the owner, the task force of its area and administrators only, history
kept, overdue detection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from core.enums import JurisdictionKind, MeasureStatus, RegionType, Role
from core.principal import Actor
from db.models import (
    AuditEvent,
    Jurisdiction,
    Measure,
    MeasureStatusUpdate,
    PolicyDocument,
    RegionMembership,
)
from services.policy.measures import MeasureStatusError, overdue_measures, report_measure_status
from tests.factories import Factory


def measure(session: Session, make: Factory, **kw: object) -> Measure:
    if "owner_id" not in kw:
        kw["owner_id"] = make.organisation().id
    row = Measure(
        document_id=make.document().id, code=kw.pop("code", "1a"), title="Maatregel", **kw
    )  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def region_of(session: Session, make: Factory, row: Measure) -> Jurisdiction:
    """A region with the jurisdiction of the measure's document as its member."""
    region = make.jurisdiction(kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION)
    document = session.get(PolicyDocument, row.document_id)
    assert document is not None
    session.add(RegionMembership(region_id=region.id, member_id=document.jurisdiction_id))
    session.flush()
    return region


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
    make.scope(other, region_of(session, make, row).id)  # the task force's area holds the measure
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


def test_a_task_force_reports_only_on_measures_of_its_area(session: Session, make: Factory) -> None:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    oegstgeest = make.jurisdiction(code="GM0579", name="Oegstgeest")
    region = make.jurisdiction(
        code="rg-leidse-regio", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=region.id, member_id=leiden.id))
    taskforce = make.organisation(code="taskforce-lr")
    make.scope(taskforce.id, region.id)
    actor = Actor(user_id=None, organisation_id=taskforce.id, role=Role.TASKFORCE, label="tf")
    admin = Actor(user_id=None, organisation_id=None, role=Role.ADMIN, label="admin")

    def in_document_of(jurisdiction: Jurisdiction, code: str, **kw: object) -> Measure:
        document = make.document(code=f"wzv-{code}", jurisdiction_id=jurisdiction.id)
        row = Measure(document_id=document.id, code=code, title="Maatregel", **kw)
        session.add(row)
        session.flush()
        return row

    def report(who: Actor, row: Measure) -> MeasureStatusUpdate:
        on = date(2026, 7, 1)
        return report_measure_status(session, who, row.id, MeasureStatus.DONE, on)  # type: ignore[arg-type]

    # a measure of a member of its region, and of the region itself: reported
    report(actor, in_document_of(leiden, "1a"))
    report(actor, in_document_of(region, "1b"))
    # a measure of a municipality outside its regions: refused, naming why
    elsewhere = in_document_of(oegstgeest, "2a")
    with pytest.raises(MeasureStatusError) as refused:
        report(actor, elsewhere)
    assert (refused.value.code, str(refused.value)) == (
        "outside_area",
        "task force taskforce-lr reports only on measures of its area; measure 2a is in policy "
        "document wzv-2a of Oegstgeest (GM0579), outside its regions",
    )
    assert elsewhere.status is MeasureStatus.PLANNED
    # an administrator reports on it; so would the task force if it owned the measure
    report(admin, elsewhere)
    report(actor, in_document_of(oegstgeest, "2b", owner_id=taskforce.id))
    assert len(session.exec(select(MeasureStatusUpdate)).all()) == 4


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

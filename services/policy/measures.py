"""Measure status reports (owner organisation, the task force of its area, administrators) and
overdue measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from core.enums import MeasureStatus, Role
from core.principal import Actor
from db.models import (
    Jurisdiction,
    Measure,
    MeasureStatusUpdate,
    Organisation,
    PolicyDocument,
)
from db.queries.access import taskforce_area
from ingest.periods import Period, PeriodError
from services import audit

CLOSED = (MeasureStatus.DONE, MeasureStatus.CANCELLED)


class MeasureStatusError(ValueError):
    """An expected refusal: ``code`` is ``not_found``, ``not_allowed``, ``outside_area`` (a task
    force and a measure of another area) or ``invalid``."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def report_measure_status(
    session: Session,
    actor: Actor,
    measure_id: int,
    status: MeasureStatus,
    date: date,
    note: str | None = None,
    percent_complete: Decimal | None = None,
) -> MeasureStatusUpdate:
    """Record a dated status report; the measure's own status follows the latest report.

    Allowed for administrators, writing users of the owner organisation, and a task force for
    the measures of its area (see :func:`may_report`). A report dated before the latest one is
    kept in the history without changing the current status.
    """
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise MeasureStatusError("not_found", f"no measure with id {measure_id}", "measure")
    if not may_report(session, actor, measure):
        raise _refusal(session, actor, measure)
    if percent_complete is not None and not Decimal(0) <= percent_complete <= Decimal(100):
        raise MeasureStatusError(
            "invalid", "percent complete is between 0 and 100", "percent_complete"
        )
    before = _state(measure)
    update = MeasureStatusUpdate(
        measure_id=measure_id,
        status=status,
        reported_on=date,
        note=note,
        percent_complete=percent_complete,
        reported_by_organisation_id=actor.organisation_id,
        reported_by_user_id=actor.user_id,
    )
    session.add(update)
    session.flush()
    if _is_latest(session, update):
        measure.status = status
        if percent_complete is not None:
            measure.percent_complete = percent_complete
    audit.record(
        session,
        actor,
        "measure.status_reported",
        "measure",
        measure_id,
        before=before,
        after={**_state(measure), "reported": status.value, "reported_on": date.isoformat()},
        reason=note,
    )
    return update


def may_report(session: Session, actor: Actor, measure: Measure) -> bool:
    """An administrator reports on any measure, a writing user of the owner organisation on its
    own, a task force on those whose policy document is about a jurisdiction of its area (its
    scope regions and their members)."""
    if actor.is_admin or (actor.may_write and actor.owns(measure.owner_id)):
        return True
    if actor.role is not Role.TASKFORCE or actor.organisation_id is None:
        return False
    document = session.get(PolicyDocument, measure.document_id)
    assert document is not None
    return document.jurisdiction_id in taskforce_area(session, actor.organisation_id)


def _refusal(session: Session, actor: Actor, measure: Measure) -> MeasureStatusError:
    if actor.role is not Role.TASKFORCE or actor.organisation_id is None:
        return MeasureStatusError(
            "not_allowed",
            "only the owner organisation or the task force of its area reports on measure "
            f"{measure.code}",
        )
    document = session.get(PolicyDocument, measure.document_id)
    jurisdiction = session.get(Jurisdiction, document.jurisdiction_id) if document else None
    taskforce = session.get(Organisation, actor.organisation_id)
    assert document is not None and jurisdiction is not None and taskforce is not None
    return MeasureStatusError(
        "outside_area",
        f"task force {taskforce.code} reports only on measures of its area; measure "
        f"{measure.code} is in policy document {document.code} of {jurisdiction.name} "
        f"({jurisdiction.code}), outside its regions",
    )


def _is_latest(session: Session, update: MeasureStatusUpdate) -> bool:
    latest = session.exec(
        select(MeasureStatusUpdate)
        .where(col(MeasureStatusUpdate.measure_id) == update.measure_id)
        .order_by(
            col(MeasureStatusUpdate.reported_on).desc(),
            col(MeasureStatusUpdate.id).desc(),
        )
    ).first()
    return latest is not None and latest.id == update.id


def _state(measure: Measure) -> dict[str, object]:
    percent = measure.percent_complete
    return {
        "status": measure.status.value,
        "percent_complete": None if percent is None else format(percent.normalize(), "f"),
    }


@dataclass(frozen=True)
class OverdueMeasure:
    measure_id: int
    code: str
    title: str
    owner_id: int | None
    owner_code: str | None
    due: str
    due_end: date
    status: MeasureStatus


def overdue_measures(
    session: Session, today: date, owner_id: int | None = None
) -> list[OverdueMeasure]:
    """Measures whose due period ("2026-Q2", "2026", …) has ended and that are not done or
    cancelled; a due text that is not a period is skipped."""
    query = select(Measure).where(
        col(Measure.due).is_not(None),
        col(Measure.status).not_in(CLOSED),
    )
    if owner_id is not None:
        query = query.where(col(Measure.owner_id) == owner_id)
    owners = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    overdue = []
    for measure in session.exec(query):
        assert measure.id is not None  # loaded from the database
        try:
            due = Period.parse(measure.due or "")
        except PeriodError:
            continue
        if due.end < today:
            overdue.append(
                OverdueMeasure(
                    measure_id=measure.id,
                    code=measure.code,
                    title=measure.title,
                    owner_id=measure.owner_id,
                    owner_code=owners.get(measure.owner_id),
                    due=str(due),
                    due_end=due.end,
                    status=measure.status,
                )
            )
    return sorted(overdue, key=lambda m: (m.due_end, m.code, m.measure_id))

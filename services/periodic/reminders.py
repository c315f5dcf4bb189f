"""Reminders: after the due date, each missing cell is reminded once to the organisation that owes
it, and each overdue measure once (per due period) to its owner — by webhook (``reminder``) and,
when SMTP is configured, by e-mail. The ``reminder`` table's unique keys make it at most once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import WebhookEvent
from core.settings import Settings
from db.models import (
    Indicator,
    Jurisdiction,
    Measure,
    Organisation,
    Reminder,
    ReportingObligation,
    WebhookSubscription,
)
from ingest.periods import Period
from services.jobs import enqueue_job
from services.periodic.calendar import MissingReport, missing_reports
from services.periodic.reminder_mail import compose, recipients, send
from services.periodic.webhooks import emit
from services.policy.measures import OverdueMeasure, overdue_measures

WEBHOOK = "webhook"
EMAIL = "email"


@dataclass
class ReminderBatch:
    """What one organisation is reminded of in one run."""

    organisation_id: int
    cells: list[MissingReport] = field(default_factory=list)
    measures: list[OverdueMeasure] = field(default_factory=list)
    reminder_ids: list[int] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)


def send_reminders(session: Session, today: date, settings: Settings) -> list[ReminderBatch]:
    """Remind every organisation of what it has not been reminded of yet; returns the batches."""
    batches = _new_batches(session, today)
    for batch in batches.values():
        batch.channels = _channels(session, batch, settings)
        rows = [_cell_reminder(c, batch.channels) for c in batch.cells] + [
            _measure_reminder(m, batch.channels) for m in batch.measures
        ]
        session.add_all(rows)
        session.flush()
        for row in rows:
            assert row.id is not None  # just flushed
            batch.reminder_ids.append(row.id)
        if WEBHOOK in batch.channels:
            emit(session, WebhookEvent.REMINDER, reminder_payload(batch), [batch.organisation_id])
        if EMAIL in batch.channels:
            enqueue_job(session, "send_reminder_email", reminder_ids=batch.reminder_ids)
    return sorted(batches.values(), key=lambda b: b.organisation_id)


def _new_batches(session: Session, today: date) -> dict[int, ReminderBatch]:
    reminded_cells = set(
        session.exec(
            select(Reminder.obligation_id, Reminder.jurisdiction_id, Reminder.period).where(
                col(Reminder.obligation_id).is_not(None)
            )
        ).all()
    )
    reminded_measures = set(
        session.exec(
            select(Reminder.measure_id, Reminder.period).where(
                col(Reminder.measure_id).is_not(None)
            )
        ).all()
    )
    batches: dict[int, ReminderBatch] = {}

    def batch_of(organisation_id: int) -> ReminderBatch:
        return batches.setdefault(organisation_id, ReminderBatch(organisation_id))

    for cell in missing_reports(session, today):
        if (cell.obligation_id, cell.jurisdiction_id, cell.period) not in reminded_cells:
            batch_of(cell.organisation_id).cells.append(cell)
    for measure in overdue_measures(session, today):
        if (
            measure.owner_id is not None
            and (measure.measure_id, measure.due) not in reminded_measures
        ):
            batch_of(measure.owner_id).measures.append(measure)
    return batches


def _channels(session: Session, batch: ReminderBatch, settings: Settings) -> list[str]:
    channels = []
    subscriptions = session.exec(
        select(WebhookSubscription.events).where(
            WebhookSubscription.organisation_id == batch.organisation_id,
            col(WebhookSubscription.active).is_(True),
        )
    ).all()
    if any(WebhookEvent.REMINDER.value in events for events in subscriptions):
        channels.append(WEBHOOK)
    obligation_ids = sorted({c.obligation_id for c in batch.cells})
    if settings.smtp_host and recipients(session, batch.organisation_id, obligation_ids):
        channels.append(EMAIL)
    return channels


def _cell_reminder(cell: MissingReport, channels: list[str]) -> Reminder:
    return Reminder(
        organisation_id=cell.organisation_id,
        obligation_id=cell.obligation_id,
        jurisdiction_id=cell.jurisdiction_id,
        period=cell.period,
        channels=channels,
    )


def _measure_reminder(measure: OverdueMeasure, channels: list[str]) -> Reminder:
    assert measure.owner_id is not None  # batched by owner: only measures with one
    return Reminder(
        organisation_id=measure.owner_id,
        measure_id=measure.measure_id,
        period=measure.due,
        channels=channels,
    )


def reminder_payload(batch: ReminderBatch) -> dict[str, object]:
    return {
        "missingReports": [
            {
                "indicator": c.indicator_code,
                "jurisdiction": c.jurisdiction_code,
                "period": c.period,
                "dueOn": c.due_on.isoformat(),
            }
            for c in batch.cells
        ],
        "overdueMeasures": [
            {
                "id": m.measure_id,
                "code": m.code,
                "title": m.title,
                "due": m.due,
                "status": m.status.value,
            }
            for m in batch.measures
        ],
    }


def reminded_batch(session: Session, reminder_ids: list[int]) -> dict[str, list[Reminder]]:
    """The stored reminders by kind (for the e-mail actor)."""
    grouped: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in session.exec(select(Reminder).where(col(Reminder.id).in_(reminder_ids))):
        grouped["cells" if reminder.obligation_id else "measures"].append(reminder)
    return grouped


def mail_reminders(session: Session, reminder_ids: list[int], settings: Settings) -> bool:
    """E-mail the reminders not mailed yet (one message per organisation); True if one was sent.

    The mark is set in the caller's transaction after the message went out: a failure before
    the commit sends the message again on the retry (at least once, never silently lost).
    """
    unsent = [
        r
        for rows in reminded_batch(session, reminder_ids).values()
        for r in rows
        if r.email_sent_at is None
    ]
    if not unsent or not settings.smtp_host:
        return False
    organisation = session.get(Organisation, unsent[0].organisation_id)
    assert organisation is not None and organisation.id is not None
    cells = [_stored_cell(session, r) for r in unsent if r.obligation_id is not None]
    measures = [m for r in unsent if r.measure_id is not None if (m := _stored_measure(session, r))]
    to = recipients(session, organisation.id, sorted({c.obligation_id for c in cells}))
    if not to:
        return False
    send(settings, compose(settings, organisation, to, cells, measures))
    sent_at = utcnow()
    for reminder in unsent:
        reminder.email_sent_at = sent_at
    return True


def _stored_cell(session: Session, reminder: Reminder) -> MissingReport:
    obligation = session.get(ReportingObligation, reminder.obligation_id)
    assert obligation is not None
    indicator = session.get(Indicator, obligation.indicator_id)
    jurisdiction = session.get(Jurisdiction, reminder.jurisdiction_id)
    organisation = session.get(Organisation, reminder.organisation_id)
    assert indicator is not None and jurisdiction is not None and organisation is not None
    # loaded from the database: all have ids
    assert obligation.id is not None and organisation.id is not None
    assert indicator.id is not None and jurisdiction.id is not None
    return MissingReport(
        obligation_id=obligation.id,
        organisation_id=organisation.id,
        organisation_code=organisation.code,
        indicator_id=indicator.id,
        indicator_code=indicator.code,
        jurisdiction_id=jurisdiction.id,
        jurisdiction_code=jurisdiction.code,
        period=reminder.period,
        due_on=Period.parse(reminder.period).end + timedelta(days=obligation.due_days),
    )


def _stored_measure(session: Session, reminder: Reminder) -> OverdueMeasure | None:
    measure = session.get(Measure, reminder.measure_id)
    if measure is None:
        return None
    assert measure.id is not None  # loaded from the database
    return OverdueMeasure(
        measure_id=measure.id,
        code=measure.code,
        title=measure.title,
        owner_id=measure.owner_id,
        owner_code=None,
        due=reminder.period,
        due_end=Period.parse(reminder.period).end,
        status=measure.status,
    )

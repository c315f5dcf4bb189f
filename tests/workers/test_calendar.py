"""The reporting calendar: missing cells after the due date, reminded once, only to who owes them."""

from __future__ import annotations

import email
import email.policy
from datetime import date

import pytest
from sqlmodel import Session, select

from core.enums import MeasureStatus, ReportingFrequency, Role, WebhookEvent
from core.settings import Settings, get_settings
from db.models import (
    Measure,
    Reminder,
    ReportingObligation,
    ReportingObligationJurisdiction,
    User,
    WebhookDelivery,
)
from services.jobs import MAINTENANCE
from services.periodic.calendar import missing_reports
from services.periodic.reminders import send_reminders
from services.periodic.webhooks import subscribe
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.periodic.servers import Reply, scripted_http_server, smtp_server

TODAY = date(2026, 8, 20)  # 2026-Q1 was due on 15 May, 2026-Q2 on 14 August (45 days)


@pytest.fixture(autouse=True)
def local_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted webhook receivers listen on http://127.0.0.1, as in development."""
    monkeypatch.setattr(get_settings(), "webhook_allow_http", True)
    monkeypatch.setattr(get_settings(), "webhook_allow_private_addresses", True)


def obligation(
    session: Session, organisation_id: int, indicator_id: int, *jurisdictions: int, **kw: object
) -> ReportingObligation:
    row = ReportingObligation(
        organisation_id=organisation_id,
        indicator_id=indicator_id,
        frequency=kw.pop("frequency", ReportingFrequency.QUARTERLY),
        due_days=kw.pop("due_days", 45),
        first_period=kw.pop("first_period", "2026-Q1"),
        **kw,
    )
    session.add(row)
    session.flush()
    for jurisdiction_id in jurisdictions:
        session.add(
            ReportingObligationJurisdiction(obligation_id=row.id, jurisdiction_id=jurisdiction_id)
        )
    session.flush()
    return row


def calendar_world(session: Session, make: Factory) -> dict[str, int]:
    leiden = make.jurisdiction(code="GM0546")
    oegstgeest = make.jurisdiction(code="GM0579")
    added = make.indicator(code="dwellings-added")
    punctual = make.organisation(code="gem-leiden")
    late = make.organisation(code="gem-oegstgeest")
    obligation(session, punctual.id, added.id, leiden.id)
    obligation(session, late.id, added.id, oegstgeest.id, contact_email="wonen@oegstgeest.example")
    for period in ("2026-Q1", "2026-Q2"):  # Leiden reported both quarters
        make.observation(
            indicator_id=added.id,
            jurisdiction_id=leiden.id,
            source_organisation_id=punctual.id,
            period=period,
        )
    # Oegstgeest reported Q1 through someone else's figure only: that does not count
    make.observation(
        indicator_id=added.id,
        jurisdiction_id=oegstgeest.id,
        source_organisation_id=punctual.id,
        period="2026-Q1",
    )
    session.commit()
    return {
        "punctual": punctual.id,
        "late": late.id,
        "oegstgeest": oegstgeest.id,
        "added": added.id,
    }


def test_missing_reports_are_the_owed_cells_after_their_due_date(
    session: Session, make: Factory
) -> None:
    ids = calendar_world(session, make)
    missing = missing_reports(session, TODAY)
    assert [(m.organisation_code, m.jurisdiction_code, m.period, m.due_on) for m in missing] == [
        ("gem-oegstgeest", "GM0579", "2026-Q1", date(2026, 5, 15)),
        ("gem-oegstgeest", "GM0579", "2026-Q2", date(2026, 8, 14)),
    ]
    # on the due date itself nothing is missing yet for that period
    assert [m.period for m in missing_reports(session, date(2026, 8, 14))] == ["2026-Q1"]
    assert missing_reports(session, TODAY, organisation_id=ids["punctual"]) == []


def test_reminders_go_only_to_the_missing_organisation_and_only_once(
    session: Session, make: Factory, broker, worker
) -> None:
    ids = calendar_world(session, make)
    with scripted_http_server() as hooks:
        late_hook = hooks.answer("/oegstgeest", Reply(204))
        punctual_hook = hooks.answer("/leiden", Reply(204))
        subscribe(session, ids["late"], late_hook, [WebhookEvent.REMINDER])
        subscribe(session, ids["punctual"], punctual_hook, [WebhookEvent.REMINDER])
        session.commit()
        _remind_twice_and_check(session, ids, hooks, broker, worker)


def _remind_twice_and_check(session, ids, hooks, broker, worker) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    no_smtp = Settings(_env_file=None, smtp_host=None)  # type: ignore[call-arg]
    # when the reminders run twice
    first = send_reminders(session, TODAY, no_smtp)
    session.commit()
    second = send_reminders(session, TODAY, no_smtp)
    session.commit()
    # then only the late organisation was reminded, of its two cells, once, by webhook
    assert [(b.organisation_id, len(b.cells), b.channels) for b in first] == [
        (ids["late"], 2, ["webhook"])
    ]
    assert second == []
    reminders = session.exec(select(Reminder)).all()
    assert sorted(r.period for r in reminders) == ["2026-Q1", "2026-Q2"]
    [delivery] = session.exec(select(WebhookDelivery)).all()
    assert delivery.event is WebhookEvent.REMINDER
    assert [c["period"] for c in delivery.payload["missingReports"]] == ["2026-Q1", "2026-Q2"]
    drain(broker, worker, MAINTENANCE)
    assert (hooks.calls("/oegstgeest"), hooks.calls("/leiden")) == (1, 0)


def test_reminders_are_mailed_through_the_configured_smtp_server(
    session: Session, make: Factory, broker, worker, monkeypatch
) -> None:
    ids = calendar_world(session, make)
    measure_owner = ids["late"]
    session.add(
        User(
            email="beleid@oegstgeest.example",
            name="Beleid",
            organisation_id=measure_owner,
            role=Role.PARTNER,
        )
    )
    document = make.document()
    session.add(
        Measure(
            document_id=document.id,
            code="3b",
            title="Woonzorgzones inrichten",
            owner_id=measure_owner,
            due="2026-Q1",
            status=MeasureStatus.IN_PROGRESS,
        )
    )
    session.commit()
    with smtp_server() as (port, received):
        monkeypatch.setenv("WOONZORG_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("WOONZORG_SMTP_PORT", str(port))
        monkeypatch.setenv("WOONZORG_SMTP_FROM", "monitor@woonzorg.example")
        from core.settings import get_settings

        get_settings.cache_clear()
        try:
            [batch] = send_reminders(session, TODAY, get_settings())
            session.commit()
            drain(broker, worker, MAINTENANCE)
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()
    assert batch.channels == ["email"] and len(batch.measures) == 1
    [envelope] = received
    assert envelope.mail_from == "monitor@woonzorg.example"  # type: ignore[attr-defined]
    assert envelope.rcpt_tos == ["wonen@oegstgeest.example"]  # type: ignore[attr-defined]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
    text = message.get_content()  # type: ignore[attr-defined]
    assert "GM0579 · 2026-Q1" in text and "3b Woonzorgzones inrichten" in text
    session.expire_all()
    assert all(r.email_sent_at is not None for r in session.exec(select(Reminder)))

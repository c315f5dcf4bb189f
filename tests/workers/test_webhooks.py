"""Webhooks: signed deliveries, retried on server errors, logged per attempt; events from changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from core.enums import DeliveryStatus, SubmissionStatus, WebhookEvent
from core.settings import get_settings
from db.models import AuditEvent, WebhookDelivery
from services.jobs import MAINTENANCE
from services.periodic.signing import signature_headers, verify_signature
from services.periodic.webhooks import delivery_log, emit, subscribe
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.periodic.servers import Reply, ScriptedServer, scripted_http_server
from workers.actors.webhooks import deliver_webhook

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture()
def http() -> Iterator[ScriptedServer]:
    with scripted_http_server() as server:
        yield server


@pytest.fixture(autouse=True)
def local_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted receivers listen on http://127.0.0.1, as in development."""
    monkeypatch.setattr(get_settings(), "webhook_allow_http", True)
    monkeypatch.setattr(get_settings(), "webhook_allow_private_addresses", True)


@pytest.fixture()
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    options = {**deliver_webhook.options, "max_retries": 3, "min_backoff": 10, "max_backoff": 40}
    monkeypatch.setattr(deliver_webhook, "options", options)


def test_a_signature_verifies_only_for_the_same_body_secret_and_a_recent_time() -> None:
    body = b'{"event":"reminder"}'
    headers = signature_headers(SECRET, body, now=1_800_000_000)
    assert verify_signature(SECRET, body, headers, now=1_800_000_100)
    assert verify_signature(
        SECRET, body, {k.lower(): v for k, v in headers.items()}, now=1_800_000_000
    )
    assert not verify_signature(SECRET, body + b" ", headers, now=1_800_000_000)
    assert not verify_signature("another secret", body, headers, now=1_800_000_000)
    assert not verify_signature(SECRET, body, headers, now=1_800_000_000 + 301)  # a replay
    forged = {**headers, "X-Woonzorg-Timestamp": str(1_800_000_200)}  # a new time, old signature
    assert not verify_signature(SECRET, body, forged, now=1_800_000_200)


def test_a_delivery_retries_on_500_and_succeeds_on_200(
    session: Session, make: Factory, http: ScriptedServer, broker, worker, quick_retries
) -> None:
    # given a subscription whose receiver fails twice, then accepts
    organisation = make.organisation()
    url = http.answer("/hook", Reply(500, b"down"), Reply(502, b"down"), Reply(200, b"ok"))
    subscribe(session, organisation.id, url, [WebhookEvent.REMINDER], secret=SECRET)  # type: ignore[arg-type]
    [delivery] = emit(session, WebhookEvent.REMINDER, {"missingReports": []}, [organisation.id])  # type: ignore[list-item]
    session.commit()
    # when the worker delivers it
    drain(broker, worker, MAINTENANCE)
    # then three signed attempts reached the receiver and the log says delivered
    assert http.calls("/hook") == 3
    for request in http.received:
        assert verify_signature(SECRET, request.body, request.headers)
        assert request.headers["X-Woonzorg-Event"] == "reminder"
    sent = json.loads(http.received[-1].body)
    assert (sent["event"], sent["id"], sent["data"]) == (
        "reminder",
        delivery.event_id,
        {"missingReports": []},
    )
    [logged] = delivery_log(session, organisation.id)  # type: ignore[arg-type]
    session.refresh(logged)
    assert (logged.status, logged.attempts, logged.response_code) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert logged.delivered_at is not None and logged.last_error is None


def test_a_delivery_that_keeps_failing_is_marked_failed(
    session: Session, make: Factory, http: ScriptedServer, broker, worker, quick_retries
) -> None:
    organisation = make.organisation()
    url = http.answer("/hook", Reply(503, b"down"))
    subscribe(session, organisation.id, url, [WebhookEvent.REMINDER], secret=SECRET)  # type: ignore[arg-type]
    emit(session, WebhookEvent.REMINDER, {}, [organisation.id])  # type: ignore[list-item]
    session.commit()
    drain(broker, worker, MAINTENANCE)
    [logged] = session.exec(select(WebhookDelivery)).all()
    session.refresh(logged)
    assert (logged.status, logged.attempts, logged.response_code) == (DeliveryStatus.FAILED, 4, 503)
    assert http.calls("/hook") == 4


def test_a_submission_status_change_is_announced_to_its_organisation_only(
    session: Session, make: Factory
) -> None:
    # given two organisations subscribed to submission changes
    submitter, bystander = make.organisation(), make.organisation()
    for organisation in (submitter, bystander):
        subscribe(
            session,
            organisation.id,
            f"https://hooks.example/{organisation.code}",
            [WebhookEvent.SUBMISSION_STATUS_CHANGED],
        )  # type: ignore[arg-type]
    submission = make.submission(organisation_id=submitter.id)
    session.commit()
    # when the submission's status changes (the lifecycle records it in the audit trail)
    submission.status = SubmissionStatus.VALIDATED
    session.add(
        AuditEvent(
            actor_label="system",
            action="submission.validated",
            object_type="submission",
            object_id=str(submission.id),
            before={"status": "validating"},
            after={"status": "validated"},
        )
    )
    session.commit()
    # then one delivery is queued, for the submitter
    [delivery] = session.exec(select(WebhookDelivery)).all()
    assert delivery.event is WebhookEvent.SUBMISSION_STATUS_CHANGED
    assert delivery.payload["submission"] | {} == {
        **delivery.payload["submission"],
        "id": submission.id,
        "status": "validated",
        "previousStatus": "validating",
    }
    assert delivery_log(session, bystander.id) == []  # type: ignore[arg-type]

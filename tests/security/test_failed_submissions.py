"""Weakness: on PostgreSQL a NUL character raised a ``DataError`` in the job, and after its
retries the submission stayed ``validating`` for good. A submission never stays unfinished: a
job that keeps failing ends it as ``failed`` with the reason, shown to the submitter (status,
``failureReason``, the subscription's event); and a NUL is a row error (``rejected``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker
from sqlmodel import Session, select
from starlette.testclient import TestClient
from strawberry.relay import to_base64

import services.submissions.lifecycle as lifecycle
from core.enums import SubmissionStatus
from db.models import OutboxJob, Submission
from services import events
from services.jobs import INGEST
from services.submissions import service
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import ADMIN, reporting_world, request, rows

STATUS = """
query($id: ID!) { submission(id: $id) { status failureReason errorCount
  errors { totalCount nodes { code rowNumber } } } }"""
HEADER = "indicator_code,jurisdiction,period,target_group,housing_type,price_segment,value,note\n"
FINAL = {"rejected", "validated", "applied", "failed", "returned"}


def _status(client: TestClient, token: str, submission_id: int) -> dict[str, Any]:
    response = client.post(
        "/graphql",
        json={"query": STATUS, "variables": {"id": to_base64("Submission", submission_id)}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]["submission"]


def _drain_failing(broker: Any, worker: Any) -> None:
    """Wait for the ingest queue; its messages end dead-lettered here, which the stub broker
    would raise."""
    if isinstance(broker, StubBroker):
        broker.join(INGEST, timeout=30_000, fail_fast=False)
    else:
        broker.join(INGEST, timeout=30_000)
    worker.join()


def _broken(*_: object, **__: object) -> Any:
    raise RuntimeError("injected: the store is unreadable")


def test_a_job_that_keeps_failing_ends_the_submission_failed_with_its_reason(
    app_client: TestClient,
    session: Session,
    make: Factory,
    broker: Any,
    worker: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = reporting_world(session, make)
    partner = make.token("portaal", "partner")
    # given validation fails every time (retries within milliseconds in tests)
    monkeypatch.setattr(lifecycle, "validate_submission", _broken)
    sent = service.submit_rows(
        session, request(session, world.partner_id), rows(("dwellings-added", "GM0546", "2024", 3))
    )
    submission_id = sent.submission.id
    assert submission_id is not None

    async def watch_and_send() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []

        async def listen() -> None:
            async for payload in events.subscribe(events.submission_topic(submission_id)):
                seen.append(payload)
                if payload["status"] == "failed":
                    return

        listening = asyncio.create_task(listen())
        await asyncio.sleep(0.3)  # subscribed before the job can run
        session.commit()  # the job is sent now
        await asyncio.to_thread(_drain_failing, broker, worker)
        await asyncio.wait_for(listening, 10)
        return seen

    # when its job has used its retries
    seen = asyncio.run(watch_and_send())
    # then the submission is failed, with the reason, and the submitter sees it
    assert seen[-1] == {"id": submission_id, "status": "failed"}
    shown = _status(app_client, partner, submission_id)
    assert shown["status"] == "FAILED"
    assert shown["failureReason"].startswith("Processing stopped after 4 failed attempt(s)")
    assert "injected: the store is unreadable" in shown["failureReason"]
    session.expire_all()
    job = session.exec(select(OutboxJob).where(OutboxJob.actor_name == "process_submission")).one()
    assert (job.status.value, job.attempts) == ("failed", 4)


def test_an_approved_submission_whose_apply_keeps_failing_ends_failed(
    session: Session, make: Factory, broker: Any, worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = reporting_world(session, make)
    sent = service.submit_rows(
        session, request(session, world.partner_id), rows(("dwellings-added", "GM0546", "2024", 3))
    )
    session.commit()
    drain(broker, worker, INGEST)
    session.expire_all()
    monkeypatch.setattr(lifecycle, "apply_submission", _broken)
    service.approve(session, sent.submission.id, actor=ADMIN, reason="checked")  # type: ignore[arg-type]
    session.commit()
    _drain_failing(broker, worker)
    session.expire_all()
    submission = session.get(Submission, sent.submission.id)
    assert submission is not None and submission.status.value == "failed"
    assert "injected" in (submission.failure_reason or "")


def test_a_finished_submission_is_never_turned_failed(session: Session, make: Factory) -> None:
    world = reporting_world(session, make)
    done = make.submission(organisation_id=world.partner_id, status=SubmissionStatus.APPLIED)
    service.give_up(session, done.id, error="RuntimeError: late", attempts=4)
    assert done.status is SubmissionStatus.APPLIED and done.failure_reason is None


NUL_FILES = {
    "a NUL in a code cell": (HEADER + "dwellings-added,GM05\x0046,2024,,,,3,\n").encode(),
    "a NUL in a note": (HEADER + "dwellings-added,GM0546,2024,,,,3,a\x00b\n").encode(),
    "UTF-16 without a byte-order mark": (HEADER + "dwellings-added,GM0546,2024,,,,3,\n").encode(
        "utf-16-le"
    ),
}


@pytest.mark.parametrize("name", sorted(NUL_FILES))
def test_a_file_with_nul_characters_ends_rejected_with_row_errors(
    name: str, app_client: TestClient, session: Session, make: Factory, broker: Any, worker: Any
) -> None:
    reporting_world(session, make)
    partner = make.token("portaal", "partner")
    uploaded = app_client.post(
        "/submissions",
        files={"file": ("figures.csv", NUL_FILES[name], "text/csv")},
        headers={"Authorization": f"Bearer {partner}"},
    )
    assert uploaded.status_code == 202, uploaded.text
    drain(broker, worker, INGEST)
    shown = _status(app_client, partner, uploaded.json()["number"])
    assert shown["status"] == "REJECTED", shown
    assert shown["errorCount"] >= 1 and shown["failureReason"] is None

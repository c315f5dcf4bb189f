"""Weakness: ``MAX_UPLOAD_BYTES`` did not cap file parts (199 MB and 250 MB uploads were kept on
disk, 120 times a minute per token). A file part is capped (413 ``file_too_large``, not kept),
upload bytes are counted per token in a sliding window (429 ``upload_volume_exceeded``), and
rejected payloads' bytes are deleted by a scheduled job after a retention period."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.clock import utcnow
from core.enums import SubmissionStatus
from core.settings import get_settings
from db.models import AuditEvent, Submission, SubmissionError
from services.access.upload_volume import MemoryUploadVolume, upload_volume
from services.jobs import MAINTENANCE, enqueue_job
from services.submissions.payloads import payload_store
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

HEADER = b"indicator;gemeente;periode;waarde\r\n"


def _csv(size: int, tag: str = "") -> bytes:
    row = f"dwellings-added;GM0546;2024;1{tag}\r\n".encode()
    return HEADER + row * max(1, (size - len(HEADER)) // len(row))


def _upload(client: TestClient, token: str, content: bytes, name: str = "a.csv") -> Any:
    return client.post(
        "/submissions",
        files={"file": (name, content, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture()
def fresh_volume() -> Iterator[None]:
    upload_volume.cache_clear()
    yield
    upload_volume.cache_clear()


def test_a_file_part_above_the_cap_is_refused_with_413_and_not_kept(
    app_client: TestClient,
    session: Session,
    make: Factory,
    setting: Callable[[str, object], None],
    fresh_volume: None,
) -> None:
    reporting_world(session, make)
    partner = make.token("portaal", "partner")
    setting("max_upload_file_bytes", 4_000)
    stored_before = set(payload_store().root.glob("*")) if payload_store().root.exists() else set()
    refused = _upload(app_client, partner, _csv(6_000))
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "file_too_large"
    assert "at most 4000 bytes" in refused.json()["error"]["message"]
    assert refused.json()["error"]["messageNl"]
    assert session.exec(select(Submission)).all() == []
    stored_after = set(payload_store().root.glob("*")) if payload_store().root.exists() else set()
    assert stored_after == stored_before
    assert _upload(app_client, partner, _csv(3_000)).status_code == 202


def test_upload_bytes_are_counted_per_token_in_a_window(
    app_client: TestClient,
    session: Session,
    make: Factory,
    setting: Callable[[str, object], None],
    fresh_volume: None,
) -> None:
    reporting_world(session, make)
    setting("upload_bytes_per_token", 5_000)
    first, second = make.token("portaal", "partner"), make.token("portaal", "partner")
    assert _upload(app_client, first, _csv(2_000, "1")).status_code == 202
    assert _upload(app_client, first, _csv(2_000, "2")).status_code == 202
    # the third file would pass the token's 5,000 bytes
    refused = _upload(app_client, first, _csv(2_000, "3"))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "upload_volume_exceeded"
    assert int(refused.headers["Retry-After"]) > 0
    # nothing of it was stored, and another token has its own volume
    assert len(session.exec(select(Submission)).all()) == 2
    assert _upload(app_client, second, _csv(2_000, "3")).status_code == 202


def test_the_window_slides() -> None:
    now = [1000.0]
    volume = MemoryUploadVolume(limit=100, window_seconds=60, clock=lambda: now[0])
    assert volume.add("t", 60).allowed
    now[0] += 30
    assert volume.add("t", 30).allowed
    refused = volume.add("t", 20)
    assert not refused.allowed and refused.retry_after == 30  # when the first 60 bytes leave
    assert not volume.fits("t", 20).allowed
    now[0] += 30
    assert volume.add("t", 20).allowed and volume.add("t", 50).used == 100


def _stored(content: bytes) -> str:
    name, _ = payload_store().save(io.BytesIO(content), ".csv")
    return name


def test_rejected_payloads_are_deleted_after_the_retention_period_by_the_scheduled_job(
    session: Session,
    make: Factory,
    broker: Any,
    worker: Any,
    setting: Callable[[str, object], None],
) -> None:
    setting("rejected_payload_retention_days", 30)
    world = reporting_world(session, make)
    long_ago = utcnow() - timedelta(days=31)

    def submission(name: str, status: SubmissionStatus, **kw: Any) -> Submission:
        return make.submission(
            organisation_id=world.partner_id, status=status, payload_path=name, **kw
        )

    expired_name = _stored(b"expired rejected file")
    expired = submission(expired_name, SubmissionStatus.REJECTED, validated_at=long_ago)
    session.add(
        SubmissionError(
            submission_id=expired.id,
            row_number=2,
            code="invalid_period",
            message_en="x",
            message_nl="x",
        )
    )
    recent_name = _stored(b"recently rejected file")
    recent = submission(recent_name, SubmissionStatus.REJECTED, validated_at=utcnow())
    shared_name = _stored(b"the same content, once rejected and once accepted")
    shared = submission(shared_name, SubmissionStatus.REJECTED, validated_at=long_ago)
    make.submission(
        organisation_id=world.trusted_id, status=SubmissionStatus.APPLIED, payload_path=shared_name
    )
    # files are as old as their submissions
    import os

    for name in (expired_name, shared_name):
        os.utime(payload_store().path(name), (long_ago.timestamp(), long_ago.timestamp()))
    # when the scheduled job runs (the scheduler queues it daily)
    enqueue_job(session, "delete_expired_payloads")
    session.commit()
    drain(broker, worker, MAINTENANCE)
    session.expire_all()
    # then only the expired rejected file is gone; the submission and its errors stay
    assert not payload_store().path(expired_name).exists()
    assert session.get(Submission, expired.id).payload_path is None  # type: ignore[union-attr]
    assert session.exec(
        select(SubmissionError).where(SubmissionError.submission_id == expired.id)
    ).all()
    assert session.get(Submission, expired.id).status is SubmissionStatus.REJECTED  # type: ignore[union-attr]
    assert payload_store().path(recent_name).exists()
    assert session.get(Submission, recent.id).payload_path == recent_name  # type: ignore[union-attr]
    assert payload_store().path(shared_name).exists()
    assert session.get(Submission, shared.id).payload_path == shared_name  # type: ignore[union-attr]
    deleted = session.exec(
        select(AuditEvent).where(AuditEvent.action == "submission.payload_deleted")
    ).all()
    assert [e.object_id for e in deleted] == [str(expired.id)]


def test_the_scheduler_runs_the_retention_job() -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    from workers.runtime import add_schedule

    scheduler = add_schedule(BackgroundScheduler(timezone="UTC"), get_settings())
    assert scheduler.get_job("payload-retention") is not None

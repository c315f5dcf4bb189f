"""Vulnerability 4: validating an upload never holds SQLite's write lock while it reads the file,
a token's last-use stamp never fails a request, and a busy database answers 503, not 500."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from api.app import create_app
from db.engine import session_scope
from db.models import ApiToken, Organisation, OutboxJob, Submission
from services.access.authentication import authenticate
from tests.factories import Factory
from tests.workers.submission_support import reporting_world
from workers.actors.submissions import process_submission

EMPTY_ROWS = 600_000  # seconds of reading, even on an idle machine


def workbook_of_empty_rows(rows: int) -> bytes:
    """A small workbook whose sheet holds ``rows`` empty ``<row/>`` elements after some figures
    (one of them wrong): slow to read, tiny to send."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "gegevens"
    sheet.append(["indicator", "gemeente", "periode", "woonvorm", "waarde"])
    sheet.append(["no-such-indicator", "GM0546", "2024", None, 1])
    for year in range(1990, 2025):
        sheet.append(["dwellings-added", "GM0546", str(year), "geclusterd", 3])
    plain = io.BytesIO()
    book.save(plain)
    result = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"<row/>" * rows + b"</sheetData>")
            target.writestr(item, content)
    return result.getvalue()


def test_validating_a_slow_upload_leaves_the_database_writable(
    clean_db: sa.Engine, session: Session, make: Factory
) -> None:
    # given a partner's upload of a file that takes seconds to read, queued for validation
    reporting_world(session, make)
    token = make.token("portaal")
    other_token = make.token("portaal")
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        body = workbook_of_empty_rows(EMPTY_ROWS)
        upload = client.post(
            "/submissions", files={"file": ("rows.xlsx", body, "application/octet-stream")}
        )
        assert upload.status_code == 202, upload.text
        job_id = session.exec(
            select(OutboxJob.id).where(col(OutboxJob.actor_name) == "process_submission")
        ).one()
        # when the worker validates it while another client reads and writes
        failures: list[BaseException] = []

        def validate() -> None:
            try:
                process_submission.fn(job_id)
            except BaseException as error:
                failures.append(error)

        worker = threading.Thread(target=validate)
        started = time.monotonic()
        worker.start()
        slowest = 0.0
        rounds = 0
        while worker.is_alive() or rounds < 3:
            began = time.monotonic()
            with session_scope(clean_db) as writer:
                organisation = writer.exec(
                    select(Organisation).where(Organisation.code == "cbs")
                ).one()
                organisation.name = f"CBS {rounds}"
                for row in writer.exec(select(ApiToken)):
                    row.last_used_at = None  # every request must stamp its token again
            answer = client.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": f"Bearer {other_token}"},
            )
            assert answer.status_code == 200, answer.text
            slowest = max(slowest, time.monotonic() - began)
            rounds += 1
            time.sleep(0.05)
        worker.join()
        took = time.monotonic() - started
    # then validation took a while, and no write nor request waited for it
    assert not failures, failures
    session.expire_all()
    submission = session.exec(select(Submission)).one()
    assert submission.status.value == "rejected"  # the wrong indicator
    assert took > 2.0, f"the file was read in {took:.2f} s: too quick to show anything"
    # (a write used to wait for the whole validation; a loaded machine may take a second or two)
    waited = f"a write or a request waited {slowest:.2f} s (validation: {took:.2f} s)"
    assert slowest < min(3.0, took / 3), waited


def test_the_last_use_stamp_never_fails_a_request(
    clean_db: sa.Engine, session: Session, make: Factory
) -> None:
    # given a token, and another connection that holds SQLite's write lock
    make.organisation(code="partner-a")
    token = make.token("partner-a")
    if clean_db.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    with clean_db.connect() as holder:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            # when the token is used
            began = time.monotonic()
            principal = authenticate(f"Bearer {token}", clean_db)
            waited = time.monotonic() - began
        finally:
            holder.rollback()
    # then it is accepted at once, its stamp skipped
    assert principal is not None and principal.organisation_code == "partner-a"
    assert waited < 2


def test_a_busy_database_answers_503_with_retry_after(
    clean_db: sa.Engine, session: Session, make: Factory
) -> None:
    if clean_db.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    make.organisation(code="partner-a")
    admin = make.token("partner-a", role="admin")
    app = create_app(run_jobs=False, engine=clean_db)

    def locked(request: object) -> None:
        raise sa.exc.OperationalError("UPDATE …", {}, Exception("database is locked"))

    app.router.routes.insert(0, __import__("starlette.routing").routing.Route("/locked", locked))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/locked", headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "database_busy"

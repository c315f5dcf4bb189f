"""``/status`` (worker liveness, queue depths, outbox backlog) for administrators: by bearer token
or by the session cookie of a signed-in administrator, as the web app's admin page asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from tests.api.test_sign_in import PASSWORD, reset_throttle, sign_in
from tests.factories import Factory
from tests.workers.liveness_support import quiet
from workers.liveness import beat


@pytest.fixture()
def client(clean_db, monkeypatch) -> Iterator[TestClient]:
    quiet(clean_db, monkeypatch)  # only this test's worker row
    reset_throttle()
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as test_client:
        yield test_client
    reset_throttle()


def test_a_signed_in_administrator_sees_the_status_with_the_session_cookie(
    client: TestClient, make: Factory, clean_db
) -> None:
    make.organisation(code="beheer")
    admin = make.user("beheer", "admin", password=PASSWORD)
    beat(clean_db, ["ingest", "maintenance"])
    assert sign_in(client, admin.email).status_code == 200
    # the cookie alone (no bearer token, no CSRF header: a GET)
    response = client.get("/status")
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"workers", "queues", "queueLastConsumedAt", "outbox"}
    [worker] = body["workers"]["processes"]
    assert body["workers"]["alive"] == 1
    assert worker["alive"] is True and worker["queues"] == ["ingest", "maintenance"]
    assert set(body["outbox"]) == {
        "pending",
        "sent",
        "running",
        "failedLastHour",
        "oldestUnfinishedSeconds",
        "unrecordedFailuresHere",
    }
    # signed out, the same browser is refused again
    csrf = client.cookies.get("woonzorg_csrf")
    assert client.post("/auth/sign-out", headers={"X-CSRF-Token": csrf or ""}).status_code == 200
    assert client.get("/status").status_code == 401


def test_status_refuses_a_signed_in_partner_and_a_stranger(
    client: TestClient, make: Factory
) -> None:
    error = client.get("/status").json()["error"]
    assert error["code"] == "unauthenticated" and error["messageNl"]
    make.organisation(code="corporatie")
    partner = make.user("corporatie", "partner", password=PASSWORD)
    assert sign_in(client, partner.email).status_code == 200
    response = client.get("/status")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert response.json()["error"]["messageNl"] == "/status is alleen voor beheerders."

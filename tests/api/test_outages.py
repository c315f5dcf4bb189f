"""Outages are answered 503 + Retry-After + a JSON error, never a bare 500 (issue 22)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from api.app import create_app
from core.settings import INSTALL_DIR, Settings
from db.engine import make_engine
from services.access.rate_limit import RedisRateLimiter
from tests.workers.liveness_support import quiet
from workers.liveness import beat

DOWN = "postgresql+psycopg://woonzorg@127.0.0.1:9/down?connect_timeout=2"  # nothing listens


@pytest.fixture()
def down_client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(run_jobs=False, engine=make_engine(DOWN))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _assert_unavailable(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "service_unavailable" and error["service"] == "database"


def test_a_database_outage_answers_503_with_retry_after(down_client: TestClient, make) -> None:  # type: ignore[no-untyped-def]
    make.organisation(code="corporatie")
    bearer = {"Authorization": f"Bearer {make.token('corporatie', 'partner')}"}
    _assert_unavailable(
        down_client.post("/graphql", json={"query": "{ __typename }"}, headers=bearer)
    )
    _assert_unavailable(
        down_client.post(
            "/submissions",
            files={"file": ("x.csv", b"a;b\n", "text/csv")},
            headers=bearer,
        )
    )
    ready = down_client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["database"] is False
    assert "Retry-After" in ready.headers


def test_the_rate_limiter_allows_writes_while_redis_is_down() -> None:
    limiter = RedisRateLimiter(
        redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=1), 1, "t"
    )
    assert limiter.hit("token").allowed and limiter.hit("token").allowed


def test_readyz_says_what_it_checks_and_fails_without_a_live_worker(clean_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    quiet(clean_db, monkeypatch)
    with TestClient(create_app(run_jobs=False)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["checks"]["workers_alive"] is False and body["workers"] == 0
        assert set(body["explain"]) == set(body["checks"])
        beat(clean_db, ["ingest"])
        response = client.get("/readyz")
        assert response.status_code == 200 and response.json()["checks"]["workers_alive"]


def test_status_shows_workers_queues_and_the_outbox_backlog(clean_db, make, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services.jobs import enqueue_job

    quiet(clean_db, monkeypatch)
    make.organisation(code="beheer")
    admin = {"Authorization": f"Bearer {make.token('beheer', 'admin')}"}
    beat(clean_db, ["compute"])
    with Session(clean_db) as session:
        session.info["outbox_pending_ids"] = []  # committed, not sent: a backlog of one
        enqueue_job(session, "recompute_everything")
        session.info.pop("outbox_pending_ids")
        session.commit()
    with TestClient(create_app(run_jobs=False)) as client:
        assert client.get("/status").status_code == 401
        body = client.get("/status", headers=admin).json()
    assert body["workers"]["alive"] == 1
    assert body["workers"]["processes"][0]["queues"] == ["compute"]
    assert body["outbox"]["pending"] == 1 and body["outbox"]["oldestUnfinishedSeconds"] >= 0
    assert isinstance(body["queues"], dict)


def test_the_data_dir_is_absolute_whatever_the_working_directory(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("WOONZORG_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings(_env_file=None).data_dir == str(INSTALL_DIR / "var")  # type: ignore[call-arg]
    monkeypatch.setenv("WOONZORG_DATA_DIR", "payloads")
    assert Path(Settings(_env_file=None).data_dir) == INSTALL_DIR / "payloads"  # type: ignore[call-arg]


def test_a_worker_that_cannot_read_the_apis_payloads_refuses_to_start(
    clean_db, make, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from db.models import Submission
    from services.submissions.payloads import payload_store_problem

    with Session(clean_db) as session:
        assert payload_store_problem(session) is None  # nothing stored yet
    sub = make.submission()
    make.session.commit()
    with Session(clean_db) as session:
        row = session.get(Submission, sub.id)
        assert row is not None
        row.payload_path = "0" * 64 + ".csv"
        session.commit()
        assert "WOONZORG_DATA_DIR" in (payload_store_problem(session) or "")


def test_a_process_waits_for_the_database_with_backoff_and_says_so(caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from db.engine import wait_for_database

    caplog.set_level(logging.WARNING, logger="db.engine")
    with pytest.raises(sa.exc.OperationalError):
        wait_for_database(make_engine(DOWN), timeout_seconds=4)
    assert sum("waiting for the database" in r.message for r in caplog.records) >= 2

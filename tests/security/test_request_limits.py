"""Vulnerability 2: oversized requests are refused by size before anything parses them, an
anonymous caller is refused before its body is read, and ``/healthz`` stays responsive while the
largest allowed request is processed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import sqlalchemy as sa
from starlette.testclient import TestClient

from api.app import create_app
from core.settings import get_settings

QUERY = "query($c: String!) { jurisdiction(code: $c) { code } }"


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def test_an_anonymous_graphql_body_over_the_small_limit_is_refused_unread(
    app_client: TestClient,
) -> None:
    limit = get_settings().max_anonymous_request_bytes
    body = {"query": QUERY, "variables": {"c": "x" * (limit + 1)}}
    started = time.monotonic()
    response = app_client.post("/graphql", json=body, headers={"Authorization": ""})
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "request_too_large"
    assert time.monotonic() - started < 2


def test_a_body_without_a_length_is_cut_off_at_the_limit(app_client: TestClient) -> None:
    limit = get_settings().max_request_bytes
    response = app_client.post(
        "/graphql",
        content=_chunks(limit + 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text


def test_a_graphql_body_over_the_limit_is_refused_with_a_token_too(
    app_client: TestClient,
) -> None:
    limit = get_settings().max_request_bytes
    body = {"query": QUERY, "variables": {"c": "x" * limit}}
    response = app_client.post("/graphql", json=body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_long_query_string_is_refused(app_client: TestClient) -> None:
    code = "x" * (get_settings().max_query_string_bytes + 1)
    response = app_client.get(
        "/graphql", params={"query": f'{{ jurisdiction(code: "{code}") {{ code }} }}'}
    )
    assert response.status_code == 414


def test_an_anonymous_upload_is_refused_401_before_its_fields_are_read(
    app_client: TestClient,
) -> None:
    fields = {"organisation": "x" * (2 * 1024 * 1024), "kind": "y" * (2 * 1024 * 1024)}
    response = app_client.post("/submissions", data=fields, headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_upload_over_the_size_limit_is_refused(app_client: TestClient) -> None:
    limit = get_settings().max_upload_bytes
    response = app_client.post(
        "/submissions",
        files={"file": ("big.csv", b"x" * (limit + 1), "text/csv")},
    )
    assert response.status_code == 413


def test_an_oversized_form_field_of_an_upload_is_refused(app_client: TestClient) -> None:
    response = app_client.post(
        "/submissions",
        data={"correction_reason": "x" * (1024 * 1024)},
        files={"file": ("a.csv", b"indicator;gemeente;periode;waarde\r\n", "text/csv")},
    )
    assert response.status_code == 400


async def test_healthz_answers_within_100_ms_while_the_largest_request_is_processed(
    clean_db: sa.Engine, app_client: TestClient
) -> None:
    app = create_app(run_jobs=False, engine=clean_db)
    token = app_client.headers["Authorization"]
    limit = get_settings().max_request_bytes
    largest = {"query": QUERY, "variables": {"c": "x" * (limit - 1024)}}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        big = asyncio.create_task(
            client.post("/graphql", json=largest, headers={"Authorization": token}, timeout=60)
        )
        latencies = []
        while not big.done():
            started = time.monotonic()
            health = await client.get("/healthz")
            latencies.append(time.monotonic() - started)
            assert health.status_code == 200
            await asyncio.sleep(0.01)
        answer = await big
    assert answer.status_code == 200, answer.text[:300]
    assert latencies and max(latencies) < 0.1, max(latencies)

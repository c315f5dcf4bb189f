"""CORS: a browser app on a listed origin may call the API (with credentials); any other origin
gets no CORS header at all, and with no origin listed nothing changes.

A real browser test (the web app served from a second port) belongs to the web app's end-to-end
suite; these tests send the same preflight and cross-origin requests through the ASGI app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from tests.factories import Factory

ALLOWED = "http://localhost:5173"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture()
def cors_client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = Settings(cors_origins=f"{ALLOWED}, https://monitor.example.nl/")
    with TestClient(create_app(settings, run_jobs=False)) as client:
        yield client


def test_preflight_from_a_listed_origin_gets_the_headers_and_is_cached(
    cors_client: TestClient,
) -> None:
    response = cors_client.options("/graphql", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert response.headers["access-control-max-age"] == "600"
    assert "origin" in response.headers["vary"].lower()


def test_preflight_from_another_origin_gets_no_cors_header(cors_client: TestClient) -> None:
    response = cors_client.options(
        "/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT}
    )
    assert response.status_code == 400
    assert not [h for h in response.headers if h.lower().startswith("access-control-allow")]


def test_cross_origin_query_from_a_listed_origin(  # type: ignore[no-untyped-def]
    cors_client: TestClient, session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.organisation(code="kijker")
    session.commit()
    headers = {
        "Origin": "https://monitor.example.nl",
        "Authorization": f"Bearer {make.token('kijker', 'viewer')}",
    }
    response = cors_client.post(
        "/graphql", json={"query": '{ jurisdiction(code: "GM0546") { name } }'}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"jurisdiction": {"name": "Leiden"}}
    assert response.headers["access-control-allow-origin"] == "https://monitor.example.nl"
    assert response.headers["access-control-allow-credentials"] == "true"


def test_cross_origin_request_from_another_origin_gets_no_cors_header(
    cors_client: TestClient,
) -> None:
    response = cors_client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_an_unauthenticated_answer_still_carries_the_cors_headers(cors_client: TestClient) -> None:
    response = cors_client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": ALLOWED, "Authorization": "Bearer wz_wrong"},
    )
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_no_origin_listed_means_no_cors(clean_db) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(Settings(cors_origins=""), run_jobs=False)) as client:
        response = client.options("/graphql", headers={"Origin": ALLOWED, **PREFLIGHT})
        assert response.status_code == 405
        assert "access-control-allow-origin" not in response.headers

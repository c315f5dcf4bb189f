"""The ASGI app end to end: health, readiness and a first GraphQL query from the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import JurisdictionKind
from tests.factories import Factory


@pytest.fixture()
def client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(run_jobs=False)) as test_client:
        yield test_client


def test_healthz_is_alive(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_migrations_broker_and_workers(client: TestClient, clean_db) -> None:  # type: ignore[no-untyped-def]
    from workers.liveness import beat

    beat(clean_db, ["ingest", "compute", "maintenance"])
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert body["checks"] == {
        "database": True,
        "migrations_at_head": True,
        "broker": True,
        "workers_alive": True,
    }


def test_jurisdictions_query_reads_the_database(client: TestClient, session, make: Factory) -> None:  # type: ignore[no-untyped-def]
    make.jurisdiction(code="GM0546", name="Leiden")
    make.jurisdiction(code="GM0518", name="'s-Gravenhage")
    make.jurisdiction(code="PV28", name="Zuid-Holland", kind=JurisdictionKind.PROVINCE)
    make.organisation(code="kijker")
    session.commit()
    viewer = {"Authorization": f"Bearer {make.token('kijker', 'viewer')}"}
    query = "{ jurisdictions(filter: {kinds: [MUNICIPALITY]}) { nodes { code name kind } } }"
    response = client.post("/graphql", json={"query": query}, headers=viewer)
    assert response.status_code == 200
    assert response.json()["data"]["jurisdictions"]["nodes"] == [
        {"code": "GM0518", "name": "'s-Gravenhage", "kind": "MUNICIPALITY"},
        {"code": "GM0546", "name": "Leiden", "kind": "MUNICIPALITY"},
    ]


def test_graphiql_is_served_to_a_browser(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()

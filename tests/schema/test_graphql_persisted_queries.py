"""Persisted queries: APQ as Apollo Client and urql send them (hash first, the query on a miss),
GET for queries by hash (cacheable), and the allow-list mode where only registered operations
(docs/queries/ and the web app's manifest) run."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import OrganisationKind, Role
from core.settings import Settings, get_settings
from db.models import Organisation
from schema.persisted import MemoryStore, RegistryError, read_registered
from services.access.tokens import issue_token

DOCS = Path(__file__).parents[2] / "docs" / "queries"
QUERY = "query Kinds { jurisdictions(first: 1) { totalCount } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def _apq(digest: str = HASH) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def _client(clean_db: sa.Engine, **settings: Any) -> Iterator[TestClient]:
    with Session(clean_db) as session:
        session.add(Organisation(code="apq", name="APQ", kind=OrganisationKind.OTHER))
        session.flush()
        token = issue_token(session, "apq", Role.VIEWER, name="tests").token
        session.commit()
    # a namespace of its own: with a Redis broker the remembered queries live in Redis
    settings.setdefault("broker_namespace", f"woonzorg-apq-test-{uuid.uuid4().hex[:8]}")
    app = create_app(Settings(**settings), run_jobs=False, engine=clean_db)
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


@pytest.fixture()
def client(clean_db: sa.Engine) -> Iterator[TestClient]:
    yield from _client(clean_db)


@pytest.fixture()
def allow_list_client(clean_db: sa.Engine, tmp_path: Path) -> Iterator[TestClient]:
    manifest = tmp_path / "persisted-operations.json"
    manifest.write_text(json.dumps({HASH: QUERY}))
    yield from _client(clean_db, persisted_only=True, persisted_queries=f"docs/queries,{manifest}")


def test_a_hash_miss_asks_for_the_query_then_the_hash_alone_runs(client: TestClient) -> None:
    # when a client sends the hash alone, the first time
    miss = client.post("/graphql", json={"extensions": _apq()})
    # then the server asks for the query as Apollo and urql expect (and not with a 400)
    assert miss.status_code == 200
    error = miss.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert error["extensions"]["messageNl"]
    # when it sends hash and query, the query runs and is remembered
    registered = client.post("/graphql", json={"query": QUERY, "extensions": _apq()})
    assert registered.json() == {"data": {"jurisdictions": {"totalCount": 0}}}
    # then the hash alone runs it, over POST …
    hit = client.post("/graphql", json={"extensions": _apq()})
    assert hit.json() == {"data": {"jurisdictions": {"totalCount": 0}}}
    # … and over GET, cacheable (privately: the request has a token)
    get = client.get(
        "/graphql",
        params={"operationName": "Kinds", "extensions": json.dumps(_apq())},
        headers={"Accept": "application/json"},
    )
    assert get.status_code == 200
    assert get.json() == {"data": {"jurisdictions": {"totalCount": 0}}}
    assert get.headers["cache-control"] == "private, max-age=60"
    assert "Authorization" in get.headers["vary"]


def test_a_hash_that_does_not_match_the_query_is_refused(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": QUERY, "extensions": _apq("0" * 64)}).json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # and nothing was remembered under the wrong hash
    again = client.post("/graphql", json={"extensions": _apq("0" * 64)}).json()
    assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_a_documented_operation_runs_by_its_hash_without_registering(client: TestClient) -> None:
    text = (DOCS / "pipeline-summary.graphql").read_text(encoding="utf-8")
    body = client.post(
        "/graphql", json={"extensions": _apq(hashlib.sha256(text.encode()).hexdigest())}
    ).json()
    assert "data" in body and "PERSISTED_QUERY_NOT_FOUND" not in json.dumps(body)


def test_the_allow_list_runs_registered_operations_only(allow_list_client: TestClient) -> None:
    client = allow_list_client
    # a registered operation runs by its hash (the manifest's, or a docs/queries file's) …
    assert client.post("/graphql", json={"extensions": _apq()}).json() == {
        "data": {"jurisdictions": {"totalCount": 0}}
    }
    text = (DOCS / "pipeline-summary.graphql").read_text(encoding="utf-8")
    by_docs_hash = client.post(
        "/graphql", json={"extensions": _apq(hashlib.sha256(text.encode()).hexdigest())}
    ).json()
    assert "errors" not in by_docs_hash or all(
        e["extensions"]["code"] != "PERSISTED_QUERY_NOT_FOUND" for e in by_docs_hash["errors"]
    )
    # … and as its full text, in any layout
    relaid = client.post(
        "/graphql", json={"query": "query Kinds {\n  jurisdictions(first: 1) { totalCount }\n}"}
    ).json()
    assert relaid == {"data": {"jurisdictions": {"totalCount": 0}}}
    # an operation that is not registered is refused, as text and as hash plus text
    other = "{ jurisdictions(first: 2) { totalCount } }"
    refused = client.post("/graphql", json={"query": other}).json()
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
    assert "data" not in refused or refused["data"] is None
    digest = hashlib.sha256(other.encode()).hexdigest()
    miss = client.post("/graphql", json={"extensions": _apq(digest)}).json()
    assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    register = client.post("/graphql", json={"query": other, "extensions": _apq(digest)}).json()
    assert register["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"


def test_a_registered_get_without_a_token_is_publicly_cacheable(
    clean_db: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "public_read", True)
    for client in _client(clean_db):
        del client.headers["Authorization"]
        response = client.get("/graphql", params={"extensions": json.dumps(_apq())})
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert "cache-control" not in response.headers  # a miss is never cached
        client.post("/graphql", json={"query": QUERY, "extensions": _apq()})
        response = client.get("/graphql", params={"extensions": json.dumps(_apq())})
        assert response.json() == {"data": {"jurisdictions": {"totalCount": 0}}}
        assert response.headers["cache-control"] == "public, max-age=60"


def test_manifests_in_both_formats_are_read_and_checked(tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({HASH: QUERY}))
    apollo = tmp_path / "apollo.json"
    other = "{ __typename }"
    other_hash = hashlib.sha256(other.encode()).hexdigest()
    apollo.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": other_hash, "name": "T", "type": "query", "body": other}],
            }
        )
    )
    registered = read_registered([DOCS, plain, apollo, tmp_path / "missing.json"])
    assert registered[HASH] == QUERY and registered[other_hash] == other
    assert len(registered) == 2 + len(list(DOCS.glob("*.graphql")))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"0" * 64: QUERY}))
    with pytest.raises(RegistryError):
        read_registered([wrong])


def test_the_memory_store_remembers() -> None:
    store = MemoryStore()
    assert store.get(HASH) is None
    store.put(HASH, QUERY)
    assert store.get(HASH) == QUERY

"""Persisted queries: APQ as Apollo Client and urql send them (hash first, the query on a miss),
GET for queries by hash (cacheable), and the allow-list mode where only registered operations
(docs/queries/ and the web app's generated operations) run."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import FieldNode, NameNode, SelectionSetNode, Visitor, parse, print_ast, visit
from sqlmodel import Session
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import OrganisationKind, Role
from core.settings import Settings, get_settings
from db.models import Organisation
from schema.persisted import MemoryStore, RegistryError, read_registered
from services.access.tokens import issue_token

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "queries"
WEB_OPERATIONS = ROOT / "web" / "src" / "gql" / "graphql.ts"
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


def test_an_answer_in_the_response_cache_does_not_keep_a_hash_from_being_remembered(
    client: TestClient,
) -> None:
    # given the query's answer in the response cache (it was sent plain before)
    plain = client.post("/graphql", json={"query": QUERY}).json()
    assert plain == {"data": {"jurisdictions": {"totalCount": 0}}}
    # when a client registers its hash with the query
    assert client.post("/graphql", json={"query": QUERY, "extensions": _apq()}).json() == plain
    # then the hash alone runs it (the registration reached the store, not the cached answer)
    assert client.post("/graphql", json={"extensions": _apq()}).json() == plain


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


class _AddTypenames(Visitor):
    """What urql's Graphcache (and Apollo's InMemoryCache) do to a document before sending it."""

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


def _as_a_cache_sends_it(document: str) -> str:
    return print_ast(visit(parse(document), _AddTypenames()))


def _web_operation(name: str) -> str:
    found = [
        text
        for text in read_registered([WEB_OPERATIONS]).values()
        if parse(text).definitions[0].name.value == name  # type: ignore[attr-defined]
    ]
    assert len(found) == 1, f"the web app's generated operations have no {name}"
    return found[0]


def test_the_registered_set_is_docs_queries_and_the_web_apps_generated_operations(
    clean_db: sa.Engine,
) -> None:
    # given the default registry (docs/queries and web/src/gql/graphql.ts) in allow-list mode
    for client in _client(clean_db, persisted_only=True):
        # a documented operation runs by its file's hash
        text = (DOCS / "pipeline-summary.graphql").read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        documented = client.post("/graphql", json={"extensions": _apq(digest)}).json()
        codes = {e["extensions"]["code"] for e in documented.get("errors", [])}
        assert not codes & {"PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_ALLOWED"}
        # the web app's generated operation runs as its cache sends it (with __typename) …
        home = _as_a_cache_sends_it(_web_operation("Home"))
        assert "__typename" in home
        plain = client.post("/graphql", json={"query": home}).json()
        assert "errors" not in plain
        assert plain["data"]["regions"] == {"nodes": [], "__typename": "JurisdictionConnection"}
        # … and by APQ under the client's own hash: a miss, then hash and query, then the hash
        digest = hashlib.sha256(home.encode()).hexdigest()
        miss = client.post("/graphql", json={"extensions": _apq(digest)}).json()
        assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        sent = client.post("/graphql", json={"query": home, "extensions": _apq(digest)}).json()
        assert sent == plain
        again = client.get("/graphql", params={"extensions": json.dumps(_apq(digest))})
        assert again.json() == plain
        # an operation of neither set, even one field away from the web app's, is refused
        changed = home.replace("validTo", "validFrom")
        for body in (
            {"query": changed},
            {"query": changed, "extensions": _apq(hashlib.sha256(changed.encode()).hexdigest())},
        ):
            refused = client.post("/graphql", json=body).json()
            assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"


def test_the_web_apps_generated_module_gives_its_operations_without_fragment_documents() -> None:
    registered = read_registered([WEB_OPERATIONS])
    exported = WEB_OPERATIONS.read_text(encoding="utf-8").count("export const ")
    documents = [parse(text) for text in registered.values()]
    # every operation is registered under the sha256 of its printed text, fragments included
    assert 0 < len(registered) < exported
    assert all(hashlib.sha256(t.encode()).hexdigest() == h for h, t in registered.items())
    assert all(d.definitions[0].kind == "operation_definition" for d in documents)
    with_fragments = [d for d in documents if len(d.definitions) > 1]
    assert with_fragments and all(
        {x.kind for x in d.definitions[1:]} == {"fragment_definition"} for d in with_fragments
    )


def test_a_remembered_hash_runs_in_allow_list_mode_only_while_its_query_is_allowed(
    tmp_path: Path,
) -> None:
    from schema.persisted import PersistedQueries

    store = MemoryStore()
    other = "{ jurisdictions(first: 2) { totalCount } }"
    digest = hashlib.sha256(other.encode()).hexdigest()
    # remembered while the server ran open
    assert PersistedQueries(store, {}).resolve(other, _apq(digest)).query == other
    assert store.get(digest) == other
    # then, in allow-list mode, the hash alone does not run it
    strict = PersistedQueries(store, {HASH: QUERY}, persisted_only=True)
    refused = strict.resolve(None, _apq(digest))
    assert refused.query is None and refused.error is not None
    assert refused.error.extensions["code"] == "PERSISTED_QUERY_NOT_FOUND"  # type: ignore[index]


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


def _over_the_websocket(client: TestClient, query: str) -> dict[str, Any]:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        authorization = client.headers["Authorization"]
        ws.send_json({"type": "connection_init", "payload": {"Authorization": authorization}})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        return dict(ws.receive_json())


def test_the_allow_list_holds_over_the_websocket_too(clean_db: sa.Engine) -> None:
    # given the server in allow-list mode
    for client in _client(clean_db, persisted_only=True):
        # when an operation of neither set is sent over graphql-transport-ws (which runs queries
        # too), it is refused as over HTTP
        refused = _over_the_websocket(client, "{ jurisdictions(first: 2) { totalCount } }")
        assert refused["type"] == "error", refused
        assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        # while a registered one runs
        allowed = _over_the_websocket(client, _web_operation("Home"))
        assert allowed["type"] == "next", allowed
        assert allowed["payload"]["data"]["regions"] == {"nodes": []}

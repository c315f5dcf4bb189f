"""Weakness: without a token, introspection was open and "Did you mean" suggestions named fields
even with introspection off. Both are closed to anonymous callers by default (a setting)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

INTROSPECTION = {"query": "{ __schema { queryType { name } } }"}


def _anonymous(client: TestClient, body: dict[str, str]) -> dict:
    return client.post("/graphql", json=body, headers={"Authorization": ""}).json()


def test_an_anonymous_caller_gets_no_introspection_and_no_suggestions(
    app_client: TestClient,
) -> None:
    refused = _anonymous(app_client, INTROSPECTION)
    assert "introspection" in refused["errors"][0]["message"].lower()
    typo = _anonymous(app_client, {"query": '{ jurisdictin(code: "GM0546") { code } }'})
    assert typo["errors"] and all("Did you mean" not in e["message"] for e in typo["errors"])
    assert "jurisdiction" not in str(typo["errors"])


def test_a_caller_with_a_token_keeps_both(app_client: TestClient) -> None:
    body = app_client.post("/graphql", json=INTROSPECTION).json()
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    typo = app_client.post("/graphql", json={"query": '{ jurisdictin(code: "GM0546") { code } }'})
    assert "Did you mean" in typo.text


def test_the_setting_opens_both(
    app_client: TestClient, setting: Callable[[str, object], None]
) -> None:
    setting("graphql_anonymous_schema_hidden", False)
    body = _anonymous(app_client, INTROSPECTION)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"

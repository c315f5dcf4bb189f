"""Weakness: a variable's default value was ignored by the query cost (``first: $n = 100`` passed
at the default page size's cost)."""

from __future__ import annotations

from starlette.testclient import TestClient

NESTED = (
    "{ nodes { targets(first: 10) { nodes { progress { target { document"
    " { targets(first: 10) { nodes { code } } } } } } } } } }"
)


def _cost_error(client: TestClient, query: str, variables: dict | None = None) -> dict | None:
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    costly = [
        e for e in body.get("errors", []) if e["extensions"].get("code") == "QUERY_TOO_COSTLY"
    ]
    return costly[0] if costly else None


def test_a_variables_default_counts_in_the_cost(app_client: TestClient) -> None:
    literal = "{ jurisdictions(first: 100) " + NESTED
    defaulted = "query($n: Int = 100) { jurisdictions(first: $n) " + NESTED
    assert _cost_error(app_client, literal) is not None
    error = _cost_error(app_client, defaulted)
    assert error is not None, "the default 100 was not counted"
    assert error["extensions"]["cost"] == _cost_error(app_client, literal)["extensions"]["cost"]
    # a value sent overrides the default
    assert _cost_error(app_client, defaulted, {"n": 1}) is None

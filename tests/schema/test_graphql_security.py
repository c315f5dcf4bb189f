"""Limits on depth, aliases, tokens and cost; masked unexpected errors; introspection switch."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.settings import get_settings
from db.queries import geography
from tests.schema.conftest import GraphQL


@pytest.fixture()
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change WOONZORG_ settings for one test; the settings are read again afterwards."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def _first_error(gql: GraphQL, query: str) -> dict:  # type: ignore[type-arg]
    body = gql(query, errors=True)
    assert body.get("data") is None
    return body["errors"][0]


def test_a_too_deep_query_is_refused(gql: GraphQL) -> None:
    nested = "code"
    for _ in range(7):
        nested = f"members {{ regions {{ {nested} }} }}"
    error = _first_error(gql, f'{{ jurisdiction(code: "GM0518") {{ {nested} }} }}')
    assert "exceeds maximum operation depth" in error["message"]


def test_too_many_aliases_are_refused(gql: GraphQL) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(31))
    error = _first_error(gql, f"{{ {aliases} }}")
    assert "aliases" in error["message"].lower()


def test_too_many_tokens_are_refused(gql: GraphQL) -> None:
    fields = " ".join("__typename" for _ in range(3100))
    error = _first_error(gql, f"{{ {fields} }}")
    assert "token" in error["message"].lower()


def test_a_too_costly_query_is_refused_with_its_cost_and_the_limit(gql: GraphQL) -> None:
    # given 100 jurisdictions × their targets × their progress × the progress' targets' documents' targets
    query = """{ jurisdictions(first: 100) { nodes { targets { nodes { progress { target {
        document { targets { nodes { code } } } } } } } } } }"""
    error = _first_error(gql, query)
    # then the query is refused before running, saying why
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 20000
    assert "exceeds the limit" in error["message"]


def test_page_size_variables_count_in_the_cost(gql: GraphQL) -> None:
    query = (
        "query($n: Int!) { jurisdictions(first: $n) { nodes { targets { nodes { progress { target "
        "{ document { targets { nodes { code } } } } } } } } } }"
    )
    small = gql(query, {"n": 1}, errors=True)
    large = gql(query, {"n": 100}, errors=True)
    assert "errors" not in small
    assert large["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_an_unexpected_error_is_masked_and_logged_with_an_id(
    gql: GraphQL, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a repository that fails unexpectedly
    def broken(*_: object) -> None:
        raise RuntimeError("connection string with password=secret")

    monkeypatch.setattr(geography, "jurisdictions", broken)
    # when it is queried
    with caplog.at_level(logging.ERROR, logger="woonzorg.graphql"):
        error = gql("{ jurisdictions { nodes { code } } }", errors=True)["errors"][0]
    # then the client sees an id, not the cause; the log has both
    error_id = error["extensions"]["errorId"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error_id in error["message"] and "secret" not in error["message"]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


def test_expected_errors_are_not_masked(gql: GraphQL) -> None:
    error = gql("{ targets(first: 500) { nodes { id } } }", errors=True)["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_introspection_is_on_by_default_and_can_be_switched_off(
    reference_client: TestClient, settings_env: pytest.MonkeyPatch
) -> None:
    query = {"query": "{ __schema { queryType { name } } }"}
    assert (
        reference_client.post("/graphql", json=query).json()["data"]["__schema"]["queryType"][
            "name"
        ]
        == "Query"
    )
    settings_env.setenv("WOONZORG_GRAPHQL_INTROSPECTION", "false")
    get_settings.cache_clear()
    body = reference_client.post("/graphql", json=query).json()
    assert "introspection" in body["errors"][0]["message"].lower()
    # ordinary queries still work
    assert reference_client.post("/graphql", json={"query": "{ __typename }"}).json()["data"]


def test_a_malformed_period_says_which_forms_are_accepted(gql: GraphQL) -> None:
    body = gql(
        "query($p: Period) { observations(filter: {periodFrom: $p}) { nodes { id } } }",
        {"p": "2025-13"},
        errors=True,
    )
    message = body["errors"][0]["message"]
    assert "2025-13" in message and "month 13 is not 01-12" in message
    literal = gql('{ observations(filter: {periodTo: "2025-Q5"}) { nodes { id } } }', errors=True)
    assert "2025, 2025-H1, 2025-Q3, 2025-07" in literal["errors"][0]["message"]


def test_periods_filter_observations(gql: GraphQL) -> None:
    nodes = gql(
        '{ observations(first: 100, filter: {periodFrom: "2024", periodTo: "2024"}) { nodes { periodStart periodEnd } } }'
    )["data"]["observations"]["nodes"]
    assert nodes and all(
        n["periodStart"] >= "2024-01-01" and n["periodEnd"] <= "2024-12-31" for n in nodes
    )

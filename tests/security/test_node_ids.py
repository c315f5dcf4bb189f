"""Weakness: ``node(id:)`` with a type that is not a node answered "Unexpected error", and an
invalid id carried no error code. A well-formed global id that names no visible object (a type
that is no node included) answers ``null``, as a missing object does (issue 15); text that is not
a global id is a client's mistake with a code: ``INVALID_ID``."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient


def _gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _node(app_client: TestClient, node_id: str) -> dict:  # type: ignore[type-arg]
    return app_client.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": node_id}},
    ).json()


@pytest.mark.parametrize("node_id", [_gid("ApiToken:1"), _gid("Query:1")])
def test_a_well_formed_id_of_a_type_that_is_no_node_is_null(
    app_client: TestClient, node_id: str
) -> None:
    body = _node(app_client, node_id)
    assert body == {"data": {"node": None}}, body


@pytest.mark.parametrize("node_id", ["not-base64!", _gid("x")])
def test_an_invalid_node_id_is_a_coded_client_error(app_client: TestClient, node_id: str) -> None:
    body = _node(app_client, node_id)
    assert body["errors"], body
    error = body["errors"][0]
    assert "Unexpected error" not in error["message"]
    assert error["extensions"]["code"] == "INVALID_ID", error

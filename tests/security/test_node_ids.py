"""Weakness: ``node(id:)`` with a type that is not a node answered "Unexpected error", and an
invalid id carried no error code. Both are a client's mistake with a code: ``INVALID_ID``."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient


def _gid(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("node_id", [_gid("ApiToken:1"), _gid("Query:1"), "not-base64!", _gid("x")])
def test_an_invalid_node_id_is_a_coded_client_error(app_client: TestClient, node_id: str) -> None:
    body = app_client.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": node_id}},
    ).json()
    assert body["errors"], body
    error = body["errors"][0]
    assert "Unexpected error" not in error["message"]
    assert error["extensions"]["code"] == "INVALID_ID", error

"""``node(id:)``: null for any well-formed id that names no visible object; a validation error only
for text that is not a global id."""

from __future__ import annotations

from starlette.testclient import TestClient
from strawberry import relay

NODE = "query($id: ID!) { node(id: $id) { id } }"


def ask(client: TestClient, global_id: str) -> dict:  # type: ignore[type-arg]
    response = client.post("/graphql", json={"query": NODE, "variables": {"id": global_id}})
    return response.json()


def test_a_well_formed_id_naming_nothing_answers_null(app_client: TestClient) -> None:
    for type_name, node_id in (
        ("NoSuchType", "1"),  # a type the schema does not have
        ("Query", "1"),  # a type that is not a Node
        ("Submission", "999999"),  # a Node type, no such row
        ("Submission", "abc"),  # a Node type, an id that no row can have
    ):
        body = ask(app_client, relay.to_base64(type_name, node_id))
        assert body == {"data": {"node": None}}, (type_name, body)


def test_text_that_is_not_a_global_id_is_a_validation_error(app_client: TestClient) -> None:
    body = ask(app_client, "dit is geen id")
    assert body.get("data") is None or body["data"].get("node") is None
    assert body["errors"] and "Unexpected error" not in body["errors"][0]["message"]

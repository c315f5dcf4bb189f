"""GraphQL over HTTP: GET and POST, status codes and application/graphql-response+json."""

from __future__ import annotations

from starlette.testclient import TestClient

GRJ = "application/graphql-response+json"


def test_a_query_over_get(reference_client: TestClient) -> None:
    response = reference_client.get(
        "/graphql", params={"query": '{ jurisdiction(code: "GM0546") { name } }'}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"jurisdiction": {"name": "Leiden"}}}


def test_no_mutation_over_get(reference_client: TestClient) -> None:
    response = reference_client.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code in (400, 405)
    assert "data" not in response.text or response.json().get("data") is None


def test_a_query_over_post_json(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql",
        json={
            "query": "query Q($c: String!) { jurisdiction(code: $c) { kind } }",
            "variables": {"c": "GM0518"},
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"]["jurisdiction"]["kind"] == "MUNICIPALITY"


def test_graphql_response_json_is_answered_in_kind(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": GRJ}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == GRJ
    assert response.json() == {"data": {"__typename": "Query"}}


def test_with_graphql_response_json_a_parse_error_is_a_400_without_data(
    reference_client: TestClient,
) -> None:
    response = reference_client.post(
        "/graphql", json={"query": "{ jurisdictions("}, headers={"accept": GRJ}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == GRJ
    body = response.json()
    assert "data" not in body and body["errors"][0]["message"].startswith("Syntax Error")


def test_with_graphql_response_json_a_validation_error_is_a_400(
    reference_client: TestClient,
) -> None:
    response = reference_client.post(
        "/graphql", json={"query": "{ noSuchField }"}, headers={"accept": GRJ}
    )
    assert response.status_code == 400
    assert "data" not in response.json()


def test_with_graphql_response_json_a_bad_variable_is_a_400(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": None}},
        headers={"accept": GRJ},
    )
    assert response.status_code == 400


def test_with_graphql_response_json_a_field_error_keeps_200_and_data(
    reference_client: TestClient,
) -> None:
    response = reference_client.post(
        "/graphql",
        json={"query": "{ targets(first: 1000) { totalCount } }"},
        headers={"accept": GRJ},
    )
    assert response.status_code == 200
    assert "data" in response.json() and response.json()["errors"]


def test_with_only_application_json_errors_stay_200(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql", json={"query": "{ noSuchField }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] is None


def test_json_is_preferred_when_weighted_higher(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql",
        json={"query": "{ noSuchField }"},
        headers={"accept": f"{GRJ};q=0.5, application/json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


def test_a_body_that_is_not_json_is_a_400(reference_client: TestClient) -> None:
    response = reference_client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400

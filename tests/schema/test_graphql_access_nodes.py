"""Users, tokens, reporting obligations and scope entries are Relay nodes: `node(id:)` answers
them only to callers who may see them (null to anyone else); `users` and `apiTokens` are keyset
connections."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from tests.factories import Factory

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on UserAccount { email } ... on ApiTokenInfo { prefix organisation }
  ... on ObligationSet { organisation indicator jurisdictions }
  ... on ScopeEntry { jurisdiction scoped: indicator } } }"""


def gql(client: TestClient, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def node(client: TestClient, id: str, token: str | None = None) -> Any:
    return gql(client, NODE, token, id=id)["node"]


def test_users_and_tokens_are_paged_connections_of_what_the_caller_may_see(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.organisation(code="portaal")
    make.organisation(code="duwo")
    make.user("portaal", "partner", email="a@portaal.nl")
    make.user("portaal", "viewer", email="b@portaal.nl")
    make.user("duwo", "partner", email="c@duwo.nl")
    partner = make.token("portaal")
    make.token("duwo")
    users = "query($after: String) { users(first: 2, after: $after) { totalCount edges { cursor node { id email } } pageInfo { hasNextPage endCursor } } }"
    # the administrator pages through everyone's, by e-mail address
    first = gql(app_client, users)["users"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["email"] for e in first["edges"]] == ["a@portaal.nl", "b@portaal.nl"]
    rest = gql(app_client, users, after=first["pageInfo"]["endCursor"])["users"]
    assert [e["node"]["email"] for e in rest["edges"]] == ["c@duwo.nl"]
    assert rest["pageInfo"]["hasNextPage"] is False
    # a partner sees only its own organisation's users and tokens
    own = gql(app_client, users, partner)["users"]
    assert own["totalCount"] == 2
    assert {e["node"]["email"] for e in own["edges"]} == {"a@portaal.nl", "b@portaal.nl"}
    tokens = "{ apiTokens(first: 10) { totalCount nodes { id prefix organisation } } }"
    everyone = gql(app_client, tokens)["apiTokens"]
    assert everyone["totalCount"] == 3  # the administrator's, portaal's and duwo's
    mine = gql(app_client, tokens, partner)["apiTokens"]
    assert [t["organisation"] for t in mine["nodes"]] == ["portaal"]


def test_node_answers_users_and_tokens_only_to_those_who_may_see_them(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.organisation(code="portaal")
    make.organisation(code="duwo")
    make.user("portaal", "partner", email="a@portaal.nl")
    make.user("duwo", "partner", email="c@duwo.nl")
    portaal = make.token("portaal")
    duwo = make.token("duwo")
    listed = gql(app_client, "{ users(first: 10) { nodes { id email } } }")["users"]["nodes"]
    ids = {u["email"]: u["id"] for u in listed}
    tokens = gql(app_client, "{ apiTokens(first: 10) { nodes { id organisation } } }")
    token_ids = {t["organisation"]: t["id"] for t in tokens["apiTokens"]["nodes"]}
    # the administrator and the user's own organisation reach the user by its global id
    assert node(app_client, ids["a@portaal.nl"]) == {
        "__typename": "UserAccount",
        "id": ids["a@portaal.nl"],
        "email": "a@portaal.nl",
    }
    assert node(app_client, ids["a@portaal.nl"], portaal)["email"] == "a@portaal.nl"
    assert node(app_client, token_ids["portaal"], portaal)["organisation"] == "portaal"
    # another organisation gets null, as for an id that names nothing
    assert node(app_client, ids["a@portaal.nl"], duwo) is None
    assert node(app_client, token_ids["portaal"], duwo) is None


def test_obligations_and_scope_entries_are_nodes_for_their_organisation_and_overseers(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.indicator(code="dwellings-added")
    make.organisation(code="gem-leiden")
    make.organisation(code="duwo")
    session.commit()
    leiden = make.token("gem-leiden")
    duwo = make.token("duwo")
    obligation = gql(
        app_client,
        """mutation { setReportingObligation(organisation: "gem-leiden",
            indicator: "dwellings-added", jurisdictions: ["GM0546"], frequency: QUARTERLY,
            dueDays: 45, firstPeriod: "2026-Q1") { ... on ObligationSet { id } } }""",
    )["setReportingObligation"]["id"]
    scope = gql(
        app_client,
        """mutation { grantScope(organisation: "gem-leiden", jurisdictions: ["GM0546"],
            indicators: ["dwellings-added"]) { ... on ScopeChanged { scope { id } } } }""",
    )["grantScope"]["scope"][0]["id"]
    assert node(app_client, obligation) == {
        "__typename": "ObligationSet",
        "id": obligation,
        "organisation": "gem-leiden",
        "indicator": "dwellings-added",
        "jurisdictions": ["GM0546"],
    }
    assert node(app_client, scope, leiden) == {
        "__typename": "ScopeEntry",
        "id": scope,
        "jurisdiction": "GM0546",
        "scoped": "dwellings-added",
    }
    assert node(app_client, obligation, leiden)["organisation"] == "gem-leiden"
    assert node(app_client, obligation, duwo) is None
    assert node(app_client, scope, duwo) is None


def test_an_organisations_scope_and_obligations_are_listed_to_those_who_may_see_them(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.jurisdiction(code="GM0547", name="Leiderdorp")
    make.indicator(code="dwellings-added")
    make.organisation(code="gem-leiden")
    make.organisation(code="duwo")
    session.commit()
    leiden = make.token("gem-leiden")
    duwo = make.token("duwo")
    gql(
        app_client,
        """mutation { setReportingObligation(organisation: "gem-leiden",
            indicator: "dwellings-added", jurisdictions: ["GM0546"], frequency: YEARLY,
            dueDays: 90, firstPeriod: "2025") { __typename } }""",
    )
    gql(
        app_client,
        """mutation { grantScope(organisation: "gem-leiden", jurisdictions: ["GM0546", "GM0547"],
            indicators: ["dwellings-added"]) { __typename } }""",
    )
    reporting = """{ organisations(filter: {codes: ["gem-leiden"]}) { nodes {
        reportingScope(first: 1) { totalCount nodes { jurisdiction indicator } }
        reportingObligations { totalCount nodes { indicator frequency jurisdictions } } } } }"""
    # the administrator and the organisation itself see its current scope and obligations
    for token in (None, leiden):
        seen = gql(app_client, reporting, token)["organisations"]["nodes"][0]
        assert seen["reportingScope"]["totalCount"] == 2
        assert seen["reportingScope"]["nodes"] == [
            {"jurisdiction": "GM0546", "indicator": "dwellings-added"}
        ]
        assert seen["reportingObligations"] == {
            "totalCount": 1,
            "nodes": [
                {"indicator": "dwellings-added", "frequency": "YEARLY", "jurisdictions": ["GM0546"]}
            ],
        }
    # another partner sees the organisation, not its reporting
    hidden = gql(app_client, reporting, duwo)["organisations"]["nodes"][0]
    assert hidden["reportingScope"]["totalCount"] == 0
    assert hidden["reportingObligations"]["totalCount"] == 0

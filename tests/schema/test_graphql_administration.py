"""Administration through GraphQL: organisations (create, update, deactivate), reporting
obligations, scopes and tokens; audited, with typed refusals."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from starlette.testclient import TestClient

from db.models import AuditEvent, ReportingObligation
from tests.factories import Factory


def gql(client: TestClient, query: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_an_administrator_creates_updates_and_deactivates_an_organisation(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    session.commit()
    made = gql(
        app_client,
        """mutation { createOrganisation(code: "woonstichting-x", name: "Woonstichting X",
             kind: CORPORATION, jurisdiction: "GM0546", reason: "nieuwe partner") {
             __typename ... on OrganisationChanged { organisation { code name kind } } } }""",
    )["createOrganisation"]
    assert made["organisation"] == {
        "code": "woonstichting-x",
        "name": "Woonstichting X",
        "kind": "CORPORATION",
    }
    token = make.token("woonstichting-x")
    assert gql(app_client, "{ me { organisationCode } }", token)["me"] == {
        "organisationCode": "woonstichting-x"
    }
    # a second one with the same code is refused with a code and both messages
    again = gql(
        app_client,
        """mutation { createOrganisation(code: "woonstichting-x", name: "X", kind: CORPORATION) {
             __typename ... on InvalidInput { code messageNl field } } }""",
    )["createOrganisation"]
    assert again == {
        "__typename": "InvalidInput",
        "code": "code_taken",
        "messageNl": "Er bestaat al een organisatie 'woonstichting-x'.",
        "field": "code",
    }
    # deactivated: its token no longer works
    gql(
        app_client,
        """mutation { updateOrganisation(code: "woonstichting-x", active: false, reason: "gefuseerd")
             { __typename } }""",
    )
    refused = app_client.post(
        "/graphql", json={"query": "{ me { role } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401
    events = session.exec(select(AuditEvent).where(AuditEvent.object_id == "woonstichting-x")).all()
    deactivated = next(e for e in events if e.action == "organisation.deactivated")
    assert deactivated.before["active"] is True and deactivated.after["active"] is False  # type: ignore[index]
    assert deactivated.reason == "gefuseerd"


def test_an_obligation_is_set_and_changed_through_graphql_and_a_partner_may_not(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.indicator(code="dwellings-added")
    make.organisation(code="gem-leiden")
    partner = make.token("gem-leiden")
    mutation = """mutation { setReportingObligation(organisation: "gem-leiden",
        indicator: "dwellings-added", jurisdictions: ["GM0546"], frequency: QUARTERLY,
        dueDays: DAYS, firstPeriod: "2026-Q1", reason: "afspraak") {
        __typename ... on ObligationSet { dueDays jurisdictions }
        ... on NotAllowed { code messageNl } } }"""
    first = gql(app_client, mutation.replace("DAYS", "45"))["setReportingObligation"]
    assert first == {"__typename": "ObligationSet", "dueDays": 45, "jurisdictions": ["GM0546"]}
    gql(app_client, mutation.replace("DAYS", "30"))
    assert session.exec(select(ReportingObligation)).one().due_days == 30
    refused = gql(app_client, mutation.replace("DAYS", "10"), partner)["setReportingObligation"]
    assert refused["__typename"] == "NotAllowed" and refused["code"] == "outside_area"
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "reporting_obligation")
        )
    ]
    assert actions == ["obligation.created", "obligation.updated"]


def test_scopes_and_tokens_through_graphql(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.organisation(code="portaal")
    session.commit()
    granted = gql(
        app_client,
        """mutation { grantScope(organisation: "portaal", jurisdictions: ["GM0546"]) {
             ... on ScopeChanged { scope { jurisdiction indicator } } } }""",
    )["grantScope"]
    assert granted == {"scope": [{"jurisdiction": "GM0546", "indicator": None}]}
    unknown = gql(
        app_client,
        """mutation { grantScope(organisation: "portaal", jurisdictions: ["GM9999"]) {
             __typename ... on NotFound { code message messageNl } } }""",
    )["grantScope"]
    assert unknown["code"] == "unknown_jurisdiction" and unknown["messageNl"]
    made = gql(
        app_client,
        """mutation { createToken(name: "sync", role: PARTNER, organisation: "portaal") {
             ... on TokenCreated { token info { prefix role organisation } } } }""",
    )["createToken"]
    assert made["token"].startswith("wz_") and made["info"]["organisation"] == "portaal"
    listed = gql(app_client, "{ apiTokens(first: 100) { nodes { prefix } } }")["apiTokens"]["nodes"]
    assert made["info"]["prefix"] in {t["prefix"] for t in listed}
    revoked = gql(
        app_client,
        'mutation { revokeToken(prefix: "PREFIX", reason: "test") { __typename } }'.replace(
            "PREFIX", made["info"]["prefix"]
        ),
    )["revokeToken"]
    assert revoked == {"__typename": "TokenRevoked"}
    assert (
        app_client.post(
            "/graphql",
            json={"query": "{ me { role } }"},
            headers={"Authorization": f"Bearer {made['token']}"},
        ).status_code
        == 401
    )
    revoked_scope = gql(
        app_client,
        """mutation { revokeScope(organisation: "portaal", jurisdictions: ["GM0546"]) {
             ... on ScopeChanged { scope { jurisdiction } } } }""",
    )["revokeScope"]
    assert revoked_scope == {"scope": []}

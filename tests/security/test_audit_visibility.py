"""Weakness: a task force read other organisations' ``submission.received`` and every token
event in the audit trail, though ``submission(id:)`` hid them. The audit trail follows the
objects: a task force sees events about published objects and about the organisations of its
area; a partner about its own organisation's objects; a viewer nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from core.enums import JurisdictionKind, OrganisationKind, RegionType, Role
from core.principal import Actor
from db.models import AuditEvent, Jurisdiction, OrganisationScope, RegionMembership, Submission
from services import audit
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

TRAIL = """
{ auditEvents(first: 100) { totalCount nodes { id action objectType objectId } } }"""
NODE = "query($id: ID!) { node(id: $id) { __typename ... on AuditEvent { action } } }"
SUBMIT = """
mutation($rows: [ObservationRowInput!]!) {
  submitObservations(input: {rows: $rows}) { __typename }
}"""


def _call(client: TestClient, token: str, query: str, variables: dict | None = None) -> Any:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _submit(client: TestClient, token: str, jurisdiction: str) -> None:
    rows = [{"indicator": "dwellings-added", "jurisdiction": jurisdiction, "period": "2024"}]
    rows[0]["value"] = "3"
    body = _call(client, token, SUBMIT, {"rows": rows})
    assert body["data"]["submitObservations"]["__typename"] == "SubmissionReceived", body


def _trail(client: TestClient, token: str) -> list[dict[str, str]]:
    body = _call(client, token, TRAIL)
    assert "errors" not in body, body
    return body["data"]["auditEvents"]["nodes"]


@pytest.fixture()
def area(app_client: TestClient, session: Session, make: Factory) -> dict[str, Any]:
    """portaal reports for Leiden (in the task force's region); elders-corp for Leiderdorp
    (another task force's region). Each submits figures and has tokens."""
    reporting_world(session, make)
    leiden = session.exec(select(Jurisdiction).where(Jurisdiction.code == "GM0546")).one()
    leiderdorp = session.exec(select(Jurisdiction).where(Jurisdiction.code == "GM0547")).one()
    ours = make.jurisdiction(
        code="rg-ours", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    theirs = make.jurisdiction(
        code="rg-theirs", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=ours.id, member_id=leiden.id))
    session.add(RegionMembership(region_id=theirs.id, member_id=leiderdorp.id))
    taskforce = make.organisation(code="tf-ours", kind=OrganisationKind.REGIONAL_BODY)
    elders = make.organisation(code="elders-corp", kind=OrganisationKind.CORPORATION)
    session.add(OrganisationScope(organisation_id=taskforce.id, jurisdiction_id=ours.id))
    session.add(OrganisationScope(organisation_id=elders.id, jurisdiction_id=leiderdorp.id))
    # a published object's history (a jurisdiction) and a private one of elders-corp
    audit.record(session, None, "reference.update", "jurisdiction", "GM0547", actor_label="seed")
    session.commit()
    tokens = {
        "partner": make.token("portaal", "partner"),
        "elders": make.token("elders-corp", "partner"),
        "taskforce": make.token("tf-ours", "taskforce"),
        "viewer": make.token("portaal", "viewer"),
    }
    _submit(app_client, tokens["partner"], "GM0546")
    _submit(app_client, tokens["elders"], "GM0547")
    session.expire_all()
    submissions = {
        code: str(s.id)
        for code, s in (
            (code, session.exec(select(Submission).where(Submission.organisation_id == org)).one())
            for code, org in (("portaal", _org(session, "portaal")), ("elders", elders.id))
        )
    }
    return {"tokens": tokens, "submissions": submissions}


def _org(session: Session, code: str) -> int:
    from db.models import Organisation

    return session.exec(select(Organisation).where(Organisation.code == code)).one().id  # type: ignore[return-value]


def _received(events: list[dict[str, str]]) -> set[str]:
    return {e["objectId"] for e in events if e["action"] == "submission.received"}


def _token_owners(events: list[dict[str, str]], session: Session) -> set[str]:
    from db.models import ApiToken, Organisation

    prefixes = {e["objectId"] for e in events if e["objectType"] == "api_token"}
    return {
        code
        for code, prefix in session.exec(
            select(Organisation.code, ApiToken.prefix).where(
                ApiToken.organisation_id == Organisation.id
            )
        )
        if prefix in prefixes
    }


def test_a_task_force_reads_the_trail_of_its_area_only(
    app_client: TestClient, session: Session, area: dict[str, Any]
) -> None:
    events = _trail(app_client, area["tokens"]["taskforce"])
    assert _received(events) == {area["submissions"]["portaal"]}
    assert "elders-corp" not in _token_owners(events, session)
    assert {"portaal", "tf-ours"} <= _token_owners(events, session)
    # published objects' history stays readable
    assert any(e["objectType"] == "jurisdiction" for e in events)
    # and one hidden event, asked for by its id, looks like a missing one
    hidden = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "submission.received",
            AuditEvent.object_id == area["submissions"]["elders"],
        )
    ).one()
    shown = _call(
        app_client,
        area["tokens"]["taskforce"],
        NODE,
        {"id": to_base64("AuditEvent", hidden.id)},
    )
    assert shown["data"]["node"] is None
    missing = _call(
        app_client, area["tokens"]["taskforce"], NODE, {"id": to_base64("AuditEvent", 999_999)}
    )
    assert missing == shown


def test_a_partner_reads_its_own_organisations_trail_only(
    app_client: TestClient, session: Session, area: dict[str, Any]
) -> None:
    events = _trail(app_client, area["tokens"]["partner"])
    assert _received(events) == {area["submissions"]["portaal"]}
    assert _token_owners(events, session) == {"portaal"}
    assert not any(e["objectType"] == "jurisdiction" for e in events)


def test_an_administrator_reads_everything_and_a_viewer_nothing(
    app_client: TestClient, session: Session, area: dict[str, Any]
) -> None:
    events = _trail(app_client, app_client.headers["Authorization"].removeprefix("Bearer "))
    assert _received(events) == set(area["submissions"].values())
    refused = _call(app_client, area["tokens"]["viewer"], TRAIL)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_an_event_done_by_an_organisation_of_the_area_on_another_ones_object_stays_hidden(
    app_client: TestClient, session: Session, area: dict[str, Any]
) -> None:
    """Visibility follows the object, not the actor: the task force's own organisation acting
    on elders-corp's token is not shown to it."""
    actor = Actor(
        user_id=None, organisation_id=_org(session, "tf-ours"), role=Role.ADMIN, label="x"
    )
    from db.models import ApiToken

    prefix = session.exec(
        select(ApiToken.prefix).where(ApiToken.organisation_id == _org(session, "elders-corp"))
    ).first()
    audit.record(session, actor, "token.revoked", "api_token", prefix or "", reason="test")
    session.commit()
    events = _trail(app_client, area["tokens"]["taskforce"])
    assert not any(e["objectId"] == prefix for e in events)


def test_scope_events_of_the_reference_load_follow_their_organisation(
    app_client: TestClient, session: Session, area: dict[str, Any]
) -> None:
    for label in ("elders-corp/scope GM0547", "portaal/scope GM0546"):
        audit.record(
            session, None, "reference.create", "organisation_scope", label, actor_label="seed"
        )
    session.commit()
    scopes = {
        e["objectId"]
        for e in _trail(app_client, area["tokens"]["taskforce"])
        if e["objectType"] == "organisation_scope"
    }
    assert scopes == {"portaal/scope GM0546"}

"""Roles × the sensitive queries and the submission mutations; every write leaves an audit entry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from strawberry.permission import PermissionExtension
from strawberry.relay import to_base64

from core.enums import JurisdictionKind, OrganisationKind, RegionType
from db.models import AuditEvent, OrganisationScope, RegionMembership, Submission
from schema.root import Mutation, Query, Subscription
from services.jobs import INGEST
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

SUBMIT = """
mutation($input: SubmitObservationsInput!) {
  submitObservations(input: $input) {
    __typename
    ... on SubmissionReceived { created submission { id status organisation { code } } }
    ... on NotAllowed { message }
    ... on InvalidInput { message field }
    ... on RateLimited { retryAfterSeconds }
  }
}"""
DECIDE = """
mutation($id: ID!, $reason: String!) {
  approve: approveSubmission(id: $id, reason: $reason) {
    __typename
    ... on SubmissionDecided { submission { status } }
    ... on NotAllowed { message }
    ... on NotFound { message }
    ... on InvalidState { message }
  }
}"""
LIST = "{ submissions { totalCount nodes { id organisation { code } } } }"


def call(
    client: TestClient, query: str, token: str | None, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def rows(jurisdiction: str = "GM0546") -> dict[str, Any]:
    return {
        "rows": [
            {
                "indicator": "dwellings-added",
                "jurisdiction": jurisdiction,
                "period": "2024",
                "value": "12",
            }
        ]
    }


@pytest.fixture()
def world(session: Session, make: Factory) -> dict[str, str]:
    """portaal (partner, Leiden), a task force for the Leidse regio, a task force elsewhere."""
    reporting_world(session, make)
    leiden = session.exec(select(OrganisationScope)).first().jurisdiction_id  # type: ignore[union-attr]
    region = make.jurisdiction(
        code="rg-leidse-regio", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=region.id, member_id=leiden))
    elsewhere = make.jurisdiction(
        code="rg-elders", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    taskforce = make.organisation(code="taskforce-lr", kind=OrganisationKind.REGIONAL_BODY)
    other = make.organisation(code="taskforce-elders", kind=OrganisationKind.REGIONAL_BODY)
    session.add(OrganisationScope(organisation_id=taskforce.id, jurisdiction_id=region.id))
    session.add(OrganisationScope(organisation_id=other.id, jurisdiction_id=elsewhere.id))
    session.commit()
    return {
        "partner": make.token("portaal", "partner"),
        "viewer": make.token("portaal", "viewer"),
        "taskforce": make.token("taskforce-lr", "taskforce"),
        "other_taskforce": make.token("taskforce-elders", "taskforce"),
        "cbs": make.token("cbs", "partner"),
    }


def test_every_root_field_has_a_permission() -> None:
    for root in (Query, Mutation, Subscription):
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            assert any(isinstance(e, PermissionExtension) for e in field.extensions), field.name


def test_without_a_token_nothing_is_readable_unless_the_public_mode_is_on(
    app_client: TestClient, monkeypatch, make: Factory, session: Session
) -> None:  # type: ignore[no-untyped-def]
    make.jurisdiction(code="GM0546", name="Leiden")
    make.jurisdiction(code="GM0547", name="Leiderdorp")
    session.commit()
    closed = call(app_client, "{ jurisdictions { totalCount } }", None)
    assert closed["data"] is None and closed["errors"][0]["message"].startswith("Sign in")
    from core.settings import get_settings

    monkeypatch.setattr(get_settings(), "public_read", True)
    public = call(app_client, "{ jurisdictions(first: 100) { totalCount nodes { code } } }", None)
    listed = public["data"]["jurisdictions"]
    assert {"GM0546", "GM0547"} <= {node["code"] for node in listed["nodes"]}
    assert listed["totalCount"] == len(listed["nodes"])
    assert call(app_client, LIST, None)["errors"][0]["message"].startswith("Sign in")
    assert call(app_client, "{ auditEvents { totalCount } }", None)["data"] is None


def test_a_partner_submits_for_itself_only_and_sees_only_its_own(
    app_client: TestClient, world: dict[str, str], broker, worker
) -> None:
    own = call(app_client, SUBMIT, world["partner"], {"input": rows()})["data"][
        "submitObservations"
    ]
    assert (
        own["__typename"] == "SubmissionReceived"
        and own["submission"]["organisation"]["code"] == "portaal"
    )
    foreign = call(
        app_client, SUBMIT, world["partner"], {"input": {**rows(), "organisation": "cbs"}}
    )
    assert foreign["data"]["submitObservations"] == {
        "__typename": "NotAllowed",
        "message": "This token submits for 'portaal' only.",
    }
    viewer = call(app_client, SUBMIT, world["viewer"], {"input": rows()})["data"][
        "submitObservations"
    ]
    assert viewer["__typename"] == "NotAllowed"
    call(app_client, SUBMIT, world["cbs"], {"input": rows()})
    drain(broker, worker, INGEST)
    # what each token sees of the two submissions
    assert [
        n["organisation"]["code"]
        for n in call(app_client, LIST, world["partner"])["data"]["submissions"]["nodes"]
    ] == ["portaal"]
    assert call(app_client, LIST, world["viewer"])["data"]["submissions"]["totalCount"] == 0
    assert (
        call(app_client, LIST, world["taskforce"])["data"]["submissions"]["totalCount"] == 2
    )  # both report for Leiden
    assert (
        call(app_client, LIST, world["other_taskforce"])["data"]["submissions"]["totalCount"] == 0
    )
    # a hidden submission is null, exactly like a missing one
    cbs_id = call(app_client, LIST, world["taskforce"])["data"]["submissions"]["nodes"]
    hidden = next(n["id"] for n in cbs_id if n["organisation"]["code"] == "cbs")
    missing = to_base64("Submission", 999999)
    for node_id in (hidden, missing):
        answer = call(
            app_client,
            "query($id: ID!) { submission(id: $id) { id } node(id: $id) { id } }",
            world["partner"],
            {"id": node_id},
        )
        assert answer["data"] == {"submission": None, "node": None}


def test_only_the_task_force_of_the_area_or_an_admin_decides(
    app_client: TestClient, world: dict[str, str], session: Session, broker, worker
) -> None:
    received = call(app_client, SUBMIT, world["partner"], {"input": rows()})["data"][
        "submitObservations"
    ]
    drain(broker, worker, INGEST)
    variables = {"id": received["submission"]["id"], "reason": "gecontroleerd"}
    assert (
        call(app_client, DECIDE, world["partner"], variables)["data"]["approve"]["__typename"]
        == "NotAllowed"
    )
    assert (
        call(app_client, DECIDE, world["other_taskforce"], variables)["data"]["approve"][
            "__typename"
        ]
        == "NotFound"
    )
    assert call(app_client, DECIDE, world["taskforce"], variables)["data"]["approve"] == {
        "__typename": "SubmissionDecided",
        "submission": {"status": "APPROVED"},
    }
    again = call(app_client, DECIDE, world["taskforce"], variables)["data"]["approve"]
    assert (
        again["__typename"] == "InvalidState" and "only a validated submission" in again["message"]
    )
    returned = call(
        app_client,
        'mutation($id: ID!) { returnSubmission(id: $id, reason: "nee") { __typename } }',
        world["taskforce"],
        {"id": variables["id"]},
    )
    assert returned["data"]["returnSubmission"]["__typename"] == "InvalidState"
    drain(broker, worker, INGEST)
    session.expire_all()
    actions = [
        e.action
        for e in session.exec(
            select(AuditEvent).where(AuditEvent.object_type == "submission").order_by(AuditEvent.id)
        )
    ]
    assert (
        actions[0] == "submission.received"
        and "submission.approved" in actions
        and actions[-1] == "submission.applied"
    )
    approval = session.exec(
        select(AuditEvent).where(AuditEvent.action == "submission.approved")
    ).one()
    assert approval.reason == "gecontroleerd" and "taskforce-lr" in approval.actor_label


def test_the_audit_trail_is_for_admins_the_task_force_and_partners_not_viewers(
    app_client: TestClient, world: dict[str, str]
) -> None:
    assert (
        call(app_client, "{ auditEvents { totalCount } }", world["viewer"])["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    trail = call(app_client, "{ auditEvents { totalCount nodes { action } } }", world["taskforce"])[
        "data"
    ]["auditEvents"]
    assert trail["totalCount"] >= 3 and {"action": "token.created"} in trail["nodes"]
    own = call(app_client, "{ auditEvents { totalCount } }", world["partner"])["data"]
    assert own["auditEvents"]["totalCount"] >= 2  # its own two tokens (tests/security has more)


def test_mutations_are_rate_limited_per_token(
    app_client: TestClient, world: dict[str, str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import schema.mutations.errors as errors
    from services.access.rate_limit import MemoryRateLimiter

    limiter = MemoryRateLimiter(limit=1)
    monkeypatch.setattr(errors, "rate_limiter", lambda: limiter)
    first = call(app_client, SUBMIT, world["partner"], {"input": rows()})["data"][
        "submitObservations"
    ]
    second = call(app_client, SUBMIT, world["partner"], {"input": rows("GM0547")})["data"][
        "submitObservations"
    ]
    assert first["__typename"] == "SubmissionReceived"
    assert second["__typename"] == "RateLimited" and 0 < second["retryAfterSeconds"] <= 60


def test_a_file_is_uploaded_with_the_graphql_multipart_request(
    app_client: TestClient, world: dict[str, str], session: Session, broker, worker
) -> None:
    operations = {
        "query": "mutation($file: Upload!) { uploadSubmission(file: $file) { __typename ... on SubmissionReceived { submission { status channel } } } }",
        "variables": {"file": None},
    }
    response = app_client.post(
        "/graphql",
        headers={"Authorization": f"Bearer {world['partner']}"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={
            "0": (
                "cijfers.csv",
                b"Indicator;Gemeente;Periode;Waarde\ndwellings-added;GM0546;2024;3\n",
                "text/csv",
            )
        },
    )
    assert response.json()["data"]["uploadSubmission"] == {
        "__typename": "SubmissionReceived",
        "submission": {"status": "RECEIVED", "channel": "CSV"},
    }
    drain(broker, worker, INGEST)
    assert session.exec(select(Submission)).one().status.value == "validated"

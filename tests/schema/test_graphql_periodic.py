"""Periodic figures through GraphQL: missing reports per role, overdue measures, measure status
reports, webhook subscriptions and deliveries, sources and their runs, pulling a source now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from core.enums import (
    JurisdictionKind,
    MeasureStatus,
    OrganisationKind,
    RegionType,
    SourceKind,
    SourceRunOutcome,
    WebhookEvent,
)
from db.models import (
    AuditEvent,
    Jurisdiction,
    Measure,
    OrganisationScope,
    OutboxJob,
    RegionMembership,
    ReportingObligation,
    Source,
    SourceRun,
    WebhookDelivery,
    WebhookSubscription,
)
from services.periodic.webhooks import emit
from tests.factories import Factory
from tests.schema.test_graphql_access import call
from tests.schema.test_graphql_dataloaders import counted_statements
from tests.workers.test_calendar import obligation

AS_OF = "2026-08-20"  # 2026-Q1 was due on 15 May, 2026-Q2 on 14 August (45 days)


@dataclass
class World:
    measure_id: int
    source_id: int
    tokens: dict[str, str]


@pytest.fixture()
def sent_jobs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs are recorded in the outbox but not sent: no worker pulls a URL or calls a hook."""
    import workers.outbox

    sent: list[int] = []
    monkeypatch.setattr(workers.outbox, "send_jobs", lambda bind, ids: sent.extend(ids) or 0)
    return sent


@pytest.fixture()
def world(session: Session, make: Factory, sent_jobs: list[int]) -> World:
    """Leiden (in the Leidse regio, with its task force) and Oegstgeest (elsewhere) each owe
    quarterly realisation; Leiden reported 2026-Q1. A measure of Leiden; a CBS source."""
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    oegstgeest = make.jurisdiction(code="GM0579", name="Oegstgeest")
    region = make.jurisdiction(
        code="rg-leidse-regio", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=region.id, member_id=leiden.id))
    added = make.indicator(code="dwellings-added")
    gem_leiden = make.organisation(code="gem-leiden", kind=OrganisationKind.MUNICIPALITY)
    gem_oegstgeest = make.organisation(code="gem-oegstgeest", kind=OrganisationKind.MUNICIPALITY)
    taskforce = make.organisation(code="taskforce-lr", kind=OrganisationKind.REGIONAL_BODY)
    make.organisation(code="monitor", kind=OrganisationKind.REGIONAL_BODY)
    for organisation, jurisdiction in ((gem_leiden, leiden), (gem_oegstgeest, oegstgeest)):
        session.add(
            OrganisationScope(organisation_id=organisation.id, jurisdiction_id=jurisdiction.id)
        )
    session.add(OrganisationScope(organisation_id=taskforce.id, jurisdiction_id=region.id))
    obligation(session, gem_leiden.id, added.id, leiden.id)
    obligation(session, gem_oegstgeest.id, added.id, oegstgeest.id)
    make.observation(
        indicator_id=added.id,
        jurisdiction_id=leiden.id,
        source_organisation_id=gem_leiden.id,
        period="2026-Q1",
    )
    measure = Measure(
        document_id=make.document(jurisdiction_id=leiden.id).id,
        code="1a",
        title="Meer geclusterde woningen",
        owner_id=gem_leiden.id,
        due="2026-Q1",
    )
    session.add(measure)
    source = Source(
        code="cbs-test",
        name="CBS test",
        kind=SourceKind.CBS_STATLINE,
        config={"table": "37230ned"},
        schedule="0 6 * * *",
        organisation_id=gem_leiden.id,
    )
    session.add(source)
    session.flush()
    session.add(
        SourceRun(
            source_id=source.id,
            attempt=1,
            outcome=SourceRunOutcome.FAILED,
            error="503",
            finished_at=datetime(2026, 8, 1, 6, 1, tzinfo=UTC),
        )
    )
    session.commit()
    return World(
        measure_id=measure.id,  # type: ignore[arg-type]
        source_id=source.id,  # type: ignore[arg-type]
        tokens={
            "admin": make.token("monitor", "admin"),
            "taskforce": make.token("taskforce-lr", "taskforce"),
            "owner": make.token("gem-leiden", "partner"),
            "other": make.token("gem-oegstgeest", "partner"),
            "viewer": make.token("gem-leiden", "viewer"),
        },
    )


def data(client: TestClient, query: str, token: str | None, **variables: Any) -> dict[str, Any]:
    body = call(client, query, token, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def audit(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


MISSING = """query($filter: MissingReportFilter, $first: Int! = 100, $after: String) {
  missingReports(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { organisation { code } indicator { code } jurisdiction { code } period dueOn daysOverdue }
  } }"""


def cells(page: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (m["organisation"]["code"], m["jurisdiction"]["code"], m["period"]) for m in page["nodes"]
    ]


def missing(client: TestClient, token: str | None, **filter: Any) -> list[tuple[str, str, str]]:
    page = data(client, MISSING, token, filter={"asOf": AS_OF, **filter})["missingReports"]
    assert page["totalCount"] == len(page["nodes"])
    return cells(page)


def test_missing_reports_follow_who_may_see_them(app_client: TestClient, world: World) -> None:
    t = world.tokens
    # the administrator sees every organisation's, ordered by organisation and period
    assert missing(app_client, t["admin"]) == [
        ("gem-leiden", "GM0546", "2026-Q2"),
        ("gem-oegstgeest", "GM0579", "2026-Q1"),
        ("gem-oegstgeest", "GM0579", "2026-Q2"),
    ]
    # the task force those of its area (Leiden), a partner its own, a viewer none
    assert missing(app_client, t["taskforce"]) == [("gem-leiden", "GM0546", "2026-Q2")]
    assert missing(app_client, t["other"]) == [
        ("gem-oegstgeest", "GM0579", "2026-Q1"),
        ("gem-oegstgeest", "GM0579", "2026-Q2"),
    ]
    assert missing(app_client, t["other"], organisation="gem-leiden") == []
    assert missing(app_client, t["viewer"]) == []
    assert call(app_client, MISSING, None)["errors"][0]["message"].startswith("Sign in")
    # filters, the due date and the days overdue
    assert missing(
        app_client, t["admin"], jurisdiction="GM0579", organisation="gem-oegstgeest"
    ) == [
        ("gem-oegstgeest", "GM0579", "2026-Q1"),
        ("gem-oegstgeest", "GM0579", "2026-Q2"),
    ]
    assert missing(app_client, t["admin"], indicator="unknown") == []
    first = data(app_client, MISSING, t["owner"], filter={"asOf": AS_OF})["missingReports"]
    first = first["nodes"][0]
    assert (first["dueOn"], first["daysOverdue"]) == ("2026-08-14", 6)
    # before any due date nothing is missing
    assert missing(app_client, t["admin"], asOf="2026-05-01") == []


def test_missing_reports_page_by_key_and_a_cursor_survives_a_report(
    app_client: TestClient, world: World, session: Session, make: Factory
) -> None:
    admin = world.tokens["admin"]

    def page(first: int, after: str | None = None) -> dict[str, Any]:
        variables = {"filter": {"asOf": AS_OF}, "first": first, "after": after}
        return data(app_client, MISSING, admin, **variables)["missingReports"]

    # the first page of one: Leiden's 2026-Q2, with more to follow and the whole count
    one = page(1)
    assert cells(one) == [("gem-leiden", "GM0546", "2026-Q2")]
    assert (one["totalCount"], one["pageInfo"]["hasNextPage"]) == (3, True)
    # when Leiden then reports 2026-Q2 (the item at the cursor is gone)
    leiden = session.scalars(sa.select(Jurisdiction).where(Jurisdiction.code == "GM0546")).one()
    owed = session.scalars(sa.select(ReportingObligation)).first()
    assert owed is not None
    make.observation(
        indicator_id=owed.indicator_id,
        jurisdiction_id=leiden.id,
        source_organisation_id=owed.organisation_id,
        period="2026-Q2",
    )
    session.commit()
    # the next page still starts right after it: Oegstgeest's two quarters, and no more
    rest = page(5, one["pageInfo"]["endCursor"])
    assert cells(rest) == [
        ("gem-oegstgeest", "GM0579", "2026-Q1"),
        ("gem-oegstgeest", "GM0579", "2026-Q2"),
    ]
    assert (rest["totalCount"], rest["pageInfo"]["hasNextPage"]) == (2, False)
    # a cursor of another list is refused, naming the argument
    other = call(app_client, OVERDUE, admin, {"filter": {"asOf": AS_OF}})["data"]
    foreign = other["overdueMeasures"]["edges"][0]["cursor"]
    refused = call(app_client, MISSING, admin, {"filter": {"asOf": AS_OF}, "after": foreign})
    extensions = refused["errors"][0]["extensions"]
    assert (extensions["code"], extensions["argument"]) == ("BAD_USER_INPUT", "after")


OVERDUE = """query($filter: OverdueMeasureFilter, $first: Int! = 25, $after: String) {
  overdueMeasures(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { due dueEnd status daysOverdue measure { code owner { code } } } }
  } }"""


def test_overdue_measures_are_published_data(
    app_client: TestClient, world: World, session: Session
) -> None:
    viewer = world.tokens["viewer"]

    def overdue(**filter: Any) -> list[dict[str, Any]]:
        page = data(app_client, OVERDUE, viewer, filter=filter)["overdueMeasures"]
        assert page["totalCount"] == len(page["edges"])
        return [edge["node"] for edge in page["edges"]]

    assert overdue(asOf=AS_OF) == [
        {
            "due": "2026-Q1",
            "dueEnd": "2026-03-31",
            "status": "PLANNED",
            "daysOverdue": 142,
            "measure": {"code": "1a", "owner": {"code": "gem-leiden"}},
        }
    ]
    assert overdue(asOf="2026-03-31") == []
    # filters: the owner and the status
    assert len(overdue(asOf=AS_OF, owner="gem-leiden", statuses=["PLANNED"])) == 1
    assert overdue(asOf=AS_OF, owner="gem-oegstgeest") == []
    assert overdue(asOf=AS_OF, owner="unknown") == []
    assert overdue(asOf=AS_OF, statuses=["DELAYED"]) == []
    # given a second overdue measure, due earlier: the longest overdue comes first, one a page
    measure = session.get(Measure, world.measure_id)
    assert measure is not None
    session.add(Measure(document_id=measure.document_id, code="0b", title="Eerder", due="2025"))
    session.commit()
    first = data(app_client, OVERDUE, viewer, filter={"asOf": AS_OF}, first=1)["overdueMeasures"]
    assert [e["node"]["measure"]["code"] for e in first["edges"]] == ["0b"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    variables = {"filter": {"asOf": AS_OF}, "first": 1, "after": first["pageInfo"]["endCursor"]}
    second = data(app_client, OVERDUE, viewer, **variables)["overdueMeasures"]
    assert [e["node"]["measure"]["code"] for e in second["edges"]] == ["1a"]
    assert second["pageInfo"]["hasNextPage"] is False


REPORT = """mutation($id: ID!, $status: MeasureStatus!, $on: Date!, $note: String, $pct: Decimal) {
  reportMeasureStatus(measureId: $id, status: $status, on: $on, note: $note, percentComplete: $pct) {
    __typename
    ... on MeasureStatusReported {
      measure { status percentComplete statusUpdates { status reportedOn note reportedBy { code } } }
      update { status reportedOn }
    }
    ... on NotAllowed { message code }
    ... on NotFound { message code }
    ... on InvalidInput { message code field }
  }
}"""


def test_measure_status_reports_per_role_with_history(
    app_client: TestClient, world: World, session: Session
) -> None:
    t = world.tokens
    measure = to_base64("Measure", world.measure_id)

    def report(token: str | None, status: str, on: str, **kw: Any) -> dict[str, Any]:
        body = call(app_client, REPORT, token, {"id": measure, "status": status, "on": on, **kw})
        return body if token is None else body["data"]["reportMeasureStatus"]

    # the owner, the task force and an administrator report
    assert report(t["owner"], "IN_PROGRESS", "2026-03-01", note="gestart", pct="10")[
        "__typename"
    ] == ("MeasureStatusReported")
    assert report(t["taskforce"], "DELAYED", "2026-06-01", note="vergunning")["__typename"] == (
        "MeasureStatusReported"
    )
    late = report(t["admin"], "PLANNED", "2026-01-01", note="nagekomen")
    # then the history keeps all three and the measure shows the latest by date
    assert late["measure"]["status"] == "DELAYED"
    assert Decimal(late["measure"]["percentComplete"]) == 10
    assert [
        (u["status"], u["reportedOn"], u["reportedBy"]["code"])
        for u in late["measure"]["statusUpdates"]
    ] == [
        ("PLANNED", "2026-01-01", "monitor"),
        ("IN_PROGRESS", "2026-03-01", "gem-leiden"),
        ("DELAYED", "2026-06-01", "taskforce-lr"),
    ]
    assert late["update"] == {"status": "PLANNED", "reportedOn": "2026-01-01"}
    # another organisation and a viewer may not; nobody signed in neither
    for token in (t["other"], t["viewer"]):
        refused = report(token, "DONE", "2026-07-01")
        assert (refused["__typename"], refused["code"]) == ("NotAllowed", "not_allowed")
    assert report(None, "DONE", "2026-07-01")["data"] is None
    # a missing measure and an impossible percentage
    gone = call(
        app_client,
        REPORT,
        t["admin"],
        {"id": to_base64("Measure", 999999), "status": "DONE", "on": "2026-07-01"},
    )["data"]["reportMeasureStatus"]
    assert (gone["__typename"], gone["code"]) == ("NotFound", "not_found")
    wrong = report(t["owner"], "DONE", "2026-07-01", pct="150")
    assert (wrong["__typename"], wrong["field"]) == ("InvalidInput", "percentComplete")
    # each recorded report was audited
    assert len(audit(session, "measure.status_reported")) == 3
    session.expire_all()
    assert session.get(Measure, world.measure_id).status is MeasureStatus.DELAYED  # type: ignore[union-attr]


def test_the_task_force_reports_only_on_measures_of_its_area(
    app_client: TestClient, world: World, session: Session, make: Factory
) -> None:
    # given a measure of Oegstgeest, outside the Leidse regio of the task force
    oegstgeest = session.scalars(sa.select(Jurisdiction).where(Jurisdiction.code == "GM0579")).one()
    elsewhere = Measure(
        document_id=make.document(code="wzv-oegstgeest", jurisdiction_id=oegstgeest.id).id,
        code="2a",
        title="Woonzorgzones",
    )
    session.add(elsewhere)
    session.commit()
    variables = {"id": to_base64("Measure", elsewhere.id), "status": "DONE", "on": "2026-07-01"}

    def report(token: str) -> dict[str, Any]:
        return data(app_client, REPORT, token, **variables)["reportMeasureStatus"]

    # the task force is refused with the reason; an administrator reports
    assert report(world.tokens["taskforce"]) == {
        "__typename": "NotAllowed",
        "code": "outside_area",
        "message": "task force taskforce-lr reports only on measures of its area; measure 2a is "
        "in policy document wzv-oegstgeest of Oegstgeest (GM0579), outside its regions",
    }
    assert report(world.tokens["admin"])["__typename"] == "MeasureStatusReported"
    assert len(audit(session, "measure.status_reported")) == 1


SUBSCRIBE = """mutation($url: String!, $events: [WebhookEvent!]!, $organisation: String) {
  subscribeWebhook(url: $url, events: $events, organisation: $organisation) {
    __typename
    ... on WebhookSubscribed { created secret subscription { id url events active organisation { code } } }
    ... on NotAllowed { message }
    ... on InvalidInput { message field }
  }
}"""
UNSUBSCRIBE = """mutation($id: ID!) { unsubscribeWebhook(id: $id) {
  __typename ... on WebhookUnsubscribed { subscription { active } } ... on NotFound { message } } }"""
DELIVERIES = """query($filter: WebhookDeliveryFilter, $first: Int! = 25, $after: String) {
  webhookDeliveries(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { event status payload subscription { url organisation { code } } } } }"""


def deliveries(client: TestClient, token: str, **variables: Any) -> list[dict[str, Any]]:
    page = data(client, DELIVERIES, token, **variables)["webhookDeliveries"]
    return list(page["nodes"])


def test_webhooks_subscribe_once_list_deliveries_and_unsubscribe(
    app_client: TestClient, world: World, session: Session, sent_jobs: list[int]
) -> None:
    t = world.tokens

    def subscribe(token: str, url: str, **kw: Any) -> dict[str, Any]:
        variables = {"url": url, "events": ["SUBMISSION_STATUS_CHANGED"], **kw}
        return data(app_client, SUBSCRIBE, token, **variables)["subscribeWebhook"]

    # when a partner subscribes, the secret is returned once
    made = subscribe(t["owner"], "https://leiden.example/hook")
    assert made["__typename"] == "WebhookSubscribed" and made["created"] is True
    assert (
        len(made["secret"]) == 64 and made["subscription"]["organisation"]["code"] == "gem-leiden"
    )
    again = subscribe(t["owner"], "https://leiden.example/hook", events=["REMINDER"])
    assert (again["created"], again["secret"]) == (False, None)
    assert again["subscription"]["events"] == ["REMINDER"]
    # the task force subscribes for itself, an administrator for another organisation
    assert subscribe(t["taskforce"], "https://lr.example/hook")["created"] is True
    other = subscribe(t["admin"], "https://oegstgeest.example/hook", organisation="gem-oegstgeest")
    assert other["subscription"]["organisation"]["code"] == "gem-oegstgeest"
    # refusals: a viewer, another organisation named by a partner, a bad URL, no token
    assert subscribe(t["viewer"], "https://x.example/")["__typename"] == "NotAllowed"
    assert (
        subscribe(t["owner"], "https://x.example/", organisation="gem-oegstgeest")["__typename"]
        == "NotAllowed"
    )
    assert subscribe(t["owner"], "ftp://x.example/") == {
        "__typename": "InvalidInput",
        "message": "'ftp://x.example/' is not an https URL (plain http is not allowed)",
        "field": "url",
    }
    anonymous = call(app_client, SUBSCRIBE, None, {"url": "https://x.example/", "events": []})
    assert anonymous["data"] is None
    # when events are emitted
    emit(session, WebhookEvent.REMINDER, {"period": "2026-Q2"})
    emit(session, WebhookEvent.SUBMISSION_STATUS_CHANGED, {"status": "validated"})
    session.commit()
    # the reminder to Leiden, the status change to the task force and Oegstgeest (after the commit)
    assert len(sent_jobs) == 3
    # then each organisation lists its own deliveries; an administrator all
    assert deliveries(app_client, t["owner"]) == [
        {
            "event": "REMINDER",
            "status": "PENDING",
            "payload": {"period": "2026-Q2"},
            "subscription": {
                "url": "https://leiden.example/hook",
                "organisation": {"code": "gem-leiden"},
            },
        }
    ]
    assert [
        (d["event"], d["subscription"]["organisation"]["code"])
        for d in deliveries(app_client, t["other"])
    ] == [("SUBMISSION_STATUS_CHANGED", "gem-oegstgeest")]
    assert deliveries(app_client, t["viewer"]) == []
    viewer_page = data(app_client, DELIVERIES, t["viewer"])["webhookDeliveries"]
    assert (viewer_page["totalCount"], viewer_page["pageInfo"]["hasNextPage"]) == (0, False)
    assert len(deliveries(app_client, t["admin"])) == 3
    # an administrator pages the whole log, newest first, and filters it
    newest = data(app_client, DELIVERIES, t["admin"], first=2)["webhookDeliveries"]
    assert (newest["totalCount"], newest["pageInfo"]["hasNextPage"]) == (3, True)
    assert [d["event"] for d in newest["nodes"]] == ["SUBMISSION_STATUS_CHANGED"] * 2
    oldest = deliveries(app_client, t["admin"], after=newest["pageInfo"]["endCursor"])
    assert [d["event"] for d in oldest] == ["REMINDER"]
    assert len(deliveries(app_client, t["admin"], filter={"events": ["REMINDER"]})) == 1
    assert len(deliveries(app_client, t["admin"], filter={"organisation": "gem-leiden"})) == 1
    assert len(deliveries(app_client, t["admin"], filter={"statuses": ["DELIVERED"]})) == 0
    by_subscription = {"subscription": other["subscription"]["id"]}
    assert [
        d["subscription"]["url"] for d in deliveries(app_client, t["admin"], filter=by_subscription)
    ] == ["https://oegstgeest.example/hook"]
    # a partner naming another organisation sees nothing
    assert deliveries(app_client, t["owner"], filter={"organisation": "gem-oegstgeest"}) == []
    subscriptions = """query($filter: WebhookSubscriptionFilter) {
      webhookSubscriptions(filter: $filter) { totalCount nodes { url } } }"""
    listed = data(app_client, subscriptions, t["owner"])["webhookSubscriptions"]
    assert listed == {"totalCount": 1, "nodes": [{"url": "https://leiden.example/hook"}]}
    everyone = data(app_client, subscriptions, t["admin"])["webhookSubscriptions"]
    assert everyone["totalCount"] == 3
    only = data(app_client, subscriptions, t["admin"], filter={"organisation": "gem-oegstgeest"})
    assert only["webhookSubscriptions"]["nodes"] == [{"url": "https://oegstgeest.example/hook"}]
    assert data(app_client, subscriptions, t["viewer"])["webhookSubscriptions"]["totalCount"] == 0
    # a subscription of another organisation is not found, not even by id
    subscription_id = made["subscription"]["id"]
    assert (
        data(app_client, UNSUBSCRIBE, t["other"], id=subscription_id)["unsubscribeWebhook"][
            "__typename"
        ]
        == "NotFound"
    )
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert data(app_client, node, t["other"], id=subscription_id) == {"node": None}
    assert data(app_client, node, t["owner"], id=subscription_id) == {
        "node": {"id": subscription_id}
    }
    # the owner unsubscribes
    assert data(app_client, UNSUBSCRIBE, t["owner"], id=subscription_id)["unsubscribeWebhook"] == {
        "__typename": "WebhookUnsubscribed",
        "subscription": {"active": False},
    }
    # and every change was audited, never with the secret
    subscribed = audit(session, "webhook.subscribed")
    assert len(subscribed) == 4 and all("secret" not in (e.after or {}) for e in subscribed)
    assert subscribed[1].before == {
        "url": "https://leiden.example/hook",
        "events": ["submission.status_changed"],
        "active": True,
    }
    assert len(audit(session, "webhook.unsubscribed")) == 1


SOURCES = """{ sources { totalCount nodes { id code kind config active organisation { code } } }
  sourceRuns { nodes { attempt outcome error source { code } } } }"""
PULL = """mutation($code: String!) { pullSourceNow(code: $code) {
  __typename ... on SourcePullQueued { source { code } }
  ... on NotAllowed { message } ... on NotFound { message } ... on InvalidState { message } } }"""


def test_sources_and_their_runs_are_for_administrators(
    app_client: TestClient, world: World, session: Session, sent_jobs: list[int]
) -> None:
    t = world.tokens
    seen = data(app_client, SOURCES, t["admin"])
    assert seen["sources"]["totalCount"] == 1
    assert seen["sources"]["nodes"][0]["kind"] == "CBS_STATLINE"
    assert seen["sources"]["nodes"][0]["config"] == {"table": "37230ned"}
    assert seen["sourceRuns"]["nodes"] == [
        {"attempt": 1, "outcome": "FAILED", "error": "503", "source": {"code": "cbs-test"}}
    ]
    filtered = data(
        app_client,
        '{ sourceRuns(filter: {source: "cbs-test", outcomes: [SUCCEEDED]}) { totalCount } }',
        t["admin"],
    )
    assert filtered["sourceRuns"]["totalCount"] == 0
    for role in ("taskforce", "owner", "viewer"):
        refused = call(app_client, SOURCES, t[role])
        assert refused["data"] is None
        assert refused["errors"][0]["message"] == "Only administrators read this."
    source_id = seen["sources"]["nodes"][0]["id"]
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert data(app_client, node, t["owner"], id=source_id) == {"node": None}
    assert data(app_client, node, t["admin"], id=source_id) == {"node": {"id": source_id}}


def test_an_administrator_pulls_a_source_now(
    app_client: TestClient, world: World, session: Session, sent_jobs: list[int]
) -> None:
    t = world.tokens
    # when an administrator pulls the source
    queued = data(app_client, PULL, t["admin"], code="cbs-test")["pullSourceNow"]
    # then a pull_source job is queued for it (sent after the commit) and audited
    assert queued == {"__typename": "SourcePullQueued", "source": {"code": "cbs-test"}}
    session.expire_all()
    jobs = list(session.scalars(sa.select(OutboxJob).where(OutboxJob.actor_name == "pull_source")))
    assert [j.args for j in jobs] == [{"source_id": world.source_id}]
    assert sent_jobs == [jobs[0].id]
    assert len(audit(session, "source.pull_requested")) == 1
    # others may not; unknown and paused sources are refused
    for role in ("taskforce", "owner", "viewer"):
        assert data(app_client, PULL, t[role], code="cbs-test")["pullSourceNow"]["__typename"] == (
            "NotAllowed"
        )
    assert call(app_client, PULL, None, {"code": "cbs-test"})["data"] is None
    assert data(app_client, PULL, t["admin"], code="nope")["pullSourceNow"]["__typename"] == (
        "NotFound"
    )
    session.get(Source, world.source_id).active = False  # type: ignore[union-attr]
    session.commit()
    assert data(app_client, PULL, t["admin"], code="cbs-test")["pullSourceNow"]["__typename"] == (
        "InvalidState"
    )
    assert len(sent_jobs) == 1


def test_webhook_connections_batch_their_nested_fields(
    app_client: TestClient, world: World, session: Session, make: Factory, clean_db: sa.Engine
) -> None:
    admin = world.tokens["admin"]
    query = """{
      webhookDeliveries(first: 100) { totalCount nodes { event subscription { url organisation { code } } } }
      webhookSubscriptions(first: 100) { totalCount nodes { url organisation { code } } } }"""

    def add_organisations_with_a_delivery(count: int) -> None:
        for _ in range(count):
            organisation = make.organisation()
            hook = WebhookSubscription(
                organisation_id=organisation.id,  # type: ignore[arg-type]
                url=f"https://{organisation.code}.example/hook",
                events=["REMINDER"],
                secret="s" * 64,
            )
            session.add(hook)
            session.flush()
            session.add(
                WebhookDelivery(
                    subscription_id=hook.id,  # type: ignore[arg-type]
                    event_id=organisation.code,
                    event=WebhookEvent.REMINDER,
                    payload={},
                )
            )
        session.commit()

    def run() -> tuple[int, dict[str, Any]]:
        with counted_statements(clean_db) as statements:
            answer = data(app_client, query, admin)
        # the reads of the lists and their nested fields; the engine also sees what runs beside
        # the request (the in-process worker's heartbeat, a token's last-used stamp)
        reads = [
            s
            for s in statements
            if s.lstrip().upper().startswith("SELECT")
            and ("webhook_" in s or "FROM organisation" in s)
        ]
        return len(reads), answer

    data(app_client, "{ __typename }", admin)  # the token's first use is recorded once
    # given 2 organisations with a delivery each, then 20
    add_organisations_with_a_delivery(2)
    small_count, small = run()
    add_organisations_with_a_delivery(18)
    large_count, large = run()
    # then both lists answer in full, with the same number of SQL statements
    assert small["webhookDeliveries"]["totalCount"] == 2
    assert large["webhookDeliveries"]["totalCount"] == 20
    assert (
        large["webhookSubscriptions"]["totalCount"]
        == len(large["webhookSubscriptions"]["nodes"])
        == 20
    )
    assert {d["subscription"]["url"] for d in large["webhookDeliveries"]["nodes"]} == {
        s["url"] for s in large["webhookSubscriptions"]["nodes"]
    }
    assert small_count == large_count

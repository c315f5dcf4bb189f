"""Policy content through the API: documents, action lines, measures, targets and distribution
rules are created, changed and retired with a citation or a reason, audited with before and
after, and queue the recompute of what they affect. Who may: administrators everywhere, a task
force within its area, partners and viewers never."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from core.enums import JurisdictionKind, OrganisationKind, RegionType
from db.models import (
    AuditEvent,
    DistributionShare,
    Measure,
    MeasurePartner,
    OutboxJob,
    PolicyDocument,
    RegionMembership,
    Target,
)
from tests.factories import Factory
from tests.schema.conftest import graphql_caller

REFUSALS = """
    ... on NotAllowed { code message messageNl }
    ... on NotFound { code message messageNl }
    ... on InvalidInput { code field message messageNl }
    ... on InvalidState { code message messageNl }
"""
CREATE_DOCUMENT = f"""
mutation ($input: PolicyDocumentInput!, $citation: CitationInput, $reason: String) {{
  createPolicyDocument(input: $input, citation: $citation, reason: $reason) {{
    __typename
    ... on PolicyDocumentSaved {{ policyDocument {{ code status retiredOn jurisdiction {{ code }} }} }}
    {REFUSALS}
  }}
}}
"""
UPDATE_DOCUMENT = f"""
mutation ($code: String!, $input: PolicyDocumentInput!, $reason: String) {{
  updatePolicyDocument(code: $code, input: $input, reason: $reason) {{
    __typename
    ... on PolicyDocumentSaved {{ policyDocument {{ code status horizonYear }} }}
    {REFUSALS}
  }}
}}
"""
CREATE_LINE = f"""
mutation ($document: String!, $input: ActionLineInput!, $citation: CitationInput) {{
  createActionLine(document: $document, input: $input, citation: $citation) {{
    __typename
    ... on ActionLineSaved {{ actionLine {{ code title source {{ lines quote }} }} }}
    {REFUSALS}
  }}
}}
"""
RETIRE_LINE = f"""
mutation ($document: String!, $code: String!, $on: Date!, $reason: String) {{
  retireActionLine(document: $document, code: $code, on: $on, reason: $reason) {{
    __typename
    ... on ActionLineSaved {{ actionLine {{ code retiredOn }} }}
    {REFUSALS}
  }}
}}
"""
CREATE_MEASURE = f"""
mutation ($document: String!, $input: MeasureInput!, $citation: CitationInput) {{
  createMeasure(document: $document, input: $input, citation: $citation) {{
    __typename
    ... on MeasureSaved {{ measure {{ code due status actionLine {{ code }} }} }}
    {REFUSALS}
  }}
}}
"""
UPDATE_MEASURE = f"""
mutation ($document: String!, $code: String!, $input: MeasureInput!, $reason: String) {{
  updateMeasure(document: $document, code: $code, input: $input, reason: $reason) {{
    __typename
    ... on MeasureSaved {{ measure {{ code title due }} }}
    {REFUSALS}
  }}
}}
"""
CREATE_TARGET = f"""
mutation ($input: TargetInput!, $citation: CitationInput, $reason: String) {{
  createTarget(input: $input, citation: $citation, reason: $reason) {{
    __typename
    ... on TargetSaved {{ target {{ code value status deadlineYear source {{ page quote reason }} }} }}
    {REFUSALS}
  }}
}}
"""
UPDATE_TARGET = f"""
mutation ($code: String!, $input: TargetInput!, $citation: CitationInput, $reason: String) {{
  updateTarget(code: $code, input: $input, citation: $citation, reason: $reason) {{
    __typename
    ... on TargetSaved {{ target {{ code value status }} }}
    {REFUSALS}
  }}
}}
"""
RETIRE_TARGET = f"""
mutation ($code: String!, $on: Date!, $reason: String) {{
  retireTarget(code: $code, on: $on, reason: $reason) {{
    __typename
    ... on TargetSaved {{ target {{ code retiredOn }} }}
    {REFUSALS}
  }}
}}
"""
CREATE_RULE = f"""
mutation ($input: DistributionRuleInput!, $reason: String) {{
  createDistributionRule(input: $input, reason: $reason) {{
    __typename
    ... on DistributionRuleSaved {{ distributionRule {{ code method retiredOn }} }}
    {REFUSALS}
  }}
}}
"""
RETIRE_RULE = f"""
mutation ($code: String!, $on: Date!, $reason: String) {{
  retireDistributionRule(code: $code, on: $on, reason: $reason) {{
    __typename
    ... on DistributionRuleSaved {{ distributionRule {{ code retiredOn }} }}
    {REFUSALS}
  }}
}}
"""
CITATION = {"lines": "L120-121", "quote": "wij bouwen 40 geclusterde woningen"}


def world(session: Session, make: Factory) -> dict[str, Any]:
    """A region with two municipalities, a task force covering it, a task force elsewhere, a
    partner, and an indicator."""
    region = make.jurisdiction(
        code="rg-test",
        name="Testregio",
        kind=JurisdictionKind.REGION,
        region_type=RegionType.SUBREGION,
    )
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    oegstgeest = make.jurisdiction(code="GM0579", name="Oegstgeest")
    elders = make.jurisdiction(code="GM0518", name="'s-Gravenhage")
    for member in (leiden, oegstgeest):
        session.add(RegionMembership(region_id=region.id, member_id=member.id))
    taskforce = make.organisation(code="tf-test", kind=OrganisationKind.REGIONAL_BODY)
    make.scope(taskforce.id, region.id)  # type: ignore[arg-type]
    other = make.organisation(code="tf-elders", kind=OrganisationKind.REGIONAL_BODY)
    make.scope(other.id, elders.id)  # type: ignore[arg-type]
    make.organisation(code="gem-leiden", kind=OrganisationKind.MUNICIPALITY)
    make.organisation(code="portaal", kind=OrganisationKind.CORPORATION)
    make.indicator(code="dwellings-added")
    session.commit()
    return {"region": region, "leiden": leiden, "elders": elders}


def as_(client: TestClient, token: str) -> None:
    client.headers["Authorization"] = f"Bearer {token}"


def audit(session: Session, object_type: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, col(AuditEvent.action).like("policy.%"))
            .order_by(col(AuditEvent.id))
        )
    )


def jobs(session: Session, name: str) -> list[OutboxJob]:
    session.expire_all()
    return list(session.exec(select(OutboxJob).where(OutboxJob.actor_name == name)))


def test_an_administrator_creates_changes_and_retires_every_kind_of_content(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    world(session, make)
    gql = graphql_caller(app_client)
    # given a new draft document for the region, with a reason (no text to cite yet)
    created = gql(
        CREATE_DOCUMENT,
        {
            "input": {
                "code": "test-visie-2026",
                "title": "Woonzorgvisie 2026",
                "jurisdiction": "rg-test",
                "status": "DRAFT",
                "horizonYear": 2030,
            },
            "reason": "Raadsbesluit 14 april 2026",
        },
    )["data"]["createPolicyDocument"]
    assert created == {
        "__typename": "PolicyDocumentSaved",
        "policyDocument": {
            "code": "test-visie-2026",
            "status": "DRAFT",
            "retiredOn": None,
            "jurisdiction": {"code": "rg-test"},
        },
    }
    # an action line and a measure under it, each cited
    line = gql(
        CREATE_LINE,
        {
            "document": "test-visie-2026",
            "input": {"code": "AL1", "title": "Geclusterd wonen"},
            "citation": CITATION,
        },
    )["data"]["createActionLine"]
    assert line["actionLine"]["source"] == {"lines": "L120-121", "quote": CITATION["quote"]}
    measure = gql(
        CREATE_MEASURE,
        {
            "document": "test-visie-2026",
            "input": {
                "code": "1a",
                "title": "Locaties zoeken",
                "actionLine": "AL1",
                "owner": "gem-leiden",
                "partners": ["portaal"],
                "due": "2026-Q4",
            },
            "citation": CITATION,
        },
    )["data"]["createMeasure"]
    assert measure == {
        "__typename": "MeasureSaved",
        "measure": {
            "code": "1a",
            "due": "2026-Q4",
            "status": "PLANNED",
            "actionLine": {"code": "AL1"},
        },
    }
    row = session.exec(select(Measure).where(Measure.code == "1a")).one()
    partners = session.exec(select(MeasurePartner).where(MeasurePartner.measure_id == row.id)).all()
    assert sorted(p.role.value for p in partners) == ["lead", "partner"]
    # a target cited by page: it follows its document's status, and its progress is queued
    target = gql(
        CREATE_TARGET,
        {
            "input": {
                "code": "test-visie-2026-geclusterd",
                "indicator": "dwellings-added",
                "jurisdiction": "GM0546",
                "kind": "TARGET",
                "value": 40,
                "start": "2026",
                "deadline": "2030",
                "document": "test-visie-2026",
            },
            "citation": {"page": "12", "quote": "40 geclusterde woningen"},
        },
    )["data"]["createTarget"]
    assert target["target"] == {
        "code": "test-visie-2026-geclusterd",
        "value": 40,
        "status": "DRAFT",
        "deadlineYear": 2030,
        "source": {"page": "12", "quote": "40 geclusterde woningen", "reason": None},
    }
    target_id = session.exec(
        select(Target.id).where(Target.code == "test-visie-2026-geclusterd")
    ).one()
    assert any(
        job.args == {"target_ids": [target_id]} for job in jobs(session, "recompute_progress")
    )
    # when the council adopts the document, its targets are recomputed
    queued = len(jobs(session, "recompute_progress"))
    adopted = gql(
        UPDATE_DOCUMENT,
        {"code": "test-visie-2026", "input": {"status": "ADOPTED"}, "reason": "vastgesteld"},
    )["data"]["updatePolicyDocument"]
    assert adopted["policyDocument"]["status"] == "ADOPTED"
    assert len(jobs(session, "recompute_progress")) == queued + 1
    events = audit(session, "policy_document")
    assert [e.action for e in events] == ["policy.create", "policy.update"]
    assert events[1].before == {"status": "draft"} and events[1].after == {"status": "adopted"}
    assert events[1].reason == "vastgesteld"
    # adopted does not go back to draft
    back = gql(
        UPDATE_DOCUMENT,
        {"code": "test-visie-2026", "input": {"status": "DRAFT"}, "reason": "oeps"},
    )["data"]["updatePolicyDocument"]
    assert (back["__typename"], back["code"]) == ("InvalidState", "adopted_stays_adopted")
    # the target changes with a new citation; the audit has before and after with the citation
    changed = gql(
        UPDATE_TARGET,
        {
            "code": "test-visie-2026-geclusterd",
            "input": {"value": 50},
            "citation": {"lines": "L130", "quote": "50 geclusterde woningen"},
        },
    )["data"]["updateTarget"]
    assert changed["target"]["value"] == 50
    update = audit(session, "target")[-1]
    assert update.before == {"value": "40"}
    assert update.after == {
        "value": "50",
        "citation": {"lines": "L130", "quote": "50 geclusterde woningen"},
    }
    # a measure's title changes with a reason
    renamed = gql(
        UPDATE_MEASURE,
        {
            "document": "test-visie-2026",
            "code": "1a",
            "input": {"title": "Locaties vinden"},
            "reason": "motie",
        },
    )["data"]["updateMeasure"]
    assert renamed["measure"]["title"] == "Locaties vinden"
    # retiring sets a day and deletes nothing; a retired target changes no more
    retired = gql(
        RETIRE_TARGET,
        {"code": "test-visie-2026-geclusterd", "on": "2027-01-01", "reason": "vervangen"},
    )["data"]["retireTarget"]
    assert retired["target"] == {"code": "test-visie-2026-geclusterd", "retiredOn": "2027-01-01"}
    again = gql(
        UPDATE_TARGET,
        {"code": "test-visie-2026-geclusterd", "input": {"value": 60}, "reason": "x"},
    )["data"]["updateTarget"]
    assert (again["__typename"], again["code"]) == ("InvalidState", "retired")
    ended = gql(
        RETIRE_LINE,
        {"document": "test-visie-2026", "code": "AL1", "on": "2027-06-30", "reason": "klaar"},
    )["data"]["retireActionLine"]
    assert ended["actionLine"]["retiredOn"] == "2027-06-30"
    session.expire_all()
    assert session.exec(select(Target).where(Target.code == "test-visie-2026-geclusterd")).one()
    # a fixed distribution rule derives a target per member; retiring it retires them too
    rule = gql(
        CREATE_RULE,
        {
            "input": {
                "code": "test-quota",
                "name": "Convenantquota",
                "method": "FIXED",
                "region": "rg-test",
                "indicator": "dwellings-added",
                "targetKind": "COMMITMENT",
                "document": "test-visie-2026",
                "shares": [
                    {"jurisdiction": "GM0546", "value": 30},
                    {"jurisdiction": "GM0579", "value": 10},
                ],
            },
            "reason": "convenant 2026",
        },
    )["data"]["createDistributionRule"]
    assert rule["distributionRule"] == {"code": "test-quota", "method": "FIXED", "retiredOn": None}
    session.expire_all()
    shares = session.exec(select(DistributionShare)).all()
    assert sorted(s.value for s in shares) == [Decimal(10), Decimal(30)]
    derived = session.exec(
        select(Target).where(col(Target.distribution_rule_id).is_not(None))
    ).all()
    assert sorted(t.value for t in derived) == [Decimal(10), Decimal(30)]
    assert any(
        sorted(job.args["target_ids"]) == sorted(t.id for t in derived)
        for job in jobs(session, "recompute_progress")
    )
    gql(RETIRE_RULE, {"code": "test-quota", "on": "2028-01-01", "reason": "afgelopen"})
    session.expire_all()
    assert {
        t.retired_on
        for t in session.exec(select(Target).where(col(Target.distribution_rule_id).is_not(None)))
    } == {date(2028, 1, 1)}


def test_a_change_needs_a_citation_or_a_reason_and_valid_fields(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    world(session, make)
    gql = graphql_caller(app_client)
    document = {"code": "d", "title": "D", "jurisdiction": "GM0546", "status": "ADOPTED"}
    ungrounded = gql(CREATE_DOCUMENT, {"input": document})["data"]["createPolicyDocument"]
    assert ungrounded["__typename"] == "InvalidInput"
    assert ungrounded["code"] == "citation_or_reason_required"
    assert ungrounded["messageNl"].startswith("Geef een bronvermelding")
    unplaced = gql(CREATE_DOCUMENT, {"input": document, "citation": {"quote": "iets"}})["data"][
        "createPolicyDocument"
    ]
    assert (unplaced["code"], unplaced["field"]) == ("citation_without_place", "citationLines")
    unknown = gql(
        CREATE_DOCUMENT, {"input": {**document, "jurisdiction": "GM0000"}, "reason": "r"}
    )["data"]["createPolicyDocument"]
    assert (unknown["code"], unknown["field"]) == ("unknown_code", "jurisdiction")
    missing = gql(
        CREATE_TARGET,
        {
            "input": {"code": "t", "indicator": "dwellings-added", "jurisdiction": "GM0546"},
            "reason": "r",
        },
    )["data"]["createTarget"]
    assert (missing["code"], missing["field"]) == ("required", "kind")
    no_value = gql(
        CREATE_TARGET,
        {
            "input": {
                "code": "t",
                "indicator": "dwellings-added",
                "jurisdiction": "GM0546",
                "kind": "TARGET",
            },
            "reason": "r",
        },
    )["data"]["createTarget"]
    assert no_value["code"] == "value_or_range"
    bad_period = gql(
        CREATE_TARGET,
        {
            "input": {
                "code": "t",
                "indicator": "dwellings-added",
                "jurisdiction": "GM0546",
                "kind": "TARGET",
                "value": 1,
                "deadline": "eind 2030",
            },
            "reason": "r",
        },
    )["data"]["createTarget"]
    assert (bad_period["code"], bad_period["field"]) == ("invalid_period", "deadline")
    session.expire_all()
    assert session.exec(select(Target)).all() == []  # nothing half-written
    assert session.exec(select(PolicyDocument)).all() == []


def test_a_task_force_changes_content_of_its_area_only_and_partners_and_viewers_none(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    world(session, make)
    gql = graphql_caller(app_client)
    document = {
        "input": {
            "code": "tf-visie",
            "title": "Visie",
            "jurisdiction": "rg-test",
            "status": "DRAFT",
        },
        "reason": "r",
    }
    target = {
        "input": {
            "code": "tf-doel",
            "indicator": "dwellings-added",
            "jurisdiction": "GM0546",
            "kind": "TARGET",
            "value": 5,
        },
        "reason": "motie",
    }
    # a task force covering the region: its region and the members in it
    as_(app_client, make.token("tf-test", "taskforce"))
    assert (
        gql(CREATE_DOCUMENT, document)["data"]["createPolicyDocument"]["__typename"]
        == "PolicyDocumentSaved"
    )
    assert gql(CREATE_TARGET, target)["data"]["createTarget"]["__typename"] == "TargetSaved"
    # … but not a place outside it, not even by moving its own target there
    outside = gql(
        CREATE_TARGET,
        {**target, "input": {**target["input"], "code": "tf-elders", "jurisdiction": "GM0518"}},
    )["data"]["createTarget"]
    assert (outside["__typename"], outside["code"]) == ("NotAllowed", "outside_area")
    assert "GM0518" in outside["message"] and "GM0518" in outside["messageNl"]
    moved = gql(
        UPDATE_TARGET, {"code": "tf-doel", "input": {"jurisdiction": "GM0518"}, "reason": "r"}
    )
    assert moved["data"]["updateTarget"]["code"] == "outside_area"
    # another region's task force may not touch it
    as_(app_client, make.token("tf-elders", "taskforce"))
    other = gql(UPDATE_TARGET, {"code": "tf-doel", "input": {"value": 6}, "reason": "r"})
    assert other["data"]["updateTarget"]["code"] == "outside_area"
    # partners and viewers never
    for organisation, role in (
        ("portaal", "partner"),
        ("tf-test", "viewer"),
        ("gem-leiden", "partner"),
    ):
        as_(app_client, make.token(organisation, role))
        refused = gql(RETIRE_TARGET, {"code": "tf-doel", "on": "2027-01-01", "reason": "r"})
        assert refused["data"]["retireTarget"]["code"] == "policy_editors_only", (
            organisation,
            role,
        )
    session.expire_all()
    assert session.exec(select(Target).where(Target.code == "tf-doel")).one().value == Decimal(5)

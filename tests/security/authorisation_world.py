"""The world of the authorisation matrix: one organisation of each role, and another
organisation ("elders-corp", outside every non-admin's reach) owning one object of every kind a
mutation or a sensitive read can touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select
from strawberry.relay import to_base64

from core.enums import (
    DistributionMethod,
    JurisdictionKind,
    OrganisationKind,
    ProjectPhase,
    RegionType,
    ReportingFrequency,
    SourceKind,
    SubmissionStatus,
    TargetKind,
    WebhookEvent,
)
from db.models import (
    ActionLine,
    ApiToken,
    DistributionRule,
    Indicator,
    Jurisdiction,
    Measure,
    OrganisationScope,
    RegionMembership,
    ReportingObligation,
    ReportingObligationJurisdiction,
    Source,
    SourceRun,
    WebhookDelivery,
    WebhookSubscription,
)
from services import audit
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

ROLES = ("anonymous", "viewer", "partner", "taskforce", "admin")
OTHER = "elders-corp"


@dataclass
class World:
    tokens: dict[str, str | None]
    ids: dict[str, str] = field(default_factory=dict)  # global ids and codes of elders-corp's


def build_world(session: Session, make: Factory, admin_token: str) -> World:
    reporting_world(session, make)  # portaal reports for Leiden; cbs is a trusted source
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
    other = make.organisation(code=OTHER, kind=OrganisationKind.CORPORATION)
    session.add(OrganisationScope(organisation_id=taskforce.id, jurisdiction_id=ours.id))
    session.add(OrganisationScope(organisation_id=other.id, jurisdiction_id=leiderdorp.id))
    submission = make.submission(organisation_id=other.id, status=SubmissionStatus.VALIDATED)
    project = make.project(
        owner_id=other.id, municipality_id=leiderdorp.id, phase=ProjectPhase.PLAN
    )
    document = make.document(jurisdiction_id=leiderdorp.id)
    measure = Measure(document_id=document.id, code="1a", title="Meer woningen", owner_id=other.id)
    session.add(measure)
    webhook = WebhookSubscription(
        organisation_id=other.id, url="https://elders.example/hook", events=[], secret="s" * 32
    )
    session.add(webhook)
    source = Source(
        code="elders-feed",
        name="Elders feed",
        kind=SourceKind.URL_FILE,
        config={"url": "https://elders.example/feed.csv"},
        schedule="0 6 * * 1",
        organisation_id=other.id,
    )
    session.add(source)
    user = make.user(OTHER, "partner")
    session.flush()
    session.add(SourceRun(source_id=source.id, attempt=1, error="elders' feed answered 500"))
    session.add(
        WebhookDelivery(
            subscription_id=webhook.id,
            event_id="00000000-0000-0000-0000-000000000001",
            event=WebhookEvent.REMINDER,
            payload={"organisation": OTHER},
        )
    )
    indicator = session.exec(select(Indicator).where(Indicator.code == "dwellings-added")).one()
    # policy content about Leiderdorp and its region: outside the task force's area
    session.add(ActionLine(document_id=document.id, code="A", title="Bouwen"))
    target = make.target(
        indicator_id=indicator.id, jurisdiction_id=leiderdorp.id, document_id=document.id
    )
    rule = DistributionRule(
        code="elders-key",
        name="Verdeelsleutel elders",
        method=DistributionMethod.FIXED,
        region_id=theirs.id,
        indicator_id=indicator.id,
        target_kind=TargetKind.COMMITMENT,
    )
    session.add(rule)
    obligation = ReportingObligation(
        organisation_id=other.id,
        indicator_id=indicator.id,
        frequency=ReportingFrequency.YEARLY,
        due_days=0,
        first_period="2020",
    )
    session.add(obligation)
    session.flush()
    session.add(
        ReportingObligationJurisdiction(obligation_id=obligation.id, jurisdiction_id=leiderdorp.id)
    )
    audit.record(session, None, "test.event", "submission", submission.id, actor_label="test")
    session.commit()
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "viewer": make.token("portaal", "viewer"),
        "partner": make.token("portaal", "partner"),
        "taskforce": make.token("tf-ours", "taskforce"),
        "admin": admin_token,
    }
    make.token(OTHER, "partner")
    prefix = session.exec(
        select(ApiToken.prefix).where(ApiToken.organisation_id == other.id)
    ).first()
    return World(
        tokens,
        {
            "submission": to_base64("Submission", submission.id),
            "submission_row": str(submission.id),
            "project": to_base64("Project", project.id),
            "measure": to_base64("Measure", measure.id),
            "document": document.code,
            "target": target.code,
            "rule": rule.code,
            "webhook": to_base64("WebhookSubscription", webhook.id),
            "source": source.code,
            "source_node": to_base64("Source", source.id),
            "user": user.email,
            "token": prefix or "",
            "today": date.today().isoformat(),
        },
    )

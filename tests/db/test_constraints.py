"""Each table family's natural keys, foreign keys and checks bite, on SQLite as on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core.enums import (
    DistributionMethod,
    IndicatorKind,
    JurisdictionKind,
    MeasureStatus,
    ProgressStatus,
    ProjectPhase,
    RegionType,
    Role,
    TargetKind,
)
from db.models import (
    ActionLine,
    ApiToken,
    AuditEvent,
    DistributionRule,
    DistributionShare,
    HousingType,
    Measure,
    MeasurePartner,
    MeasureStatusUpdate,
    OrganisationScope,
    OutboxJob,
    ProgressSnapshot,
    ProjectPhaseChange,
    ProjectUnits,
    RegionMembership,
    SubmissionError,
    TargetGroup,
    User,
    WorkerHeartbeat,
)
from tests.factories import Factory

MISSING_ID = 999_999


def assert_rejected(session: Session, row: object) -> None:
    session.add(row)
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()


def test_geography_codes_unique_and_memberships_keyed(session: Session, make: Factory) -> None:
    # given a region with one member
    region = make.jurisdiction(
        code="rg-test", kind=JurisdictionKind.REGION, region_type=RegionType.WONINGMARKTREGIO
    )
    member = make.jurisdiction(code="GM0518")
    session.add(RegionMembership(region_id=region.id, member_id=member.id))
    session.commit()
    # then a second jurisdiction with the same code, a repeated membership, a membership of an
    # unknown jurisdiction and a municipality with a region type are all refused
    assert_rejected(session, _jurisdiction("GM0518"))
    assert_rejected(session, RegionMembership(region_id=region.id, member_id=member.id))
    assert_rejected(session, RegionMembership(region_id=region.id, member_id=MISSING_ID))
    bad_kind = _jurisdiction("GM0001")
    bad_kind.region_type = RegionType.SUBREGION
    assert_rejected(session, bad_kind)


def _jurisdiction(code: str):  # type: ignore[no-untyped-def]
    from db.models import Jurisdiction

    return Jurisdiction(code=code, name=code, kind=JurisdictionKind.MUNICIPALITY)


def test_organisations_and_scope(session: Session, make: Factory) -> None:
    org = make.organisation(code="portaal")
    place = make.jurisdiction()
    indicator = make.indicator()
    session.add(
        OrganisationScope(
            organisation_id=org.id, jurisdiction_id=place.id, indicator_id=indicator.id
        )
    )
    session.commit()
    from core.enums import OrganisationKind
    from db.models import Organisation

    assert_rejected(
        session, Organisation(code="portaal", name="x", kind=OrganisationKind.CORPORATION)
    )
    assert_rejected(
        session,
        OrganisationScope(
            organisation_id=org.id, jurisdiction_id=place.id, indicator_id=indicator.id
        ),
    )
    assert_rejected(session, OrganisationScope(organisation_id=org.id, jurisdiction_id=MISSING_ID))


def test_vocabularies(session: Session, make: Factory) -> None:
    session.add(TargetGroup(code="ouderen", name_nl="Ouderen", name_en="Older people"))
    session.add(HousingType(code="nultreden", name_nl="Nultredenwoning", name_en="Step-free"))
    make.indicator(code="dwellings-added")
    session.commit()
    assert_rejected(session, TargetGroup(code="ouderen", name_nl="x", name_en="x"))
    assert_rejected(session, HousingType(code="nultreden", name_nl="x", name_en="x"))
    assert_rejected(
        session, TargetGroup(code="child", name_nl="x", name_en="x", parent_id=MISSING_ID)
    )
    from core.enums import Direction
    from db.models import Indicator

    # a ratio without numerator and denominator is refused
    assert_rejected(
        session,
        Indicator(
            code="share",
            name_nl="x",
            name_en="x",
            unit="percent",
            kind=IndicatorKind.RATIO,
            direction=Direction.WITHIN,
        ),
    )


def test_policy_documents_action_lines_measures(session: Session, make: Factory) -> None:
    doc = make.document(code="gv-2025")
    line = ActionLine(document_id=doc.id, code="AL1", title="Passend woningaanbod")
    session.add(line)
    session.flush()
    measure = Measure(document_id=doc.id, action_line_id=line.id, code="1a", title="Maatregel")
    session.add(measure)
    owner = make.organisation()
    session.flush()
    session.add(MeasurePartner(measure_id=measure.id, organisation_id=owner.id))
    session.commit()
    assert_rejected(session, ActionLine(document_id=doc.id, code="AL1", title="dubbel"))
    assert_rejected(session, Measure(document_id=doc.id, code="1a", title="dubbel"))
    assert_rejected(session, MeasurePartner(measure_id=measure.id, organisation_id=owner.id))
    assert_rejected(session, Measure(document_id=MISSING_ID, code="9z", title="wees"))
    assert_rejected(
        session,
        MeasureStatusUpdate(
            measure_id=measure.id,
            status=MeasureStatus.IN_PROGRESS,
            reported_on=sa.func.current_date(),
            percent_complete=Decimal(120),
        ),
    )


def test_targets_and_distribution_rules(session: Session, make: Factory) -> None:
    target = make.target(code="leiden-770-clustered")
    region = make.jurisdiction(
        code="rg-haaglanden", kind=JurisdictionKind.REGION, region_type=RegionType.WONINGMARKTREGIO
    )
    rule = DistributionRule(
        code="cap-30",
        name="30% cap",
        method=DistributionMethod.FIXED,
        region_id=region.id,
        indicator_id=target.indicator_id,
        target_kind=TargetKind.MAXIMUM,
    )
    session.add(rule)
    session.flush()
    session.add(
        DistributionShare(rule_id=rule.id, jurisdiction_id=target.jurisdiction_id, value=30)
    )
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        make.target(code="leiden-770-clustered")
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # a range with low > high
        make.target(value_low=Decimal(7500), value_high=Decimal(5000))
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # a value and a range at once
        make.target(value=Decimal(1), value_low=Decimal(1), value_high=Decimal(2))
    session.rollback()
    assert_rejected(
        session,
        DistributionShare(rule_id=rule.id, jurisdiction_id=target.jurisdiction_id, value=40),
    )


def test_projects(session: Session, make: Factory) -> None:
    project = make.project(external_key="SAAM")
    session.add(ProjectUnits(project_id=project.id, breakdown_key="1|", units=60))
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        make.project(external_key="SAAM", owner_id=project.owner_id)
    session.rollback()
    assert_rejected(session, ProjectUnits(project_id=project.id, breakdown_key="1|", units=5))
    assert_rejected(session, ProjectUnits(project_id=project.id, breakdown_key="2|", units=0))
    assert_rejected(
        session,
        ProjectPhaseChange(
            project_id=MISSING_ID, to_phase=ProjectPhase.PERMIT, changed_on=sa.func.current_date()
        ),
    )


def test_submissions_and_observations(session: Session, make: Factory) -> None:
    submission = make.submission(idempotency_key="batch-1")
    observation = make.observation(submission_id=submission.id)
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        make.submission(organisation_id=submission.organisation_id, idempotency_key="batch-1")
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # the same version of the same cell and source
        make.observation(
            indicator_id=observation.indicator_id,
            jurisdiction_id=observation.jurisdiction_id,
            source_organisation_id=observation.source_organisation_id,
            period=observation.period,
        )
    session.rollback()
    assert_rejected(
        session,
        SubmissionError(submission_id=MISSING_ID, code="x", message_en="x", message_nl="x"),
    )


def test_progress_snapshots(session: Session, make: Factory) -> None:
    target = make.target()
    snapshot = dict(
        target_id=target.id,
        jurisdiction_id=target.jurisdiction_id,
        status=ProgressStatus.ON_TRACK,
        inputs_hash="a" * 64,
    )
    session.add(ProgressSnapshot(**snapshot))
    session.commit()
    assert_rejected(session, ProgressSnapshot(**snapshot))
    assert_rejected(session, ProgressSnapshot(**{**snapshot, "target_id": MISSING_ID}))


def test_access_audit_jobs(session: Session, make: Factory) -> None:
    org = make.organisation()
    session.add(User(email="a@example.org", name="A", organisation_id=org.id, role=Role.ADMIN))
    session.add(
        ApiToken(
            prefix="wz_abc", secret_hash="h", name="t", organisation_id=org.id, role=Role.PARTNER
        )
    )
    session.add(WorkerHeartbeat(queue_name="ingest", hostname="h"))
    session.commit()
    assert_rejected(
        session, User(email="a@example.org", name="B", organisation_id=org.id, role=Role.VIEWER)
    )
    assert_rejected(
        session,
        ApiToken(
            prefix="wz_abc", secret_hash="h", name="u", organisation_id=org.id, role=Role.VIEWER
        ),
    )
    assert_rejected(
        session,
        AuditEvent(
            actor_label="x", action="x", object_type="x", object_id="1", actor_user_id=MISSING_ID
        ),
    )
    assert_rejected(session, WorkerHeartbeat(queue_name="ingest", hostname="other"))
    # a value outside a closed vocabulary is refused by the database itself
    with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
        session.execute(
            sa.text(
                "INSERT INTO outbox_job (actor_name, queue_name, args, status, attempts, created_at)"
                " VALUES ('a', 'q', '{}', 'bogus', 0, CURRENT_TIMESTAMP)"
            )
        )
    assert session.exec(sa.select(sa.func.count()).select_from(OutboxJob)).one()[0] == 0

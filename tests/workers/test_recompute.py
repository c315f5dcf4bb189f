"""Stored progress: recomputed per target, per region roll-up, only when inputs change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from core.enums import (
    Direction,
    IndicatorKind,
    JurisdictionKind,
    ProjectPhase,
    RegionType,
    TargetKind,
)
from db.models import (
    DistributionRule,
    Jurisdiction,
    OrganisationScope,
    ProgressSnapshot,
    RegionMembership,
    Target,
)
from ingest.periods import Period
from ingest.reference.dataset import read_dataset
from progress_engine.model import EngineConfig, ObservationPoint, PipelineItem, TargetSpec
from progress_engine.rollup import Membership
from services.jobs import COMPUTE, INGEST
from services.policy.reference_load import load_dataset
from services.progress.config import engine_config
from services.progress.distribution import capacity_use, derive_rule
from services.progress.recompute import RecomputeReport, recompute_targets
from services.progress.snapshots import inputs_hash
from services.submissions import service as intake
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import ADMIN, request, rows

TODAY = date(2026, 11, 22)


def region_world(session: Session, make: Factory) -> dict[str, int]:
    """Region R of municipalities A and B; dwellings-added targets 2025-2030: A 100, R 300."""
    a = make.jurisdiction(code="GM0001", name="A")
    b = make.jurisdiction(code="GM0002", name="B")
    region = make.jurisdiction(
        code="rg-r", name="R", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=region.id, member_id=a.id))
    session.add(RegionMembership(region_id=region.id, member_id=b.id))
    added = make.indicator(code="dwellings-added", dimensions=[])
    source = make.organisation(code="corporatie", trusted_source=True)
    session.add(OrganisationScope(organisation_id=source.id, jurisdiction_id=a.id))
    session.add(OrganisationScope(organisation_id=source.id, jurisdiction_id=b.id))
    target_a = make.target(
        code="a-100",
        indicator_id=added.id,
        jurisdiction_id=a.id,
        value=Decimal(100),
        start_period="2025",
        deadline="2030",
    )
    target_r = make.target(
        code="r-300",
        indicator_id=added.id,
        jurisdiction_id=region.id,
        value=Decimal(300),
        start_period="2025",
        deadline="2030",
    )
    make.observation(
        indicator_id=added.id,
        jurisdiction_id=a.id,
        source_organisation_id=source.id,
        period="2025",
        value=Decimal(30),
    )
    session.commit()
    return {
        "a": target_a.id,
        "r": target_r.id,
        "source": source.id,
        "indicator": added.id,
        "a_place": a.id,
    }


def snapshots(session: Session) -> dict[tuple[str, str], ProgressSnapshot]:
    session.expire_all()
    found = session.exec(
        select(ProgressSnapshot, Target.code).join(Target, Target.id == ProgressSnapshot.target_id)
    )
    return {(code, s.basis.value): s for s, code in found if s.period == ""}


def test_a_target_and_its_region_are_measured_and_stored(session: Session, make: Factory) -> None:
    world = region_world(session, make)
    report = recompute_targets(session, [world["a"], world["r"]], engine_config(), TODAY)
    session.commit()
    stored = snapshots(session)
    assert report.targets == 2 and report.changed_jurisdictions == {"GM0001", "rg-r"}
    assert (stored[("a-100", "own")].realised, stored[("a-100", "own")].percent_of_target) == (
        Decimal(30),
        Decimal(30),
    )
    # the region has no figures of its own, but its members' sum is 30 of 300
    assert stored[("r-300", "own")].status.value == "no_data"
    assert (
        stored[("r-300", "members_sum")].realised,
        stored[("r-300", "members_sum")].percent_of_target,
    ) == (Decimal(30), Decimal(10))


def test_unchanged_inputs_are_not_rewritten(session: Session, make: Factory) -> None:
    world = region_world(session, make)
    recompute_targets(session, [world["a"]], engine_config(), TODAY)
    session.commit()
    first = snapshots(session)[("a-100", "own")].computed_at
    again = recompute_targets(session, [world["a"]], engine_config(), TODAY, RecomputeReport())
    session.commit()
    assert (again.written, again.unchanged) == (0, 1)
    assert snapshots(session)[("a-100", "own")].computed_at == first


def test_a_target_that_cannot_be_judged_says_why(session: Session, make: Factory) -> None:
    undated = make.target(
        code="no-deadline", deadline=None, deadline_year=None, start_period="2025"
    )
    session.commit()
    recompute_targets(session, [undated.id], engine_config(), TODAY)
    session.commit()
    stored = snapshots(session)[("no-deadline", "own")]
    assert stored.status.value == "no_data"
    assert stored.flags[0].startswith("unjudgeable: target no-deadline has no deadline")


def test_approving_figures_moves_the_target_the_municipality_and_the_region(
    session: Session, make: Factory, broker, worker
) -> None:
    world = region_world(session, make)
    recompute_targets(session, [world["a"], world["r"]], engine_config(), date.today())
    session.commit()
    # given a corporation (not a trusted source) that reports 2026 figures for A and B
    partner = make.organisation(code="woonstichting")
    for place in ("GM0001", "GM0002"):
        place_id = session.exec(select(Jurisdiction.id).where(Jurisdiction.code == place)).one()
        session.add(OrganisationScope(organisation_id=partner.id, jurisdiction_id=place_id))
    session.commit()
    sent = intake.submit_rows(
        session,
        request(session, partner.id),
        rows(("dwellings-added", "GM0001", "2026", 20), ("dwellings-added", "GM0002", "2026", 50)),
    )
    session.commit()
    drain(broker, worker, INGEST, COMPUTE)
    # nothing moves before the task force approves
    assert snapshots(session)[("a-100", "own")].realised == Decimal(30)
    # when it is approved, through the real broker
    intake.approve(session, sent.submission.id, actor=ADMIN, reason="klopt")
    session.commit()
    drain(broker, worker, INGEST, COMPUTE)
    stored = snapshots(session)
    # then A counts 30 + 20, and the region's members 30 + 20 + 50
    assert stored[("a-100", "own")].realised == Decimal(50)
    assert stored[("a-100", "own")].percent_of_target == Decimal(50)
    assert stored[("r-300", "members_sum")].realised == Decimal(100)


def test_haaglanden_keys_reproduce_the_published_scenarios(clean_db: sa.Engine) -> None:
    with Session(clean_db) as session:
        load_dataset(session, read_dataset(Path(__file__).parents[2] / "data" / "reference"))
        session.commit()
        rules = dict(session.exec(select(DistributionRule.code, DistributionRule.id)).all())
        cap = derive_rule(
            session, rules["haaglanden-woonzorgvisie-2025-max-30pct-sociale-huur"], TODAY
        )
        floor = derive_rule(
            session, rules["haaglanden-woonzorgvisie-2025-min-15pct-wet-regie"], TODAY
        )
        below = derive_rule(
            session, rules["haaglanden-woonzorgvisie-2025-max-30pct-tot-1e-aftop"], TODAY
        )
        session.commit()
        # columns C and E of T10 reproduce for all nine municipalities, and the regional totals
        assert len(cap.commitments) == 9 and all(c.matches_printed for c in cap.commitments)
        assert len(floor.commitments) == 9 and all(c.matches_printed for c in floor.commitments)
        assert (cap.regional_total, floor.regional_total, below.regional_total) == (
            2412,
            1206,
            1582,
        )
        # column D: the two cells the document computed from unrounded averages are shown, not hidden
        assert {c.member for c in below.commitments if not c.matches_printed} == {
            "GM1842",
            "GM0637",
        }
        # realised 2024 lettings (column B) against the 30% capacity (column C)
        above = [
            c.member
            for c in capacity_use(
                session, rules["haaglanden-woonzorgvisie-2025-max-30pct-sociale-huur"], "2024"
            )
            if c.above
        ]
        assert above == ["GM0603", "GM1926"]  # Rijswijk and Pijnacker-Nootdorp
        delft = session.exec(
            select(Target).where(Target.code == "haaglanden-woonzorgvisie-2025-max30-delft")
        ).one()
        assert (
            delft.derivation["computed"] == "315"
            and delft.derivation["inputs"]["yearly_average"] == "1051"
        )
        assert delft.value == 315


def test_the_cli_recomputes_a_jurisdiction(session: Session, make: Factory) -> None:
    region_world(session, make)
    from api.cli import app

    result = CliRunner().invoke(app, ["recompute", "--jurisdiction", "GM0001"])
    assert result.exit_code == 0, result.output
    assert "1 targets: 1 snapshots written" in result.output
    assert CliRunner().invoke(app, ["recompute", "--jurisdiction", "GM9999"]).exit_code == 2


def test_a_percentage_ratio_is_stored_in_percent_as_the_api_shows_it(
    session: Session, make: Factory
) -> None:
    from core.enums import Direction, IndicatorKind

    place = make.jurisdiction(code="GM0003")
    lettings = make.indicator(code="social-lettings", unit="lettings")
    priority = make.indicator(code="lettings-priority-groups", unit="lettings")
    share = make.indicator(
        code="share-priority",
        unit="percent",
        kind=IndicatorKind.RATIO,
        direction=Direction.WITHIN,
        numerator_id=priority.id,
        denominator_id=lettings.id,
    )
    source = make.organisation()
    make.observation(
        indicator_id=lettings.id,
        jurisdiction_id=place.id,
        source_organisation_id=source.id,
        period="2025",
        value=Decimal(200),
    )
    make.observation(
        indicator_id=priority.id,
        jurisdiction_id=place.id,
        source_organisation_id=source.id,
        period="2025",
        value=Decimal(50),
    )
    cap = make.target(
        code="cap-30",
        indicator_id=share.id,
        jurisdiction_id=place.id,
        kind=TargetKind.MAXIMUM,
        value=Decimal(30),
        start_period="2025",
        deadline="2025",
    )
    session.commit()
    recompute_targets(session, [cap.id], engine_config(), TODAY)
    session.commit()
    stored = snapshots(session)[("cap-30", "own")]
    # 50 of 200 lettings is 25% of lettings, under the 30% cap
    assert stored.realised == Decimal(25) and stored.status.value == "within"


def test_the_fingerprint_of_the_same_inputs_stays_the_same() -> None:
    # given inputs of every kind the fingerprint covers (pinned: a changed digest rewrites every
    # stored snapshot on the next recompute)
    spec = TargetSpec(
        IndicatorKind.FLOW,
        Direction.HIGHER_IS_BETTER,
        TargetKind.TARGET,
        Period.parse("2030"),
        value=Decimal("100.50"),
        start=Period.parse("2024"),
        target_group="ouderen",
    )
    recorded = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    points = {
        "GM0001": [
            ObservationPoint(
                Period.parse("2024-Q1"), Decimal("7.00"), "cbs", version=2, recorded_at=recorded
            ),
            ObservationPoint.of_ratio(
                Period.parse("2023"), Decimal(1), Decimal(3), "corp", housing_type="geclusterd"
            ),
        ]
    }
    pipeline = [PipelineItem("P-1", ProjectPhase.PLAN, Decimal(40), date(2027, 6, 30))]
    extra = [Membership("GM0001", date(2020, 1, 1)), {"a": {1, 2}, "b": (True, None, 1.5)}]
    # when they are fingerprinted, then the digest is the one stored snapshots carry
    assert inputs_hash(spec, points, pipeline, EngineConfig(), date(2026, 11, 22), extra) == (
        "d18d75989b08695cdba001228d2e6cfe8022ce46c3e949bb7c0f439244b81b39"
    )

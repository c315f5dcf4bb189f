"""Stored progress: recomputed per target, per region roll-up, only when inputs change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from core.enums import (
    Direction,
    IndicatorKind,
    JurisdictionKind,
    ProgressBasis,
    ProjectPhase,
    RegionType,
    SubmissionStatus,
    TargetKind,
)
from db.models import (
    DistributionRule,
    Indicator,
    Jurisdiction,
    Observation,
    OrganisationScope,
    OutboxJob,
    ProgressSnapshot,
    ProjectUnits,
    RegionMembership,
    Submission,
    Target,
)
from ingest.periods import Period
from ingest.reference.dataset import read_dataset
from progress_engine.engine import compute_progress
from progress_engine.model import EngineConfig, ObservationPoint, PipelineItem, TargetSpec
from progress_engine.rollup import Membership, compute_region_progress
from services import events
from services.jobs import COMPUTE, INGEST
from services.policy.reference_load import load_dataset
from services.progress.config import engine_config
from services.progress.distribution import derive_rule
from services.progress.inputs import (
    UnjudgeableTarget,
    in_indicator_unit,
    region_inputs,
    target_inputs,
)
from services.progress.recompute import RecomputeReport, all_target_ids, recompute_targets
from services.progress.snapshots import inputs_hash, snapshot_values
from services.submissions import service as intake
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import ADMIN, request, rows

TODAY = date(2026, 11, 22)


@dataclass(frozen=True)
class Capacity:
    member: str
    realised: Decimal
    cap: Decimal

    @property
    def percent(self) -> Decimal:
        return (self.realised / self.cap * 100).quantize(Decimal("0.01"))

    @property
    def above(self) -> bool:
        return self.realised > self.cap


def capacity_use(session: Session, rule_id: int, period: str) -> list[Capacity]:
    """Per member: what was realised in ``period`` on the rule's indicator against its commitment
    (the published table's columns B and C)."""
    rule = session.get(DistributionRule, rule_id)
    if rule is None:
        raise LookupError(f"no distribution rule with id {rule_id}")
    found = []
    for target in session.exec(select(Target).where(Target.distribution_rule_id == rule_id)):
        realised = session.exec(
            select(col(Observation.value)).where(
                Observation.indicator_id == rule.indicator_id,
                Observation.jurisdiction_id == target.jurisdiction_id,
                col(Observation.target_group_id) == rule.target_group_id
                if rule.target_group_id
                else col(Observation.target_group_id).is_(None),
                col(Observation.price_segment) == rule.price_segment
                if rule.price_segment
                else col(Observation.price_segment).is_(None),
                Observation.period == period,
                col(Observation.superseded_at).is_(None),
            )
        ).first()
        if realised is not None and target.value:
            member = session.get(Jurisdiction, target.jurisdiction_id)
            found.append(Capacity(member.code, Decimal(realised), Decimal(target.value)))  # type: ignore[union-attr]
    return sorted(found, key=lambda c: c.member)


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
        load_dataset(session, read_dataset(Path(__file__).parents[3] / "data" / "reference"))
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


def test_the_cli_ingest_does_what_an_upload_does(
    session: Session, make: Factory, tmp_path: Path
) -> None:
    # given a trusted source's file for municipality A, and someone watching its submissions
    world = region_world(session, make)
    file = tmp_path / "figures.csv"
    file.write_text("Indicator;Gemeente;Periode;Waarde\ndwellings-added;GM0001;2026;12\n")
    announced: list[tuple[str, dict[str, object]]] = []
    real_publish = events.publish

    def watch(topic: str, payload: dict[str, object]) -> None:
        announced.append((topic, payload))
        real_publish(topic, payload)

    from api.cli import app

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "publish", watch)
        # when an operator ingests it with the CLI
        result = CliRunner().invoke(app, ["ingest", str(file), "--organisation", "corporatie"])
    assert result.exit_code == 0, result.output
    # then, as after an upload, the figures are applied, the recompute of the targets they
    # touch is queued, and the submission's new status is announced
    session.expire_all()
    submission = session.exec(select(Submission)).one()
    assert submission.status is SubmissionStatus.APPLIED
    jobs = session.exec(select(OutboxJob).where(OutboxJob.actor_name == "recompute_progress"))
    assert [sorted(job.args["target_ids"]) for job in jobs] == [sorted([world["a"], world["r"]])]
    assert (
        events.submission_topic(submission.id),
        {"id": submission.id, "status": "applied"},
    ) in announced


def haaglanden_share_world(session: Session, make: Factory, den_haag_lettings: bool) -> int:
    """Region of Delft and Den Haag reporting their share of lettings to priority groups only as
    a percentage (Delft 10%, Den Haag 40%), with Delft's lettings (1,000) and, when asked, Den
    Haag's (3,000); a regional 30% cap on the share."""
    delft = make.jurisdiction(code="GM0503", name="Delft")
    den_haag = make.jurisdiction(code="GM0518", name="Den Haag")
    region = make.jurisdiction(
        code="rg-h", name="H", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for member in (delft, den_haag):
        session.add(RegionMembership(region_id=region.id, member_id=member.id))
    lettings = make.indicator(code="social-lettings", unit="lettings")
    priority = make.indicator(code="lettings-priority", unit="lettings")
    share = make.indicator(
        code="share-priority",
        unit="percent",
        kind=IndicatorKind.RATIO,
        direction=Direction.WITHIN,
        numerator_id=priority.id,
        denominator_id=lettings.id,
    )
    svh = make.organisation(code="svh")
    figures = [(delft, share, 10), (den_haag, share, 40), (delft, lettings, 1000)]
    if den_haag_lettings:
        figures.append((den_haag, lettings, 3000))
    for place, indicator, value in figures:
        make.observation(
            indicator_id=indicator.id,
            jurisdiction_id=place.id,
            source_organisation_id=svh.id,
            period="2025",
            value=Decimal(value),
        )
    cap = make.target(
        code="h-max30",
        indicator_id=share.id,
        jurisdiction_id=region.id,
        kind=TargetKind.MAXIMUM,
        value=Decimal(30),
        start_period="2025",
        deadline="2025",
    )
    session.commit()
    return cap.id  # type: ignore[return-value]


def test_a_region_share_of_member_percentages_is_weighted_by_their_lettings(
    session: Session, make: Factory
) -> None:
    cap = haaglanden_share_world(session, make, den_haag_lettings=True)
    recompute_targets(session, [cap], engine_config(), TODAY)
    session.commit()
    stored = snapshots(session)[("h-max30", "members_sum")]
    # (0.10 × 1,000 + 0.40 × 3,000) / 4,000 = 32.5%, not the average 25%: above the 30% cap
    assert stored.realised == Decimal("32.5")
    assert stored.status.value == "exceeded"
    assert stored.details["numerator"] == "1300" and stored.details["denominator"] == "4000"


def test_a_region_share_without_a_members_lettings_has_no_figure_and_names_it(
    session: Session, make: Factory
) -> None:
    cap = haaglanden_share_world(session, make, den_haag_lettings=False)
    recompute_targets(session, [cap], engine_config(), TODAY)
    session.commit()
    stored = snapshots(session)[("h-max30", "members_sum")]
    # Den Haag's 40% has nothing to weigh it by: no region figure, and the flag says whose
    assert stored.realised is None and stored.status.value == "no_data"
    assert any(
        flag.startswith("ratio_without_parts: GM0518 2025 svh has no numerator and denominator")
        for flag in stored.flags
    )


def test_a_stock_of_places_gets_the_pipeline_forecast(session: Session, make: Factory) -> None:
    # given 40 places available at the end of 2025 and 20 places under construction due mid-2026
    place = make.jurisdiction(code="GM0004")
    places = make.indicator(code="places-available", unit="places", kind=IndicatorKind.STOCK)
    make.observation(
        indicator_id=places.id, jurisdiction_id=place.id, period="2025-12-31", value=Decimal(40)
    )
    project = make.project(
        municipality_id=place.id,
        phase=ProjectPhase.CONSTRUCTION,
        expected_completion=date(2026, 6, 1),
    )
    session.add(ProjectUnits(project_id=project.id, units=20, breakdown_key="None|None"))
    make.target(
        code="places-80",
        indicator_id=places.id,
        jurisdiction_id=place.id,
        kind=TargetKind.NEED_ESTIMATE,
        value=Decimal(80),
        baseline_value=Decimal(30),
        baseline_period="2024",
        deadline="2026",
    )
    session.commit()
    recompute_targets(session, list(all_target_ids(session)), engine_config(), date(2026, 1, 15))
    session.commit()
    # then 40 + 20 × 0.9 = 58 (was: none, only flows had one)
    assert snapshots(session)[("places-80", "own")].forecast_pipeline == Decimal(58)


def test_stored_snapshots_of_the_reference_data_are_the_pure_engines_output(
    clean_db: sa.Engine,
) -> None:
    """For every reference target: the stored snapshots (own, members_sum, per year) equal the
    pure engine's output for the inputs read from the database; and no target is judged as a cap
    unless its kind is maximum."""
    config = engine_config()
    with Session(clean_db) as session:
        load_dataset(session, read_dataset(Path(__file__).parents[3] / "data" / "reference"))
        session.commit()
        ids = all_target_ids(session)
        recompute_targets(session, ids, config, TODAY)
        session.commit()
        stored = {
            (s.target_id, s.basis, s.period): s for s in session.exec(select(ProgressSnapshot))
        }
        expected: dict[tuple[int, ProgressBasis, str], dict[str, object]] = {}
        caps: list[str] = []
        for target_id in ids:
            target = session.get(Target, target_id)
            assert target is not None
            indicator = session.get(Indicator, target.indicator_id)
            place = session.get(Jurisdiction, target.jurisdiction_id)
            assert indicator is not None and place is not None

            def unit(value: Decimal | None, indicator: Indicator = indicator) -> Decimal | None:
                return in_indicator_unit(indicator, value)

            try:
                spec, points, pipeline = target_inputs(session, target_id)
            except UnjudgeableTarget:
                continue
            results = {ProgressBasis.OWN: compute_progress(spec, points, pipeline, config, TODAY)}
            if spec.is_cap:
                caps.append(f"{target.kind.value}/{indicator.direction.value}")
            if place.kind is JurisdictionKind.REGION:
                region = region_inputs(session, target_id)
                if region.memberships:
                    results[ProgressBasis.MEMBERS_SUM] = compute_region_progress(
                        region.target,
                        region.member_observations,
                        region.memberships,
                        region.pipeline,
                        config,
                        TODAY,
                    )
            for basis, result in results.items():
                expected[(target_id, basis, "")] = snapshot_values(result, unit)
                for year in result.years:
                    period = str(year.window_start.year)
                    expected[(target_id, basis, period)] = snapshot_values(year, unit)
        assert len(expected) > 500
        for key, values in expected.items():
            snapshot = stored[key]
            assert {name: getattr(snapshot, name) for name in values} == values, key
        # a region's share is a ratio of sums wherever there is one
        for (target_id, basis, _), snapshot in stored.items():
            target = session.get(Target, target_id)
            indicator = session.get(Indicator, target.indicator_id)  # type: ignore[union-attr]
            ratio = indicator.kind is IndicatorKind.RATIO  # type: ignore[union-attr]
            if basis is ProgressBasis.MEMBERS_SUM and ratio and snapshot.realised is not None:
                assert snapshot.details["denominator"] is not None
        # no reference target is judged as a cap unless its kind is maximum
        assert caps and {cap.split("/")[0] for cap in caps} == {"maximum"}

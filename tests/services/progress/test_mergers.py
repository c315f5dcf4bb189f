"""Municipal mergers (herindeling): the predecessors' figures count for the successor's targets,
flagged as mapped; the predecessors' own targets end at the merger with their last status; regions
count predecessor or successor by their membership dates. Numbers below are computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from core.enums import JurisdictionKind, ProgressBasis, ProgressStatus, RegionType, Role
from core.principal import Actor
from db.models import (
    AuditEvent,
    Jurisdiction,
    OutboxJob,
    ProgressSnapshot,
    RegionMembership,
    Target,
)
from services.geography.mergers import MergerError, record_merger
from services.progress.config import engine_config
from services.progress.inputs import target_inputs
from services.progress.recompute import recompute_targets, targets_affected_by
from tests.factories import Factory

ADMIN = Actor(None, None, Role.ADMIN, "test admin")


def _snapshot(session: Session, target: Target, basis: ProgressBasis) -> ProgressSnapshot:
    found = session.exec(
        select(ProgressSnapshot).where(
            ProgressSnapshot.target_id == target.id,
            ProgressSnapshot.basis == basis,
            ProgressSnapshot.period == "",
        )
    ).one()
    return found


def _recompute(session: Session, targets: list[Target], today: date) -> None:
    recompute_targets(session, [t.id for t in targets if t.id], engine_config(), today)
    session.flush()


def _figures(
    make: Factory, indicator_id: int, source_id: int, place: Jurisdiction, **by_year: int
) -> None:
    for year, value in by_year.items():
        make.observation(
            indicator_id=indicator_id,
            jurisdiction_id=place.id,
            source_organisation_id=source_id,
            period=year.lstrip("y"),
            value=Decimal(value),
            recorded_at=datetime(2024, 1, 1, tzinfo=UTC),
        )


def test_gooise_meren_counts_bussum_naarden_and_muiden_before_2016(
    make: Factory, session: Session
) -> None:
    # given Bussum, Muiden and Naarden in the Gooi en Vechtstreek region with Hilversum
    bussum = make.jurisdiction(code="GM0381", name="Bussum")
    muiden = make.jurisdiction(code="GM0424", name="Muiden")
    naarden = make.jurisdiction(code="GM0425", name="Naarden")
    hilversum = make.jurisdiction(code="GM0402", name="Hilversum")
    region = make.jurisdiction(
        code="rg-gooi-test", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for place in (bussum, muiden, naarden, hilversum):
        session.add(RegionMembership(region_id=region.id, member_id=place.id))
    added = make.indicator(code="dwellings-added-gm")
    cbs = make.organisation(code="cbs-gm")
    assert added.id is not None and cbs.id is not None
    # and their figures before the merger (and one Bussum reported for 2016, after it ceased)
    _figures(make, added.id, cbs.id, bussum, y2014=50, y2015=60, y2016=999)
    _figures(make, added.id, cbs.id, naarden, y2014=30, y2015=40)
    _figures(make, added.id, cbs.id, muiden, y2015=10)
    _figures(make, added.id, cbs.id, hilversum, y2014=20, y2015=25, y2016=30, y2017=35)
    session.flush()

    # when the merger of 1 January 2016 is recorded (Gooise Meren is created by it)
    merger = record_merger(
        session,
        ADMIN,
        "GM1942",
        ["GM0381", "GM0424", "GM0425"],
        date(2016, 1, 1),
        successor_name="Gooise Meren",
        reason="Wet herindeling Bussum, Muiden, Naarden",
    )
    gooise_meren = merger.successor
    _figures(make, added.id, cbs.id, gooise_meren, y2016=100, y2017=120)
    window = dict(indicator_id=added.id, start_period="2014", deadline="2020", deadline_year=2020)
    own = make.target(
        code="gm-1000", jurisdiction_id=gooise_meren.id, value=Decimal(1000), **window
    )
    ended = make.target(code="bussum-300", jurisdiction_id=bussum.id, value=Decimal(300), **window)
    regional = make.target(code="gv-2000", jurisdiction_id=region.id, value=Decimal(2000), **window)
    # a region made after the merger, with Gooise Meren and no dates
    woondeal = make.jurisdiction(
        code="rg-woondeal-test", kind=JurisdictionKind.REGION, region_type=RegionType.WOONDEALREGIO
    )
    session.add(RegionMembership(region_id=woondeal.id, member_id=gooise_meren.id))
    later = make.target(code="wd-1000", jurisdiction_id=woondeal.id, value=Decimal(1000), **window)
    session.flush()
    _recompute(session, [own, ended, regional, later], date(2018, 6, 30))

    # then Gooise Meren counts its predecessors' 2014-2015 figures: 50+60+30+40+10 + 100+120
    mine = _snapshot(session, own, ProgressBasis.OWN)
    assert mine.realised == Decimal(410)
    assert mine.percent_of_target == Decimal("41")
    assert "mapped_from_predecessors: GM0381, GM0424, GM0425" in mine.flags
    # Bussum's own target ended at the merger, judged as it stood on 31 December 2015: 50+60
    bussum_snapshot = _snapshot(session, ended, ProgressBasis.OWN)
    assert bussum_snapshot.realised == Decimal(110)
    assert "ended_at_merger: 2015-12-31 (successor GM1942)" in bussum_snapshot.flags
    assert bussum_snapshot.status is ProgressStatus.ON_TRACK  # 110 against 300 × 2/7 ≈ 85.7
    # the region follows the membership dates: the predecessors until 2015, Gooise Meren from
    # 2016, Hilversum throughout; Bussum's 2016 figure counts nowhere
    # (50+60+30+40+10) + (100+120) + (20+25+30+35) = 520
    summed = _snapshot(session, regional, ProgressBasis.MEMBERS_SUM)
    assert summed.realised == Decimal(520)
    assert not any(flag.startswith("mapped_from") for flag in summed.flags)
    # a region of Gooise Meren alone, without dates, gets the predecessors through it (flagged)
    woondeal_sum = _snapshot(session, later, ProgressBasis.MEMBERS_SUM)
    assert woondeal_sum.realised == Decimal(410)
    assert "mapped_from_predecessors: GM0381, GM0424, GM0425" in woondeal_sum.flags

    # and the memberships were moved, audited, and the recompute queued
    memberships = {
        (m.member_id, m.valid_from, m.valid_to)
        for m in session.exec(
            select(RegionMembership).where(RegionMembership.region_id == region.id)
        )
    }
    assert (bussum.id, None, date(2015, 12, 31)) in memberships
    assert (gooise_meren.id, date(2016, 1, 1), None) in memberships
    assert (hilversum.id, None, None) in memberships
    merged = session.exec(select(AuditEvent).where(AuditEvent.action == "merge")).all()
    assert sorted(e.object_id for e in merged) == ["GM0381", "GM0424", "GM0425"]
    assert merger.targets_queued == 0  # no targets yet when it was recorded


def test_a_merger_inside_a_2030_window_keeps_both_targets_honest(
    make: Factory, session: Session
) -> None:
    # given two municipalities with 2030 targets, in one region, reporting 2025 and 2026
    east, west = make.jurisdiction(code="GM9101"), make.jurisdiction(code="GM9102")
    region = make.jurisdiction(
        code="rg-future-test", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for place in (east, west):
        session.add(RegionMembership(region_id=region.id, member_id=place.id))
    added = make.indicator()
    cbs = make.organisation()
    assert added.id is not None and cbs.id is not None
    _figures(make, added.id, cbs.id, east, y2025=20, y2026=25)
    _figures(make, added.id, cbs.id, west, y2025=10, y2026=15)
    window = dict(indicator_id=added.id, start_period="2025", deadline="2030", deadline_year=2030)
    east_target = make.target(jurisdiction_id=east.id, value=Decimal(120), **window)
    regional = make.target(jurisdiction_id=region.id, value=Decimal(500), **window)
    session.flush()

    # when they merge on 1 January 2027 and the new municipality reports 2027 and takes a target
    merger = record_merger(
        session, ADMIN, "GM9103", ["GM9101", "GM9102"], date(2027, 1, 1), successor_name="Nieuw"
    )
    merged = merger.successor
    queued = session.exec(select(OutboxJob).where(OutboxJob.actor_name == "recompute_progress"))
    assert {i for job in queued for i in job.args["target_ids"]} == {east_target.id, regional.id}
    _figures(make, added.id, cbs.id, merged, y2027=40)
    merged_target = make.target(jurisdiction_id=merged.id, value=Decimal(300), **window)
    session.flush()
    _recompute(session, [east_target, regional, merged_target], date(2027, 6, 30))

    # then the new municipality's target counts the whole window: 20+25+10+15+40
    new = _snapshot(session, merged_target, ProgressBasis.OWN)
    assert new.realised == Decimal(110)
    assert any(f.startswith("mapped_from_predecessors: GM9101, GM9102") for f in new.flags)
    # the old one ended at the merger with what it had: 20+25, judged on 31 December 2026
    old = _snapshot(session, east_target, ProgressBasis.OWN)
    assert old.realised == Decimal(45)
    assert "ended_at_merger: 2026-12-31 (successor GM9103)" in old.flags
    # 120 × 2/6 = 40 expected by the end of 2026: 45 is on track
    assert old.expected_by_now is not None and abs(old.expected_by_now - Decimal(40)) < 1
    assert old.status is ProgressStatus.ON_TRACK
    # the region: east and west until 2026, the new one from 2027 = 45 + 25 + 40
    assert _snapshot(session, regional, ProgressBasis.MEMBERS_SUM).realised == Decimal(110)
    # a later correction of a predecessor's figure reaches the successor's targets
    assert merged_target.id in targets_affected_by(session, [(added.id, east.id or 0)])


def test_the_predecessors_versions_are_summed_moment_by_moment(
    make: Factory, session: Session
) -> None:
    # given two predecessors' 2025 figures, one corrected later
    one, two = make.jurisdiction(), make.jurisdiction()
    added, cbs = make.indicator(), make.organisation()
    common = dict(indicator_id=added.id, source_organisation_id=cbs.id, period="2025")
    first = make.observation(
        jurisdiction_id=one.id,
        value=Decimal(10),
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        superseded_at=datetime(2026, 3, 1, tzinfo=UTC),
        **common,
    )
    make.observation(
        jurisdiction_id=one.id,
        value=Decimal(12),
        version=2,
        cell_key=first.cell_key,
        recorded_at=datetime(2026, 3, 1, tzinfo=UTC),
        **common,
    )
    make.observation(
        jurisdiction_id=two.id,
        value=Decimal(5),
        recorded_at=datetime(2026, 2, 1, tzinfo=UTC),
        **common,
    )
    session.flush()
    merger = record_merger(
        session, ADMIN, "GM9199", [one.code, two.code], date(2026, 6, 1), successor_name="Samen"
    )
    target = make.target(
        indicator_id=added.id, jurisdiction_id=merger.successor.id, start_period="2025"
    )
    session.flush()
    # when read for the successor
    _, points, _ = target_inputs(session, target.id)  # type: ignore[arg-type]
    # then one series: 10 from January, 15 from February, 17 from March
    assert [
        (p.value, p.version, p.recorded_at.month if p.recorded_at else None) for p in points
    ] == [
        (Decimal(10), 1, 1),
        (Decimal(15), 2, 2),
        (Decimal(17), 3, 3),
    ]
    assert [p.superseded_at is None for p in points] == [False, False, True]


def test_only_administrators_merge_existing_municipalities(make: Factory, session: Session) -> None:
    one, two = make.jurisdiction(), make.jurisdiction()
    region = make.jurisdiction(
        code="rg-refuse-test", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.flush()
    partner = Actor(None, None, Role.PARTNER, "partner")
    with pytest.raises(MergerError) as refused:
        record_merger(session, partner, "GM9198", [one.code], date(2027, 1, 1), successor_name="X")
    assert refused.value.code == "not_allowed"
    for codes, code in (
        ([], "no_predecessors"),
        (["GM0000"], "unknown_jurisdiction"),
        ([region.code], "not_a_municipality"),
    ):
        with pytest.raises(MergerError) as invalid:
            record_merger(session, ADMIN, "GM9198", codes, date(2027, 1, 1), successor_name="X")
        assert invalid.value.code == code
    with pytest.raises(MergerError) as unnamed:
        record_merger(session, ADMIN, "GM9198", [one.code, two.code], date(2027, 1, 1))
    assert unnamed.value.code == "unknown_jurisdiction"
    assert (
        session.exec(select(Jurisdiction).where(col(Jurisdiction.code) == "GM9198")).first() is None
    )

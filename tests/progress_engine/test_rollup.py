"""Roll-up to a region (DESIGN §5): sums for counts, ratio of sums, membership validity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.periods import Period
from progress_engine import (
    Direction,
    EngineConfig,
    IndicatorKind,
    Membership,
    ObservationPoint,
    Status,
    TargetKind,
    TargetSpec,
    compute_members_progress,
    compute_region_progress,
    sum_targets,
)

D = Decimal
P = Period.parse
CONFIG = EngineConfig()
TODAY = date(2029, 3, 1)
STAYS = "GM0001"
LEAVES = "GM0002"  # leaves the region on 1 July 2028
MEMBERSHIPS = [Membership(STAYS), Membership(LEAVES, valid_to=date(2028, 6, 30))]


def flow_target(value: int) -> TargetSpec:
    return TargetSpec(
        indicator_kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER_IS_BETTER,
        kind=TargetKind.TARGET,
        value=D(value),
        start=P("2028"),
        deadline=P("2028"),
    )


def obs(period: str, value: int) -> ObservationPoint:
    return ObservationPoint(P(period), D(value), "partner")


MEMBER_FIGURES = {
    STAYS: [obs("2028", 100)],
    LEAVES: [
        obs("2028", 100),
        obs("2028-Q1", 10),
        obs("2028-Q2", 20),
        obs("2028-Q3", 30),
        obs("2028-Q4", 40),
    ],
}


def test_region_sums_members_only_while_their_membership_is_valid() -> None:
    # when the region's own target of 200 is measured on its members' figures
    result = compute_region_progress(
        flow_target(200), MEMBER_FIGURES, MEMBERSHIPS, [], CONFIG, TODAY
    )
    # then 100 + (Q1 10 + Q2 20 of the member that left) = 130; its year, Q3, Q4 do not count
    assert result.realised == D(130)
    assert result.percent == D("65.00")
    assert {f.jurisdiction for f in result.counted} == {STAYS, LEAVES}
    assert (
        "membership_partial: GM0002 2028 partner is not wholly inside the membership; not counted"
        in result.flags
    )
    # the departed member's second half-year is not a coverage gap
    assert not [f for f in result.flags if f.startswith("partial_coverage")]


def test_region_ratio_is_the_ratio_of_the_members_sums() -> None:
    target = TargetSpec(
        indicator_kind=IndicatorKind.RATIO,
        direction=Direction.WITHIN,
        kind=TargetKind.MAXIMUM,
        value=D("0.30"),
        start=P("2028"),
        deadline=P("2028"),
    )
    figures = {
        STAYS: [ObservationPoint.of_ratio(P("2028"), D(10), D(100), "svh")],  # 10%
        "GM0003": [ObservationPoint.of_ratio(P("2028"), D(90), D(300), "svh")],  # 30%
    }
    members = [Membership(STAYS), Membership("GM0003")]
    result = compute_region_progress(target, figures, members, [], CONFIG, TODAY)
    # (10 + 90) / (100 + 300) = 0.25, not the average of percentages 0.20
    assert result.realised == D("0.25")
    assert result.status is Status.WITHIN


def test_region_as_sum_of_members_and_against_its_own_target() -> None:
    # given member targets 120 and 40 and a regional target of 200
    progress = compute_members_progress(
        {STAYS: flow_target(120), LEAVES: flow_target(40)},
        MEMBER_FIGURES,
        MEMBERSHIPS,
        CONFIG,
        TODAY,
        region_target=flow_target(200),
    )
    # then each member is judged on all its own figures (the year counts once: 100 each)
    assert progress.members[STAYS].realised == D(100)
    assert progress.members[LEAVES].realised == D(100)
    assert progress.members[LEAVES].status is Status.ACHIEVED
    # the sum of members: target 120 + 40 = 160, realised within the region 130 -> 81.25%
    assert progress.sum_of_members.target_value == D(160)
    assert progress.sum_of_members.realised == D(130)
    assert progress.sum_of_members.percent == D("81.25")
    # the region's own target: 130 / 200
    assert progress.own_target is not None
    assert progress.own_target.percent == D("65.00")


def test_a_member_without_membership_is_not_counted() -> None:
    figures = {**MEMBER_FIGURES, "GM9999": [obs("2028", 500)]}
    result = compute_region_progress(flow_target(200), figures, MEMBERSHIPS, [], CONFIG, TODAY)
    assert result.realised == D(130)
    assert "not_a_member: GM9999 has figures but no membership; not counted" in result.flags


def test_member_targets_that_differ_in_shape_cannot_be_summed() -> None:
    other_window = TargetSpec(
        indicator_kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER_IS_BETTER,
        kind=TargetKind.TARGET,
        value=D(10),
        start=P("2027"),
        deadline=P("2028"),
    )
    with pytest.raises(ValueError, match="differ"):
        sum_targets([flow_target(120), other_window])


def test_region_stock_sums_each_members_latest_value_and_flags_differing_dates() -> None:
    target = TargetSpec(
        indicator_kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER_IS_BETTER,
        kind=TargetKind.TARGET,
        value=D(100),
        baseline_value=D(0),
        start=P("2028"),
        deadline=P("2028"),
    )
    figures = {
        STAYS: [obs("2028-03-31", 20), obs("2028-06-30", 30)],
        "GM0003": [obs("2028-05-31", 25)],
    }
    members = [Membership(STAYS), Membership("GM0003")]
    result = compute_region_progress(target, figures, members, [], CONFIG, TODAY)
    # latest values 30 + 25 = 55
    assert result.realised == D(55)
    assert (
        "stock_dates_differ: the summed latest values are from 2028-05-31, 2028-06-30"
        in result.flags
    )

"""Which figures count (DESIGN §5: periods, totals vs breakdowns, sources, ratios, as-of)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.periods import Period
from progress_engine import (
    Direction,
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    Status,
    TargetKind,
    TargetSpec,
    compute_progress,
    current_versions,
    known_at,
)

D = Decimal
P = Period.parse
CONFIG = EngineConfig()
AFTER_2028 = date(2029, 3, 1)  # every 2028 period is complete


def flow_target(value: str = "1000", **overrides: object) -> TargetSpec:
    fields: dict[str, object] = {
        "indicator_kind": IndicatorKind.FLOW,
        "direction": Direction.HIGHER_IS_BETTER,
        "kind": TargetKind.TARGET,
        "value": D(value),
        "start": P("2028"),
        "deadline": P("2028"),
    }
    fields.update(overrides)
    return TargetSpec(**fields)  # type: ignore[arg-type]


def obs(period: str, value: str, source: str = "partner", **extra: object) -> ObservationPoint:
    return ObservationPoint(P(period), D(value), source, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "figures", "expected_realised"),
    [
        # year 100 and its quarters 25+25+25+25 from one source: the year counts once -> 100
        (
            "year and its quarters",
            [("2028", "100"), *((f"2028-Q{q}", "25") for q in range(1, 5))],
            "100",
        ),
        # H1 60 (its months 6 × 10 ignored) + Q3 30 + Q4 40 -> 130
        (
            "half with its months, then quarters",
            [("2028-H1", "60")]
            + [(f"2028-{m:02d}", "10") for m in range(1, 7)]
            + [("2028-Q3", "30"), ("2028-Q4", "40")],
            "130",
        ),
        # quarters only: 10 + 20 + 30 + 40 -> 100
        (
            "quarters only",
            [("2028-Q1", "10"), ("2028-Q2", "20"), ("2028-Q3", "30"), ("2028-Q4", "40")],
            "100",
        ),
    ],
)
def test_flow_sums_the_coarsest_figures_without_double_counting(
    case: str, figures: list[tuple[str, str]], expected_realised: str
) -> None:
    # given figures of one source at several granularities within the 2028 window
    observations = [obs(period, value) for period, value in figures]
    # when
    result = compute_progress(flow_target(), observations, [], CONFIG, AFTER_2028)
    # then
    assert result.realised == D(expected_realised), case
    assert not [f for f in result.flags if f.startswith("partial_coverage")], case


def test_partial_coverage_is_flagged_not_hidden() -> None:
    # given Q1, Q2 and Q4 but no Q3
    observations = [obs("2028-Q1", "10"), obs("2028-Q2", "20"), obs("2028-Q4", "40")]
    # when
    result = compute_progress(flow_target(), observations, [], CONFIG, AFTER_2028)
    # then 10 + 20 + 40 = 70 is counted and the hole is named
    assert result.realised == D(70)
    assert "partial_coverage: no figures for 2028-07-01..2028-09-30" in result.flags


def test_a_figure_straddling_the_window_is_not_counted_and_flagged() -> None:
    # given a window starting mid-2028 and a whole-year 2028 figure
    target = flow_target(start=P("2028-H2"))
    observations = [obs("2028", "100"), obs("2028-Q3", "20"), obs("2028-Q4", "30")]
    # when
    result = compute_progress(target, observations, [], CONFIG, AFTER_2028)
    # then only Q3 + Q4 = 50 count
    assert result.realised == D(50)
    assert "straddles_window: 2028 partner not counted" in result.flags


def test_explicit_total_wins_over_sum_of_breakdowns() -> None:
    # given a total of 100 and breakdowns by target group adding to 60 + 45 = 105
    observations = [
        obs("2028", "100"),
        obs("2028", "60", target_group="statushouders"),
        obs("2028", "45", target_group="uitstroom_mo"),
    ]
    # when
    result = compute_progress(flow_target(), observations, [], CONFIG, AFTER_2028)
    # then the total counts and the mismatch is visible
    assert result.realised == D(100)
    assert (
        "breakdown_mismatch: 2028 partner total 100 vs sum of breakdowns 105 (total used)"
        in result.flags
    )


def test_sum_of_breakdowns_is_used_only_without_a_total_and_flagged() -> None:
    # given only breakdowns 60 + 30, and a figure for another housing type cell that is not ours
    observations = [
        obs("2028", "60", target_group="statushouders"),
        obs("2028", "30", target_group="uitstroom_mo"),
    ]
    # when
    result = compute_progress(flow_target(), observations, [], CONFIG, AFTER_2028)
    # then 60 + 30 = 90, flagged
    assert result.realised == D(90)
    assert "sum_of_breakdowns: 2028 partner by target_group (no total reported)" in result.flags
    assert all(figure.from_breakdowns for figure in result.counted)


def test_a_target_for_one_group_counts_only_that_group() -> None:
    target = flow_target(target_group="statushouders")
    observations = [obs("2028", "100"), obs("2028", "60", target_group="statushouders")]
    result = compute_progress(target, observations, [], CONFIG, AFTER_2028)
    assert result.realised == D(60)


def test_source_precedence_picks_one_and_reports_the_discrepancy() -> None:
    # given partner before cbs; both report Q1; only cbs reports Q2; partner reports H2
    config = EngineConfig(source_precedence=("partner", "cbs"))
    observations = [
        obs("2028-Q1", "50", "partner"),
        obs("2028-Q1", "48", "cbs"),
        obs("2028-Q2", "30", "cbs"),
        obs("2028-H2", "70", "partner"),
        obs("2028-Q3", "35", "cbs"),
        obs("2028-Q4", "35", "cbs"),
    ]
    # when
    result = compute_progress(flow_target(), observations, [], config, AFTER_2028)
    # then partner Q1 50 + cbs Q2 30 (fills the gap) + partner H2 70 = 150
    assert result.realised == D(150)
    assert "source_discrepancy: 2028-Q1 partner=50 vs cbs=48 (partner used)" in result.flags
    # cbs Q3 + Q4 = 70 equals partner's H2: no discrepancy reported for H2
    assert not [f for f in result.flags if "2028-H2" in f]


def test_per_indicator_precedence_overrides_the_configured_one() -> None:
    config = EngineConfig(source_precedence=("partner", "cbs"))
    target = flow_target(source_precedence=("cbs",))
    observations = [obs("2028", "50", "partner"), obs("2028", "48", "cbs")]
    result = compute_progress(target, observations, [], config, AFTER_2028)
    assert result.realised == D(48)
    assert "source_discrepancy: 2028 cbs=48 vs partner=50 (cbs used)" in result.flags


def test_a_year_figure_of_a_lower_source_is_compared_with_the_chosen_quarters() -> None:
    config = EngineConfig(source_precedence=("partner", "cbs"))
    quarters = [obs(f"2028-Q{q}", "25", "partner") for q in range(1, 5)]
    result = compute_progress(
        flow_target(), [*quarters, obs("2028", "90", "cbs")], [], config, AFTER_2028
    )
    # partner 25 × 4 = 100 counts; cbs says 90 for the same year
    assert result.realised == D(100)
    assert "source_discrepancy: 2028 partner=100 vs cbs=90 (partner used)" in result.flags


def test_ratio_is_ratio_of_sums_not_average_of_percentages() -> None:
    # given Q1: 10 of 100 lettings (10%), Q2: 90 of 300 lettings (30%)
    target = TargetSpec(
        indicator_kind=IndicatorKind.RATIO,
        direction=Direction.WITHIN,
        kind=TargetKind.MAXIMUM,
        value=D("0.30"),
        start=P("2028-H1"),
        deadline=P("2028-H1"),
    )
    observations = [
        ObservationPoint.of_ratio(P("2028-Q1"), D(10), D(100), "svh"),
        ObservationPoint.of_ratio(P("2028-Q2"), D(90), D(300), "svh"),
    ]
    # when
    result = compute_progress(target, observations, [], CONFIG, AFTER_2028)
    # then (10 + 90) / (100 + 300) = 0.25, not (0.10 + 0.30) / 2 = 0.20
    assert result.realised == D("0.25")
    assert (result.numerator, result.denominator) == (D(100), D(400))
    assert result.percent == D("83.33")  # 0.25 / 0.30 = 83.33% of the cap
    assert result.status is Status.WITHIN


def _versions() -> list[ObservationPoint]:
    utc = UTC
    return [
        obs(
            "2028",
            "100",
            version=1,
            recorded_at=datetime(2029, 2, 1, tzinfo=utc),
            superseded_at=datetime(2029, 5, 1, tzinfo=utc),
        ),
        obs("2028", "120", version=2, recorded_at=datetime(2029, 5, 1, tzinfo=utc)),
    ]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2029, 1, 1, tzinfo=UTC), []),  # nothing recorded yet
        (datetime(2029, 3, 1, tzinfo=UTC), [D(100)]),  # the first version
        (datetime(2029, 5, 1, tzinfo=UTC), [D(120)]),  # the correction, from its moment
    ],
)
def test_known_at_picks_what_was_known_at_a_moment(
    moment: datetime, expected: list[Decimal]
) -> None:
    assert [o.value for o in known_at(_versions(), moment)] == expected


def test_current_versions_and_as_of_progress_never_count_two_versions() -> None:
    # given two versions of one cell
    versions = _versions()
    # when computed now and as of March 2029
    now = compute_progress(flow_target(), versions, [], CONFIG, date(2029, 6, 1))
    before = compute_progress(
        flow_target(),
        versions,
        [],
        CONFIG,
        date(2029, 6, 1),
        as_of=datetime(2029, 3, 1, tzinfo=UTC),
    )
    # then each counts exactly one version
    assert [o.value for o in current_versions(versions)] == [D(120)]
    assert (now.realised, before.realised) == (D(120), D(100))

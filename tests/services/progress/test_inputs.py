"""From rows to engine inputs: the target's cell, unit conversions, versions and pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session

from core.enums import (
    Direction,
    IndicatorKind,
    JurisdictionKind,
    ProjectPhase,
    RegionType,
    TargetKind,
)
from db.models import HousingType, ProjectUnits, RegionMembership, TargetGroup
from ingest.periods import Period
from progress_engine import EngineConfig, compute_progress
from services.progress.inputs import (
    UnjudgeableTarget,
    in_indicator_unit,
    region_inputs,
    target_inputs,
)
from tests.factories import Factory


def _vocabulary(session: Session) -> tuple[HousingType, TargetGroup]:
    housing = HousingType(code="geclusterd", name_nl="Geclusterd", name_en="Clustered")
    group = TargetGroup(code="ouderen", name_nl="Ouderen", name_en="Older people")
    session.add_all([housing, group])
    session.flush()
    return housing, group


def test_the_cell_holds_its_own_figures_and_breakdowns_but_no_other_cell(
    make: Factory, session: Session
) -> None:
    # given a target on dwellings-added in a town, and figures in and around its cell
    _, group = _vocabulary(session)
    town, elsewhere = make.jurisdiction(), make.jurisdiction()
    indicator, other_indicator = make.indicator(), make.indicator()
    source = make.organisation(code="cbs")
    target = make.target(indicator_id=indicator.id, jurisdiction_id=town.id, start_period="2024")
    own = dict(indicator_id=indicator.id, jurisdiction_id=town.id, source_organisation_id=source.id)
    make.observation(**own, period="2024", value=Decimal(7))
    make.observation(**own, period="2024", value=Decimal(3), target_group_id=group.id)
    make.observation(**own, period="2024", value=Decimal(2), price_segment="social")
    make.observation(**{**own, "jurisdiction_id": elsewhere.id}, period="2024")
    make.observation(**{**own, "indicator_id": other_indicator.id}, period="2024")
    # when its inputs are read
    spec, points, pipeline = target_inputs(session, target.id)  # type: ignore[arg-type]
    # then it gets its total and the breakdown, nothing else, with codes not ids
    assert spec.start == Period.parse("2024") and spec.deadline == Period.parse("2030")
    assert sorted((p.value, p.target_group, p.source) for p in points) == [
        (Decimal(3), "ouderen", "cbs"),
        (Decimal(7), None, "cbs"),
    ]
    assert pipeline == []


def test_a_yearly_average_over_years_becomes_the_total(make: Factory, session: Session) -> None:
    target = make.target(start_period="2020", deadline="2023")
    make.observation(
        indicator_id=target.indicator_id,
        jurisdiction_id=target.jurisdiction_id,
        period="2020/2023",
        value=Decimal(100),
        per_year=True,
    )
    _, points, _ = target_inputs(session, target.id)  # type: ignore[arg-type]
    assert [(str(p.period), p.value) for p in points] == [("2020/2023", Decimal(400))]


def test_a_percentage_ratio_is_read_as_a_fraction_from_its_parts(
    make: Factory, session: Session
) -> None:
    # given a 30% cap on the share of lettings to a group, and the lettings reported in parts
    _, group = _vocabulary(session)
    town, source = make.jurisdiction(), make.organisation()
    lettings = make.indicator(unit="lettings")
    to_group = make.indicator(unit="lettings")
    share = make.indicator(
        unit="percent",
        kind=IndicatorKind.RATIO,
        direction=Direction.WITHIN,
        numerator_id=to_group.id,
        denominator_id=lettings.id,
    )
    target = make.target(
        indicator_id=share.id,
        jurisdiction_id=town.id,
        target_group_id=group.id,
        kind=TargetKind.MAXIMUM,
        value=Decimal(30),
        start_period="2024",
        deadline="2024",
    )
    where = dict(jurisdiction_id=town.id, source_organisation_id=source.id, period="2024")
    make.observation(indicator_id=to_group.id, target_group_id=group.id, value=Decimal(25), **where)
    make.observation(indicator_id=lettings.id, value=Decimal(100), **where)
    # when its inputs are read and judged
    spec, points, pipeline = target_inputs(session, target.id)  # type: ignore[arg-type]
    result = compute_progress(spec, points, pipeline, EngineConfig(), date(2025, 6, 1))
    # then the cap is 0.30 and the realised share 25/100, shown again as 25 percent
    assert spec.value == Decimal("0.30")
    assert [(p.numerator, p.denominator, p.target_group) for p in points] == [
        (Decimal(25), Decimal(100), "ouderen")
    ]
    assert in_indicator_unit(share, result.realised) == Decimal(25)
    assert result.status.value == "within"


def test_every_version_is_given_with_its_validity(make: Factory, session: Session) -> None:
    target = make.target(start_period="2024")
    t0, t1 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    common = dict(
        indicator_id=target.indicator_id, jurisdiction_id=target.jurisdiction_id, period="2024"
    )
    source = make.organisation()
    old = make.observation(
        **common, source_organisation_id=source.id, value=Decimal(5), recorded_at=t0
    )
    make.observation(
        **common, source_organisation_id=source.id, value=Decimal(6), version=2, recorded_at=t1
    )
    old.superseded_at = t1
    session.flush()
    spec, points, _ = target_inputs(session, target.id)  # type: ignore[arg-type]
    assert sorted((p.version, p.value, p.superseded_at) for p in points) == [
        (1, Decimal(5), t1),
        (2, Decimal(6), None),
    ]
    as_of = compute_progress(spec, points, [], EngineConfig(), date(2025, 3, 1), as_of=t0)
    assert as_of.realised == Decimal(5)


def test_the_pipeline_is_open_projects_with_units_in_the_cell(
    make: Factory, session: Session
) -> None:
    # given a target on clustered dwellings and projects in several phases and places
    housing, _ = _vocabulary(session)
    other_housing = HousingType(code="nultreden", name_nl="Nultreden", name_en="Step-free")
    session.add(other_housing)
    town, elsewhere = make.jurisdiction(), make.jurisdiction()
    target = make.target(jurisdiction_id=town.id, housing_type_id=housing.id, start_period="2024")
    cases = [
        (town, ProjectPhase.PLAN, housing, 40),
        (town, ProjectPhase.PERMIT, other_housing, 30),
        (town, ProjectPhase.COMPLETED, housing, 20),
        (town, ProjectPhase.CANCELLED, housing, 10),
        (elsewhere, ProjectPhase.PLAN, housing, 5),
    ]
    for place, phase, kind, units in cases:
        project = make.project(
            municipality_id=place.id, phase=phase, external_key=f"{phase}-{units}"
        )
        session.add(
            ProjectUnits(
                project_id=project.id,
                housing_type_id=kind.id,
                breakdown_key=f"{kind.id}|",
                units=units,
            )
        )
    session.flush()
    _, _, pipeline = target_inputs(session, target.id)  # type: ignore[arg-type]
    assert [(p.ref, p.phase, p.units) for p in pipeline] == [
        ("plan-40", ProjectPhase.PLAN, Decimal(40))
    ]


def test_a_region_target_is_measured_per_member(make: Factory, session: Session) -> None:
    # given a region target and a member's figures
    region = make.jurisdiction(
        code="rg-test", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    member = make.jurisdiction(code="GM9950")
    session.add(
        RegionMembership(region_id=region.id, member_id=member.id, valid_to=date(2025, 12, 31))
    )  # type: ignore[arg-type]
    target = make.target(jurisdiction_id=region.id, start_period="2024")
    make.observation(
        indicator_id=target.indicator_id, jurisdiction_id=member.id, period="2024", value=Decimal(9)
    )
    # when read for the member, and as a region with its members
    _, own_points, _ = target_inputs(session, target.id)  # type: ignore[arg-type]
    _, member_points, _ = target_inputs(session, target.id, jurisdiction_id=member.id)  # type: ignore[arg-type]
    region_view = region_inputs(session, target.id)  # type: ignore[arg-type]
    # then the member's figures are found both ways, with the membership's dates
    assert own_points == []
    assert [p.value for p in member_points] == [Decimal(9)]
    assert [p.value for p in region_view.member_observations["GM9950"]] == [Decimal(9)]
    assert [(m.member, m.valid_to) for m in region_view.memberships] == [
        ("GM9950", date(2025, 12, 31))
    ]


def test_a_target_without_a_start_starts_in_its_documents_year(
    make: Factory, session: Session
) -> None:
    document = make.document(published_on=date(2025, 3, 1), horizon_year=2040)
    target = make.target(document_id=document.id, deadline=None, deadline_year=None)
    spec, _, _ = target_inputs(session, target.id)  # type: ignore[arg-type]
    assert spec.start == Period.parse("2025") and spec.deadline == Period.parse("2040")


def test_a_target_that_cannot_be_judged_says_why(make: Factory, session: Session) -> None:
    target = make.target(deadline=None, deadline_year=None)
    with pytest.raises(UnjudgeableTarget, match="no deadline"):
        target_inputs(session, target.id)  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        target_inputs(session, 987654)

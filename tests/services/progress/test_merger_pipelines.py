"""Mergers and project pipelines: a predecessor's projects count for the successor's pipeline
forecast and pipeline summary (flagged as mapped), and a region's pipeline follows its
membership dates. Every expected number is computed by hand from the configured phase
probabilities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from core.enums import JurisdictionKind, ProgressBasis, ProjectPhase, RegionType
from db.models import Jurisdiction, ProgressSnapshot, ProjectUnits, RegionMembership, Target
from services.geography.mergers import record_merger
from services.progress.config import engine_config
from services.progress.prefetch import prefetched_inputs
from services.progress.recompute import recompute_targets
from services.projects.pipeline import pipeline_summary
from tests.factories import Factory
from tests.services.progress.test_mergers import ADMIN, _figures

P = engine_config().phase_probability


def _project(
    make: Factory,
    session: Session,
    place: Jurisdiction,
    phase: ProjectPhase,
    units: int,
    expected: date,
) -> None:
    project = make.project(municipality_id=place.id, phase=phase, expected_completion=expected)
    session.add(ProjectUnits(project_id=project.id, units=units, breakdown_key="|"))
    session.flush()


def _snapshot(session: Session, target: Target, basis: ProgressBasis) -> ProgressSnapshot:
    return session.exec(
        select(ProgressSnapshot).where(
            ProgressSnapshot.target_id == target.id,
            ProgressSnapshot.basis == basis,
            ProgressSnapshot.period == "",
        )
    ).one()


def test_gooise_meren_forecasts_with_the_projects_of_bussum_naarden_and_muiden(
    make: Factory, session: Session
) -> None:
    # given Bussum, Muiden and Naarden with Hilversum in a region, merged on 1 January 2016
    bussum = make.jurisdiction(code="GM0381", name="Bussum")
    muiden = make.jurisdiction(code="GM0424", name="Muiden")
    naarden = make.jurisdiction(code="GM0425", name="Naarden")
    hilversum = make.jurisdiction(code="GM0402", name="Hilversum")
    region = make.jurisdiction(
        code="rg-gooi-pipe", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for place in (bussum, muiden, naarden, hilversum):
        session.add(RegionMembership(region_id=region.id, member_id=place.id))
    added = make.indicator(code="dwellings-added-pipe")
    cbs = make.organisation(code="cbs-pipe")
    assert added.id is not None and cbs.id is not None
    gooise_meren = record_merger(
        session,
        ADMIN,
        "GM1942",
        ["GM0381", "GM0424", "GM0425"],
        date(2016, 1, 1),
        successor_name="Gooise Meren",
    ).successor
    # and projects still registered on the old municipalities, one on Gooise Meren itself
    _project(make, session, bussum, ProjectPhase.PLAN, 40, date(2028, 6, 30))
    _project(make, session, naarden, ProjectPhase.PERMIT, 20, date(2029, 12, 31))
    _project(make, session, muiden, ProjectPhase.CONSTRUCTION, 10, date(2031, 6, 30))  # too late
    _project(make, session, gooise_meren, ProjectPhase.INITIATIVE, 8, date(2027, 6, 30))
    _project(make, session, hilversum, ProjectPhase.PLAN, 50, date(2028, 12, 31))
    _figures(make, added.id, cbs.id, gooise_meren, y2016=100)
    _figures(make, added.id, cbs.id, hilversum, y2017=35)
    window = dict(indicator_id=added.id, start_period="2016", deadline="2030", deadline_year=2030)
    own = make.target(
        code="gm-pipe", jurisdiction_id=gooise_meren.id, value=Decimal(1000), **window
    )
    regional = make.target(code="gv-pipe", jurisdiction_id=region.id, value=Decimal(3000), **window)
    session.flush()

    # when their progress is computed (from one prefetch, as the workers do, and one by one)
    ids = [own.id, regional.id]
    recompute_targets(session, ids, engine_config(), date(2026, 6, 30))  # type: ignore[arg-type]
    session.flush()

    # then Gooise Meren's pipeline forecast is its figure plus the weighted units of its own and
    # its predecessors' projects due by 2030 (Muiden's 2031 project is too late)
    expected = (
        Decimal(100)
        + 40 * P[ProjectPhase.PLAN]
        + 20 * P[ProjectPhase.PERMIT]
        + 8 * P[ProjectPhase.INITIATIVE]
    )
    mine = _snapshot(session, own, ProgressBasis.OWN)
    assert mine.forecast_pipeline == expected
    assert "pipeline_mapped_from_predecessors: GM0381, GM0424, GM0425" in mine.flags
    # the region counts Gooise Meren (with its predecessors) and Hilversum, each project once
    summed = _snapshot(session, regional, ProgressBasis.MEMBERS_SUM)
    assert summed.forecast_pipeline == Decimal(135) + (expected - 100) + 50 * P[ProjectPhase.PLAN]
    # and the prefetched path reads the same pipeline
    with prefetched_inputs(session, ids):  # type: ignore[arg-type]
        recompute_targets(session, ids, engine_config(), date(2026, 6, 30))  # type: ignore[arg-type]
    session.flush()
    assert _snapshot(session, own, ProgressBasis.OWN).forecast_pipeline == expected

    # the pipeline summaries say the same, flagged as mapped
    summary = pipeline_summary(session, "GM1942", until_year=2030)
    assert summary.weighted_forecast == expected - 100
    assert summary.units_after_horizon == 10
    assert summary.mapped_from == ("GM0381", "GM0424", "GM0425")
    regional_summary = pipeline_summary(session, "rg-gooi-pipe", until_year=2030)
    assert regional_summary.weighted_forecast == expected - 100 + 50 * P[ProjectPhase.PLAN]
    # a predecessor's own summary holds only its own projects
    assert pipeline_summary(session, "GM0381", until_year=2030).weighted_forecast == (
        40 * P[ProjectPhase.PLAN]
    )


def test_a_region_pipeline_follows_membership_dates(make: Factory, session: Session) -> None:
    # given a region Hilversum left at the end of 2020, and Huizen still in it
    hilversum = make.jurisdiction(code="GM0402", name="Hilversum")
    huizen = make.jurisdiction(code="GM0406", name="Huizen")
    region = make.jurisdiction(
        code="rg-left", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(
        RegionMembership(region_id=region.id, member_id=hilversum.id, valid_to=date(2020, 12, 31))
    )
    session.add(RegionMembership(region_id=region.id, member_id=huizen.id))
    _project(make, session, hilversum, ProjectPhase.PLAN, 50, date(2028, 12, 31))
    _project(make, session, huizen, ProjectPhase.PERMIT, 12, date(2028, 12, 31))
    # then the region's pipeline holds Huizen's project only
    summary = pipeline_summary(session, "rg-left", until_year=2030)
    assert summary.weighted_forecast == 12 * P[ProjectPhase.PERMIT]
    assert summary.mapped_from == ()


def test_a_future_merger_inside_a_2030_window(make: Factory, session: Session) -> None:
    # given two municipalities that merge on 1 January 2028, with figures and projects
    west = make.jurisdiction(code="GM9301", name="West")
    east = make.jurisdiction(code="GM9302", name="Oost")
    region = make.jurisdiction(
        code="rg-future", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for place in (west, east):
        session.add(RegionMembership(region_id=region.id, member_id=place.id))
    added = make.indicator(code="dwellings-added-future")
    cbs = make.organisation(code="cbs-future")
    assert added.id is not None and cbs.id is not None
    _figures(make, added.id, cbs.id, west, y2025=4)
    _figures(make, added.id, cbs.id, east, y2026=3)
    _project(make, session, west, ProjectPhase.PLAN, 10, date(2029, 6, 30))
    _project(make, session, east, ProjectPhase.PERMIT, 6, date(2030, 6, 30))
    merged = record_merger(
        session, ADMIN, "GM9399", ["GM9301", "GM9302"], date(2028, 1, 1), successor_name="Samen"
    ).successor
    window = dict(indicator_id=added.id, start_period="2025", deadline="2030", deadline_year=2030)
    successor_target = make.target(
        code="samen-2030", jurisdiction_id=merged.id, value=Decimal(100), **window
    )
    regional = make.target(
        code="future-2030", jurisdiction_id=region.id, value=Decimal(100), **window
    )
    session.flush()
    recompute_targets(
        session,
        [successor_target.id, regional.id],
        engine_config(),
        date(2026, 12, 1),  # type: ignore[list-item]
    )
    session.flush()
    # then the successor's 2030 target counts its predecessors' figures and projects already
    expected = Decimal(4 + 3) + 10 * P[ProjectPhase.PLAN] + 6 * P[ProjectPhase.PERMIT]
    mine = _snapshot(session, successor_target, ProgressBasis.OWN)
    assert mine.forecast_pipeline == expected
    assert "pipeline_mapped_from_predecessors: GM9301, GM9302" in mine.flags
    # and the region, whose members are the two until the merger day, counts each project once
    summed = _snapshot(session, regional, ProgressBasis.MEMBERS_SUM)
    assert summed.forecast_pipeline == expected
    assert pipeline_summary(session, "rg-future").weighted_forecast == expected - 7

"""Prefetched inputs: the same as each target's own queries give, without a query per target."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import IndicatorKind, JurisdictionKind, ProjectPhase, RegionType
from db.models import HousingType, Jurisdiction, ProjectUnits, RegionMembership, Target
from services.progress.inputs import RegionInputs, region_inputs, target_inputs
from services.progress.prefetch import prefetched_inputs
from tests.factories import Factory


def _world(make: Factory, session: Session) -> list[int]:
    """A housing market region holding a subregion of two municipalities (one with a district and a dated
    membership), nested housing types and target groups, ratio and flow indicators, figures in
    several versions and breakdowns, and projects in every phase; targets on all of it."""
    town, village = make.jurisdiction(), make.jurisdiction()
    district = make.jurisdiction(kind=JurisdictionKind.DISTRICT, parent_id=town.id)
    region = make.jurisdiction(
        code="rg-prefetch", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    market = make.jurisdiction(
        code="wmr-prefetch", kind=JurisdictionKind.REGION, region_type=RegionType.WONINGMARKTREGIO
    )
    session.add_all(
        [
            RegionMembership(region_id=region.id, member_id=town.id),
            RegionMembership(region_id=region.id, member_id=village.id, valid_to=date(2025, 6, 30)),
            RegionMembership(region_id=market.id, member_id=region.id),
        ]
    )
    independent = HousingType(code="zelfstandig-p", name_nl="Zelfstandig", name_en="Independent")
    session.add(independent)
    session.flush()
    clustered = HousingType(
        code="geclusterd-p", name_nl="Geclusterd", name_en="Clustered", parent_id=independent.id
    )
    session.add(clustered)
    older = make.target_group(code="ouderen-p")
    oldest = make.target_group(code="ouderen-75-p", parent_id=older.id)
    dwellings = make.indicator()
    lettings, to_group = make.indicator(unit="lettings"), make.indicator(unit="lettings")
    share = make.indicator(
        unit="percent",
        kind=IndicatorKind.RATIO,
        numerator_id=to_group.id,
        denominator_id=lettings.id,
    )
    cbs, corporation = make.organisation(code="cbs-p"), make.organisation(code="corp-p")
    first, later = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)
    for place in (town, village, district, region):
        common = dict(jurisdiction_id=place.id, source_organisation_id=cbs.id)
        make.observation(indicator_id=dwellings.id, period="2024", value=Decimal(12), **common)
        make.observation(
            indicator_id=dwellings.id,
            period="2024",
            value=Decimal(5),
            housing_type_id=clustered.id,
            **common,
        )
        make.observation(
            indicator_id=dwellings.id,
            period="2020/2023",
            value=Decimal(4),
            per_year=True,
            **{**common, "source_organisation_id": corporation.id},
        )
        make.observation(indicator_id=dwellings.id, period="2025", price_segment="social", **common)
        make.observation(
            indicator_id=to_group.id, period="2024", target_group_id=oldest.id, **common
        )
        make.observation(
            indicator_id=lettings.id,
            period="2024",
            value=Decimal(40),
            recorded_at=first,
            superseded_at=later,
            **common,
        )
        make.observation(
            indicator_id=lettings.id,
            period="2024",
            value=Decimal(50),
            version=2,
            recorded_at=later,
            **common,
        )
        make.observation(indicator_id=share.id, period="2023", value=Decimal(20), **common)
    for place, phase, housing, group, units in [
        (town, ProjectPhase.PLAN, clustered, None, 40),
        (town, ProjectPhase.PLAN, independent, oldest, 7),
        (town, ProjectPhase.PERMIT, None, older, 30),
        (town, ProjectPhase.COMPLETED, clustered, None, 20),
        (district, ProjectPhase.CONSTRUCTION, clustered, oldest, 9),
        (village, ProjectPhase.INITIATIVE, independent, None, 5),
        (village, ProjectPhase.CANCELLED, independent, None, 8),
    ]:
        project = make.project(municipality_id=place.id, phase=phase)
        session.add(
            ProjectUnits(
                project_id=project.id,
                housing_type_id=None if housing is None else housing.id,
                target_group_id=None if group is None else group.id,
                breakdown_key=f"{housing and housing.id}|{group and group.id}",
                units=units,
            )
        )
    targets = [
        make.target(
            indicator_id=indicator.id,
            jurisdiction_id=place.id,
            housing_type_id=housing,
            target_group_id=group,
            start_period="2020",
        )
        for place in (town, village, region, market)
        for indicator, housing, group in [
            (dwellings, None, None),
            (dwellings, independent.id, None),
            (dwellings, None, older.id),
            (dwellings, clustered.id, oldest.id),
            (share, None, oldest.id),
            (lettings, None, None),
        ]
    ]
    session.flush()
    return [t.id for t in targets]  # type: ignore[misc]


def _inputs(session: Session, target_id: int) -> tuple[object, RegionInputs | None]:
    target = session.get(Target, target_id)
    place = session.get(Jurisdiction, target.jurisdiction_id)  # type: ignore[union-attr]
    region = region_inputs(session, target_id) if place.kind is JurisdictionKind.REGION else None  # type: ignore[union-attr]
    return target_inputs(session, target_id), region


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    """The statements sent in the block."""
    sent: list[str] = []

    def count(*args: object) -> None:
        sent.append(str(args[2]))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_prefetched_inputs_are_what_each_target_reads_itself(
    make: Factory, session: Session
) -> None:
    # given targets on cells, regions and pipelines of every shape
    ids = _world(make, session)
    # when each target reads its inputs itself, and again from one prefetch
    own = {target_id: _inputs(session, target_id) for target_id in ids}
    with prefetched_inputs(session, ids), _statements(session) as sent:
        prefetched = {target_id: _inputs(session, target_id) for target_id in ids}
    # then they are the same, and no figure, membership or project was read again
    assert prefetched == own
    tables = ("observation", "region_membership", "project")
    assert sent and not [s for s in sent if any(f"FROM {t}" in s for t in tables)]
    pipelines = [spec_points_pipeline[2] for spec_points_pipeline, _ in own.values()]
    assert sum(map(len, pipelines)) > 10 and any(len(p) > 2 for p in pipelines)
    regions = [region for _, region in own.values() if region is not None]
    assert regions and all(r.memberships for r in regions)
    assert any(len(points) > 2 for r in regions for points in r.member_observations.values())


def test_a_region_holds_the_projects_of_its_members_members(
    make: Factory, session: Session
) -> None:
    # given a region whose subregion holds a town with a district, each with open projects
    ids = _world(make, session)
    market_target = ids[-6]  # the housing market region's total dwellings
    # when its pipeline is prefetched
    with prefetched_inputs(session, [market_target]):
        _, _, pipeline = target_inputs(session, market_target)
    # then every open project below it counts, the district's too, and no closed one; not the
    # village's, which left the region in mid-2025 (a pipeline is what is still to come, and a
    # region's pipeline follows its membership dates)
    assert sorted(p.units for p in pipeline) == [Decimal(n) for n in (7, 9, 30, 40)]

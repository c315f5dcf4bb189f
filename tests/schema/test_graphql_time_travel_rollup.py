"""Time travel everywhere: ``asOf`` answers what the workers stored at that moment, for the
headline, the judged years and a region's members' sum, combined with every filter.

The workers recompute at t1 (snapshots stored), figures change (a correction and a new figure,
recorded at t2), the workers recompute at t2; asking ``asOf`` t1 and t2 gives what was stored
at each moment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.enums import JurisdictionKind, ProgressBasis, RegionType
from db.models import ProgressSnapshot, RegionMembership
from services.progress.config import engine_config
from services.progress.recompute import recompute_targets
from tests.factories import Factory
from tests.schema.conftest import graphql_caller

T0 = datetime(2025, 1, 10, tzinfo=UTC)
T1 = datetime(2025, 3, 10, tzinfo=UTC)
T2 = datetime(2025, 9, 10, tzinfo=UTC)
FIELDS = "basis period status realised percentOfTarget expectedByNow gap forecastTrend"
PROGRESS = f"""query($asOf: DateTime, $statuses: [ProgressStatus!], $bases: [ProgressBasis!]) {{
  progress(asOf: $asOf, first: 100, filter: {{target: {{jurisdiction: "rg-tt"}},
           statuses: $statuses, bases: $bases}}) {{
    totalCount nodes {{ id {FIELDS} target {{ code }} }} }} }}"""
NESTED = f"""query($asOf: DateTime) {{ jurisdiction(code: "rg-tt") {{
  progress(asOf: $asOf, bases: [MEMBERS_SUM]) {{ totalCount nodes {{ {FIELDS} }} }}
  targets {{ nodes {{ progress(asOf: $asOf) {{ {FIELDS} }} }} }} }} }}"""


def _region(make: Factory, session: Session) -> dict[str, Any]:
    region = make.jurisdiction(
        code="rg-tt", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    indicator = make.indicator(code="dwellings-added")
    towns = [make.jurisdiction(code=code) for code in ("GM9911", "GM9912")]
    for town in towns:
        session.add(RegionMembership(region_id=region.id, member_id=town.id))  # type: ignore[arg-type]
    source = make.organisation()
    figures = {}
    for town, value in zip(towns, (30, 20), strict=True):
        figures[town.code] = make.observation(
            indicator_id=indicator.id,
            jurisdiction_id=town.id,
            source_organisation_id=source.id,
            period="2025-Q1",
            value=Decimal(value),
            recorded_at=T0,
        )
    target = make.target(
        code="rg-tt-dwellings",
        indicator_id=indicator.id,
        jurisdiction_id=region.id,
        value=Decimal(200),
        start_period="2025",
        deadline="2030",
    )
    session.commit()
    return {
        "indicator": indicator,
        "towns": towns,
        "source": source,
        "figures": figures,
        "target": target,
    }


def _stored(session: Session) -> list[dict[str, Any]]:
    session.expire_all()
    rows = session.exec(select(ProgressSnapshot).order_by(ProgressSnapshot.id)).all()
    return sorted(
        (
            {
                "basis": row.basis.name,
                "period": row.period or None,
                "status": row.status.name,
                "realised": _number(row.realised),
                "percentOfTarget": _number(row.percent_of_target),
                "expectedByNow": _number(row.expected_by_now),
                "gap": _number(row.gap),
                "forecastTrend": _number(row.forecast_trend),
            }
            for row in rows
        ),
        key=lambda s: (s["basis"], s["period"] or ""),
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _answered(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = FIELDS.split()
    return sorted(
        (
            {k: (float(n[k]) if isinstance(n[k], int | float) else n[k]) for k in keys}
            for n in nodes
        ),
        key=lambda s: (s["basis"], s["period"] or ""),
    )


def test_as_of_gives_what_the_workers_stored_then_region_roll_up_included(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    world = _region(make, session)
    target_id = world["target"].id
    # given the workers recomputed at t1 (snapshots of both bases stored) …
    recompute_targets(session, [target_id], engine_config(), T1.date())
    session.commit()
    at_t1 = _stored(session)
    assert {s["basis"] for s in at_t1} == {"OWN", "MEMBERS_SUM"}
    # … then a member's figure was corrected and a new one came in (both recorded at t2) …
    old = world["figures"]["GM9911"]
    corrected = make.observation(
        indicator_id=world["indicator"].id,
        jurisdiction_id=world["towns"][0].id,
        source_organisation_id=world["source"].id,
        period="2025-Q1",
        value=Decimal(60),
        version=2,
        recorded_at=T2,
        change_reason="counting error",
    )
    old.superseded_at, old.superseded_by_id = T2, corrected.id
    make.observation(
        indicator_id=world["indicator"].id,
        jurisdiction_id=world["towns"][1].id,
        source_organisation_id=world["source"].id,
        period="2025-Q2",
        value=Decimal(25),
        recorded_at=T2,
    )
    session.commit()
    # … and the workers recomputed at t2
    recompute_targets(session, [target_id], engine_config(), T2.date())
    session.commit()
    at_t2 = _stored(session)
    assert at_t1 != at_t2
    gql = graphql_caller(app_client)
    # when progress is asked as of both moments, then each answers what was stored then
    for moment, stored in ((T1, at_t1), (T2, at_t2)):
        answer = gql(PROGRESS, {"asOf": moment.isoformat()})["data"]["progress"]
        assert answer["totalCount"] == len(stored)
        assert _answered(answer["nodes"]) == stored
        # the region roll-up alone, nested and on the target, says the same
        nested = gql(NESTED, {"asOf": moment.isoformat()})["data"]["jurisdiction"]
        members_sum = [s for s in stored if s["basis"] == "MEMBERS_SUM"]
        assert _answered(nested["progress"]["nodes"]) == members_sum
        assert _answered(nested["targets"]["nodes"][0]["progress"]) == stored
    # and every filter combines with asOf: statuses and bases
    for moment, stored in ((T1, at_t1), (T2, at_t2)):
        status = next(s["status"] for s in stored if s["basis"] == "MEMBERS_SUM")
        answer = gql(
            PROGRESS,
            {"asOf": moment.isoformat(), "statuses": [status], "bases": ["MEMBERS_SUM"]},
        )["data"]["progress"]
        expected = [s for s in stored if s["status"] == status and s["basis"] == "MEMBERS_SUM"]
        assert _answered(answer["nodes"]) == expected
        none = gql(
            PROGRESS,
            {"asOf": moment.isoformat(), "statuses": ["ACHIEVED"], "bases": ["MEMBERS_SUM"]},
        )["data"]["progress"]
        assert none["totalCount"] == sum(
            s["status"] == "ACHIEVED" and s["basis"] == "MEMBERS_SUM" for s in stored
        )
    # and a time-travel snapshot of the roll-up is found again by its id
    answer = gql(PROGRESS, {"asOf": T1.isoformat(), "bases": ["MEMBERS_SUM"]})["data"]
    node_id = answer["progress"]["nodes"][0]["id"]
    again = gql(
        "query($id: ID!) { node(id: $id) { ... on ProgressSnapshot { basis realised } } }",
        {"id": node_id},
    )["data"]["node"]
    assert again["basis"] == ProgressBasis.MEMBERS_SUM.name

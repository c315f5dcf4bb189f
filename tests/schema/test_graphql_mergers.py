"""``recordMerger``: administrators record a municipal merger over GraphQL; it is audited and the
recompute of what it affects is queued."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.enums import JurisdictionKind, RegionType
from db.models import AuditEvent, Jurisdiction, OutboxJob, RegionMembership
from tests.factories import Factory
from tests.schema.conftest import graphql_caller

MERGE = """
mutation ($input: MergerInput!) {
  recordMerger(input: $input) {
    __typename
    ... on MergerRecorded {
      successor { code name }
      predecessors { code }
      membershipsEnded membershipsAdded targetsQueued
    }
    ... on NotAllowed { code }
    ... on NotFound { code }
    ... on InvalidInput { code field }
  }
}
"""


def test_an_administrator_records_the_gooise_meren_merger(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    region = make.jurisdiction(
        code="rg-gv-api", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    for code in ("GM0381", "GM0424", "GM0425"):
        place = make.jurisdiction(code=code)
        session.add(RegionMembership(region_id=region.id, member_id=place.id))
    make.target(jurisdiction_id=region.id)
    make.organisation(code="portaal-api")
    session.commit()
    gql = graphql_caller(app_client)
    variables = {
        "input": {
            "successor": "GM1942",
            "successorName": "Gooise Meren",
            "predecessors": ["GM0381", "GM0424", "GM0425"],
            "on": "2016-01-01",
            "reason": "Wet samenvoeging Bussum, Muiden en Naarden",
        }
    }
    answer = gql(MERGE, variables)["data"]["recordMerger"]
    assert answer == {
        "__typename": "MergerRecorded",
        "successor": {"code": "GM1942", "name": "Gooise Meren"},
        "predecessors": [{"code": "GM0381"}, {"code": "GM0424"}, {"code": "GM0425"}],
        "membershipsEnded": 3,
        "membershipsAdded": 1,
        "targetsQueued": 1,
    }
    session.expire_all()
    bussum = session.exec(select(Jurisdiction).where(Jurisdiction.code == "GM0381")).one()
    assert bussum.valid_to == date(2015, 12, 31)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "merge")).all()
    assert session.exec(select(OutboxJob).where(OutboxJob.actor_name == "recompute_progress")).all()
    # a partner may not
    app_client.headers["Authorization"] = f"Bearer {make.token('portaal-api')}"
    refused = gql(MERGE, {"input": {**variables["input"], "successor": "GM9999"}})
    assert refused["data"]["recordMerger"] == {"__typename": "NotAllowed", "code": "not_allowed"}

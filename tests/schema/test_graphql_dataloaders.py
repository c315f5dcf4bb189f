"""No N+1: the SQL statement count of a nested dashboard query does not grow with the rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from core.enums import JurisdictionKind, ProgressStatus, RegionType
from db.models import ProgressSnapshot, RegionMembership
from tests.factories import Factory

DASHBOARD = """query($region: String!) { jurisdiction(code: $region) { name
  members { code name
    regions { code }
    targets(first: 10) { totalCount nodes { code value indicator { code } document { code }
      progress { status percentOfTarget target { code } } } }
    observations(first: 10) { totalCount
      nodes { period value indicator { code } sourceOrganisation { code } } } } } }"""


def _region_with_members(make: Factory, session: Session, code: str, members: int) -> None:
    region = make.jurisdiction(
        code=code, kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    indicator = make.indicator()
    document = make.document(jurisdiction_id=region.id)
    source = make.organisation()
    for _ in range(members):
        town = make.jurisdiction()
        session.add(RegionMembership(region_id=region.id, member_id=town.id))  # type: ignore[arg-type]
        for year in (2024, 2025):
            make.observation(
                indicator_id=indicator.id,
                jurisdiction_id=town.id,
                source_organisation_id=source.id,
                period=str(year),
            )
            target = make.target(
                indicator_id=indicator.id, jurisdiction_id=town.id, document_id=document.id
            )
            session.add(
                ProgressSnapshot(
                    target_id=target.id,  # type: ignore[arg-type]
                    jurisdiction_id=town.id,  # type: ignore[arg-type]
                    status=ProgressStatus.ON_TRACK,
                    percent_of_target=Decimal(50),
                    inputs_hash="h",
                )
            )
    session.commit()


# What runs beside a request on the same engine, at any moment: the in-process worker's
# heartbeats, the outbox's checks and a token's last-used stamp.
BACKGROUND_TABLES = ("worker_process", "worker_heartbeat", "outbox_job")


@contextmanager
def counted_statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The statements the engine runs meanwhile, without those of the background work."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        background = any(table in statement for table in BACKGROUND_TABLES) or (
            statement.lstrip().upper().startswith("UPDATE API_TOKEN")
        )
        if not background:
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _run(client: TestClient, engine: sa.Engine, region: str) -> tuple[int, dict[str, Any]]:
    with counted_statements(engine) as statements:
        response = client.post(
            "/graphql", json={"query": DASHBOARD, "variables": {"region": region}}
        )
    body = response.json()
    assert "errors" not in body, body
    return len(statements), body["data"]["jurisdiction"]


def test_nested_dashboard_costs_the_same_statements_for_ten_times_the_rows(
    app_client: TestClient, make: Factory, session: Session, clean_db: sa.Engine
) -> None:
    # given a small region (2 members) and one ten times larger (20 members)
    _region_with_members(make, session, "rg-small", members=2)
    _region_with_members(make, session, "rg-large", members=20)
    # (the token's first use records it once; that write is not the query's)
    app_client.post("/graphql", json={"query": "{ __typename }"})
    # when the same nested dashboard query runs on both
    small_count, small = _run(app_client, clean_db, "rg-small")
    large_count, large = _run(app_client, clean_db, "rg-large")
    # then both answered in full, with the same number of SQL statements
    assert len(small["members"]) == 2 and len(large["members"]) == 20
    assert all(
        len(m["targets"]["nodes"]) == m["targets"]["totalCount"] == 2
        and len(m["observations"]["nodes"]) == m["observations"]["totalCount"] == 2
        for m in large["members"]
    )
    assert all(
        t["progress"][0]["target"]["code"] == t["code"]
        for m in large["members"]
        for t in m["targets"]["nodes"]
    )
    assert small_count == large_count

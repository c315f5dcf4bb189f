"""The exports hold what the GraphQL lists give for the same filters, on the reference dataset."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from starlette.testclient import TestClient

from tests.schema.conftest import GraphQL

PROGRESS = """
query ($filter: ProgressFilter, $asOf: DateTime, $after: String) {
  progress(filter: $filter, asOf: $asOf, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { target { code } basis period status realised }
  }
}
"""


def _listed(
    gql: GraphQL, variables: dict[str, Any]
) -> set[tuple[str, str, str, str, Decimal | None]]:
    found = set()
    after = None
    while True:
        page = gql(PROGRESS, {**variables, "after": after})["data"]["progress"]
        for n in page["nodes"]:
            realised = None if n["realised"] is None else Decimal(str(n["realised"]))
            found.add(
                (
                    n["target"]["code"],
                    n["basis"].lower(),
                    n["period"] or "",
                    n["status"].lower(),
                    realised,
                )
            )
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _exported(client: TestClient, url: str) -> set[tuple[str, str, str, str, Decimal | None]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return {
        (
            r["target"],
            r["basis"],
            r["period"],
            r["status"],
            Decimal(r["realised"].replace(",", ".")) if r["realised"] else None,
        )
        for r in rows
    }


def test_a_regions_progress_export_is_the_progress_query(
    gql: GraphQL, reference_client: TestClient
) -> None:
    region = "rg-woningmarktregio-haaglanden"
    listed = _listed(gql, {"filter": {"target": {"jurisdiction": region}}})
    exported = _exported(reference_client, f"/exports/progress.csv?region={region}&dialect=nl")
    assert listed and exported == listed


def test_progress_as_of_a_day_is_the_time_travel_query(
    gql: GraphQL, reference_client: TestClient
) -> None:
    place = "GM0546"
    listed = _listed(
        gql,
        {"filter": {"target": {"jurisdiction": place}}, "asOf": "2025-12-31T23:59:59.999999+00:00"},
    )
    exported = _exported(
        reference_client, f"/exports/progress.csv?jurisdiction={place}&asOf=2025-12-31&dialect=nl"
    )
    assert listed and exported == listed

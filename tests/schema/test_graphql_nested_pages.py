"""Nested connections over long lists read only their page per parent (a window statement for all
parents of a batch): pages, cursors, filters and totals as before, and the statement count of a
nested query stays flat with the number of parents."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from core.enums import ProjectPhase
from tests.factories import Factory
from tests.schema.test_graphql_dataloaders import counted_statements

OBSERVATIONS = """query($code: String!, $first: Int!, $after: String, $indicators: [String!]) {
  jurisdiction(code: $code) { observations(first: $first, after: $after, indicators: $indicators) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id period indicator { code } } } } } }"""


def _post(client: TestClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return client.post("/graphql", json={"query": query, "variables": variables}).json()


def _all_pages(
    client: TestClient, code: str, first: int, indicators: list[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every edge of the jurisdiction's observations, a page at a time, and each page."""
    edges: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"code": code, "first": first, "after": after, "indicators": indicators}
        body = _post(client, OBSERVATIONS, variables)
        assert "errors" not in body, body
        page = body["data"]["jurisdiction"]["observations"]
        pages.append(page)
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return edges, pages
        after = page["pageInfo"]["endCursor"]


def _item_id(cursor: str) -> int:
    name, key = json.loads(base64.urlsafe_b64decode(cursor))
    assert name == "item"
    return int(key)


def test_a_jurisdictions_observations_page_through_in_order_with_filters(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    # given a municipality with observations of two indicators over seven years (two per year:
    # equal period starts, ordered by id), an old version that is superseded, and a neighbour
    town, neighbour = make.jurisdiction(code="GM7001"), make.jurisdiction(code="GM7002")
    houses, rooms = make.indicator(code="houses"), make.indicator(code="rooms")
    source = make.organisation()
    expected = []
    for year in range(2015, 2022):
        for indicator in (rooms, houses) if year % 2 else (houses, rooms):
            row = make.observation(
                indicator_id=indicator.id,
                jurisdiction_id=town.id,
                source_organisation_id=source.id,
                period=str(year),
            )
            expected.append((row.period_start, row.id, indicator.code))
    make.observation(
        indicator_id=houses.id,
        jurisdiction_id=town.id,
        source_organisation_id=source.id,
        period="2030",
        superseded_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    other = make.observation(jurisdiction_id=neighbour.id, source_organisation_id=source.id)
    session.commit()
    expected.sort()
    # when its observations are read three at a time
    edges, pages = _all_pages(app_client, "GM7001", 3)
    # then every version in force comes once, oldest period first, ties by id, 3 per page
    assert [_item_id(e["cursor"]) for e in edges] == [row_id for _, row_id, _ in expected]
    assert [len(p["edges"]) for p in pages] == [3, 3, 3, 3, 2]
    assert {p["totalCount"] for p in pages} == {14}
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True, True, True]
    assert all(p["pageInfo"]["endCursor"] == p["edges"][-1]["cursor"] for p in pages)
    # and the indicator filter holds for the pages and the total alike
    houses_only, pages = _all_pages(app_client, "GM7001", 4, ["houses"])
    wanted = [row_id for _, row_id, code in expected if code == "houses"]
    assert [_item_id(e["cursor"]) for e in houses_only] == wanted
    assert {p["totalCount"] for p in pages} == {7}
    # an empty page still tells whether items follow
    body = _post(app_client, OBSERVATIONS, {"code": "GM7001", "first": 0})
    page = body["data"]["jurisdiction"]["observations"]
    assert (page["edges"], page["pageInfo"]["hasNextPage"]) == ([], True)
    # a cursor of another list (the neighbour's observation, or one left out by the filter) is
    # refused, as it was when the whole list was paged in memory
    a_house = wanted[0]
    for foreign, indicators in ((other.id, None), (a_house, ["rooms"]), (10**9, None)):
        cursor = base64.urlsafe_b64encode(json.dumps(["item", foreign]).encode()).decode()
        variables = {"code": "GM7001", "first": 2, "after": cursor, "indicators": indicators}
        error = _post(app_client, OBSERVATIONS, variables)["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "not a cursor of this list" in error["message"]


ORGANISATIONS = """{ organisations(first: 100) { nodes { code
  submissions(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { id
    observations(first: 3) { totalCount nodes { id version } } } } } } }"""


def _organisations_with_submissions(make: Factory, count: int) -> None:
    town = make.jurisdiction()
    indicator = make.indicator()
    for _ in range(count):
        organisation = make.organisation()
        for version in (1, 2, 3):
            submission = make.submission(organisation_id=organisation.id)
            for year in (2023, 2024, 2025, 2026):
                make.observation(
                    indicator_id=indicator.id,
                    jurisdiction_id=town.id,
                    source_organisation_id=organisation.id,
                    submission_id=submission.id,
                    period=str(year),
                    version=version,
                )


def _run(client: TestClient, engine: sa.Engine, query: str) -> tuple[int, dict[str, Any]]:
    with counted_statements(engine) as statements:
        body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return len(statements), body["data"]


def test_nested_pages_of_submissions_cost_the_same_statements_for_more_parents(
    app_client: TestClient, make: Factory, session: Session, clean_db: sa.Engine
) -> None:
    app_client.post("/graphql", json={"query": "{ __typename }"})  # the token's first use
    _organisations_with_submissions(make, 2)
    session.commit()
    few_count, few = _run(app_client, clean_db, ORGANISATIONS)
    _organisations_with_submissions(make, 10)
    session.commit()
    many_count, many = _run(app_client, clean_db, ORGANISATIONS)
    senders = [o for o in many["organisations"]["nodes"] if o["submissions"]["totalCount"]]
    assert len(senders) == 12
    for organisation in senders:
        page = organisation["submissions"]
        # two of three submissions, newest first; three of each one's four observations
        assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
        ids = [s["id"] for s in page["nodes"]]
        assert len(ids) == 2
        assert all(
            s["observations"]["totalCount"] == 4 and len(s["observations"]["nodes"]) == 3
            for s in page["nodes"]
        )
    assert len(few["organisations"]["nodes"]) == 3
    assert few_count == many_count


def test_an_organisations_submissions_page_newest_first(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    organisation = make.organisation(code="sender")
    made = [make.submission(organisation_id=organisation.id).id for _ in range(5)]
    session.commit()
    query = """query($after: String) { organisations(filter: {codes: ["sender"]}) {
      nodes { submissions(first: 2, after: $after) { pageInfo { hasNextPage endCursor }
        edges { cursor } } } } }"""
    seen: list[int] = []
    after = None
    while True:
        body = _post(app_client, query, {"after": after})
        assert "errors" not in body, body
        page = body["data"]["organisations"]["nodes"][0]["submissions"]
        seen += [_item_id(e["cursor"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(made, reverse=True)


def test_projects_and_document_targets_page_by_their_order_with_filters(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    town = make.jurisdiction(code="GM7003")
    owner = make.organisation(code="builder")
    phases = [ProjectPhase.PLAN, ProjectPhase.COMPLETED] * 3
    names = ["Zuid", "Noord", "Noord", "Oost", "Aa", "West"]  # a tie on "Noord": by id
    made = [
        make.project(municipality_id=town.id, owner_id=owner.id, name=name, phase=phase)
        for name, phase in zip(names, phases, strict=True)
    ]
    document = make.document(jurisdiction_id=town.id)
    for letter in "dbeac":
        make.target(code=f"t-{letter}", jurisdiction_id=town.id, document_id=document.id)
    session.commit()
    by_name = [p.id for p in sorted(made, key=lambda p: (p.name, p.id))]
    query = """query($after: String, $phases: [ProjectPhase!]) { jurisdiction(code: "GM7003") {
      projects(first: 2, after: $after, phases: $phases) { totalCount
        pageInfo { hasNextPage endCursor } edges { cursor } }
      documents { nodes { targets(first: 2) { totalCount nodes { code } } } } } }"""

    def every(phases: list[str] | None) -> tuple[list[int], set[int]]:
        ids: list[int] = []
        totals: set[int] = set()
        after = None
        while True:
            body = _post(app_client, query, {"after": after, "phases": phases})
            assert "errors" not in body, body
            page = body["data"]["jurisdiction"]["projects"]
            ids += [_item_id(e["cursor"]) for e in page["edges"]]
            totals.add(page["totalCount"])
            if not page["pageInfo"]["hasNextPage"]:
                return ids, totals
            after = page["pageInfo"]["endCursor"]

    assert every(None) == (by_name, {6})
    completed = {p.id for p in made if p.phase == ProjectPhase.COMPLETED}
    assert every(["COMPLETED"]) == ([i for i in by_name if i in completed], {3})
    body = _post(app_client, query, {})
    page = body["data"]["jurisdiction"]["documents"]["nodes"][0]["targets"]
    assert page == {"totalCount": 5, "nodes": [{"code": "t-a"}, {"code": "t-b"}]}

"""Weakness: a variable's default value was ignored by the query cost (``first: $n = 100`` passed
at the default page size's cost)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from db.models import Observation
from tests.factories import Factory

NESTED = (
    "{ nodes { targets(first: 10) { nodes { progress { target { document"
    " { targets(first: 10) { nodes { code } } } } } } } } } }"
)


def _cost_error(client: TestClient, query: str, variables: dict | None = None) -> dict | None:
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    costly = [
        e for e in body.get("errors", []) if e["extensions"].get("code") == "QUERY_TOO_COSTLY"
    ]
    return costly[0] if costly else None


def test_a_variables_default_counts_in_the_cost(app_client: TestClient) -> None:
    literal = "{ jurisdictions(first: 100) " + NESTED
    defaulted = "query($n: Int = 100) { jurisdictions(first: $n) " + NESTED
    assert _cost_error(app_client, literal) is not None
    error = _cost_error(app_client, defaulted)
    assert error is not None, "the default 100 was not counted"
    assert error["extensions"]["cost"] == _cost_error(app_client, literal)["extensions"]["cost"]
    # a value sent overrides the default
    assert _cost_error(app_client, defaulted, {"n": 1}) is None


def _aliases(first: str, count: int = 10) -> str:
    fields = " ".join(
        f'j{i}: jurisdiction(code: "GM0546") {{ observations(first: {first})'
        " { nodes { indicator { code } sourceOrganisation { code } } } }"
        for i in range(count)
    )
    return fields


def test_ten_aliases_of_a_jurisdictions_observations_cost_every_page_they_ask(
    app_client: TestClient, setting
) -> None:  # type: ignore[no-untyped-def]
    """The probe's 10 aliases of ``jurisdiction { observations }`` were costed as 10 items each
    (a plain list) and returned 180,270 objects. ``observations`` is a connection: each alias
    costs its page (``first``, literal or a variable's default) times what each item asks."""
    setting("graphql_max_cost", 1_999)
    literal = "{ " + _aliases("100") + " }"
    error = _cost_error(app_client, literal)
    assert error is not None
    assert error["extensions"]["cost"] == 10 * 100 * 2  # aliases × page × (indicator + source)
    defaulted = "query($n: Int = 100) { " + _aliases("$n") + " }"
    assert _cost_error(app_client, defaulted)["extensions"]["cost"] == 2_000  # type: ignore[index]
    # the default page size (25) is what an alias without `first` costs
    unpaged = "{ " + _aliases("25").replace("(first: 25)", "") + " }"
    assert _cost_error(app_client, unpaged) is None
    setting("graphql_max_cost", 499)
    assert _cost_error(app_client, unpaged)["extensions"]["cost"] == 500  # type: ignore[index]


def test_a_page_never_holds_more_than_first_items(gql) -> None:  # type: ignore[no-untyped-def]
    """What one alias returns is bounded by its page, however long the list is."""
    body = gql(
        "{ jurisdictions(first: 100) { nodes { observations(first: 2)"
        " { totalCount nodes { id } } } } }"
    )
    pages = [j["observations"] for j in body["data"]["jurisdictions"]["nodes"]]
    assert any(p["totalCount"] > 2 for p in pages)  # the reference data has longer lists
    assert all(len(p["nodes"]) <= 2 for p in pages)


def test_ten_aliases_read_only_their_pages_and_a_costlier_query_is_refused(
    app_client: TestClient, make: Factory, session: Session, setting
) -> None:  # type: ignore[no-untyped-def]
    """The cost bounds the real work: a nested page is read alone (a window per parent), so 10
    aliases of ``jurisdiction { observations(first: 10) }`` over jurisdictions of 60 observations
    each load at most 10 × 11 observations (the page and one more to tell whether more follow),
    where the whole lists (600) were read before."""
    indicator, source = make.indicator(), make.organisation()
    codes = []
    for n in range(10):
        town = make.jurisdiction(code=f"GM{7100 + n}")
        codes.append(town.code)
        session.add_all(
            Observation(
                indicator_id=indicator.id,  # type: ignore[arg-type]
                jurisdiction_id=town.id,  # type: ignore[arg-type]
                source_organisation_id=source.id,  # type: ignore[arg-type]
                period=f"{year}-{month:02d}",
                period_start=date(year, month, 1),
                period_end=date(year, month, 28),
                cell_key=f"{town.id}|{year}-{month}",
                value=Decimal(month),
            )
            for year in range(2021, 2026)
            for month in range(1, 13)
        )
    session.commit()
    aliases = " ".join(
        f'j{n}: jurisdiction(code: "{code}") {{ observations(first: 10)'
        " { totalCount nodes { period indicator { code } } } }"
        for n, code in enumerate(codes)
    )
    loaded: list[int] = []

    def count(target: Observation, _context: object) -> None:
        loaded.append(target.id)  # type: ignore[arg-type]

    sa.event.listen(Observation, "load", count)
    try:
        body = app_client.post("/graphql", json={"query": "{ " + aliases + " }"}).json()
    finally:
        sa.event.remove(Observation, "load", count)
    assert "errors" not in body, body
    pages = [body["data"][f"j{n}"]["observations"] for n in range(10)]
    assert all(len(p["nodes"]) == 10 and p["totalCount"] == 60 for p in pages)
    assert len(loaded) <= 10 * 11, len(loaded)
    # the same query, asking 100 a page, costs 10 × 100 × 1 and passes a limit above that
    bigger = "{ " + aliases.replace("first: 10", "first: 100") + " }"
    setting("graphql_max_cost", 1_000)
    assert _cost_error(app_client, bigger) is None
    # a limit below its cost refuses it with the code, the cost and the limit, before any read
    setting("graphql_max_cost", 999)
    loaded.clear()
    sa.event.listen(Observation, "load", count)
    try:
        error = _cost_error(app_client, bigger)
    finally:
        sa.event.remove(Observation, "load", count)
    assert error is not None
    assert (error["extensions"]["cost"], error["extensions"]["limit"]) == (1_000, 999)
    assert loaded == []


def test_the_errors_of_50_submissions_cost_their_pages_not_ten_each(
    app_client: TestClient, make: Factory, session: Session, setting
) -> None:  # type: ignore[no-untyped-def]
    """A submission's errors (up to 1,000 kept) were a plain list costed as 10 items, so the
    errors of 50 submissions cost 500 while up to 50,000 rows were read. They are a connection:
    50 submissions × ``errors(first: 100)`` cost 50 × 100 × 1 (each error asks only scalars),
    without ``first`` 50 × 25, and each page is read alone, so the cost bounds the rows."""
    sender = make.organisation(code="sender")
    for _ in range(50):
        submission = make.submission(organisation_id=sender.id, error_count=2)
        make.submission_error(submission.id, row_number=None)
        make.submission_error(submission.id, row_number=3)
    session.commit()
    query = "{ submissions(first: 50) { nodes { errors(first: 100) { nodes { code } } } } }"
    setting("graphql_max_cost", 4_999)
    error = _cost_error(app_client, query)
    assert error is not None
    assert (error["extensions"]["cost"], error["extensions"]["limit"]) == (5_000, 4_999)
    # the same query passes a limit of its cost, and answers every submission's errors
    setting("graphql_max_cost", 5_000)
    body = app_client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    nodes = body["data"]["submissions"]["nodes"]
    assert len(nodes) == 50 and all(len(s["errors"]["nodes"]) == 2 for s in nodes)
    # the old guess (10 a list: 50 × 10 = 500) is gone: the default page (25) counts
    setting("graphql_max_cost", 500)
    unpaged = "{ submissions(first: 50) { nodes { errors { nodes { code } } } } }"
    assert _cost_error(app_client, unpaged)["extensions"]["cost"] == 50 * 25  # type: ignore[index]
    # and a page of 5 (the review queue's) costs 50 × 5
    small = (
        "{ submissions(first: 50) { nodes { errors(first: 5) { totalCount nodes { code } } } } }"
    )
    assert _cost_error(app_client, small) is None
    setting("graphql_max_cost", 249)
    assert _cost_error(app_client, small)["extensions"]["cost"] == 250  # type: ignore[index]

"""Numbers are JSON numbers: exact figures (``Decimal``, kept with 4 decimals in the database) are
answered as integers when whole and as doubles rounded to 15 significant digits otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schema.scalars import parse_decimal, serialize_decimal
from tests.schema.conftest import GraphQL


@pytest.mark.parametrize(
    ("stored", "answered"),
    [
        (Decimal("67.0000"), 67),
        (Decimal("0"), 0),
        (Decimal("-12.5000"), -12.5),
        (Decimal("33.3333"), 33.3333),
        (Decimal("12345678901234.5678"), 12345678901234.6),  # 15 significant digits
    ],
)
def test_a_decimal_is_answered_as_a_json_number(stored: Decimal, answered: float) -> None:
    result = serialize_decimal(stored)
    assert result == answered
    assert isinstance(result, int) == isinstance(answered, int)


def test_a_decimal_is_read_from_a_number_or_a_numeric_string() -> None:
    assert parse_decimal(12.5) == Decimal("12.5")
    assert parse_decimal(7) == Decimal(7)
    assert parse_decimal("0.1") == Decimal("0.1")
    for wrong in ("abc", True, None, "NaN"):
        with pytest.raises(ValueError):
            parse_decimal(wrong)


def test_figures_and_dates_on_the_reference_data(gql: GraphQL) -> None:
    data = gql(
        """{ progress(first: 50) { nodes { percentOfTarget realised computedAt
             target { value deadline } } } }"""
    )["data"]["progress"]["nodes"]
    figures = [n["percentOfTarget"] for n in data if n["percentOfTarget"] is not None]
    assert figures and all(isinstance(f, int | float) for f in figures)
    assert all(isinstance(n["target"]["value"], int | float | type(None)) for n in data)
    assert all("T" in n["computedAt"] for n in data)  # ISO 8601 date-times


def test_nested_targets_are_a_connection_with_numbers(gql: GraphQL) -> None:
    # the issue's own example: a page of a municipality's targets, the percentages as numbers
    query = """query($after: String) { jurisdiction(code: "GM0546") { targets(first: 5, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { code progress { percentOfTarget } } } } } }"""
    first = gql(query)["data"]["jurisdiction"]["targets"]
    assert len(first["edges"]) == min(5, first["totalCount"])
    percents = [p["percentOfTarget"] for e in first["edges"] for p in e["node"]["progress"]]
    assert all(p is None or isinstance(p, int | float) for p in percents)
    if first["pageInfo"]["hasNextPage"]:
        second = gql(query, {"after": first["pageInfo"]["endCursor"]})["data"]["jurisdiction"]
        codes = [e["node"]["code"] for e in second["targets"]["edges"]]
        assert codes and not set(codes) & {e["node"]["code"] for e in first["edges"]}


def test_nested_connections_filter_and_refuse_a_foreign_cursor(gql: GraphQL) -> None:
    data = gql(
        """{ jurisdiction(code: "GM0546") {
             all: targets(first: 100) { totalCount nodes { indicator { code } } }
             dwellings: targets(first: 100, indicators: ["dwellings-added"]) { totalCount
               nodes { indicator { code } } } } }"""
    )["data"]["jurisdiction"]
    assert {n["indicator"]["code"] for n in data["dwellings"]["nodes"]} <= {"dwellings-added"}
    assert data["dwellings"]["totalCount"] == sum(
        n["indicator"]["code"] == "dwellings-added" for n in data["all"]["nodes"]
    )
    body = gql(
        '{ jurisdiction(code: "GM0546") { targets(after: "bm9wZQ==") { totalCount } } }',
        errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

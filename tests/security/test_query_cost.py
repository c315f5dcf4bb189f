"""Weakness: a variable's default value was ignored by the query cost (``first: $n = 100`` passed
at the default page size's cost)."""

from __future__ import annotations

from starlette.testclient import TestClient

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

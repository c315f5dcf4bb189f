"""Root queries, relations both ways, filters, pagination and node lookup on the reference data."""

from __future__ import annotations

import pytest

from tests.schema.conftest import GraphQL

ROOT_LISTS = [
    "jurisdictions",
    "regions",
    "organisations",
    "policyDocuments",
    "actionLines",
    "measures",
    "targetGroups",
    "housingTypes",
    "indicators",
    "targets",
    "observations",
    "projects",
    "distributionRules",
    "progress",
    "auditEvents",
]


@pytest.mark.parametrize("field", ROOT_LISTS)
def test_every_root_list_pages_its_items_with_global_ids(gql: GraphQL, field: str) -> None:
    # given the reference dataset
    # when a root list is asked for its first page
    data = gql(
        f"{{ {field}(first: 5) {{ totalCount nodes {{ id }} pageInfo {{ hasNextPage endCursor }} }} }}"
    )
    # then it holds items, each with a global id
    page = data["data"][field]
    assert page["totalCount"] > 0
    assert 0 < len(page["nodes"]) <= 5
    assert all(node["id"] for node in page["nodes"])


def test_walking_all_pages_gives_every_item_once_in_order(gql: GraphQL) -> None:
    # given the list of measures in pages of 40
    seen: list[str] = []
    after = None
    while True:
        data = gql(
            "query($after: String) { measures(first: 40, after: $after) { totalCount nodes { id } "
            "pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["data"]["measures"]
        seen += [n["id"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    # then every measure came exactly once
    assert len(seen) == len(set(seen)) == data["totalCount"] > 250


def test_a_page_larger_than_the_maximum_is_refused_with_a_clear_error(gql: GraphQL) -> None:
    body = gql("{ targets(first: 101) { nodes { id } } }", errors=True)
    error = body["errors"][0]
    assert error["message"] == "first must be between 0 and 100, not 101"
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "messageNl": "Een argument is niet bruikbaar.",
        "argument": "first",
    }


def test_a_foreign_cursor_is_refused(gql: GraphQL) -> None:
    # given a cursor of the targets list
    cursor = gql("{ targets(first: 1) { pageInfo { endCursor } } }")["data"]["targets"]["pageInfo"][
        "endCursor"
    ]
    # when it is used on the measures list
    body = gql(
        "query($c: String) { measures(first: 1, after: $c) { nodes { id } } }",
        {"c": cursor},
        errors=True,
    )
    # then it is refused, not misread
    assert "is not a cursor of this list" in body["errors"][0]["message"]


def test_a_region_lists_its_members_and_a_member_its_regions(gql: GraphQL) -> None:
    data = gql(
        """{ jurisdiction(code: "rg-woningmarktregio-haaglanden") {
              kind regionType members { code regions { code } } memberships { validFrom member { code } } } }"""
    )["data"]["jurisdiction"]
    assert data["kind"] == "REGION" and data["regionType"] == "WONINGMARKTREGIO"
    members = {m["code"] for m in data["members"]}
    assert {"GM0518", "GM0503"} <= members
    den_haag = next(m for m in data["members"] if m["code"] == "GM0518")
    assert "rg-woningmarktregio-haaglanden" in {r["code"] for r in den_haag["regions"]}


def test_a_merged_municipality_is_a_past_member_with_a_successor(gql: GraphQL) -> None:
    # given the Gooise Meren merger: the old municipalities' memberships ended
    data = gql(
        """{ jurisdictions(first: 100, filter: {kinds: [MUNICIPALITY]}) {
              nodes { code validTo successor { code } regionMemberships { validTo region { code } } } } }"""
    )["data"]["jurisdictions"]["nodes"]
    merged = [j for j in data if j["successor"]]
    # then each has a successor and its memberships carry the end date
    assert merged
    assert all(j["validTo"] for j in merged)


def test_municipality_page_navigates_targets_to_document_and_progress(gql: GraphQL) -> None:
    data = gql(
        """{ jurisdiction(code: "GM0503") { targets(first: 100) { nodes { code source { document lines quote }
              document { code jurisdiction { code } } indicator { kind } progress { status target { code } } } } } }"""
    )["data"]["jurisdiction"]
    target = data["targets"]["nodes"][0]
    assert target["document"]["code"] == "haaglanden-woonzorgvisie-2025"
    assert target["source"]["quote"]
    assert all(p["target"]["code"] == target["code"] for p in target["progress"])
    assert any(t["progress"] for t in data["targets"]["nodes"])


def test_a_region_filter_includes_its_members_unless_told_not_to(gql: GraphQL) -> None:
    query = """query($members: Boolean!) { targets(first: 100, filter: {jurisdiction: "rg-woningmarktregio-haaglanden",
                 includeMembers: $members}) { totalCount nodes { jurisdiction { code } } } }"""
    with_members = gql(query, {"members": True})["data"]["targets"]
    own = gql(query, {"members": False})["data"]["targets"]
    assert {n["jurisdiction"]["code"] for n in own["nodes"]} == {"rg-woningmarktregio-haaglanden"}
    assert with_members["totalCount"] > own["totalCount"]
    assert "GM0518" in {n["jurisdiction"]["code"] for n in with_members["nodes"]}


def test_filters_compose(gql: GraphQL) -> None:
    # given measures filtered by document and by status, separately and together
    def count(filter_text: str) -> int:
        return gql(f"{{ measures(filter: {filter_text}) {{ totalCount }} }}")["data"]["measures"][
            "totalCount"
        ]

    by_document = count('{documents: ["leiden-woonzorgvisie-2025"]}')
    by_status = count("{statuses: [PLANNED]}")
    both = count('{documents: ["leiden-woonzorgvisie-2025"], statuses: [PLANNED]}')
    # then the combination is narrower than each
    assert 0 < both <= min(by_document, by_status)


def test_search_finds_words_in_any_order_ignoring_case(gql: GraphQL) -> None:
    data = gql('{ jurisdictions(filter: {search: "HAAG den"}) { nodes { code } } }')["data"]
    assert "GM0518" in {n["code"] for n in data["jurisdictions"]["nodes"]}


def test_target_filter_by_deadline_year_and_kind(gql: GraphQL) -> None:
    nodes = gql(
        "{ targets(first: 100, filter: {deadlineYearFrom: 2030, deadlineYearTo: 2030, kinds: [MINIMUM]}) "
        "{ nodes { kind deadlineYear } } }"
    )["data"]["targets"]["nodes"]
    assert nodes and all(n["kind"] == "MINIMUM" and n["deadlineYear"] == 2030 for n in nodes)


def test_target_group_filter_includes_the_groups_under_it(gql: GraphQL) -> None:
    groups = gql(
        "{ targetGroups(first: 100, filter: {topLevelOnly: true}) { nodes { code children { code } } } }"
    )
    parent = next(g for g in groups["data"]["targetGroups"]["nodes"] if g["children"])
    child = parent["children"][0]["code"]
    observed = gql(
        "query($g: [String!]) { observations(first: 100, filter: {targetGroups: $g}) { totalCount } }",
        {"g": [parent["code"]]},
    )["data"]["observations"]["totalCount"]
    only_child = gql(
        "query($g: [String!]) { observations(first: 100, filter: {targetGroups: $g}) { totalCount } }",
        {"g": [child]},
    )["data"]["observations"]["totalCount"]
    assert observed >= only_child


@pytest.mark.parametrize(
    "field", ["measures", "targets", "projects", "policyDocuments", "indicators"]
)
def test_node_returns_what_a_list_returned(gql: GraphQL, field: str) -> None:
    node = gql(f"{{ {field}(first: 1) {{ nodes {{ id __typename }} }} }}")["data"][field]["nodes"][
        0
    ]
    found = gql("query($id: ID!) { node(id: $id) { id __typename } }", {"id": node["id"]})["data"][
        "node"
    ]
    assert found == node


def test_node_of_an_unknown_id_is_null(gql: GraphQL) -> None:
    assert gql('{ node(id: "TWVhc3VyZTo5OTk5OTk=") { id } }')["data"]["node"] is None


def test_a_measure_knows_its_action_line_document_owner_and_partners(gql: GraphQL) -> None:
    nodes = gql(
        """{ measures(first: 100, filter: {documents: ["gooi-vechtstreek-strategie-woonzorg-2025"]}) {
              nodes { code status due actionLine { code document { code } } owner { kind } partners { role } } } }"""
    )["data"]["measures"]["nodes"]
    assert all(
        n["actionLine"] is None or n["actionLine"]["document"]["code"].startswith("gooi")
        for n in nodes
    )
    assert any(n["partners"] for n in nodes)


def test_action_lines_nest(gql: GraphQL) -> None:
    documents = gql(
        "{ policyDocuments { nodes { code actionLines { code children { code parent { code } } } } } }"
    )
    lines = [
        line for d in documents["data"]["policyDocuments"]["nodes"] for line in d["actionLines"]
    ]
    nested = [line for line in lines if line["children"]]
    assert nested
    assert all(c["parent"]["code"] == line["code"] for line in nested for c in line["children"])


def test_a_distribution_rule_shows_its_shares_and_derived_targets(gql: GraphQL) -> None:
    rules = gql(
        "{ distributionRules { nodes { code method region { code } shares { value jurisdiction { code } } "
        "targets { totalCount nodes { code distributionRule { code } } } } } }"
    )["data"]["distributionRules"]["nodes"]
    fixed = [r for r in rules if r["method"] == "FIXED"]
    assert fixed and all(r["shares"] for r in fixed)
    assert any(r["targets"]["nodes"] for r in rules)
    assert all(r["targets"]["totalCount"] >= len(r["targets"]["nodes"]) for r in rules)


def test_projects_show_units_and_pipeline_filters(gql: GraphQL) -> None:
    nodes = gql(
        '{ projects(filter: {jurisdiction: "GM0546"}) { nodes { name phase totalUnits municipality { code } '
        "units { units housingType { code } } owner { code } } } }"
    )["data"]["projects"]["nodes"]
    assert nodes and all(n["municipality"]["code"] == "GM0546" for n in nodes)
    assert all(n["totalUnits"] == sum(u["units"] for u in n["units"]) for n in nodes)

"""A submission's row errors are a connection (issue 21): paged with ``first``/``after`` in row
order (the whole file's errors first), each page read alone per submission, costed by its page
size like every other connection, and hidden with the submission they belong to."""

from __future__ import annotations

import base64
import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from db.models import SubmissionError
from tests.factories import Factory

ERRORS = """query($id: ID!, $first: Int!, $after: String) {
  submission(id: $id) { errorCount errors(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { rowNumber column value code messageEn messageNl } } } } }"""


def _post(
    client: TestClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(["item", key]).encode()).decode()


def _item_id(cursor: str) -> int:
    name, key = json.loads(base64.urlsafe_b64decode(cursor))
    assert name == "item"
    return int(key)


def _seven_errors(make: Factory) -> tuple[int, list[int]]:
    """A submission with 7 errors made out of order (two of the whole file, a tie on row 4),
    and its error ids in the order the list must give them; a neighbour with errors of its own."""
    submission = make.submission(error_count=7)
    made = [
        make.submission_error(submission.id, row_number=row, value=f"v{i}")
        for i, row in enumerate((9, 4, None, 2, 4, None, 12))
    ]
    neighbour = make.submission()
    make.submission_error(neighbour.id, row_number=1)
    make.submission_error(neighbour.id, row_number=None)
    order = sorted(made, key=lambda e: (-1 if e.row_number is None else e.row_number, e.id))
    return submission.id, [e.id for e in order]  # type: ignore[misc]


def test_three_pages_give_every_error_once_in_row_order_whole_file_first(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    # given a submission with 7 errors
    submission_id, expected = _seven_errors(make)
    session.commit()
    # when its errors are read 3 at a time, each page after the last one's end cursor
    variables: dict[str, Any] = {"id": to_base64("Submission", submission_id), "first": 3}
    pages = []
    while True:
        body = _post(app_client, ERRORS, variables)
        assert "errors" not in body, body
        page = body["data"]["submission"]["errors"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = page["pageInfo"]["endCursor"]
    # then three pages hold all 7, once each, in row order: the whole file's two first (by id),
    # then rows 2, 4, 4 (tie by id), 9, 12
    edges = [edge for page in pages for edge in page["edges"]]
    assert [len(page["edges"]) for page in pages] == [3, 3, 1]
    assert [_item_id(edge["cursor"]) for edge in edges] == expected
    assert [edge["node"]["rowNumber"] for edge in edges] == [None, None, 2, 4, 4, 9, 12]
    assert {page["totalCount"] for page in pages} == {7}
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    assert all(p["pageInfo"]["endCursor"] == p["edges"][-1]["cursor"] for p in pages)
    first = edges[2]["node"]
    assert (first["code"], first["messageEn"], first["messageNl"]) == (
        "malformed_value",
        "Malformed value in row 2",
        "Onjuiste waarde in rij 2",
    )
    # and an empty page still tells whether errors follow, and how many there are
    body = _post(app_client, ERRORS, {"id": variables["id"], "first": 0})
    page = body["data"]["submission"]["errors"]
    assert (page["edges"], page["pageInfo"]["hasNextPage"], page["totalCount"]) == ([], True, 7)
    # without `first` a page holds the default 25
    unpaged = """query($id: ID!) { submission(id: $id) { errors { nodes { rowNumber } } } }"""
    body = _post(app_client, unpaged, {"id": variables["id"]})
    assert len(body["data"]["submission"]["errors"]["nodes"]) == 7


def test_a_bad_cursor_is_a_coded_bad_input_error(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    submission_id, _ = _seven_errors(make)
    other = make.submission()
    foreign = make.submission_error(other.id).id
    session.commit()
    garbage = ["not a cursor", _cursor("7"), _cursor(True), _cursor(foreign), _cursor(10**9)]
    garbage.append(base64.urlsafe_b64encode(json.dumps(["observations", [1]]).encode()).decode())
    for after in garbage:
        variables = {"id": to_base64("Submission", submission_id), "first": 3, "after": after}
        body = _post(app_client, ERRORS, variables)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (after, error)
        assert "not a cursor of this list" in error["message"]
        assert error["extensions"]["messageNl"]
    too_many = {"id": to_base64("Submission", submission_id), "first": 101}
    error = _post(app_client, ERRORS, too_many)["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_hidden_submissions_errors_stay_hidden(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    # given two partners, each with a submission with errors
    mine_org = make.organisation(code="partner-a")
    theirs_org = make.organisation(code="partner-b")
    mine = make.submission(organisation_id=mine_org.id, error_count=1)
    theirs = make.submission(organisation_id=theirs_org.id, error_count=1)
    make.submission_error(mine.id, value="mine")
    make.submission_error(theirs.id, value="secret")
    session.commit()
    token = make.token("partner-a", "partner")
    # when partner A asks for B's submission with its errors, by id, as a node, in the lists
    theirs_id = to_base64("Submission", theirs.id)  # type: ignore[arg-type]
    by_id = _post(app_client, ERRORS, {"id": theirs_id, "first": 100}, token)
    as_node = _post(
        app_client,
        """query($id: ID!) { node(id: $id) { ... on Submission {
          errors(first: 100) { totalCount nodes { value } } } } }""",
        {"id": theirs_id},
        token,
    )
    lists = _post(
        app_client,
        """{ submissions(first: 10) { nodes { errors(first: 10) { nodes { value } } } }
          organisations(first: 10) { nodes { code submissions(first: 10) { totalCount
            nodes { errors(first: 10) { totalCount nodes { value } } } } } } }""",
        {},
        token,
    )
    # then B's submission is missing, and its errors with it
    assert by_id == {"data": {"submission": None}}
    assert as_node == {"data": {"node": None}}
    assert "errors" not in lists, lists
    assert "secret" not in json.dumps(lists)
    assert [s["errors"]["nodes"] for s in lists["data"]["submissions"]["nodes"]] == [
        [{"value": "mine"}]
    ]
    b = next(o for o in lists["data"]["organisations"]["nodes"] if o["code"] == "partner-b")
    assert b["submissions"] == {"totalCount": 0, "nodes": []}


def test_errors_read_only_their_page_per_submission(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    """Each submission's page is read alone (a window per parent): 5 submissions of 30 errors
    each, asked 3 a page, load at most 5 × 4 errors (the page and one to tell if more follow)."""
    sender = make.organisation(code="sender")
    for _ in range(5):
        submission = make.submission(organisation_id=sender.id, error_count=30)
        for row in range(1, 31):
            make.submission_error(submission.id, row_number=row)
    session.commit()
    query = """{ submissions(first: 5) { nodes { errors(first: 3) { totalCount
      pageInfo { hasNextPage } nodes { rowNumber } } } } }"""
    loaded: list[int] = []

    def count(target: SubmissionError, _context: object) -> None:
        loaded.append(target.id)  # type: ignore[arg-type]

    sa.event.listen(SubmissionError, "load", count)
    try:
        body = _post(app_client, query, {})
    finally:
        sa.event.remove(SubmissionError, "load", count)
    assert "errors" not in body, body
    pages = [s["errors"] for s in body["data"]["submissions"]["nodes"]]
    assert len(pages) == 5
    assert all(
        p["totalCount"] == 30
        and p["pageInfo"]["hasNextPage"]
        and [n["rowNumber"] for n in p["nodes"]] == [1, 2, 3]
        for p in pages
    )
    assert len(loaded) <= 5 * 4, len(loaded)

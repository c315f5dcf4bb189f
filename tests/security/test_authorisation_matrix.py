"""The authorisation matrix: every role × every mutation of the schema, and every sensitive read,
with the denial asserted.

Each mutation is tried against objects of another organisation ("elders-corp") that no role but
the administrator may touch. Without a token the answer is ``UNAUTHENTICATED``; a role outside
the case's ``allowed`` gets a typed refusal (``NotAllowed`` or ``NotFound``, or the error code
``FORBIDDEN``); an allowed role gets past authorisation (whatever it then answers).

The mutations are enumerated from the schema: a new mutation without an entry in ``MUTATIONS``
fails ``test_every_mutation_has_an_entry``. Add one line: its operation, its variables from the
world (``tests/security/authorisation_world.py``), and the roles that may do it to another
organisation's objects (default: the administrator only).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from schema.root import schema
from tests.factories import Factory
from tests.security.authorisation_world import OTHER, ROLES, World, build_world

Variables = Callable[[World], dict[str, Any]]
DENIED_TYPES = {"NotAllowed", "NotFound"}
DENIED_CODES = {"FORBIDDEN", "NOT_ALLOWED", "NOT_FOUND"}


@dataclass(frozen=True)
class Case:
    operation: str  # selects ``__typename`` of the result (and the error fields of refusals)
    variables: Variables
    allowed: frozenset[str] = frozenset({"admin"})
    upload: bool = False  # sent as a GraphQL multipart request with a file


def op(mutation: str, arguments: str, signature: str = "") -> str:
    head = f"mutation{signature}" if signature else "mutation"
    return f"{head} {{ result: {mutation}({arguments}) {{ __typename }} }}"


def none(_: World) -> dict[str, Any]:
    return {}


POLICY_CONTENT = {"code": "document", "document": "document", "target": "target", "rule": "rule"}


def policy_case(mutation: str, arguments: str) -> Case:
    """A policy-content mutation on elders-corp's content about Leiderdorp (outside the task
    force's area). ``$code`` names its document, ``$document`` the document of an action line or
    measure, ``$target`` and ``$rule`` its target and distribution rule: passed as variables."""
    names = [name for name in POLICY_CONTENT if f"${name}" in arguments]
    for name in names:
        argument = "document" if name == "document" else "code"
        arguments = arguments.replace(f"${name}", f"{argument}: ${name}")
    signature = "(" + ", ".join(f"${name}: String!" for name in names) + ")" if names else ""

    def variables(world: World) -> dict[str, Any]:
        return {name: world.ids[POLICY_CONTENT[name]] for name in names}

    return Case(op(mutation, arguments, signature), variables)


ROW = {"indicator": "dwellings-added", "jurisdiction": "GM0547", "period": "2024", "value": "1"}

MUTATIONS: dict[str, Case] = {
    "submitObservations": Case(
        op("submitObservations", "input: $input", "($input: SubmitObservationsInput!)"),
        lambda w: {"input": {"rows": [ROW], "organisation": OTHER}},
    ),
    "uploadSubmission": Case(
        op(
            "uploadSubmission",
            "file: $file, organisation: $organisation, dryRun: true",
            "($file: Upload!, $organisation: String)",
        ),
        lambda w: {"file": None, "organisation": OTHER},
        upload=True,
    ),
    "approveSubmission": Case(
        op("approveSubmission", 'id: $id, reason: "ok"', "($id: ID!)"),
        lambda w: {"id": w.ids["submission"]},
    ),
    "returnSubmission": Case(
        op("returnSubmission", 'id: $id, reason: "fix row 2"', "($id: ID!)"),
        lambda w: {"id": w.ids["submission"]},
    ),
    "createProject": Case(
        op("createProject", "input: $input", "($input: NewProjectInput!)"),
        lambda w: {"input": {"name": "Hof", "municipality": "GM0547", "owner": OTHER}},
    ),
    "updateProject": Case(
        op("updateProject", "id: $id, input: $input", "($id: ID!, $input: ProjectInput!)"),
        lambda w: {"id": w.ids["project"], "input": {"name": "Hof", "municipality": "GM0547"}},
    ),
    "moveProjectPhase": Case(
        op("moveProjectPhase", "id: $id, phase: PERMIT, on: $on", "($id: ID!, $on: Date!)"),
        lambda w: {"id": w.ids["project"], "on": w.ids["today"]},
    ),
    "reportMeasureStatus": Case(
        op(
            "reportMeasureStatus",
            "measureId: $id, status: IN_PROGRESS, on: $on",
            "($id: ID!, $on: Date!)",
        ),
        lambda w: {"id": w.ids["measure"], "on": w.ids["today"]},
    ),
    "subscribeWebhook": Case(
        op(
            "subscribeWebhook",
            'url: "https://elders.example/other", events: [], organisation: $organisation',
            "($organisation: String)",
        ),
        lambda w: {"organisation": OTHER},
    ),
    "unsubscribeWebhook": Case(
        op("unsubscribeWebhook", "id: $id", "($id: ID!)"), lambda w: {"id": w.ids["webhook"]}
    ),
    "pullSourceNow": Case(
        op("pullSourceNow", "code: $code", "($code: String!)"), lambda w: {"code": w.ids["source"]}
    ),
    "createOrganisation": Case(
        op(
            "createOrganisation",
            'code: "new-org", name: "Nieuw", kind: CORPORATION, trustedSource: true',
        ),
        none,
    ),
    "updateOrganisation": Case(
        op("updateOrganisation", "code: $code, trustedSource: true", "($code: String!)"),
        lambda w: {"code": OTHER},
    ),
    "setReportingObligation": Case(
        op(
            "setReportingObligation",
            'organisation: $organisation, indicator: "dwellings-added", jurisdictions: ["GM0547"],'
            ' frequency: YEARLY, dueDays: 30, firstPeriod: "2024", active: true',
            "($organisation: String!)",
        ),
        lambda w: {"organisation": OTHER},
    ),
    "inviteUser": Case(
        op(
            "inviteUser",
            'email: "new@example.nl", name: "Nieuw", organisation: $organisation, role: PARTNER',
            "($organisation: String!)",
        ),
        lambda w: {"organisation": OTHER},
    ),
    "updateUser": Case(
        op("updateUser", "email: $email, active: false", "($email: String!)"),
        lambda w: {"email": w.ids["user"]},
    ),
    "grantScope": Case(
        op("grantScope", 'organisation: "portaal", jurisdictions: ["GM0547"]'), none
    ),
    "revokeScope": Case(
        op(
            "revokeScope",
            'organisation: $organisation, jurisdictions: ["GM0547"]',
            "($organisation: String!)",
        ),
        lambda w: {"organisation": OTHER},
    ),
    "createToken": Case(
        op(
            "createToken",
            'name: "t", role: PARTNER, organisation: $organisation',
            "($organisation: String)",
        ),
        lambda w: {"organisation": OTHER},
    ),
    "revokeToken": Case(
        op("revokeToken", "prefix: $prefix", "($prefix: String!)"),
        lambda w: {"prefix": w.ids["token"]},
    ),
    **{
        name: policy_case(name, arguments)
        for name, arguments in (
            (
                "createPolicyDocument",
                'input: {code: "elders-plan", title: "Plan", jurisdiction: "GM0547",'
                ' status: DRAFT}, reason: "r"',
            ),
            ("updatePolicyDocument", '$code, input: {title: "T"}, reason: "r"'),
            ("retirePolicyDocument", '$code, on: "2026-01-01", reason: "r"'),
            ("createActionLine", '$document, input: {code: "B", title: "B"}, reason: "r"'),
            ("updateActionLine", '$document, code: "A", input: {title: "T"}, reason: "r"'),
            ("retireActionLine", '$document, code: "A", on: "2026-01-01", reason: "r"'),
            ("createMeasure", '$document, input: {code: "1b", title: "B"}, reason: "r"'),
            ("updateMeasure", '$document, code: "1a", input: {title: "T"}, reason: "r"'),
            ("retireMeasure", '$document, code: "1a", on: "2026-01-01", reason: "r"'),
            (
                "createTarget",
                'input: {code: "elders-t", indicator: "dwellings-added", jurisdiction: "GM0547",'
                ' kind: TARGET, value: 10, deadline: "2030"}, reason: "r"',
            ),
            ("updateTarget", '$target, input: {notes: "n"}, reason: "r"'),
            ("retireTarget", '$target, on: "2026-01-01", reason: "r"'),
            (
                "createDistributionRule",
                'input: {code: "elders-k2", name: "K", method: FIXED, region: "rg-theirs",'
                ' indicator: "dwellings-added", targetKind: COMMITMENT}, reason: "r"',
            ),
            ("updateDistributionRule", '$rule, input: {notes: "n"}, reason: "r"'),
            ("retireDistributionRule", '$rule, on: "2026-01-01", reason: "r"'),
        )
    },
    "recordMerger": Case(
        op("recordMerger", "input: $input", "($input: MergerInput!)"),
        lambda w: {
            "input": {
                "successor": "GM0548",
                "successorName": "Holland Rijnland Midden",
                "predecessors": ["GM0547"],
                "on": "2027-01-01",
            }
        },
    ),
}


def test_every_mutation_has_an_entry() -> None:
    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    names = set(mutation_type.fields)
    assert names == set(MUTATIONS), (
        f"mutations without an entry: {sorted(names - set(MUTATIONS))}; "
        f"entries of no mutation: {sorted(set(MUTATIONS) - names)}"
    )


@pytest.fixture()
def world(app_client: TestClient, session: Session, make: Factory) -> World:
    return build_world(session, make, app_client.headers["Authorization"].removeprefix("Bearer "))


def send(client: TestClient, token: str | None, case: Case, world: World) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}" if token else ""}
    variables = case.variables(world)
    if case.upload:
        response = client.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": case.operation, "variables": variables}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("rows.csv", b"indicator;gemeente;periode;waarde\r\n", "text/csv")},
            headers=headers,
        )
    else:
        response = client.post(
            "/graphql", json={"query": case.operation, "variables": variables}, headers=headers
        )
    assert response.status_code in (200, 401), response.text
    return response.json()


def outcome(body: dict[str, Any]) -> str:
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
    if "UNAUTHENTICATED" in codes or body.get("error", {}).get("code") == "unauthenticated":
        return "unauthenticated"
    if codes & DENIED_CODES:
        return "denied"
    result = (body.get("data") or {}).get("result")
    if result is None:
        return f"error {sorted(str(c) for c in codes)}"
    return "denied" if result["__typename"] in DENIED_TYPES else "passed"


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_role_is_refused_what_it_may_not_do(
    mutation: str, app_client: TestClient, world: World
) -> None:
    case = MUTATIONS[mutation]
    found = {}
    for role in ROLES:  # the administrator last: its change must not hide another's refusal
        found[role] = outcome(send(app_client, world.tokens[role], case, world))
    expected = {
        role: "unauthenticated"
        if role == "anonymous"
        else "passed"
        if role in case.allowed
        else "denied"
        for role in ROLES
    }
    assert found == expected


@dataclass(frozen=True)
class Read:
    """A sensitive read and whether its answer shows elders-corp's object."""

    query: str
    shows_other: Callable[[Any, World], bool]
    variables: Variables = none


def _nodes(data: Any) -> list[Any]:
    return data["nodes"] if isinstance(data, dict) and "nodes" in data else data


READS: dict[str, Read] = {
    "submissions": Read(
        "{ result: submissions(first: 100) { nodes { id } } }",
        lambda r, w: any(n["id"] == w.ids["submission"] for n in _nodes(r)),
    ),
    "submission": Read(
        "query($id: ID!) { result: submission(id: $id) { id } }",
        lambda r, w: r is not None,
        lambda w: {"id": w.ids["submission"]},
    ),
    "auditEvents": Read(
        "{ result: auditEvents(first: 100) { nodes { objectType objectId } } }",
        lambda r, w: any(
            n["objectType"] == "submission" and n["objectId"] == w.ids["submission_row"]
            for n in _nodes(r)
        ),
    ),
    "apiTokens": Read(
        "{ result: apiTokens(first: 100) { nodes { prefix } } }",
        lambda r, w: any(n["prefix"] == w.ids["token"] for n in _nodes(r)),
    ),
    "users": Read(
        "{ result: users(first: 100) { nodes { email } } }",
        lambda r, w: any(n["email"] == w.ids["user"] for n in _nodes(r)),
    ),
    "webhookSubscriptions": Read(
        "{ result: webhookSubscriptions(first: 100) { nodes { id } } }",
        lambda r, w: any(n["id"] == w.ids["webhook"] for n in _nodes(r)),
    ),
    "webhookDeliveries": Read(
        "{ result: webhookDeliveries(first: 100) { nodes { eventId } } }",
        lambda r, w: any(n["eventId"].endswith("0001") for n in _nodes(r)),
    ),
    "sources": Read(
        "{ result: sources(first: 100) { nodes { code } } }",
        lambda r, w: any(n["code"] == w.ids["source"] for n in _nodes(r)),
    ),
    "sourceRuns": Read(
        "{ result: sourceRuns(first: 100) { nodes { error } } }",
        lambda r, w: any("elders" in (n["error"] or "") for n in _nodes(r)),
    ),
    "missingReports": Read(
        "{ result: missingReports(first: 100) { nodes { organisation { code } } } }",
        lambda r, w: any(n["organisation"]["code"] == OTHER for n in _nodes(r)),
    ),
    "node": Read(
        "query($id: ID!) { result: node(id: $id) { id } }",
        lambda r, w: r is not None,
        lambda w: {"id": w.ids["submission"]},
    ),
}


def test_every_sensitive_read_has_an_entry() -> None:
    from schema.permissions import SPECIAL_ROOT_FIELDS

    sensitive = set(SPECIAL_ROOT_FIELDS["Query"]) - {"me"}
    assert sensitive <= set(READS), f"reads without an entry: {sorted(sensitive - set(READS))}"


def read_outcome(body: dict[str, Any], read: Read, world: World) -> str:
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or ()}
    if "UNAUTHENTICATED" in codes:
        return "unauthenticated"
    if codes & DENIED_CODES:
        return "denied"
    assert not codes, body
    return "shown" if read.shows_other(body["data"]["result"], world) else "hidden"


@pytest.mark.parametrize("name", sorted(READS))
def test_each_role_sees_another_organisations_objects_only_when_it_may(
    name: str, app_client: TestClient, world: World
) -> None:
    read = READS[name]
    found = {}
    for role in ROLES:
        token = world.tokens[role]
        response = app_client.post(
            "/graphql",
            json={"query": read.query, "variables": read.variables(world)},
            headers={"Authorization": f"Bearer {token}" if token else ""},
        )
        assert response.status_code == 200, response.text
        found[role] = read_outcome(response.json(), read, world)
    assert found["anonymous"] == "unauthenticated"
    assert found["admin"] == "shown"
    for role in ("viewer", "partner", "taskforce"):
        assert found[role] in ("denied", "hidden"), (role, found)


def test_templates_of_another_organisation_are_refused(
    app_client: TestClient, world: World
) -> None:
    found = {}
    for role in ROLES:
        token = world.tokens[role]
        response = app_client.get(
            "/submissions/template",
            params={"organisation": OTHER, "period": "2024"},
            headers={"Authorization": f"Bearer {token}" if token else ""},
        )
        found[role] = (
            response.status_code,
            response.json()["error"]["code"] if response.status_code != 200 else "",
        )
    assert found == {
        "anonymous": (401, "unauthenticated"),
        "viewer": (403, "forbidden"),
        "partner": (403, "forbidden"),
        "taskforce": (404, "unknown_organisation"),  # looks exactly like a missing one
        "admin": (200, ""),
    }

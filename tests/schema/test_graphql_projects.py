"""Projects through GraphQL: create, update and move per role, the phase machine, completions
counted as realisation, the pipeline summary and the project filters; every write audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient
from strawberry.relay import to_base64

from core.enums import OrganisationKind
from db.models import AuditEvent
from tests.factories import Factory
from tests.ingest.projects.project_support import ProjectWorld, project_world
from tests.schema.test_graphql_access import call

PROJECT_FIELDS = """
    __typename
    ... on ProjectSaved {
      changed move
      project { id name phase expectedCompletion owner { code } totalUnits }
    }
    ... on NotAllowed { message messageNl code }
    ... on NotFound { message messageNl code }
    ... on InvalidInput { message messageNl code field }
    ... on InvalidState { message messageNl code }
    ... on RateLimited { retryAfterSeconds }
"""
CREATE = (
    "mutation($input: NewProjectInput!) { createProject(input: $input) {" + PROJECT_FIELDS + "} }"
)
UPDATE = (
    "mutation($id: ID!, $input: ProjectInput!, $reason: String) {"
    " updateProject(id: $id, input: $input, reason: $reason) {" + PROJECT_FIELDS + "} }"
)
MOVE = (
    "mutation($id: ID!, $phase: ProjectPhase!, $on: Date!, $note: String, $reason: String) {"
    " moveProjectPhase(id: $id, phase: $phase, on: $on, note: $note, reason: $reason) {"
    + PROJECT_FIELDS
    + "} }"
)


@dataclass
class Tokens:
    owner: str
    other: str
    viewer: str
    taskforce: str
    admin: str


@pytest.fixture()
def world(session: Session, make: Factory) -> ProjectWorld:
    return project_world(session, make)


@pytest.fixture()
def tokens(session: Session, make: Factory, world: ProjectWorld) -> Tokens:
    taskforce = make.organisation(code="taskforce-hr", kind=OrganisationKind.REGIONAL_BODY)
    make.scope(taskforce.id, world.region_id)
    make.scope(taskforce.id, world.leiden_id)  # its own projects lie in Leiden
    session.commit()
    return Tokens(
        owner=make.token("portaal", "partner"),
        other=make.token("ons-doel", "partner"),
        viewer=make.token("portaal", "viewer"),
        taskforce=make.token("taskforce-hr", "taskforce"),
        admin=make.token("monitor", "admin"),
    )


def hofje(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Hofje Zuid",
        "municipality": "GM0546",
        "location": "Zuidsingel",
        "expectedCompletion": "2028-03-31",
        "units": [
            {"units": 24, "housingType": "geclusterd", "targetGroup": "ouderen"},
            {"units": 12, "housingType": "nultreden"},
        ],
        **changes,
    }


def result(client: TestClient, query: str, token: str | None, **variables: Any) -> dict[str, Any]:
    body = call(client, query, token, variables)
    assert "errors" not in body, body["errors"]
    return next(iter(body["data"].values()))


def create(client: TestClient, token: str, **changes: Any) -> dict[str, Any]:
    return result(client, CREATE, token, input=hofje(**changes))


def audit(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_who_may_create_a_project(app_client: TestClient, tokens: Tokens, session: Session) -> None:
    # given the owner partner, the task force and an administrator naming an owner
    own = create(app_client, tokens.owner, externalKey="P-1")
    by_taskforce = create(app_client, tokens.taskforce, externalKey="TF-1")
    by_admin = create(app_client, tokens.admin, externalKey="P-2", owner="portaal")
    # then each is saved, owned by the right organisation, starting as an initiative
    assert own["__typename"] == "ProjectSaved" and own["move"] == "START"
    assert own["project"]["owner"]["code"] == "portaal" and own["project"]["totalUnits"] == 36
    assert by_taskforce["project"]["owner"]["code"] == "taskforce-hr"
    assert by_admin["project"]["owner"]["code"] == "portaal"
    # when a partner names another owner, a viewer tries, or nobody signs in
    foreign = create(app_client, tokens.other, owner="portaal")
    viewer = create(app_client, tokens.viewer)
    anonymous = call(app_client, CREATE, None, {"input": hofje()})
    # then they are refused, with the reason in English and Dutch
    assert foreign["__typename"] == "NotAllowed" and foreign["code"] == "not_project_owner"
    assert "mag project" in foreign["messageNl"]
    assert viewer["__typename"] == "NotAllowed" and viewer["code"] == "read_only_role"
    assert "viewer" in viewer["message"] and "geen projecten" in viewer["messageNl"]
    assert anonymous["data"] is None and anonymous["errors"][0]["message"].startswith("Sign in")
    # and every created project left one audit entry naming the token
    created = audit(session, "project.created")
    assert len(created) == 3
    assert all(e.actor_token_id is not None and "token " in e.actor_label for e in created)


def test_bad_input_is_data_with_the_field_and_both_messages(
    app_client: TestClient, tokens: Tokens
) -> None:
    unknown = create(app_client, tokens.owner, municipality="GM9999")
    assert unknown["__typename"] == "InvalidInput" and unknown["field"] == "municipality"
    assert unknown["code"] == "unknown_jurisdiction" and "GM9999" in unknown["messageNl"]
    create(app_client, tokens.owner, externalKey="P-1")
    duplicate = create(app_client, tokens.owner, externalKey="P-1")
    assert (duplicate["field"], duplicate["code"]) == ("externalKey", "duplicate_project_key")
    owner = create(app_client, tokens.admin, owner="nobody")
    assert owner == {
        "__typename": "InvalidInput",
        "message": "No organisation with code 'nobody'.",
        "messageNl": "Er is geen organisatie met code 'nobody'.",
        "code": "unknown_organisation",
        "field": "owner",
    }
    units = create(app_client, tokens.owner, units=[{"units": 0}])
    assert (units["field"], units["code"]) == ("units[1]", "units_not_positive")


def test_who_may_update_and_move_a_project(
    app_client: TestClient, tokens: Tokens, session: Session
) -> None:
    # given a project of portaal
    project_id = create(app_client, tokens.owner, externalKey="P-1")["project"]["id"]
    renamed = hofje(name="Hofje Zuid (fase 1)")
    # when others try to change it
    for token, code in (
        (tokens.other, "not_project_owner"),
        (tokens.taskforce, "not_project_owner"),
        (tokens.viewer, "read_only_role"),
    ):
        update = result(app_client, UPDATE, token, id=project_id, input=renamed)
        move = result(app_client, MOVE, token, id=project_id, phase="PLAN", on="2025-01-01")
        # then they are not allowed
        assert (update["__typename"], update["code"]) == ("NotAllowed", code)
        assert (move["__typename"], move["code"]) == ("NotAllowed", code)
    for query, variables in (
        (UPDATE, {"id": project_id, "input": renamed}),
        (MOVE, {"id": project_id, "phase": "PLAN", "on": "2025-01-01"}),
    ):
        assert call(app_client, query, None, variables)["data"] is None
    # when the owner and an administrator change it
    updated = result(app_client, UPDATE, tokens.owner, id=project_id, input=renamed)
    moved = result(app_client, MOVE, tokens.admin, id=project_id, phase="PLAN", on="2025-01-01")
    again = result(app_client, UPDATE, tokens.admin, id=project_id, input=renamed)
    # then it changed (the same details again change nothing)
    assert updated["changed"] is True and updated["project"]["name"] == "Hofje Zuid (fase 1)"
    assert (moved["move"], moved["project"]["phase"]) == ("FORWARD", "PLAN")
    assert again["changed"] is False
    # and a project that does not exist is not found
    missing = to_base64("Project", 999999)
    for answer in (
        result(app_client, UPDATE, tokens.admin, id=missing, input=renamed),
        result(app_client, MOVE, tokens.owner, id=missing, phase="PLAN", on="2025-01-01"),
    ):
        assert (answer["__typename"], answer["code"]) == ("NotFound", "project_not_found")
        assert "Er is geen project" in answer["messageNl"]
    # and each write was audited once
    assert len(audit(session, "project.updated")) == 1
    phase_changes = audit(session, "project.phase_changed")
    assert len(phase_changes) == 1 and phase_changes[0].after["phase"] == "plan"


def test_a_project_lies_in_its_owners_scope_unless_an_administrator_places_it(
    app_client: TestClient, tokens: Tokens, session: Session, make: Factory
) -> None:
    make.jurisdiction(code="GM0579", name="Oegstgeest")
    session.commit()
    # the owner creates inside its scope, not outside it
    inside = create(app_client, tokens.owner, externalKey="P-1")
    outside = create(app_client, tokens.owner, externalKey="P-2", municipality="GM0579")
    assert inside["__typename"] == "ProjectSaved"
    assert outside == {
        "__typename": "NotAllowed",
        "code": "project_outside_scope",
        "message": "Project 'Hofje Zuid' (P-2) cannot lie in Oegstgeest (GM0579): that "
        "municipality is outside the reporting scope of Portaal (portaal).",
        "messageNl": "Project 'Hofje Zuid' (P-2) kan niet in Oegstgeest (GM0579) liggen: die "
        "gemeente valt buiten het rapportagegebied van Portaal (portaal).",
    }
    # the task force's region does not cover Leiderdorp, as for figures
    by_taskforce = create(app_client, tokens.taskforce, externalKey="TF-1", municipality="GM0547")
    assert (by_taskforce["__typename"], by_taskforce["code"]) == (
        "NotAllowed",
        "project_outside_scope",
    )
    # moving a project outside is refused for the owner; another partner learns nothing new
    project_id = inside["project"]["id"]
    elsewhere = hofje(municipality="GM0579")
    moved = result(app_client, UPDATE, tokens.owner, id=project_id, input=elsewhere)
    foreign = result(app_client, UPDATE, tokens.other, id=project_id, input=elsewhere)
    assert (moved["__typename"], moved["code"]) == ("NotAllowed", "project_outside_scope")
    assert "Oegstgeest (GM0579)" in moved["message"] and "Portaal (portaal)" in moved["messageNl"]
    assert (foreign["__typename"], foreign["code"]) == ("NotAllowed", "not_project_owner")
    # an administrator creates and moves projects anywhere
    placed = create(
        app_client, tokens.admin, externalKey="A-1", owner="portaal", municipality="GM0579"
    )
    assert placed["__typename"] == "ProjectSaved"
    by_admin = result(app_client, UPDATE, tokens.admin, id=project_id, input=elsewhere)
    assert by_admin["changed"] is True
    # and the owner still changes a project that stays where it is
    renamed = result(
        app_client,
        UPDATE,
        tokens.owner,
        id=project_id,
        input=hofje(municipality="GM0579", name="Hof"),
    )
    assert (renamed["__typename"], renamed["project"]["name"]) == ("ProjectSaved", "Hof")
    assert len(audit(session, "project.created")) == 2
    assert len(audit(session, "project.updated")) == 2


def test_the_phase_machine_through_graphql(app_client: TestClient, tokens: Tokens) -> None:
    project_id = create(app_client, tokens.owner, phase="PLAN", phaseOn="2024-05-01")["project"][
        "id"
    ]

    def move(phase: str, on: str = "2025-02-01", **kw: Any) -> dict[str, Any]:
        return result(app_client, MOVE, tokens.owner, id=project_id, phase=phase, on=on, **kw)

    # forward, skipping a phase, needs nothing
    assert move("CONSTRUCTION")["move"] == "SKIP_FORWARD"
    # moving back without a reason is refused in English and Dutch; with one it is done
    back = move("PERMIT")
    assert back["__typename"] == "InvalidState" and back["code"] == "backward_phase_without_reason"
    assert "reason" in back["message"] and "reden" in back["messageNl"]
    assert move("PERMIT", reason="vergunning aangevochten")["move"] == "BACKWARD"
    # the same phase again changes nothing
    assert move("PERMIT")["changed"] is False and move("PERMIT")["move"] == "UNCHANGED"
    # a completion in the future is bad input on `on`
    future = move("COMPLETED", on=(date.today() + timedelta(days=3)).isoformat())
    assert (future["__typename"], future["field"], future["code"]) == (
        "InvalidInput",
        "on",
        "completion_in_future",
    )
    # cancelling needs a reason; leaving a final phase too
    assert move("CANCELLED")["__typename"] == "InvalidState"
    assert move("CANCELLED", reason="grond verkocht")["move"] == "CANCEL"
    final = move("PLAN", reason=None)
    assert (final["__typename"], final["code"]) == ("InvalidState", "final_phase_without_reason")
    history = call(
        app_client,
        "query($id: ID!) { node(id: $id) { ... on Project { phaseHistory { fromPhase toPhase reason } } } }",
        tokens.owner,
        {"id": project_id},
    )["data"]["node"]["phaseHistory"]
    assert [(h["fromPhase"], h["toPhase"]) for h in history] == [
        (None, "PLAN"),
        ("PLAN", "CONSTRUCTION"),
        ("CONSTRUCTION", "PERMIT"),
        ("PERMIT", "CANCELLED"),
    ]
    assert history[2]["reason"] == "vergunning aangevochten"


def test_a_completion_appears_in_the_observations(
    app_client: TestClient, tokens: Tokens, broker
) -> None:  # type: ignore[no-untyped-def]
    # given a project under construction
    project_id = create(app_client, tokens.owner, phase="CONSTRUCTION", phaseOn="2024-01-01")[
        "project"
    ]["id"]
    # when it is completed on 14 March 2025
    done = result(app_client, MOVE, tokens.owner, id=project_id, phase="COMPLETED", on="2025-03-14")
    assert done["move"] == "FORWARD"
    # then its units are realisation of portaal in Leiden for March 2025, linked to the project
    found = call(
        app_client,
        """{ observations(filter: {indicators: ["dwellings-added"], jurisdiction: "GM0546"}) {
             nodes { period value housingType { code } sourceOrganisation { code } project { id } } } }""",
        tokens.owner,
    )["data"]["observations"]["nodes"]
    assert sorted((o["period"], o["housingType"]["code"], Decimal(o["value"])) for o in found) == [
        ("2025-03", "geclusterd", Decimal(24)),
        ("2025-03", "nultreden", Decimal(12)),
    ]
    assert {o["project"]["id"] for o in found} == {project_id}
    assert {o["sourceOrganisation"]["code"] for o in found} == {"portaal"}


PIPELINE = """query($code: String!) { pipelineSummary(jurisdictionCode: $code) {
  jurisdiction { code } untilYear
  byPhase { phase projects units probability weightedUnits }
  byPhaseAndHousingType { phase housingType { code } units }
  completionsByYear { year units weightedUnits }
  unitsUndated unitsAfterHorizon realisedUnits weightedForecast } }"""


def test_the_pipeline_summary_and_the_project_filters(
    app_client: TestClient, tokens: Tokens, broker
) -> None:  # type: ignore[no-untyped-def]
    # given five projects in Holland Rijnland (Leiden and Leiderdorp)
    create(app_client, tokens.owner, externalKey="A", phase="PERMIT")  # 36 units, 2028
    create(
        app_client,
        tokens.other,
        externalKey="B",
        municipality="GM0547",
        phase="CONSTRUCTION",
        expectedCompletion="2027-06-30",
        units=[{"units": 10, "housingType": "geclusterd"}],
    )
    create(
        app_client,
        tokens.owner,
        externalKey="C",
        phase="PLAN",
        expectedCompletion=None,
        units=[{"units": 5}],
    )
    create(
        app_client,
        tokens.other,
        externalKey="D",
        municipality="GM0547",
        expectedCompletion="2032-01-01",
        units=[{"units": 8, "housingType": "nultreden"}],
    )
    create(
        app_client,
        tokens.owner,
        externalKey="E",
        phase="COMPLETED",
        phaseOn="2025-01-10",
        units=[{"units": 4, "housingType": "nultreden"}],
    )
    # when the region's pipeline is summarised
    summary = call(app_client, PIPELINE, tokens.viewer, {"code": "HR"})["data"]["pipelineSummary"]
    # then (by hand): open projects weighted 0.1 / 0.3 / 0.6 / 0.9 by phase
    phases = {
        p["phase"]: (
            p["projects"],
            p["units"],
            Decimal(str(p["probability"])),
            Decimal(str(p["weightedUnits"])),
        )
        for p in summary["byPhase"]
    }
    assert phases["INITIATIVE"] == (1, 8, Decimal("0.1"), Decimal("0.8"))
    assert phases["PLAN"] == (1, 5, Decimal("0.3"), Decimal("1.5"))
    assert phases["PERMIT"] == (1, 36, Decimal("0.6"), Decimal("21.6"))
    assert phases["CONSTRUCTION"] == (1, 10, Decimal("0.9"), Decimal("9"))
    assert phases["COMPLETED"][:2] == (1, 4)
    assert [
        (y["year"], y["units"], Decimal(str(y["weightedUnits"])))
        for y in summary["completionsByYear"]
    ] == [(2027, 10, Decimal(9)), (2028, 36, Decimal("21.6")), (2029, 0, 0), (2030, 0, 0)]
    assert (summary["unitsUndated"], summary["unitsAfterHorizon"], summary["realisedUnits"]) == (
        5,
        8,
        4,
    )
    assert Decimal(str(summary["weightedForecast"])) == Decimal("30.6")
    assert summary["jurisdiction"] == {"code": "HR"} and summary["untilYear"] == 2030
    assert {"phase": "PERMIT", "housingType": {"code": "geclusterd"}, "units": 24} in summary[
        "byPhaseAndHousingType"
    ]
    assert {"phase": "PLAN", "housingType": None, "units": 5} in summary["byPhaseAndHousingType"]
    # and Leiden alone has A, C and E; an unknown code gives null
    leiden = call(app_client, PIPELINE, tokens.viewer, {"code": "GM0546"})["data"]
    assert leiden["pipelineSummary"]["weightedForecast"] == 21.6  # a JSON number
    assert call(app_client, PIPELINE, tokens.viewer, {"code": "XX"})["data"] == {
        "pipelineSummary": None
    }

    # and the projects connection filters by area, phase, type, group, completion and owner
    def keys(**filter: Any) -> list[str]:
        answer = call(
            app_client,
            "query($f: ProjectFilter) { projects(filter: $f) { nodes { externalKey } } }",
            tokens.viewer,
            {"f": filter},
        )
        return sorted(n["externalKey"] for n in answer["data"]["projects"]["nodes"])

    assert keys(jurisdiction="HR") == ["A", "B", "C", "D", "E"]
    assert keys(jurisdiction="HR", includeMembers=False) == []
    assert keys(jurisdiction="GM0547") == ["B", "D"]
    assert keys(phases=["PERMIT", "CONSTRUCTION"]) == ["A", "B"]
    assert keys(housingTypes=["geclusterd"]) == ["A", "B"]
    assert keys(targetGroups=["ouderen"]) == ["A"]
    assert keys(completionFrom="2027-01-01", completionTo="2028-12-31") == ["A", "B", "E"]
    assert keys(owner="ons-doel") == ["B", "D"]

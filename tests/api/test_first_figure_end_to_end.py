"""From an empty database to a partner's first approved figure, through public interfaces only:
the CLI an operator runs, HTTP and GraphQL (no factories, no SQL). Runs on SQLite and, with
WOONZORG_TEST_DATABASE_URL and WOONZORG_BROKER_URL, on PostgreSQL with Redis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from services.jobs import COMPUTE, INGEST
from tests.api.test_sign_in import reset_throttle
from tests.conftest import drain

TARGET = "leiden-woonzorgvisie-2025-geclusterd-770"
PROGRESS = """{
  progress(filter: {target: {jurisdiction: "GM0546", includeMembers: false,
    indicators: ["dwellings-added"], housingTypes: ["geclusterde-woning"]}, bases: [OWN]}) {
    edges { node { target { code } realised status } }
  }
}"""


@pytest.fixture()
def app(clean_db) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    reset_throttle()
    yield create_app(run_jobs=False, engine=clean_db)
    reset_throttle()


class Browser:
    """One person's browser: its own cookies, the CSRF header on every write."""

    def __init__(self, app: Any) -> None:
        self.client = TestClient(app)
        self.csrf = ""

    def set_password(self, link: str, password: str, **extra: str) -> None:
        token = link.split("token=", 1)[1]
        assert self.client.get(f"/auth/set-password?token={token}").status_code == 200
        done = self.client.post(
            "/auth/set-password", json={"token": token, "password": password, **extra}
        )
        assert done.status_code == 200, done.text

    def sign_in(self, email: str, password: str) -> None:
        response = self.client.post("/auth/sign-in", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrfToken"]

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"X-CSRF-Token": self.csrf},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


def test_first_admin_invites_a_partner_who_reports_a_figure_the_task_force_approves(
    app: Any,
    broker,
    worker,  # type: ignore[no-untyped-def]
) -> None:
    cli_runner = CliRunner()
    # the operator loads the reference data and gets the first administrator's link
    seeded = cli_runner.invoke(cli, ["seed"])
    assert seeded.exit_code == 0, seeded.output
    drain(broker, worker, COMPUTE)
    linked = cli_runner.invoke(cli, ["admin", "link"])
    assert linked.exit_code == 0, linked.output
    first_link = linked.stdout.strip().splitlines()[-1]

    admin = Browser(app)
    admin.set_password(first_link, "beheerder wachtwoord 1", email="beheer@monitor.nl")
    admin.sign_in("beheer@monitor.nl", "beheerder wachtwoord 1")
    assert admin.graphql("{ me { role user { email } } }")["me"] == {
        "role": "ADMIN",
        "user": {"email": "beheer@monitor.nl"},
    }

    # the administrator invites a partner (Leiden's data officer) and a task-force member
    invite = """mutation($email: String!, $org: String!, $role: Role!) {
      inviteUser(email: $email, name: "Collega", organisation: $org, role: $role) {
        __typename ... on UserInvited { invitationLink }
      }
    }"""
    partner_link = admin.graphql(invite, email="data@leiden.nl", org="gem-leiden", role="PARTNER")[
        "inviteUser"
    ]["invitationLink"]
    taskforce_link = admin.graphql(
        invite, email="taskforce@hollandrijnland.nl", org="holland-rijnland", role="TASKFORCE"
    )["inviteUser"]["invitationLink"]
    # and grants the partner its scope (the reference data already has it: nothing changes)
    scope = admin.graphql(
        """mutation { grantScope(organisation: "gem-leiden", jurisdictions: ["GM0546"],
             reason: "eigen gemeente") { __typename ... on ScopeChanged { scope { jurisdiction } } } }"""
    )["grantScope"]
    assert {"jurisdiction": "GM0546"} in scope["scope"]

    # the partner chooses a password, signs in, downloads the template and uploads a file
    partner = Browser(app)
    partner.set_password(partner_link, "partner wachtwoord 1")
    partner.sign_in("data@leiden.nl", "partner wachtwoord 1")
    template = partner.client.get(
        "/submissions/template", params={"organisation": "gem-leiden", "period": "2026"}
    )
    assert template.status_code == 200 and "GM0546" in template.text
    header = template.text.lstrip("\ufeff").splitlines()[0]
    assert header.lower().startswith("indicator")
    upload = partner.client.post(
        "/submissions",
        headers={"X-CSRF-Token": partner.csrf},
        files={
            "file": (
                "leiden.csv",
                b"Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde\n"
                b"dwellings-added;GM0546;2026-Q1;ouderen;geclusterde-woning;12\n",
                "text/csv",
            )
        },
    )
    assert upload.status_code == 202, upload.text
    submission_id = upload.json()["id"]
    drain(broker, worker, INGEST)
    submission = partner.graphql(
        "query($id: ID!) { submission(id: $id) { status } }", id=submission_id
    )["submission"]
    assert submission == {"status": "VALIDATED"}

    # a task-force member of the region approves it
    taskforce = Browser(app)
    taskforce.set_password(taskforce_link, "taskforce wachtwoord 1")
    taskforce.sign_in("taskforce@hollandrijnland.nl", "taskforce wachtwoord 1")
    approved = taskforce.graphql(
        """mutation($id: ID!) { approveSubmission(id: $id, reason: "klopt") {
             __typename ... on SubmissionDecided { submission { status } } } }""",
        id=submission_id,
    )["approveSubmission"]
    assert approved["__typename"] == "SubmissionDecided", approved
    drain(broker, worker, INGEST, COMPUTE)

    # the figure shows in the target's progress
    edges = partner.graphql(PROGRESS)["progress"]["edges"]
    mine = [e["node"] for e in edges if e["node"]["target"]["code"] == TARGET]
    assert mine and float(mine[0]["realised"]) >= 12, edges

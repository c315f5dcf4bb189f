"""Vulnerability 3: a partner cannot publish realised dwellings through the project mutations;
completions (and every project change that becomes realisation) of an untrusted organisation go
through the reviewed project file, and units have sane bounds."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from db.models import Observation, Project
from ingest.limits import MAX_PROJECT_UNITS
from tests.factories import Factory
from tests.ingest.projects.project_support import ProjectWorld, project_world
from tests.schema.test_graphql_projects import CREATE, MOVE, UPDATE, call, hofje


@pytest.fixture()
def untrusted(session: Session, make: Factory) -> ProjectWorld:
    return project_world(session, make, trusted_owner=False)


def _result(client: TestClient, query: str, token: str, **variables: Any) -> dict[str, Any]:
    body = call(client, query, token, variables)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def _realisation(session: Session) -> list[Observation]:
    session.expire_all()
    return list(session.scalars(sa.select(Observation)))


def test_a_partner_cannot_create_a_completed_project(
    app_client: TestClient, session: Session, make: Factory, untrusted: ProjectWorld
) -> None:
    partner = make.token("portaal", "partner")
    refused = _result(
        app_client,
        CREATE,
        partner,
        input=hofje(phase="COMPLETED", phaseOn="2025-03-14", units=[{"units": 500}]),
    )
    assert refused["code"] == "completion_needs_review"
    assert "review" in refused["message"] and "beoordeling" in refused["messageNl"]
    assert _realisation(session) == []
    assert session.scalars(sa.select(Project)).all() == []  # nothing of it was kept


def test_a_partner_cannot_complete_or_change_a_completed_project(
    app_client: TestClient, session: Session, make: Factory, untrusted: ProjectWorld
) -> None:
    partner = make.token("portaal", "partner")
    admin = make.token("monitor", "admin")
    made = _result(app_client, CREATE, partner, input=hofje())
    project_id = made["project"]["id"]
    moved = _result(app_client, MOVE, partner, id=project_id, phase="COMPLETED", on="2025-03-14")
    assert moved["code"] == "completion_needs_review"
    assert _realisation(session) == []
    # an administrator completes it (reviewed); the partner then cannot inflate its units
    done = _result(app_client, MOVE, admin, id=project_id, phase="COMPLETED", on="2025-03-14")
    assert done["__typename"] == "ProjectSaved"
    counted = len(_realisation(session))
    inflated = _result(
        app_client,
        UPDATE,
        partner,
        id=project_id,
        input={k: v for k, v in hofje(units=[{"units": 900}]).items()},
        reason="meer",
    )
    assert inflated["code"] == "completion_needs_review"
    assert len(_realisation(session)) == counted
    # nor withdraw it
    back = _result(
        app_client,
        MOVE,
        partner,
        id=project_id,
        phase="CONSTRUCTION",
        on="2025-04-01",
        reason="toch niet",
    )
    assert back["code"] == "completion_needs_review"


def test_a_trusted_source_completes_at_once(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    project_world(session, make, trusted_owner=True)
    partner = make.token("portaal", "partner")
    made = _result(
        app_client, CREATE, partner, input=hofje(phase="COMPLETED", phaseOn="2025-03-14")
    )
    assert made["__typename"] == "ProjectSaved"
    assert len(_realisation(session)) == 2


@pytest.mark.parametrize("units", [MAX_PROJECT_UNITS + 1, 999_999])
def test_units_beyond_the_bound_are_refused(
    app_client: TestClient, session: Session, make: Factory, untrusted: ProjectWorld, units: int
) -> None:
    admin = make.token("monitor", "admin")
    refused = _result(
        app_client, CREATE, admin, input={**hofje(units=[{"units": units}]), "owner": "portaal"}
    )
    assert refused["code"] == "too_many_units"
    assert str(MAX_PROJECT_UNITS) in refused["message"]

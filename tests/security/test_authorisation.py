"""The authorisation matrix, as far as it is pinned here: what a role may not do is refused, and
what it may not see looks like what does not exist."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.testclient import TestClient

from core.enums import OrganisationKind
from db.models import Jurisdiction
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

TEMPLATE = "/submissions/template"


def test_a_task_force_downloads_templates_of_its_area_only(
    app_client: TestClient, session: Session, make: Factory, clean_db: sa.Engine
) -> None:
    reporting_world(session, make)  # portaal reports for Leiden
    leiden = session.exec(select(Jurisdiction).where(Jurisdiction.code == "GM0546")).one()
    leiderdorp = session.exec(select(Jurisdiction).where(Jurisdiction.code == "GM0547")).one()
    ours = make.organisation(code="tf-leiden", kind=OrganisationKind.REGIONAL_BODY)
    theirs = make.organisation(code="tf-elders", kind=OrganisationKind.REGIONAL_BODY)
    make.scope(ours.id, leiden.id)
    make.scope(theirs.id, leiderdorp.id)
    session.commit()
    params = {"organisation": "portaal", "period": "2024"}
    own = app_client.get(
        TEMPLATE,
        params=params,
        headers={"Authorization": f"Bearer {make.token('tf-leiden', 'taskforce')}"},
    )
    assert own.status_code == 200
    other = app_client.get(
        TEMPLATE,
        params=params,
        headers={"Authorization": f"Bearer {make.token('tf-elders', 'taskforce')}"},
    )
    missing = app_client.get(
        TEMPLATE,
        params={"organisation": "nobody", "period": "2024"},
        headers={"Authorization": f"Bearer {make.token('tf-elders', 'taskforce')}"},
    )
    assert (other.status_code, other.json()["error"]["code"]) == (404, "unknown_organisation")
    assert (
        other.json()["error"]["message"].replace("portaal", "nobody")
        == missing.json()["error"]["message"]
    )


def test_a_viewer_and_an_anonymous_caller_cannot_upload(
    app_client: TestClient, session: Session, make: Factory
) -> None:
    reporting_world(session, make)
    file = {"file": ("a.csv", b"indicator;gemeente;periode;waarde\r\n", "text/csv")}
    viewer = app_client.post(
        "/submissions",
        files=file,
        headers={"Authorization": f"Bearer {make.token('portaal', 'viewer')}"},
    )
    assert (viewer.status_code, viewer.json()["error"]["code"]) == (403, "forbidden")
    anonymous = app_client.post("/submissions", files=file, headers={"Authorization": ""})
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "unauthenticated")

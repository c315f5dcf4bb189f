"""The response cache is never stale: a read right after a write returns the new answer, and two
callers who may see different things never receive each other's cached answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import OrganisationKind, ProjectPhase, Role
from db.models import Jurisdiction, OrganisationScope
from schema.http import GraphQLView
from schema.response_cache import CachedAnswer, MemoryStore, normalised_query
from services.jobs import COMPUTE, INGEST
from services.progress.config import engine_config
from services.progress.recompute import recompute_targets
from services.projects.service import PhaseMove, move_phase
from services.submissions import service as intake
from tests.conftest import drain
from tests.factories import Factory
from tests.services.progress.test_recompute import region_world
from tests.workers.submission_support import ADMIN, request, rows

PROGRESS = """query Progress($code: String!) {
  progress(filter: {target: {jurisdiction: $code, includeMembers: false}}, first: 10) {
    nodes { basis status realised }
  }
}"""
PROJECTS = "query { projects(first: 10) { nodes { externalKey phase } } }"
SUBMISSIONS = "query { submissions(first: 10) { nodes { status rowCount } } }"


@pytest.fixture()
def executions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the operations GraphQL really executes (a cached answer executes none)."""
    counted: list[int] = []
    original = GraphQLView.execute_single

    async def counting(self: GraphQLView, *args: Any, **kwargs: Any) -> Any:
        counted.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(GraphQLView, "execute_single", counting)
    return counted


@pytest.fixture()
def api(clean_db: sa.Engine) -> Iterator[TestClient]:
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as client:
        yield client


def read(client: TestClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def realised(data: dict[str, Any]) -> list[tuple[str, int | None]]:
    return sorted(
        (n["basis"], None if n["realised"] is None else int(Decimal(n["realised"])))
        for n in data["progress"]["nodes"]
    )


def test_the_same_question_is_answered_once_with_an_etag_and_304_on_get(
    session: Session, make: Factory, api: TestClient, executions: list[int]
) -> None:
    region_world(session, make)
    viewer = make.token("corporatie", "viewer")
    recompute_targets(session, list(_target_ids(session)), engine_config(), date.today())
    session.commit()
    # given a read, asked twice (spacing and comments do not matter)
    first = read(api, viewer, PROGRESS, code="GM0001")
    again = read(api, viewer, "# again\n" + PROGRESS.replace("\n", "\n  "), code="GM0001")
    # then it was executed once, and the answers are the same
    assert first == again and len(executions) == 1
    # over GET the answer carries an ETag, and a client holding it gets 304 without a body
    params = {"query": PROGRESS, "variables": '{"code": "GM0001"}'}
    auth = {"Authorization": f"Bearer {viewer}"}
    got = api.get("/graphql", params=params, headers=auth)
    assert got.status_code == 200 and got.headers["etag"]
    assert got.headers["cache-control"] == "private, no-cache"
    unchanged = api.get(
        "/graphql", params=params, headers={**auth, "If-None-Match": got.headers["etag"]}
    )
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert len(executions) == 1
    # another variable is another question
    read(api, viewer, PROGRESS, code="GM0002")
    assert len(executions) == 2


def _target_ids(session: Session) -> list[int]:
    from db.models import Target

    return [t for t in session.exec(select(Target.id)) if t is not None]


def test_a_read_right_after_an_approval_and_its_recompute_returns_the_new_figure(
    session: Session,
    make: Factory,
    api: TestClient,
    broker,
    worker,  # type: ignore[no-untyped-def]
) -> None:
    world = region_world(session, make)
    recompute_targets(session, [world["a"], world["r"]], engine_config(), date.today())
    partner = make.organisation(code="woonstichting")
    a_id = session.exec(select(Jurisdiction.id).where(Jurisdiction.code == "GM0001")).one()
    session.add(OrganisationScope(organisation_id=partner.id, jurisdiction_id=a_id))
    session.commit()
    viewer = make.token("corporatie", "viewer")
    # given the figure the overview shows (now cached)
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == [("OWN", 30)]
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == [("OWN", 30)]
    sent = intake.submit_rows(
        session, request(session, partner.id), rows(("dwellings-added", "GM0001", "2026", 20))
    )
    session.commit()
    drain(broker, worker, INGEST, COMPUTE)
    session.expire_all()  # the workers changed the submission meanwhile
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == [("OWN", 30)]
    # when the task force approves and the workers apply and recompute
    intake.approve(session, sent.submission.id, actor=ADMIN, reason="klopt")
    session.commit()
    drain(broker, worker, INGEST, COMPUTE)
    # then the very next read shows the new figure
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == [("OWN", 50)]


def test_a_read_right_after_a_recompute_returns_the_new_snapshot(
    session: Session, make: Factory, api: TestClient
) -> None:
    world = region_world(session, make)
    viewer = make.token("corporatie", "viewer")
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == []
    recompute_targets(session, [world["a"]], engine_config(), date.today())
    session.commit()
    assert realised(read(api, viewer, PROGRESS, code="GM0001")) == [("OWN", 30)]


def test_a_read_right_after_a_project_change_returns_the_new_phase(
    session: Session, make: Factory, api: TestClient
) -> None:
    owner = make.organisation(code="bouwer")
    project = make.project(owner_id=owner.id, phase=ProjectPhase.PLAN, external_key="P-1")
    session.commit()
    viewer = make.token("bouwer", "viewer")
    assert read(api, viewer, PROJECTS)["projects"]["nodes"] == [
        {"externalKey": "P-1", "phase": "PLAN"}
    ]
    move_phase(session, ADMIN, project.id, PhaseMove(ProjectPhase.PERMIT, date.today()))  # type: ignore[arg-type]
    session.commit()
    assert read(api, viewer, PROJECTS)["projects"]["nodes"] == [
        {"externalKey": "P-1", "phase": "PERMIT"}
    ]


def test_a_read_right_after_a_scope_change_shows_what_the_task_force_now_covers(
    session: Session, make: Factory, api: TestClient
) -> None:
    world = region_world(session, make)
    del world
    region = session.exec(select(Jurisdiction).where(Jurisdiction.code == "rg-r")).one()
    taskforce = make.organisation(code="taakgroep", kind=OrganisationKind.REGIONAL_BODY)
    session.add(OrganisationScope(organisation_id=taskforce.id, jurisdiction_id=region.id))
    partner = make.organisation(code="zorgaanbieder")
    make.submission(organisation_id=partner.id, row_count=3)
    session.commit()
    token = make.token("taakgroep", Role.TASKFORCE.value)
    # given a task force that does not cover the partner: it sees no submission (cached)
    assert read(api, token, SUBMISSIONS)["submissions"]["nodes"] == []
    assert read(api, token, SUBMISSIONS)["submissions"]["nodes"] == []
    # when the partner's scope comes to lie in the task force's region
    a_id = session.exec(select(Jurisdiction.id).where(Jurisdiction.code == "GM0001")).one()
    session.add(OrganisationScope(organisation_id=partner.id, jurisdiction_id=a_id))
    session.commit()
    # then the next read shows its submission
    assert read(api, token, SUBMISSIONS)["submissions"]["nodes"] == [
        {"status": "RECEIVED", "rowCount": 3}
    ]


def test_callers_who_may_see_different_things_never_share_an_answer(
    session: Session, make: Factory, api: TestClient, executions: list[int]
) -> None:
    own = make.organisation(code="eigen")
    other = make.organisation(code="ander")
    make.submission(organisation_id=own.id, row_count=1)
    make.submission(organisation_id=other.id, row_count=2)
    session.commit()
    admin = make.token("eigen", "admin")
    partner = make.token("eigen", "partner")
    other_partner = make.token("ander", "partner")
    viewer = make.token("eigen", "viewer")
    counts = {
        who: sorted(n["rowCount"] for n in read(api, token, SUBMISSIONS)["submissions"]["nodes"])
        for who, token in (
            ("admin", admin),
            ("partner", partner),
            ("other", other_partner),
            ("viewer", viewer),
        )
    }
    assert counts == {"admin": [1, 2], "partner": [1], "other": [2], "viewer": []}
    assert len(executions) == 4  # each was executed for itself
    # a second token of the same role and organisation shares the answer (never the token itself)
    second = make.token("eigen", "partner")
    assert [n["rowCount"] for n in read(api, second, SUBMISSIONS)["submissions"]["nodes"]] == [1]


def test_mutations_and_answers_with_errors_are_never_cached() -> None:
    assert normalised_query("mutation { x }", None) is None
    assert normalised_query("subscription { x }", None) is None
    assert normalised_query("query A { a } mutation B { b }", "B") is None
    assert normalised_query("query A { a } query B { b }", None) is None  # no single operation
    assert normalised_query("{ a(", None) is None
    assert normalised_query("query A { a }  # note", "A") == normalised_query("query A {a}", "A")


def test_the_in_process_store_is_a_bounded_lru() -> None:
    store = MemoryStore(max_entries=2, max_bytes=10)
    store.put("a", CachedAnswer.of("application/json", b"1234"))
    store.put("b", CachedAnswer.of("application/json", b"1234"))
    assert store.get("a") is not None  # a is now the most recent
    store.put("c", CachedAnswer.of("application/json", b"1234"))
    assert (store.get("a") is not None, store.get("b"), store.get("c") is not None) == (
        True,
        None,
        True,
    )
    store.put("d", CachedAnswer.of("application/json", b"123456789"))  # over 10 bytes: evicts
    assert len(store) == 1 and store.get("d") is not None


async def test_clients_missing_together_wait_for_one_execution(
    session: Session, make: Factory, clean_db: sa.Engine, executions: list[int]
) -> None:
    import asyncio

    import httpx

    region_world(session, make)
    viewer = make.token("corporatie", "viewer")
    app = create_app(run_jobs=False, engine=clean_db)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {viewer}"}
    body = {"query": PROGRESS, "variables": {"code": "GM0001"}}
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        # given eight clients asking the same question at once, right after a write
        answers = await asyncio.gather(
            *(http.post("/graphql", json=body, headers=headers) for _ in range(8))
        )
    # then every one gets the answer, and it was computed once
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert len(executions) == 1


def test_who_is_asking_is_never_answered_from_another_callers_cache(
    session: Session, make: Factory, api: TestClient, executions: list[int]
) -> None:
    # given two tokens of the same organisation and role
    make.organisation(code="eigen")
    session.commit()
    first, second = make.token("eigen", "partner"), make.token("eigen", "partner")
    # when each asks who it is
    answers = [
        read(api, token, "{ me { tokenPrefix } }")["me"]["tokenPrefix"] for token in (first, second)
    ]
    # then each hears its own token, not the other's cached answer
    assert first.removeprefix("wz_").startswith(answers[0])
    assert second.removeprefix("wz_").startswith(answers[1])
    assert answers[0] != answers[1]

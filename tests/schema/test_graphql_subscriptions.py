"""Subscriptions end to end over the WebSocket (graphql-transport-ws), on the in-process bus
and on Redis pub/sub."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from strawberry import relay

from core.enums import ProgressStatus, SubmissionStatus
from core.settings import get_settings
from db.models import ProgressSnapshot
from services import events
from services.progress.recompute import RecomputeReport
from services.progress.service import announce
from tests.factories import Factory

PROTOCOL = "graphql-transport-ws"


CONFIGURED_BROKER_URL = os.environ["WOONZORG_BROKER_URL"]  # set by the test harness
TRANSPORTS = ["memory://"] + (
    [CONFIGURED_BROKER_URL] if CONFIGURED_BROKER_URL.startswith("redis") else []
)


@pytest.fixture(params=TRANSPORTS, ids=[url.split(":")[0] for url in TRANSPORTS])
def bus(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The event bus on each transport (WOONZORG_BROKER_URL decides which)."""
    monkeypatch.setenv("WOONZORG_BROKER_URL", request.param)
    get_settings.cache_clear()
    yield request.param
    monkeypatch.undo()
    get_settings.cache_clear()


AUTHORIZATION: list[str] = []


@pytest.fixture(autouse=True)
def _token_of(app_client: TestClient) -> Iterator[None]:
    AUTHORIZATION[:] = [app_client.headers["Authorization"]]
    yield


def _subscribe(ws: Any, query: str, variables: dict[str, Any]) -> None:
    # a WebSocket carries its token in the connection payload (the HTTP header of the client)
    ws.send_json({"type": "connection_init", "payload": {"Authorization": AUTHORIZATION[0]}})
    assert ws.receive_json() == {"type": "connection_ack"}
    ws.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )


def _wait_for_subscriber(topic: str) -> None:
    deadline = time.monotonic() + 10
    while events.subscriber_count(topic) == 0:
        assert time.monotonic() < deadline, f"nobody subscribed to {topic}"
        time.sleep(0.02)


def test_progress_changed_delivers_the_recomputed_progress(
    bus: str, app_client: TestClient, make: Factory, session: Session
) -> None:
    # given a municipality with two targets and their stored progress
    town = make.jurisdiction(code="GM9911")
    target = make.target(jurisdiction_id=town.id)
    other = make.target(jurisdiction_id=town.id)
    for judged, status in ((target, ProgressStatus.AT_RISK), (other, ProgressStatus.ON_TRACK)):
        session.add(
            ProgressSnapshot(
                target_id=judged.id,  # type: ignore[arg-type]
                jurisdiction_id=town.id,  # type: ignore[arg-type]
                status=status,
                inputs_hash="h",
            )
        )
    session.commit()
    query = """subscription($code: String!) { progressChanged(jurisdictionCode: $code) {
        jurisdiction { code }
        progress(statuses: [AT_RISK]) { totalCount nodes { status target { code } } }
        page: progress(first: 1) { totalCount pageInfo { hasNextPage } } } }"""
    with app_client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, query, {"code": "GM9911"})
        _wait_for_subscriber(events.progress_topic("GM9911"))
        # when a worker's recompute announces the change (the real publisher, after its commit)
        announce(session, RecomputeReport(changed={"GM9911": {target.id, other.id}}))
        session.commit()
        message = ws.receive_json()
    # then the subscriber receives the progress as stored, filtered and paged
    assert message["type"] == "next", message
    change = message["payload"]["data"]["progressChanged"]
    assert change == {
        "jurisdiction": {"code": "GM9911"},
        "progress": {
            "totalCount": 1,
            "nodes": [{"status": "AT_RISK", "target": {"code": target.code}}],
        },
        "page": {"totalCount": 2, "pageInfo": {"hasNextPage": True}},
    }


def test_submission_changed_delivers_the_submission_as_it_is_now(
    bus: str, app_client: TestClient, make: Factory, session: Session
) -> None:
    # given a submission being validated
    submission = make.submission(status=SubmissionStatus.VALIDATING)
    session.commit()
    global_id = str(relay.GlobalID("Submission", str(submission.id)))
    query = "subscription($id: ID!) { submissionChanged(id: $id) { id status errorCount } }"
    with app_client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, query, {"id": global_id})
        _wait_for_subscriber(events.submission_topic(submission.id))  # type: ignore[arg-type]
        # when it is validated and the change is published
        submission.status, submission.error_count = SubmissionStatus.VALIDATED, 0
        session.commit()
        events.publish(
            events.submission_topic(submission.id),
            {"id": submission.id, "status": "validated"},
        )  # type: ignore[arg-type]
        message = ws.receive_json()
    # then the subscriber sees the new state
    assert message["type"] == "next", message
    assert message["payload"]["data"]["submissionChanged"] == {
        "id": global_id,
        "status": "VALIDATED",
        "errorCount": 0,
    }


def test_subscribing_to_an_unknown_jurisdiction_is_an_error(app_client: TestClient) -> None:
    query = 'subscription { progressChanged(jurisdictionCode: "GM0000") { jurisdiction { code } } }'
    with app_client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        _subscribe(ws, query, {})
        message = ws.receive_json()
    assert message["type"] == "next"
    error = message["payload"]["errors"][0]
    assert error["message"] == "no jurisdiction with code 'GM0000'"
    assert error["extensions"] == {"code": "NOT_FOUND", "messageNl": "Dat object bestaat niet."}


def test_the_legacy_graphql_ws_protocol_is_refused(app_client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        app_client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 4406


def test_a_websocket_without_a_valid_token_is_refused(app_client: TestClient) -> None:
    for payload in ({}, {"Authorization": "Bearer wz_abcdefghij_not-a-real-secret-at-all"}):
        with app_client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
            ws.send_json({"type": "connection_init", "payload": payload})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        assert closed.value.code == 4403  # graphql-transport-ws: Forbidden


def test_publish_reaches_every_subscriber_of_the_topic_only(bus: str) -> None:
    import asyncio

    async def scenario() -> list[dict[str, Any]]:
        first, second, other = (
            events.subscribe("progress:GM1"),
            events.subscribe("progress:GM1"),
            events.subscribe("progress:GM2"),
        )
        pending = [asyncio.ensure_future(anext(s)) for s in (first, second, other)]
        deadline = time.monotonic() + 10
        for topic in ("progress:GM1", "progress:GM2"):
            while events.subscriber_count(topic) < (2 if topic.endswith("1") else 1):
                assert time.monotonic() < deadline, f"nobody subscribed to {topic}"
                await asyncio.sleep(0.02)
        await asyncio.to_thread(events.publish, "progress:GM1", {"n": 1})
        done = await asyncio.wait_for(asyncio.gather(*pending[:2]), 10)
        assert not pending[2].done()
        pending[2].cancel()
        await asyncio.gather(pending[2], return_exceptions=True)
        for stream in (first, second, other):
            await stream.aclose()
        return done

    assert asyncio.run(scenario()) == [{"n": 1}, {"n": 1}]

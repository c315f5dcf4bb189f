"""Live updates for signed-in people: the GraphQL WebSocket (graphql-transport-ws) authenticates by
the session cookie when its handshake comes from the API's own origin or a listed one; a foreign
origin is refused before the socket opens; without a cookie or a token it is refused; a bearer
token in connection_init keeps working; a signed-out session's socket receives nothing more."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from strawberry import relay

from api.app import create_app
from core.enums import SubmissionStatus
from core.settings import get_settings
from db.models import UserSession
from services import events
from tests.api.test_sign_in import reset_throttle
from tests.factories import Factory

PROTOCOL = "graphql-transport-ws"
PASSWORD = "correct horse battery staple"
QUERY = "subscription($id: ID!) { submissionChanged(id: $id) { id status } }"
OWN_ORIGIN = "http://testserver"  # the TestClient's host
LISTED_ORIGIN = "https://app.example.nl"


@pytest.fixture()
def client(clean_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WOONZORG_CORS_ORIGINS", LISTED_ORIGIN)
    get_settings.cache_clear()
    reset_throttle()
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as test_client:
        yield test_client
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_throttle()


@pytest.fixture()
def submission_id(make: Factory, session: Session) -> int:
    """A submission of a partner organisation whose user has a password."""
    organisation = make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    row = make.submission(organisation_id=organisation.id, status=SubmissionStatus.VALIDATING)
    session.commit()
    assert row.id is not None
    return row.id


def sign_in(client: TestClient) -> None:
    response = client.post("/auth/sign-in", json={"email": "data@portaal.nl", "password": PASSWORD})
    assert response.status_code == 200, response.text


def subscribe(ws: Any, submission_id: int, payload: dict[str, Any] | None = None) -> None:
    ws.send_json({"type": "connection_init", "payload": payload or {}})
    assert ws.receive_json() == {"type": "connection_ack"}
    ws.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {
                "query": QUERY,
                "variables": {"id": str(relay.GlobalID("Submission", str(submission_id)))},
            },
        }
    )
    topic = events.submission_topic(submission_id)
    deadline = time.monotonic() + 10
    while events.subscriber_count(topic) == 0:
        assert time.monotonic() < deadline, "the subscription did not start"
        time.sleep(0.02)


def publish(submission_id: int) -> None:
    events.publish(
        events.submission_topic(submission_id), {"id": submission_id, "status": "validated"}
    )


@pytest.mark.parametrize("origin", [OWN_ORIGIN, LISTED_ORIGIN])
def test_a_signed_in_browser_gets_events_over_its_session_cookie(
    client: TestClient, submission_id: int, origin: str
) -> None:
    sign_in(client)
    with client.websocket_connect(
        "/graphql", subprotocols=[PROTOCOL], headers={"Origin": origin}
    ) as ws:
        subscribe(ws, submission_id)  # no token in connection_init: the cookie signs it in
        publish(submission_id)
        message = ws.receive_json()
    assert message["type"] == "next", message
    assert message["payload"]["data"]["submissionChanged"]["status"] == "VALIDATING"


def test_a_foreign_origin_is_refused_before_the_socket_opens(
    client: TestClient, submission_id: int
) -> None:
    sign_in(client)  # the browser holds the cookie, but a foreign page opens the socket
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(
            "/graphql", subprotocols=[PROTOCOL], headers={"Origin": "https://evil.example"}
        ) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 4403


def test_without_a_session_or_token_the_connection_is_refused(
    client: TestClient, submission_id: int
) -> None:
    with client.websocket_connect(
        "/graphql", subprotocols=[PROTOCOL], headers={"Origin": OWN_ORIGIN}
    ) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        with pytest.raises(WebSocketDisconnect) as refused:
            ws.receive_json()
    assert refused.value.code == 4403


def test_the_cookie_counts_only_with_an_origin_a_script_uses_its_token(
    client: TestClient, make: Factory, submission_id: int
) -> None:
    sign_in(client)
    # a handshake without Origin is no browser's: the cookie is not read for it
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()
    # a bearer token in connection_init works as before
    token = make.token("portaal")
    with client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        subscribe(ws, submission_id, {"Authorization": f"Bearer {token}"})
        publish(submission_id)
        assert ws.receive_json()["type"] == "next"


def test_a_signed_out_sessions_socket_receives_nothing_more(
    client: TestClient, session: Session, submission_id: int
) -> None:
    sign_in(client)
    csrf = client.cookies["woonzorg_csrf"]
    with client.websocket_connect(
        "/graphql", subprotocols=[PROTOCOL], headers={"Origin": OWN_ORIGIN}
    ) as ws:
        subscribe(ws, submission_id)
        # when the user signs out (in another tab), then an event is published
        signed_out = client.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})
        assert signed_out.status_code == 200, signed_out.text
        assert session.exec(select(UserSession)).one().ended_at is not None
        publish(submission_id)
        message = ws.receive_json()
        ended = ws.receive_json()
    assert message["payload"]["data"] is None, message
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert ended == {"id": "1", "type": "complete"}

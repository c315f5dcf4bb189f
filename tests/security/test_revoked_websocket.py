"""Weakness: a revoked token's open WebSocket kept receiving events. The token is checked again
before each event: a revoked one ends the subscription with an error."""

from __future__ import annotations

import time

from sqlmodel import Session, select
from starlette.testclient import TestClient
from strawberry import relay

from core.clock import utcnow
from core.enums import SubmissionStatus
from db.models import ApiToken
from services import events
from tests.factories import Factory

PROTOCOL = "graphql-transport-ws"
QUERY = "subscription($id: ID!) { submissionChanged(id: $id) { id status } }"


def test_a_revoked_tokens_subscription_receives_nothing_more(
    app_client: TestClient, make: Factory, session: Session
) -> None:
    submission = make.submission(status=SubmissionStatus.VALIDATING)
    session.commit()
    token = app_client.headers["Authorization"]
    topic = events.submission_topic(submission.id)  # type: ignore[arg-type]
    global_id = str(relay.GlobalID("Submission", str(submission.id)))
    with app_client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": token}})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": QUERY, "variables": {"id": global_id}},
            }
        )
        deadline = time.monotonic() + 10
        while events.subscriber_count(topic) == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # when the token is revoked, then an event is published
        for row in session.exec(select(ApiToken)):
            row.revoked_at = utcnow()
        session.commit()
        events.publish(topic, {"id": submission.id, "status": "validated"})
        message = ws.receive_json()
        ended = ws.receive_json()
    # then the subscription ends with an error instead of the event
    assert message["payload"]["data"] is None, message
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert ended == {"id": "1", "type": "complete"}

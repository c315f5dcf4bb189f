"""One delivery attempt of a webhook: sign, POST, record the result in the delivery log.

2xx is delivered; a network failure, 408, 425, 429 or 5xx is tried again (``DeliveryRetry``)
until the actor's retries run out; any other status (a redirect too: redirects are never followed)
is refused by the receiver and not retried. Each attempt is recorded in a transaction of its own.

The target is checked at every attempt (``webhook_targets.pin``): a URL or address the partner
may not reach fails the delivery without a connection. What is recorded of a failure is its
status code or the kind of failure, never the receiver's answer: a partner must not be able to
read what a server answers to the installation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa

from core.clock import utcnow
from core.enums import DeliveryStatus
from core.settings import get_settings
from db.engine import session_scope
from db.models import WebhookDelivery, WebhookSubscription
from services.jobs import Attempt
from services.periodic.fetching import RETRYABLE_STATUS
from services.periodic.signing import signature_headers
from services.periodic.webhook_targets import TargetNotAllowed, pin

EVENT_HEADER = "X-Woonzorg-Event"
DELIVERY_HEADER = "X-Woonzorg-Delivery"


class DeliveryRetry(Exception):
    """The attempt failed in a way a later one may not."""


@dataclass(frozen=True)
class _Request:
    url: str
    secret: str
    event: str
    event_id: str
    body: bytes


def request_body(delivery: WebhookDelivery) -> bytes:
    """The JSON sent: the event's id, name, moment and data; compact, keys sorted."""
    envelope: dict[str, Any] = {
        "id": delivery.event_id,
        "event": delivery.event.value,
        "createdAt": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode("utf-8")


def attempt_delivery(
    delivery_id: int, attempt: Attempt, engine: sa.Engine | None = None
) -> DeliveryStatus | None:
    """POST the delivery once; raises ``DeliveryRetry`` when it should be tried again."""
    request = _prepare(delivery_id, engine)
    if request is None:
        return None
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "woonzorgmonitor-webhooks/1",
        EVENT_HEADER: request.event,
        DELIVERY_HEADER: request.event_id,
        **signature_headers(request.secret, request.body),
    }
    try:
        target = pin(request.url)
    except TargetNotAllowed as exc:
        return _record(engine, delivery_id, attempt, None, str(exc), retryable=False)
    headers["Host"] = target.host_header
    try:
        with (
            httpx.Client(
                timeout=get_settings().webhook_timeout_seconds, follow_redirects=False
            ) as client,
            client.stream(
                "POST",
                target.url,
                content=request.body,
                headers=headers,
                extensions={"sni_hostname": target.host},
            ) as response,
        ):
            status_code = response.status_code  # the body is never read
    except httpx.TimeoutException:
        return _record(engine, delivery_id, attempt, None, "no answer in time", retryable=True)
    except httpx.TransportError:
        return _record(
            engine, delivery_id, attempt, None, "the receiver could not be reached", retryable=True
        )
    if 200 <= status_code < 300:
        return _record(engine, delivery_id, attempt, status_code, None, retryable=False)
    return _record(
        engine,
        delivery_id,
        attempt,
        status_code,
        f"HTTP {status_code}",
        retryable=status_code in RETRYABLE_STATUS,
    )


def _prepare(delivery_id: int, engine: sa.Engine | None) -> _Request | None:
    with session_scope(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
            return None
        subscription = session.get(WebhookSubscription, delivery.subscription_id)
        if subscription is None or not subscription.active:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = "the subscription is no longer active"
            return None
        return _Request(
            subscription.url,
            subscription.secret,
            delivery.event.value,
            delivery.event_id,
            request_body(delivery),
        )


def _record(
    engine: sa.Engine | None,
    delivery_id: int,
    attempt: Attempt,
    response_code: int | None,
    error: str | None,
    *,
    retryable: bool,
) -> DeliveryStatus:
    if error is None:
        status = DeliveryStatus.DELIVERED
    elif retryable and not attempt.last:
        status = DeliveryStatus.RETRYING
    else:
        status = DeliveryStatus.FAILED
    with session_scope(engine) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:  # deleted with its subscription meanwhile
            return DeliveryStatus.FAILED
        delivery.attempts += 1
        delivery.status = status
        delivery.response_code = response_code
        delivery.last_error = error
        delivery.last_attempt_at = utcnow()
        if status is DeliveryStatus.DELIVERED:
            delivery.delivered_at = delivery.last_attempt_at
    if status is DeliveryStatus.RETRYING:
        raise DeliveryRetry(error)
    return status

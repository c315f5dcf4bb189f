"""Webhook subscriptions and events: an event becomes one delivery per subscribed organisation,
sent by ``deliver_webhook`` after the commit (the outbox)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from core.enums import WebhookEvent
from core.principal import Actor
from db.models import WebhookDelivery, WebhookSubscription
from services import audit
from services.jobs import enqueue_job
from services.periodic.webhook_targets import TargetNotAllowed, check_url


class WebhookSubscriptionError(ValueError):
    """A subscription that cannot be made (``field`` names the input at fault)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def subscribe(
    session: Session,
    organisation_id: int,
    url: str,
    events: Iterable[WebhookEvent | str],
    secret: str | None = None,
    *,
    actor: Actor | None = None,
) -> WebhookSubscription:
    """Create or update the organisation's subscription for ``url``; a secret is generated when
    none is given (read it from the returned row once, to give it to the receiver). Audited,
    never with the secret."""
    try:
        check_url(url)
    except TargetNotAllowed as exc:
        raise WebhookSubscriptionError(str(exc), "url") from None
    try:
        wanted = sorted({WebhookEvent(e).value for e in events})
    except ValueError as exc:
        raise WebhookSubscriptionError(str(exc), "events") from None
    if not wanted:
        raise WebhookSubscriptionError("subscribe to at least one event", "events")
    subscription = session.exec(
        select(WebhookSubscription).where(
            WebhookSubscription.organisation_id == organisation_id,
            WebhookSubscription.url == url,
        )
    ).first()
    before = (
        None
        if subscription is None
        else {
            "url": subscription.url,
            "events": list(subscription.events),
            "active": subscription.active,
        }
    )
    if subscription is None:
        subscription = WebhookSubscription(
            organisation_id=organisation_id, url=url, secret=secret or secrets.token_hex(32)
        )
        session.add(subscription)
    elif secret:
        subscription.secret = secret
    subscription.events = wanted
    subscription.active = True
    session.flush()
    assert subscription.id is not None  # just flushed
    audit.record(
        session,
        actor,
        "webhook.subscribed",
        "webhook_subscription",
        subscription.id,
        before=before,
        after={"url": subscription.url, "events": list(subscription.events), "active": True},
    )
    return subscription


def unsubscribe(session: Session, subscription_id: int, *, actor: Actor | None = None) -> None:
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is not None:
        was_active = subscription.active
        subscription.active = False
        audit.record(
            session,
            actor,
            "webhook.unsubscribed",
            "webhook_subscription",
            subscription_id,
            before={"active": was_active},
            after={"active": False},
        )


def emit(
    session: Session,
    event: WebhookEvent,
    payload: dict[str, Any],
    organisation_ids: Iterable[int] | None = None,
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active subscription to it (of ``organisation_ids`` only, when
    given); the deliveries are sent after the session commits."""
    query = select(WebhookSubscription).where(col(WebhookSubscription.active).is_(True))
    if organisation_ids is not None:
        query = query.where(col(WebhookSubscription.organisation_id).in_(set(organisation_ids)))
    event_id = str(uuid.uuid4())
    deliveries = []
    for subscription in session.exec(query):
        if event.value not in subscription.events:
            continue
        assert subscription.id is not None  # loaded from the database
        delivery = WebhookDelivery(
            subscription_id=subscription.id,
            event_id=event_id,
            event=event,
            payload=payload,
        )
        session.add(delivery)
        session.flush()
        enqueue_job(session, "deliver_webhook", delivery_id=delivery.id)
        deliveries.append(delivery)
    return deliveries


def delivery_log(
    session: Session, organisation_id: int, *, limit: int = 100
) -> list[WebhookDelivery]:
    """The organisation's latest deliveries, newest first (what it can query about its hooks)."""
    return list(
        session.exec(
            select(WebhookDelivery)
            .join(WebhookSubscription)
            .where(WebhookSubscription.organisation_id == organisation_id)
            .order_by(col(WebhookDelivery.id).desc())
            .limit(limit)
        )
    )

"""Periodic figures: registered sources and their run ledger, webhook subscriptions and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import DeliveryStatus, SourceKind, SourceRunOutcome, WebhookEvent
from db.models import Organisation, Source, SourceRun, WebhookDelivery, WebhookSubscription
from db.queries.listing import Listing, SortKey
from db.queries.lookups import text_search


@dataclass(frozen=True)
class SourceCriteria:
    kinds: Sequence[SourceKind] | None = None
    organisations: Sequence[str] | None = None
    active: bool | None = None
    search: str | None = None


def sources(criteria: SourceCriteria) -> Listing[Source]:
    statement = sa.select(Source)
    if criteria.kinds:
        statement = statement.where(col(Source.kind).in_(criteria.kinds))
    if criteria.organisations is not None:
        owners = sa.select(col(Organisation.id)).where(
            col(Organisation.code).in_(criteria.organisations)
        )
        statement = statement.where(col(Source.organisation_id).in_(owners))
    if criteria.active is not None:
        statement = statement.where(col(Source.active).is_(criteria.active))
    if criteria.search:
        statement = statement.where(
            text_search([col(Source.code), col(Source.name)], criteria.search)
        )
    return Listing(statement, (SortKey(col(Source.code)), SortKey(col(Source.id))), "sources")


@dataclass(frozen=True)
class SourceRunCriteria:
    sources: Sequence[str] | None = None
    outcomes: Sequence[SourceRunOutcome] | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None


def source_runs(criteria: SourceRunCriteria) -> Listing[SourceRun]:
    """Attempts of source pulls, newest first."""
    statement = sa.select(SourceRun)
    if criteria.sources is not None:
        wanted = sa.select(col(Source.id)).where(col(Source.code).in_(criteria.sources))
        statement = statement.where(col(SourceRun.source_id).in_(wanted))
    if criteria.outcomes:
        statement = statement.where(col(SourceRun.outcome).in_(criteria.outcomes))
    if criteria.started_from is not None:
        statement = statement.where(col(SourceRun.started_at) >= criteria.started_from)
    if criteria.started_to is not None:
        statement = statement.where(col(SourceRun.started_at) <= criteria.started_to)
    return Listing(statement, (SortKey(col(SourceRun.id), descending=True),), "sourceRuns")


def source_by_code(session: Session, code: str) -> Source | None:
    return session.scalar(sa.select(Source).where(col(Source.code) == code))


@dataclass(frozen=True)
class WebhookSubscriptionCriteria:
    organisation_id: int | None = None  # None: every organisation's
    active: bool | None = None


def webhook_subscriptions(criteria: WebhookSubscriptionCriteria) -> Listing[WebhookSubscription]:
    """Subscriptions (of one organisation, or all), oldest first."""
    statement = sa.select(WebhookSubscription)
    if criteria.organisation_id is not None:
        statement = statement.where(
            col(WebhookSubscription.organisation_id) == criteria.organisation_id
        )
    if criteria.active is not None:
        statement = statement.where(col(WebhookSubscription.active).is_(criteria.active))
    return Listing(statement, (SortKey(col(WebhookSubscription.id)),), "webhookSubscriptions")


def subscription_of(session: Session, organisation_id: int, url: str) -> WebhookSubscription | None:
    return session.scalar(
        sa.select(WebhookSubscription).where(
            col(WebhookSubscription.organisation_id) == organisation_id,
            col(WebhookSubscription.url) == url,
        )
    )


@dataclass(frozen=True)
class WebhookDeliveryCriteria:
    organisation_id: int | None = None  # None: every organisation's
    subscription_id: int | None = None
    events: Sequence[WebhookEvent] | None = None
    statuses: Sequence[DeliveryStatus] | None = None


def webhook_deliveries(criteria: WebhookDeliveryCriteria) -> Listing[WebhookDelivery]:
    """Deliveries (to one organisation's subscriptions, or all), newest first."""
    statement = sa.select(WebhookDelivery)
    if criteria.organisation_id is not None:
        owned = sa.select(col(WebhookSubscription.id)).where(
            col(WebhookSubscription.organisation_id) == criteria.organisation_id
        )
        statement = statement.where(col(WebhookDelivery.subscription_id).in_(owned))
    if criteria.subscription_id is not None:
        statement = statement.where(
            col(WebhookDelivery.subscription_id) == criteria.subscription_id
        )
    if criteria.events:
        statement = statement.where(col(WebhookDelivery.event).in_(criteria.events))
    if criteria.statuses:
        statement = statement.where(col(WebhookDelivery.status).in_(criteria.statuses))
    return Listing(
        statement, (SortKey(col(WebhookDelivery.id), descending=True),), "webhookDeliveries"
    )

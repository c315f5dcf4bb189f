"""Periodic figures: registered sources and their run ledger, webhook subscriptions and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import SourceKind, SourceRunOutcome
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
        statement = statement.where(Source.kind.in_(criteria.kinds))  # type: ignore[attr-defined]
    if criteria.organisations is not None:
        owners = sa.select(Organisation.id).where(Organisation.code.in_(criteria.organisations))
        statement = statement.where(Source.organisation_id.in_(owners))  # type: ignore[attr-defined]
    if criteria.active is not None:
        statement = statement.where(Source.active.is_(criteria.active))  # type: ignore[attr-defined]
    if criteria.search:
        statement = statement.where(text_search([Source.code, Source.name], criteria.search))
    return Listing(statement, (SortKey(Source.code), SortKey(Source.id)), "sources")  # type: ignore[arg-type]


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
        wanted = sa.select(Source.id).where(Source.code.in_(criteria.sources))  # type: ignore[attr-defined]
        statement = statement.where(SourceRun.source_id.in_(wanted))  # type: ignore[attr-defined]
    if criteria.outcomes:
        statement = statement.where(SourceRun.outcome.in_(criteria.outcomes))  # type: ignore[attr-defined]
    if criteria.started_from is not None:
        statement = statement.where(SourceRun.started_at >= criteria.started_from)
    if criteria.started_to is not None:
        statement = statement.where(SourceRun.started_at <= criteria.started_to)
    return Listing(statement, (SortKey(SourceRun.id, descending=True),), "sourceRuns")  # type: ignore[arg-type]


def source_by_code(session: Session, code: str) -> Source | None:
    return session.scalar(sa.select(Source).where(Source.code == code))


def webhook_subscriptions(
    session: Session, organisation_id: int | None = None
) -> list[WebhookSubscription]:
    """Subscriptions (of one organisation, or all), oldest first."""
    statement = sa.select(WebhookSubscription).order_by(WebhookSubscription.id)  # type: ignore[arg-type]
    if organisation_id is not None:
        statement = statement.where(WebhookSubscription.organisation_id == organisation_id)
    return list(session.scalars(statement))


def subscription_of(session: Session, organisation_id: int, url: str) -> WebhookSubscription | None:
    return session.scalar(
        sa.select(WebhookSubscription).where(
            WebhookSubscription.organisation_id == organisation_id,
            WebhookSubscription.url == url,
        )
    )


def all_webhook_deliveries(session: Session, *, limit: int = 100) -> list[WebhookDelivery]:
    """Every organisation's latest deliveries, newest first (for administrators)."""
    return list(
        session.scalars(
            sa.select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)  # type: ignore[union-attr]
        )
    )

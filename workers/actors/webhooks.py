"""Webhook deliveries on the ``maintenance`` queue, retried with exponential backoff."""

from __future__ import annotations

from sqlmodel import Session

from services.periodic.webhook_delivery import attempt_delivery
from workers.attempts import current_attempt
from workers.outbox import job_actor

DELIVERY_MAX_RETRIES = 8
DELIVERY_MIN_BACKOFF_MS = 10_000  # 10 s, 20 s, 40 s … up to an hour between attempts
DELIVERY_MAX_BACKOFF_MS = 60 * 60_000


@job_actor(
    max_retries=DELIVERY_MAX_RETRIES,
    min_backoff=DELIVERY_MIN_BACKOFF_MS,
    max_backoff=DELIVERY_MAX_BACKOFF_MS,
    time_limit_ms=60_000,
)
def deliver_webhook(session: Session, delivery_id: int) -> None:
    """POST one signed webhook delivery; every attempt is recorded in its delivery log."""
    attempt_delivery(delivery_id, current_attempt(deliver_webhook))

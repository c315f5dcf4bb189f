"""Source pulls on the ``ingest`` queue: network failures retry with exponential backoff."""

from __future__ import annotations

from sqlmodel import Session

from services.periodic.source_pulls import run_pull
from workers.attempts import current_attempt
from workers.outbox import job_actor

PULL_MAX_RETRIES = 5
PULL_MIN_BACKOFF_MS = 30_000  # then 1, 2, 4, 8 minutes (dramatiq doubles it, with jitter)
PULL_MAX_BACKOFF_MS = 30 * 60_000


@job_actor(
    max_retries=PULL_MAX_RETRIES,
    min_backoff=PULL_MIN_BACKOFF_MS,
    max_backoff=PULL_MAX_BACKOFF_MS,
    time_limit_ms=15 * 60_000,
)
def pull_source(session: Session, source_id: int) -> None:
    """Fetch a source and submit its content; each attempt is written to the source-run ledger.

    The ledger and the submission commit in transactions of their own (a failed attempt stays on
    record); ``session`` only carries the outbox job's done mark.
    """
    run_pull(source_id, current_attempt(pull_source))

"""One attempt of a source pull: fetch, submit through the partner intake, keep the ledger.

The pulled content becomes a submission of the source's organisation on the ``source_pull``
channel, so validation, review and idempotency are those of a partner: content that was pulled
before returns the earlier submission and the run is recorded as ``unchanged``.
"""

from __future__ import annotations

import io
import logging

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import SourceRunOutcome, SubmissionChannel
from core.principal import Actor
from db.engine import session_scope
from db.models import Jurisdiction, Organisation, OrganisationScope, Source, SourceRun
from services import audit
from services.jobs import Attempt, enqueue_job
from services.periodic.fetching import FetchError, http_client
from services.periodic.pulls import PulledContent, pull_content
from services.periodic.source_runs import close_run, open_run
from services.submissions import service as intake
from services.submissions.intake import IntakeRequest

log = logging.getLogger(__name__)


class PullRetry(Exception):
    """This attempt failed in a way a later attempt may not; the caller lets dramatiq retry."""


def run_pull(source_id: int, attempt: Attempt, engine: sa.Engine | None = None) -> SourceRunOutcome:
    """Pull the source once and record the attempt; raises ``PullRetry`` to be tried again."""
    with session_scope(engine) as session:
        source = session.get(Source, source_id)
        if source is None or not source.active:
            log.info("source %s is gone or inactive: nothing pulled", source_id)
            return SourceRunOutcome.UNCHANGED
        session.expunge(source)
        scope = reported_jurisdictions(session, source.organisation_id)
    run_id = open_run(engine, source_id, attempt)
    try:
        with http_client() as client:
            content = pull_content(source, client, keep=scope.__contains__)
        return _submit(engine, run_id, source, content)
    except FetchError as exc:
        return _failed(engine, run_id, attempt, str(exc), retryable=exc.retryable)
    except Exception as exc:  # the database or the intake: worth another attempt
        return _failed(engine, run_id, attempt, f"{type(exc).__name__}: {exc}", retryable=True)
    except BaseException as exc:  # the time limit interrupts the thread; keep the ledger true
        close_run(engine, run_id, _retry_or_fail(attempt), error=f"interrupted: {exc!r}")
        raise


def reported_jurisdictions(session: Session, organisation_id: int) -> set[str]:
    """Codes of the jurisdictions an organisation may report for (its scope rows)."""
    return set(
        session.exec(
            select(Jurisdiction.code)
            .join(OrganisationScope, col(OrganisationScope.jurisdiction_id) == col(Jurisdiction.id))
            .where(OrganisationScope.organisation_id == organisation_id)
        )
    )


def _submit(
    engine: sa.Engine | None, run_id: int, source: Source, content: PulledContent
) -> SourceRunOutcome:
    """Submission and ledger in one transaction: a run says ``succeeded`` only if it was kept."""
    with session_scope(engine) as session:
        organisation = session.get(Organisation, source.organisation_id)
        assert organisation is not None
        request = IntakeRequest(
            organisation,
            SubmissionChannel.SOURCE_PULL,
            content.filename,
            correction_reason=f"revised by the publisher; scheduled pull of source {source.code}",
        )
        received = intake.submit_file(session, request, io.BytesIO(content.content))
        run = session.get(SourceRun, run_id)
        assert run is not None
        run.outcome = SourceRunOutcome.SUCCEEDED if received.created else SourceRunOutcome.UNCHANGED
        run.rows = content.rows
        run.submission_id = received.submission.id
        run.note = content.note
        run.finished_at = utcnow()
        return run.outcome


def _failed(
    engine: sa.Engine | None, run_id: int, attempt: Attempt, error: str, *, retryable: bool
) -> SourceRunOutcome:
    outcome = _retry_or_fail(attempt) if retryable else SourceRunOutcome.FAILED
    close_run(engine, run_id, outcome, error=error)
    if outcome is SourceRunOutcome.RETRYING:
        raise PullRetry(error)
    log.warning("source pull failed for good (run %s): %s", run_id, error)
    return outcome


def _retry_or_fail(attempt: Attempt) -> SourceRunOutcome:
    return SourceRunOutcome.FAILED if attempt.last else SourceRunOutcome.RETRYING


class PullRequestRefused(ValueError):
    """A pull outside the schedule that cannot be queued; ``code``: not_allowed, not_found,
    inactive."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def request_pull(session: Session, actor: Actor, code: str) -> Source:
    """Queue a pull of source ``code`` now, outside its schedule (administrators only); audited."""
    if not actor.is_admin:
        raise PullRequestRefused("not_allowed", "Only administrators pull sources.")
    source = session.exec(select(Source).where(Source.code == code)).first()
    if source is None:
        raise PullRequestRefused("not_found", f"No source with code '{code}'.")
    if not source.active:
        raise PullRequestRefused(
            "inactive", f"Source '{code}' is paused (inactive): activate it first."
        )
    assert source.id is not None  # loaded from the database
    job = enqueue_job(session, "pull_source", source_id=source.id)
    audit.record(
        session,
        actor,
        "source.pull_requested",
        "source",
        source.id,
        after={"code": code, "outbox_job_id": job.id},
    )
    return source

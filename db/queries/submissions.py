"""Submissions (batches of figures) and their row-level errors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import SubmissionChannel, SubmissionStatus
from db.models import Organisation, Submission, SubmissionError
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows, grouped_by


@dataclass(frozen=True)
class SubmissionCriteria:
    organisations: Sequence[str] | None = None
    statuses: Sequence[SubmissionStatus] | None = None
    channels: Sequence[SubmissionChannel] | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    dry_run: bool | None = None
    with_errors: bool | None = None
    visible_to: set[int] | None = None  # organisation ids whose submissions may be shown; None: all


def submissions(criteria: SubmissionCriteria) -> Listing[Submission]:
    statement = sa.select(Submission)
    if criteria.visible_to is not None:
        statement = statement.where(col(Submission.organisation_id).in_(criteria.visible_to))
    if criteria.organisations is not None:
        organisations = sa.select(col(Organisation.id)).where(
            col(Organisation.code).in_(criteria.organisations)
        )
        statement = statement.where(col(Submission.organisation_id).in_(organisations))
    if criteria.statuses:
        statement = statement.where(col(Submission.status).in_(criteria.statuses))
    if criteria.channels:
        statement = statement.where(col(Submission.channel).in_(criteria.channels))
    if criteria.received_from is not None:
        statement = statement.where(col(Submission.received_at) >= criteria.received_from)
    if criteria.received_to is not None:
        statement = statement.where(col(Submission.received_at) <= criteria.received_to)
    if criteria.dry_run is not None:
        statement = statement.where(col(Submission.dry_run).is_(criteria.dry_run))
    if criteria.with_errors is not None:
        statement = statement.where(
            col(Submission.error_count) > 0
            if criteria.with_errors
            else col(Submission.error_count) == 0
        )
    return Listing(statement, (SortKey(col(Submission.id), descending=True),), "submissions")


# Row order, the whole file's errors (no row number) first, on every engine (PostgreSQL would
# put nulls last): row numbers start at 1.
_ERROR_ORDER = sa.func.coalesce(col(SubmissionError.row_number), -1)


def errors_of_submissions(
    session: Session, submission_ids: Iterable[int]
) -> dict[int, list[SubmissionError]]:
    """Every kept error of the submissions (at most 1000 each are kept), in row order: for
    the submissions export, which writes them all."""
    return grouped_by(
        session,
        SubmissionError,
        col(SubmissionError.submission_id),
        submission_ids,
        order_by=[_ERROR_ORDER],
    )


ERRORS_OF_SUBMISSIONS = ChildRows(
    SubmissionError, col(SubmissionError.submission_id), ((_ERROR_ORDER, False),)
)
"""A submission's errors in row order, the whole file's first, then by id: read a page at a time."""


SUBMISSIONS_OF_ORGANISATIONS = ChildRows(
    Submission, col(Submission.organisation_id), ((col(Submission.id), True),)
)
"""An organisation's submissions, newest first."""

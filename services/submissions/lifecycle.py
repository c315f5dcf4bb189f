"""A submission's life: validate → rejected | validated → approved | returned → applied; a
submission whose job keeps failing ends as failed (never left validating or approved).

Each step is one function over one session; the caller's transaction makes it all-or-nothing.
Files are read twice (validate, then apply), streaming, so memory does not grow with their size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from core.clock import utcnow
from core.enums import Role, SubmissionChannel, SubmissionStatus
from core.principal import Actor
from db.models import Organisation, OrganisationScope, Submission, SubmissionError
from db.queries.access import taskforce_organisations
from ingest.columnar import BatchValidator
from ingest.errors import ErrorCode, FileError, RowError, render_messages
from ingest.frames import pl
from ingest.headers import OBSERVATION_HEADERS
from ingest.projects.headers import PROJECT_HEADERS
from ingest.raw_rows import BATCH_ROWS, RawRow, RowBatch
from ingest.tabular import read_table, read_table_batches
from ingest.validation import ValidationContext
from services import audit
from services.projects.imports import ProjectFileCheck, apply_project_file
from services.submissions.cells import CodeIds
from services.submissions.context import validation_context
from services.submissions.observations import WriteStats
from services.submissions.payloads import PayloadStore
from services.submissions.staging import ApplyTarget, Correction, Staging, staging_for

BATCH = BATCH_ROWS  # rows per columnar batch (read at call time: a test makes it small)
STORED_ERRORS = 1000
Progress = Callable[[int], None]


class SubmissionStateError(ValueError):
    """The submission is not in a state that allows the step (e.g. approving a rejected one)."""


class DecisionNotAllowed(PermissionError):
    """The actor may not approve or return this submission."""


def may_decide(session: Session, actor: Actor, submission: Submission) -> bool:
    """An administrator decides on any submission; a task force on those of its area."""
    if actor.is_admin:
        return True
    if actor.role is not Role.TASKFORCE or actor.organisation_id is None:
        return False
    return submission.organisation_id in taskforce_organisations(session, actor.organisation_id)


@dataclass
class Outcome:
    submission_id: int
    status: SubmissionStatus
    rows: int = 0
    errors: int = 0
    applied: WriteStats | None = None
    affected_cells: set[tuple[int, int]] = field(default_factory=set)


def _is_projects(submission: Submission) -> bool:
    return submission.channel is SubmissionChannel.PROJECT


def _rows(store: PayloadStore, submission: Submission) -> Iterator[RawRow]:
    headers = PROJECT_HEADERS if _is_projects(submission) else OBSERVATION_HEADERS
    path = store.path(submission.payload_path or "")
    return read_table(path, submission.filename or "rows.csv", headers=headers)


def _batches(store: PayloadStore, submission: Submission) -> Iterator[RowBatch]:
    path = store.path(submission.payload_path or "")
    return read_table_batches(path, submission.filename or "rows.csv", size=BATCH)


def _set_status(
    session: Session,
    submission: Submission,
    status: SubmissionStatus,
    *,
    actor: str = "system",
    user_id: int | None = None,
    reason: str | None = None,
) -> None:
    before = submission.status
    submission.status = status
    assert submission.id is not None  # a stored submission
    audit.record(
        session,
        None,
        f"submission.{status.value}",
        "submission",
        submission.id,
        before={"status": before.value},
        after={"status": status.value},
        reason=reason,
        actor_label=actor,
        user_id=user_id,
    )


def validate_submission(
    session: Session,
    store: PayloadStore,
    submission_id: int,
    today: date,
    progress: Progress | None = None,
) -> Outcome:
    """Check every row; store the errors, or (trusted source, not a dry run) apply at once."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionStateError(f"submission {submission_id} does not exist")
    if submission.status not in (SubmissionStatus.RECEIVED, SubmissionStatus.VALIDATING):
        return Outcome(submission_id, submission.status)  # already done: a redelivered job
    organisation = session.get(Organisation, submission.organisation_id)
    assert organisation is not None
    apply_now = organisation.trusted_source and not submission.dry_run
    # A trusted source's figures are staged while they are checked: one read of the file.
    check: _SubmissionCheck | ProjectFileCheck = (
        ProjectFileCheck(session, submission, organisation, today)
        if _is_projects(submission)
        else _SubmissionCheck(session, submission, organisation, today, apply=apply_now)
    )
    try:
        if isinstance(check, _SubmissionCheck):
            for rows_seen in check.run(_batches(store, submission)):
                if progress:
                    progress(rows_seen)
        else:
            for rows_seen in check.run(_rows(store, submission)):
                if progress:
                    progress(rows_seen)
    except FileError as error:
        check.add_file_error(error)
    if isinstance(check, _SubmissionCheck):
        check.finish()
    submission.row_count = check.rows
    submission.error_count = check.error_count
    submission.validated_at = utcnow()
    outcome = Outcome(submission_id, submission.status, rows=check.rows, errors=check.error_count)
    if check.error_count:
        _set_status(session, submission, SubmissionStatus.REJECTED)
    elif apply_now:
        _set_status(session, submission, SubmissionStatus.VALIDATED)
        if isinstance(check, _SubmissionCheck):
            return _applied(session, submission, check.rows, check.staging.apply())
        return apply_submission(session, store, submission_id, today)
    else:
        _set_status(session, submission, SubmissionStatus.VALIDATED)
    outcome.status = submission.status
    return outcome


def _staging(
    session: Session, submission: Submission, organisation: Organisation, apply: bool
) -> Staging:
    assert organisation.id is not None and submission.id is not None  # stored ones
    target = ApplyTarget(
        source_id=organisation.id,
        submission_id=submission.id,
        recorded_at=utcnow(),
        reason=submission.correction_reason,
    )
    return staging_for(session, CodeIds.load(session), target, apply)


class _SubmissionCheck:
    """Columnar validation plus what only the database knows: exact scope pairs (a join) and
    corrections (set-based over the staged rows on PostgreSQL, per batch elsewhere).

    Valid rows are staged as they are checked; ``finish`` discards them when any row of the
    file was wrong, else ``staging.apply()`` writes them (a trusted source's submission).
    """

    def __init__(
        self,
        session: Session,
        submission: Submission,
        organisation: Organisation,
        today: date,
        apply: bool = False,
    ) -> None:
        assert submission.id is not None  # a stored submission
        self.session = session
        self.submission = submission
        self.submission_id = submission.id
        self.kept_errors: list[SubmissionError] = []
        self.context: ValidationContext = validation_context(session, organisation, today)
        self.staging = _staging(session, submission, organisation, apply)
        self.ids = self.staging.ids
        self.scope = _scope_frames(session, organisation)
        self.check_corrections = not submission.correction_reason
        self.rows = 0
        self.error_count = 0

    def run(self, batches: Iterable[RowBatch]) -> Iterator[int]:
        with BatchValidator(self.context) as validator:
            for batch in batches:
                result = validator.validate(batch)
                self.rows += result.rows
                self._store(result.errors)
                in_scope = self._in_scope(self.ids.with_ids(result.valid))
                corrections = self.staging.add(
                    in_scope, self.check_corrections, write=not self.error_count
                )
                self._store(_correction_errors(corrections))
                yield self.rows

    def _in_scope(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows whose (jurisdiction, indicator) pair the organisation may report; the others
        are stored as ``outside_scope_pair`` errors."""
        pairs, whole_jurisdictions = self.scope
        checked = frame.join(
            pairs, on=["jurisdiction_id", "indicator_id"], how="left", maintain_order="left"
        ).join(whole_jurisdictions, on="jurisdiction_id", how="left", maintain_order="left")
        allowed = pl.col("pair_allowed").fill_null(False) | pl.col("all_allowed").fill_null(False)
        outside = checked.filter(~allowed).select("row", "indicator", "jurisdiction").rows()
        self._store(
            [
                _row_error(
                    row,
                    "indicator",
                    indicator,
                    ErrorCode.OUTSIDE_SCOPE_PAIR,
                    indicator=indicator,
                    jurisdiction=jurisdiction,
                )
                for row, indicator, jurisdiction in outside
            ]
        )
        return checked.filter(allowed) if outside else frame

    def _keep(self, error: SubmissionError) -> None:
        # Kept aside (at most STORED_ERRORS) and added by ``finish``: an added row would be
        # flushed by the next query, and on SQLite the write lock would then be held for as
        # long as the rest of the file takes to read.
        self.kept_errors.append(error)

    def finish(self) -> None:
        """The set-based correction check; the staged rows are dropped when any row was
        wrong; the errors are stored."""
        if self.check_corrections:
            self._store(_correction_errors(self.staging.corrections()))
        if self.error_count:
            self.staging.discard()
        self.session.add_all(self.kept_errors)

    def _store(self, errors: list[RowError]) -> None:
        for error in errors:
            if self.error_count < STORED_ERRORS:
                self._keep(
                    SubmissionError(
                        submission_id=self.submission_id,
                        row_number=error.row,
                        column=error.header or error.column,
                        value=error.value,
                        code=error.code.value,
                        message_en=error.message_en,
                        message_nl=error.message_nl,
                    )
                )
            self.error_count += 1

    def add_file_error(self, error: FileError) -> None:
        self._keep(
            SubmissionError(
                submission_id=self.submission_id,
                row_number=error.row,
                code=error.code.value,
                message_en=error.message_en,
                message_nl=error.message_nl,
            )
        )
        self.error_count += 1


def _scope_frames(
    session: Session, organisation: Organisation
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The organisation's scope as two frames to join: exact (jurisdiction, indicator) pairs,
    and the jurisdictions where every indicator is allowed."""
    scope = session.exec(
        select(OrganisationScope.jurisdiction_id, OrganisationScope.indicator_id).where(
            OrganisationScope.organisation_id == organisation.id
        )
    ).all()
    pairs = pl.DataFrame(
        [(j, i) for j, i in set(scope) if i is not None],
        schema={"jurisdiction_id": pl.Int64, "indicator_id": pl.Int64},
        orient="row",
    ).with_columns(pl.lit(True).alias("pair_allowed"))
    whole = pl.DataFrame(
        {"jurisdiction_id": sorted({j for j, i in scope if i is None})},
        schema={"jurisdiction_id": pl.Int64},
    ).with_columns(pl.lit(True).alias("all_allowed"))
    return pairs, whole


def _correction_errors(corrections: list[Correction]) -> list[RowError]:
    return [
        _row_error(
            correction.row,
            "value",
            str(correction.new),
            ErrorCode.CORRECTION_WITHOUT_REASON,
            old=_plain(correction.old),
            new=_plain(correction.new),
        )
        for correction in corrections
    ]


def _plain(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _row_error(row: int, column: str, value: str, code: ErrorCode, **params: object) -> RowError:
    message_en, message_nl = render_messages(code, **params)
    return RowError(
        row=row,
        column=column,
        header=column,
        column_number=None,
        value=value,
        code=code,
        message_en=message_en,
        message_nl=message_nl,
    )


def approve_submission(
    session: Session, submission_id: int, *, actor: Actor, reason: str | None = None
) -> Submission:
    submission = _decidable(session, submission_id, actor, "approved")
    if submission.dry_run:
        raise SubmissionStateError(
            f"submission {submission_id} is a dry run: there is nothing to approve"
        )
    _decide(session, submission, SubmissionStatus.APPROVED, actor, reason)
    return submission


def return_submission(
    session: Session, submission_id: int, *, actor: Actor, reason: str
) -> Submission:
    if not reason.strip():
        raise SubmissionStateError(
            "returning a submission needs a reason the organisation can act on"
        )
    submission = _decidable(session, submission_id, actor, "returned")
    _decide(session, submission, SubmissionStatus.RETURNED, actor, reason)
    return submission


def _decidable(session: Session, submission_id: int, actor: Actor, verb: str) -> Submission:
    submission = _in_state(session, submission_id, SubmissionStatus.VALIDATED, verb)
    if not may_decide(session, actor, submission):
        raise DecisionNotAllowed(
            f"{actor.label} may not decide on submission {submission_id}: only an administrator "
            "or the task force of its area"
        )
    return submission


def _decide(
    session: Session,
    submission: Submission,
    status: SubmissionStatus,
    actor: Actor,
    reason: str | None,
) -> None:
    submission.decided_at = utcnow()
    submission.decided_by_user_id = actor.user_id
    submission.decision_reason = reason
    _set_status(
        session, submission, status, actor=actor.label, user_id=actor.user_id, reason=reason
    )


def _in_state(
    session: Session, submission_id: int, state: SubmissionStatus, verb: str
) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionStateError(f"submission {submission_id} does not exist")
    if submission.status is not state:
        raise SubmissionStateError(
            f"submission {submission_id} is {submission.status.value}; only a {state.value} submission can be {verb}"
        )
    return submission


def apply_submission(
    session: Session,
    store: PayloadStore,
    submission_id: int,
    today: date,
    progress: Progress | None = None,
) -> Outcome:
    """Write the rows as observations (approved, or validated from a trusted source)."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionStateError(f"submission {submission_id} does not exist")
    if submission.status is SubmissionStatus.APPLIED:
        return Outcome(submission_id, submission.status)  # a redelivered job
    organisation = session.get(Organisation, submission.organisation_id)
    assert organisation is not None
    allowed = {SubmissionStatus.APPROVED} | (
        {SubmissionStatus.VALIDATED} if organisation.trusted_source else set()
    )
    if submission.status not in allowed or submission.dry_run:
        raise SubmissionStateError(
            f"submission {submission_id} is {submission.status.value} and cannot be applied"
        )
    if _is_projects(submission):
        return _apply_projects(session, store, submission, organisation, today)
    context = validation_context(session, organisation, today)
    staging = _staging(session, submission, organisation, apply=True)
    written = 0
    with BatchValidator(context) as validator:
        for batch in _batches(store, submission):
            valid = staging.ids.with_ids(validator.validate(batch).valid)
            staging.add(valid, check_corrections=False, write=True)
            written += valid.height
            if progress:
                progress(written)
    return _applied(session, submission, written, staging.apply())


def _applied(session: Session, submission: Submission, rows: int, stats: WriteStats) -> Outcome:
    submission.applied_at = utcnow()
    _set_status(session, submission, SubmissionStatus.APPLIED)
    assert submission.id is not None  # a stored submission
    return Outcome(
        submission.id,
        SubmissionStatus.APPLIED,
        rows=rows,
        applied=stats,
        affected_cells=stats.cells,
    )


# The states a job works on; a job that gives up leaves the submission failed instead.
UNFINISHED = (SubmissionStatus.RECEIVED, SubmissionStatus.VALIDATING, SubmissionStatus.APPROVED)
FAILURE_REASON_CHARS = 500


def fail_submission(session: Session, submission_id: int, reason: str) -> Submission | None:
    """End an unfinished submission as failed with ``reason`` (nothing for a finished one, or
    one that does not exist); its errors and its payload stay."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.status not in UNFINISHED:
        return None
    submission.failure_reason = reason[:FAILURE_REASON_CHARS]
    _set_status(session, submission, SubmissionStatus.FAILED, reason=submission.failure_reason)
    return submission


def _apply_projects(
    session: Session,
    store: PayloadStore,
    submission: Submission,
    organisation: Organisation,
    today: date,
) -> Outcome:
    """A project file: create, update and move the organisation's projects."""
    result = apply_project_file(session, _rows(store, submission), submission, organisation, today)
    submission.applied_at = utcnow()
    _set_status(session, submission, SubmissionStatus.APPLIED)
    assert submission.id is not None  # a stored submission
    return Outcome(
        submission.id,
        SubmissionStatus.APPLIED,
        rows=result.rows,
        affected_cells=result.cells,
    )

"""Project files through the submission machinery (channel ``project``).

``ProjectFileCheck`` validates a file for ``validate_submission``: every row on its own, the rows
of one project together, then against the organisation's scope and stored projects (a new or
moved project must lie in a municipality of its scope; a phase move the file implies must be
allowed; the submission's correction reason is the reason of backward moves, cancellations and
corrections of completed projects). ``apply_project_file`` writes it for
``apply_submission`` through the project services, keyed by the organisation's project key:
a new key creates a project, a known one is updated (same rows: nothing changes) and moved to the
file's phase with the note ``import``.

Phase dates: a move happens on the day of the import, except a completion, dated by the
``opleverdatum`` of the row (the day of the import when empty).

A project file is held in memory while it is grouped (projects are hundreds of rows, not
millions).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from core.enums import ProjectPhase, Role
from core.principal import Actor
from db.models import Organisation, Submission, SubmissionError
from ingest.errors import ErrorCode, FileError, RowError
from ingest.projects.errors import ProjectError
from ingest.projects.phases import MoveKind, check_move, require_reason_to_change_final
from ingest.projects.rows import ProjectLine, ProjectRecord, check_line, group_lines
from ingest.raw_rows import RawRow
from services.projects.codes import load_project_codes
from services.projects.details import resolve, stored_details
from services.projects.scope import require_may_place
from services.projects.service import (
    PhaseMove,
    create_project,
    find_project,
    move_phase,
    update_project,
)

IMPORT_NOTE = "import"
PROGRESS_EVERY = 1000
STORED_ERRORS = 1000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    cells: set[tuple[int, int]] = field(default_factory=set)


class ProjectFileCheck:
    """Same interface as the figures check of services.submissions.lifecycle."""

    def __init__(
        self, session: Session, submission: Submission, organisation: Organisation, today: date
    ) -> None:
        assert submission.id is not None and organisation.id is not None  # stored rows
        self.session = session
        self.submission = submission
        self.submission_id = submission.id
        self.organisation = organisation
        self.organisation_id = organisation.id
        self.today = today
        self.codes = load_project_codes(session)
        self.rows = 0
        self.error_count = 0

    def run(self, raw_rows: Iterable[RawRow]) -> Iterator[int]:
        lines: list[ProjectLine] = []
        for raw in raw_rows:
            self.rows += 1
            result = check_line(raw, self.codes)
            if isinstance(result, ProjectLine):
                lines.append(result)
            else:
                self._store(result)
            if self.rows % PROGRESS_EVERY == 0:
                yield self.rows
        records, conflicts = group_lines(lines)
        self._store(conflicts)
        for record in records:
            self._store(self._against_stored(record))
        yield self.rows

    def add_file_error(self, error: FileError) -> None:
        self._add(error.row, None, None, error.code, error.message_en, error.message_nl)

    def _against_stored(self, record: ProjectRecord) -> list[RowError]:
        """What the file would do to the stored project, checked as the services will."""
        existing = find_project(self.session, self.organisation_id, record.key)
        reason = self.submission.correction_reason
        label = f"'{record.details.name}' ({record.key})"
        try:
            resolved = resolve(self.codes, record.details)
            require_may_place(
                self.session,
                import_actor(self.submission, self.organisation),
                self.organisation_id,
                resolved.municipality_id,
                label,
                current_municipality_id=existing.municipality_id if existing else None,
            )
            if existing is not None and resolved != stored_details(self.session, existing):
                require_reason_to_change_final(existing.phase, reason, label)
            kind = check_move(existing.phase if existing else None, record.phase, reason, label)
            move = phase_move(record, None, self.today)
            if kind is not MoveKind.UNCHANGED and move.on > self.today:
                raise ProjectError(
                    ErrorCode.COMPLETION_IN_FUTURE,
                    "expected_completion",
                    project=label,
                    value=move.on.isoformat(),
                    today=self.today.isoformat(),
                )
        except ProjectError as error:
            return [_as_row_error(record, error)]
        return []

    def _store(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            column = error.header or error.column
            self._add(
                error.row, column, error.value, error.code, error.message_en, error.message_nl
            )

    def _add(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        code: ErrorCode,
        message_en: str,
        message_nl: str,
    ) -> None:
        if self.error_count < STORED_ERRORS:
            self.session.add(
                SubmissionError(
                    submission_id=self.submission_id,
                    row_number=row,
                    column=column,
                    value=value,
                    code=code.value,
                    message_en=message_en,
                    message_nl=message_nl,
                )
            )
        self.error_count += 1


def apply_project_file(
    session: Session,
    raw_rows: Iterable[RawRow],
    submission: Submission,
    organisation: Organisation,
    today: date,
) -> ImportResult:
    """Create, update and move the file's projects (validated before: this raises ProjectError
    only when the stored projects changed since)."""
    codes = load_project_codes(session)
    result = ImportResult()
    lines = []
    for raw in raw_rows:
        result.rows += 1
        line = check_line(raw, codes)
        if isinstance(line, ProjectLine):
            lines.append(line)
    records, _ = group_lines(lines)
    actor = import_actor(submission, organisation)
    reason = submission.correction_reason
    owner_id = organisation.id
    assert owner_id is not None  # a stored organisation
    for record in records:
        existing = find_project(session, owner_id, record.key)
        if existing is None:
            created = create_project(
                session,
                actor,
                record.details,
                external_key=record.key,
                start=phase_move(record, reason, today),
                today=today,
                submission_id=submission.id,
            )
            result.created += 1
            result.cells |= created.cells
            continue
        assert existing.id is not None  # loaded from the database
        updated = update_project(
            session, actor, existing.id, record.details, reason=reason, submission_id=submission.id
        )
        moved = move_phase(
            session,
            actor,
            existing.id,
            phase_move(record, reason, today),
            today=today,
            submission_id=submission.id,
        )
        result.updated += updated.changed
        result.moved += moved.changed
        result.unchanged += not (updated.changed or moved.changed)
        result.cells |= updated.cells | moved.cells
    return result


def phase_move(record: ProjectRecord, reason: str | None, today: date) -> PhaseMove:
    on = today
    if record.phase is ProjectPhase.COMPLETED and record.details.expected_completion:
        on = record.details.expected_completion
    return PhaseMove(record.phase, on, note=IMPORT_NOTE, reason=reason)


def import_actor(submission: Submission, organisation: Organisation) -> Actor:
    """The submitting organisation acts on its own projects."""
    return Actor(
        user_id=submission.submitted_by_user_id,
        organisation_id=organisation.id,
        role=Role.PARTNER,
        label=f"{organisation.code} (submission {submission.id})",
    )


def _as_row_error(record: ProjectRecord, error: ProjectError) -> RowError:
    column = "phase" if error.field == "reason" else error.field
    return RowError(
        row=record.first_row,
        column=column,
        header=column,
        column_number=None,
        value=str(error.params.get("value", record.phase.value)),
        code=error.code,
        message_en=error.message_en,
        message_nl=error.message_nl,
    )

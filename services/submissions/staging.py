"""Where a submission's validated rows wait for the checks only the database can make
(a changed figure without a correction reason) and for the apply.

* PostgreSQL: each batch goes by ``COPY`` into a temporary table (dropped at commit). After the
  last batch one statement pairs every staged row with its cell's current version (the only
  join with ``observation``); the correction check reads that pairing, and the apply is one
  ``INSERT … SELECT`` from it into ``observation`` (new cells as version 1, changed ones as
  version n+1, equal ones not at all) and one ``UPDATE … FROM`` that supersedes the versions
  replaced: set-based, in the caller's transaction, so a worker dying anywhere in between leaves
  nothing behind.
* Other databases (SQLite): the simpler path, row by row, as before: each batch is checked
  against the current versions and, when it is to be applied, written at once inside a
  savepoint that is rolled back if any row of the file was wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from db.data_version import mark_changed
from ingest.columnar import valid_rows
from ingest.frames import pl
from services.submissions.cells import CodeIds
from services.submissions.observations import ObservationWriter, WriteStats, current_values

STAGING_TABLE = "submission_staging"
COMPARED_TABLE = "submission_compared"  # the staged rows with their cell's current version
STAGED_COLUMNS = (
    "row_number",
    "indicator_id",
    "jurisdiction_id",
    "period",
    "period_start",
    "period_end",
    "target_group_id",
    "housing_type_id",
    "price_segment",
    "cell_key",
    "value",
    "notes",
)


@dataclass(frozen=True)
class Correction:
    """A row that changes the current figure of its cell: (row, new value, old value)."""

    row: int
    new: Decimal
    old: Decimal


@dataclass(frozen=True)
class ApplyTarget:
    source_id: int
    submission_id: int
    recorded_at: datetime
    reason: str | None


class Staging:
    """The row-by-row path (any database)."""

    def __init__(self, session: Session, ids: CodeIds, target: ApplyTarget, apply: bool) -> None:
        self.session = session
        self.ids = ids
        self.target = target
        self.writer = (
            ObservationWriter(
                session,
                ids,
                source_id=target.source_id,
                submission_id=target.submission_id,
                recorded_at=target.recorded_at,
                reason=target.reason,
            )
            if apply
            else None
        )
        self.savepoint = session.begin_nested() if apply else None

    def add(self, frame: pl.DataFrame, check_corrections: bool, write: bool) -> list[Correction]:
        """Keep a batch of valid rows (``with_ids`` columns); the corrections among them when
        asked. ``write``: no row of the file was wrong so far."""
        rows = list(valid_rows(frame))
        corrections = []
        if check_corrections:
            keys = {str(self.ids.cell_of(row)["cell_key"]): row for row in rows}
            current = current_values(self.session, self.target.source_id, list(keys))
            for key, previous in current.items():
                row = keys[key]
                if Decimal(previous.value) != row.value:
                    corrections.append(Correction(row.row_number, row.value, previous.value))
        if self.writer is not None and write and not corrections:
            self.writer.write(rows)
        return corrections

    def corrections(self) -> list[Correction]:
        """Checked batch by batch on this path: nothing left."""
        return []

    def discard(self) -> None:
        if self.savepoint is not None:
            self.savepoint.rollback()

    def apply(self) -> WriteStats:
        assert self.writer is not None and self.savepoint is not None  # made to apply
        self.savepoint.commit()
        return self.writer.stats


class PostgresStaging(Staging):
    """The set-based path: COPY into a temporary table, then one statement per step."""

    def __init__(self, session: Session, ids: CodeIds, target: ApplyTarget, apply: bool) -> None:
        self.session = session
        self.ids = ids
        self.target = target
        self.writer = None
        self.savepoint = None
        self.staged = 0
        self.cells: set[tuple[int, int]] = set()
        self.checks_corrections = False
        self.compared = False
        session.execute(
            sa.text(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING_TABLE} ("
                "row_number integer NOT NULL, indicator_id integer NOT NULL, "
                "jurisdiction_id integer NOT NULL, period varchar(16) NOT NULL, "
                "period_start date NOT NULL, period_end date NOT NULL, "
                "target_group_id integer, housing_type_id integer, price_segment varchar(32), "
                "cell_key varchar(160) NOT NULL, value numeric NOT NULL, notes text"
                ") ON COMMIT DROP"
            )
        )
        session.execute(
            sa.text(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {COMPARED_TABLE} (LIKE {STAGING_TABLE}, "
                "current_id integer, current_value numeric, current_version integer"
                ") ON COMMIT DROP"
            )
        )
        # a retry in the same transaction
        session.execute(sa.text(f"TRUNCATE {STAGING_TABLE}, {COMPARED_TABLE}"))

    def add(self, frame: pl.DataFrame, check_corrections: bool, write: bool) -> list[Correction]:
        self.checks_corrections = self.checks_corrections or check_corrections
        if frame.is_empty():
            return []
        staged = frame.select(
            pl.col("row").alias("row_number"),
            "indicator_id",
            "jurisdiction_id",
            "period",
            "period_start",
            "period_end",
            "target_group_id",
            "housing_type_id",
            "price_segment",
            "cell_key",
            "value",
            pl.col("note").alias("notes"),
        )
        self.cells.update(staged.select("indicator_id", "jurisdiction_id").unique().iter_rows())
        buffer = io.BytesIO()
        staged.write_csv(buffer, include_header=False, null_value="\\N", quote_style="necessary")
        copy_into_staging(self.session, buffer.getvalue())
        self.staged += staged.height
        return []

    def corrections(self) -> list[Correction]:
        """The staged rows whose value differs from their cell's current one."""
        if not self.checks_corrections or not self.staged:
            return []
        self._compare()
        found = self.session.execute(
            sa.text(
                f"SELECT row_number, value, current_value FROM {COMPARED_TABLE} "
                "WHERE current_value <> value ORDER BY row_number"
            )
        )
        return [Correction(row, Decimal(new), Decimal(old)) for row, new, old in found]

    def discard(self) -> None:
        self.session.execute(sa.text(f"TRUNCATE {STAGING_TABLE}, {COMPARED_TABLE}"))

    def _compare(self) -> None:
        """Once, after the last batch: every staged row with its cell's current version."""
        if self.compared:
            return
        self.session.execute(
            sa.text(
                f"INSERT INTO {COMPARED_TABLE} SELECT s.*, o.id, o.value, o.version "
                f"FROM {STAGING_TABLE} AS s LEFT JOIN observation AS o "
                "ON o.source_organisation_id = :source AND o.cell_key = s.cell_key "
                "AND o.superseded_at IS NULL"
            ),
            {"source": self.target.source_id},
        )
        self.compared = True

    def apply(self) -> WriteStats:
        """One INSERT … SELECT of the new versions, one UPDATE … FROM superseding the old."""
        target = self.target
        parameters = {
            "source": target.source_id,
            "submission": target.submission_id,
            "recorded_at": target.recorded_at,
            "reason": target.reason,
        }
        self._compare()
        inserted = (
            self.session.connection()
            .execute(
                sa.text(
                    "INSERT INTO observation (indicator_id, jurisdiction_id, period, period_start, "
                    "period_end, target_group_id, housing_type_id, price_segment, cell_key, value, "
                    "per_year, notes, source_organisation_id, submission_id, recorded_at, version, "
                    "change_reason) "
                    "SELECT indicator_id, jurisdiction_id, period, period_start, period_end, "
                    "target_group_id, housing_type_id, price_segment, cell_key, value, false, "
                    "notes, :source, :submission, :recorded_at, coalesce(current_version, 0) + 1, "
                    "CASE WHEN current_id IS NULL THEN NULL ELSE :reason END "
                    f"FROM {COMPARED_TABLE} WHERE current_id IS NULL OR current_value <> value"
                ),
                parameters,
            )
            .rowcount
        )
        self.before_supersede()
        corrected = (
            self.session.connection()
            .execute(
                sa.text(
                    "UPDATE observation AS old SET superseded_at = :recorded_at, "
                    "superseded_by_id = new.id "
                    "FROM observation AS new "
                    "WHERE new.submission_id = :submission AND new.version > 1 "
                    "AND old.source_organisation_id = :source "
                    "AND old.cell_key = new.cell_key AND old.version = new.version - 1 "
                    "AND old.superseded_at IS NULL"
                ),
                parameters,
            )
            .rowcount
        )
        return WriteStats(
            created=inserted - corrected,
            corrected=corrected,
            unchanged=self.staged - inserted,
            cells=self.cells,
        )

    def before_supersede(self) -> None:
        """Between the two statements of the apply (a test makes a worker die here)."""


def copy_into_staging(session: Session, csv_rows: bytes) -> None:
    """``COPY`` CSV rows into the staging table of the session's transaction."""
    connection = session.connection()
    # A temporary table no read sees; marked all the same (every write past SQLAlchemy is), and
    # the transaction bumps the data version anyway: the submission's state changes in it.
    mark_changed(connection, STAGING_TABLE)
    statement = (
        f"COPY {STAGING_TABLE} ({', '.join(STAGED_COLUMNS)}) FROM STDIN "
        "WITH (FORMAT csv, NULL '\\N')"
    )
    # The DBAPI cursor protocol SQLAlchemy types does not know psycopg's COPY support.
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        copy.write(csv_rows)


def staging_for(session: Session, ids: CodeIds, target: ApplyTarget, apply: bool) -> Staging:
    if session.get_bind().dialect.name == "postgresql":
        return PostgresStaging(session, ids, target, apply)
    return Staging(session, ids, target, apply)

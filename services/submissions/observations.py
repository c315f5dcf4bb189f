"""Writing validated rows as observations: versioned per cell and source, in batches.

A value equal to the current one changes nothing. A different value is a new version; the old
one gets ``superseded_at`` and a link to its successor and is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from db.data_version import mark_changed
from db.models import Observation
from ingest.validation import ValidRow
from services.submissions.cells import CodeIds


@dataclass
class WriteStats:
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    cells: set[tuple[int, int]] = field(default_factory=set)  # (indicator id, jurisdiction id)


def current_values(session: Session, source_id: int, keys: Sequence[str]) -> dict[str, Observation]:
    """The current version per cell key, for one source."""
    if not keys:
        return {}
    rows = session.exec(
        select(Observation).where(
            col(Observation.source_organisation_id) == source_id,
            _one_of(session, col(Observation.cell_key), keys),
            col(Observation.superseded_at).is_(None),
        )
    )
    return {row.cell_key: row for row in rows}


def _one_of(
    session: Session, column: sa.SQLColumnExpression[str], values: Sequence[str]
) -> sa.ColumnElement[bool]:
    """``column IN (…)``; on PostgreSQL as ``= ANY(array)``: one parameter instead of a thousand,
    so the statement is not parsed and planned anew for every batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("values", list(values), type_=ARRAY(sa.String)))
    return column.in_(values)


COPY_COLUMNS = (
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
    "per_year",
    "notes",
    "source_organisation_id",
    "submission_id",
    "recorded_at",
    "version",
)


def insert_observations(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert new first versions in the session's transaction: PostgreSQL by ``COPY`` (several
    times faster than a multi-row INSERT for thousands of rows), other databases by executemany."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(Observation), list(rows))
        return
    mark_changed(connection, "observation")  # COPY goes past SQLAlchemy's cursor events
    statement = f"COPY observation ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    # The DBAPI cursor protocol SQLAlchemy types does not know psycopg's COPY support.
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(tuple(row.get(column) for column in COPY_COLUMNS))


class ObservationWriter:
    def __init__(
        self,
        session: Session,
        ids: CodeIds,
        *,
        source_id: int,
        submission_id: int | None,
        recorded_at: datetime,
        reason: str | None,
    ) -> None:
        self.session = session
        self.ids = ids
        self.source_id = source_id
        self.submission_id = submission_id
        self.recorded_at = recorded_at
        self.reason = reason
        self.stats = WriteStats()

    def write(self, rows: Sequence[ValidRow]) -> None:
        cells = [self.ids.cell_of(row) for row in rows]
        current = current_values(self.session, self.source_id, [str(c["cell_key"]) for c in cells])
        fresh: list[dict[str, object]] = []
        for row, cell in zip(rows, cells, strict=True):
            self.stats.cells.add((cell["indicator_id"], cell["jurisdiction_id"]))
            previous = current.get(str(cell["cell_key"]))
            if previous is not None and Decimal(previous.value) == row.value:
                self.stats.unchanged += 1
                continue
            values: dict[str, Any] = {
                **cell,
                "value": row.value,
                "notes": row.note,
                "source_organisation_id": self.source_id,
                "submission_id": self.submission_id,
                "recorded_at": self.recorded_at,
                "version": 1,
                "per_year": False,
            }
            if previous is None:
                fresh.append(values)
                self.stats.created += 1
            else:
                self._supersede(previous, values)
        if fresh:
            insert_observations(self.session, fresh)

    def _supersede(self, previous: Observation, values: dict[str, Any]) -> None:
        successor = Observation(
            **{**values, "version": previous.version + 1, "change_reason": self.reason}
        )
        self.session.add(successor)
        self.session.flush()
        previous.superseded_at = self.recorded_at
        previous.superseded_by_id = successor.id
        self.stats.corrected += 1

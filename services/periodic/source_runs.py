"""The ledger of source pulls. An attempt is opened and closed in transactions of its own, so a
failure (and the rollback of whatever the attempt did) is still on record."""

from __future__ import annotations

import sqlalchemy as sa

from core.clock import utcnow
from core.enums import SourceRunOutcome
from db.engine import session_scope
from db.models import SourceRun
from services.jobs import Attempt


def open_run(engine: sa.Engine | None, source_id: int, attempt: Attempt) -> int:
    with session_scope(engine) as session:
        run = SourceRun(source_id=source_id, message_id=attempt.message_id, attempt=attempt.number)
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def close_run(
    engine: sa.Engine | None,
    run_id: int,
    outcome: SourceRunOutcome,
    *,
    error: str | None = None,
    rows: int | None = None,
) -> None:
    with session_scope(engine) as session:
        run = session.get(SourceRun, run_id)
        if run is None:
            return
        run.outcome = outcome
        run.error = error[:4000] if error else None
        run.rows = rows
        run.finished_at = utcnow()

"""A connection cut in the middle of a transaction (the database restarted, the backend
terminated): the transaction is rolled back, the caller sees the real error, and the job's retry
succeeds on a fresh connection.

Issue 22: after a PostgreSQL restart ``refresh_open_data`` failed on every attempt with
``PendingRollbackError: Can't reconnect until invalid transaction is rolled back``: the data
version's rollback listener read the cut connection's ``info``, which tried to reconnect inside
the very rollback that was to clear the invalid transaction, so no session whose connection had
been cut could be rolled back or closed (every actor, every request)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from core.enums import JobStatus
from db.engine import session_scope
from db.models import OutboxJob
from services.exports.open_data import DESCRIPTOR, open_data_directory
from services.jobs import MAINTENANCE, enqueue_job
from tests.api.test_open_data import _world
from tests.conftest import drain, is_postgres
from tests.factories import Factory


def _cut(connection: sa.Connection) -> None:
    """Cut the connection as a database restart does: on PostgreSQL its backend is terminated
    from another connection; SQLite has no server, so the connection is invalidated the way
    SQLAlchemy invalidates one whose server went away."""
    if not is_postgres():
        connection.invalidate()
        return
    pid = connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
    admin = sa.create_engine(connection.engine.url, poolclass=NullPool)
    try:
        with admin.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


@contextmanager
def connection_cut_before(
    engine: sa.Engine | type[sa.Engine], matches: Callable[[str], bool]
) -> Iterator[list[str]]:
    """Cut the connection that is about to send the first statement ``matches`` accepts (on
    ``engine``, or on every engine when given the class)."""
    cut: list[str] = []

    def before(connection: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if not cut and matches(statement):
            cut.append(statement)
            _cut(connection)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield cut
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def _reads_observations(statement: str) -> bool:
    return statement.lstrip().upper().startswith("SELECT") and "FROM observation" in statement


def test_a_session_whose_connection_was_cut_rolls_back_with_the_real_error(clean_db) -> None:
    # the database error itself reaches the caller, not a failed rollback's PendingRollbackError
    # (raised before the fix by the data version's rollback listener)
    with (
        connection_cut_before(clean_db, _reads_observations) as cut,
        pytest.raises(sa.exc.DBAPIError),
        session_scope(clean_db) as session,
    ):
        session.exec(select(OutboxJob)).all()
        session.execute(sa.text("SELECT count(*) FROM observation"))
    assert cut
    # and a new session works at once
    with session_scope(clean_db) as session:
        assert session.execute(sa.text("SELECT count(*) FROM observation")).scalar() == 0


def test_the_open_data_job_cut_mid_work_succeeds_on_its_retry(
    session: Session, make: Factory, broker, worker
) -> None:
    # given published figures and a refresh of the open-data package queued
    _world(session, make)
    session.close()
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine)
    (open_data_directory() / DESCRIPTOR).unlink(missing_ok=True)
    # when the database connection is cut while the job reads the figures (on whichever engine
    # the worker's sessions use: earlier tests may have built the process's engine anew)
    with connection_cut_before(sa.Engine, _reads_observations) as cut:
        with session_scope(engine) as queueing:
            job_id = enqueue_job(queueing, "refresh_open_data").id
        drain(broker, worker, MAINTENANCE)
    # then the first attempt failed with the database's error and the retry wrote the package
    assert cut
    with Session(engine) as check:
        job = check.get(OutboxJob, job_id)
        assert job is not None
        assert (job.status, job.attempts) == (JobStatus.DONE, 2), job.last_error
        assert job.last_error is not None and "PendingRollbackError" not in job.last_error
    assert (open_data_directory() / DESCRIPTOR).exists()

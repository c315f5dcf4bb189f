"""Test harness: a real database and the real broker code, chosen by the environment.

* ``WOONZORG_TEST_DATABASE_URL`` — a PostgreSQL URL to test against (its public schema is
  reset); unset, a fresh SQLite file is used. A given URL that cannot be reached fails the run.
* ``WOONZORG_BROKER_URL`` — ``memory://`` (default, StubBroker) or ``redis://…`` (RedisBroker);
  an unreachable Redis fails the run.

The environment is fixed here, before any project module reads its settings.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="woonzorg-tests-"))
TEST_DATABASE_URL = os.environ.get("WOONZORG_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ["WOONZORG_DATABASE_URL"] = TEST_DATABASE_URL
os.environ.setdefault("WOONZORG_BROKER_URL", "memory://")
os.environ.setdefault("WOONZORG_BROKER_NAMESPACE", f"woonzorg-test-{os.getpid()}")
os.environ["WOONZORG_DATA_DIR"] = str(_TMP / "data")

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from core.settings import get_settings  # noqa: E402
from db.engine import get_engine  # noqa: E402
from db.migrate import reset_database, upgrade  # noqa: E402
from workers import boot  # noqa: E402
from workers.runtime import start_in_process_worker  # noqa: E402

CONFIGURED_BROKER = boot.start(get_settings())  # as every process does at start

pytest_plugins = ["tests.factories"]


def is_postgres(url: str = TEST_DATABASE_URL) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def engine() -> Iterator[sa.Engine]:
    reset_database(TEST_DATABASE_URL)
    upgrade(TEST_DATABASE_URL)
    yield get_engine()
    get_engine().dispose()


def _clear_tables(engine: sa.Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    if is_postgres():
        # A job whose retry timer fires now may hold a transaction that the TRUNCATE would wait
        # for while the job waits behind the TRUNCATE: give up quickly, let it finish, try again.
        names = ", ".join(f'"{t.name}"' for t in tables)
        for attempt in range(20):
            try:
                with engine.begin() as conn:
                    conn.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
                    conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                return
            except sa.exc.OperationalError:
                if attempt == 19:
                    raise
                _settle_jobs()
    # Rows may refer to each other (parent links): check nothing while emptying. SQLite ignores
    # this pragma inside a transaction, so it is set on an autocommit connection.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            for table in tables:
                conn.execute(table.delete())
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


_running_worker: list[object] = []  # the session's worker, once a test started it


def _settle_jobs() -> None:
    """Drop queued messages and wait for jobs in flight to finish (public dramatiq API only):
    emptying the tables under a running job's transaction would deadlock on PostgreSQL. Retries
    back off for milliseconds here (``quick_retries``), so waiting never waits out an hour."""
    if not _running_worker:
        return
    worker: Any = _running_worker[0]
    CONFIGURED_BROKER.flush_all()
    worker.join()


TEST_BACKOFF_MS = {"min_backoff": 10, "max_backoff": 100}


def quick_retries() -> None:
    """Every actor retries within milliseconds in tests (production waits seconds to an hour)."""
    for name in CONFIGURED_BROKER.get_declared_actors():
        CONFIGURED_BROKER.get_actor(name).options.update(TEST_BACKOFF_MS)


@pytest.fixture()
def clean_db(engine: sa.Engine) -> Iterator[sa.Engine]:
    """An empty, migrated database; emptied again after the test."""
    _settle_jobs()
    _clear_tables(engine)
    yield engine
    _settle_jobs()
    _clear_tables(engine)


@pytest.fixture()
def session(clean_db: sa.Engine) -> Iterator[Session]:
    with Session(clean_db, expire_on_commit=False) as s:
        yield s


@pytest.fixture()
def broker():  # type: ignore[no-untyped-def]
    CONFIGURED_BROKER.flush_all()
    yield CONFIGURED_BROKER
    CONFIGURED_BROKER.flush_all()


@pytest.fixture(scope="session")
def _session_worker():  # type: ignore[no-untyped-def]
    """One dramatiq worker for the whole run (dramatiq supports one Worker per process)."""
    quick_retries()
    running = start_in_process_worker(threads=2)
    _running_worker.append(running)
    yield running
    _running_worker.clear()
    running.stop()


@pytest.fixture()
def worker(broker, _session_worker):  # type: ignore[no-untyped-def]
    """The real worker consuming the configured broker (Stub or Redis), queues emptied first."""
    return _session_worker


def drain(broker, worker, *queues: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until every message on ``queues`` has been processed (retries included)."""
    for queue in queues:
        broker.join(queue, timeout=30_000)
    worker.join()

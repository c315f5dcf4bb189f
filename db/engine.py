"""Engine and session factories; SQLite gets foreign keys, WAL and a busy timeout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from core.settings import get_settings
from db.data_version import track_writes

SQLITE_BUSY_TIMEOUT_MS = 30_000  # how long a write waits for SQLite's write lock
SHORT_BUSY_TIMEOUT_MS = 250  # for a write that may be skipped (a token's last-use stamp)
RETRY_AFTER_SECONDS = 5  # what a client is told when the database is busy


def is_database_busy(error: BaseException) -> bool:
    """True for the error of a write that waited in vain for SQLite's write lock (or a
    PostgreSQL lock timeout): the request may succeed when tried again."""
    if not isinstance(error, sa.exc.OperationalError):
        return False
    text = str(error.orig if error.orig is not None else error).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


@contextmanager
def optional_write(engine: sa.Engine) -> Iterator[Session]:
    """A short transaction for a write that may be skipped: on SQLite it waits at most
    SHORT_BUSY_TIMEOUT_MS for the write lock; raises ``OperationalError`` when it gave up."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SHORT_BUSY_TIMEOUT_MS}")
            connection.commit()
        try:
            with Session(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                connection.commit()


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        track_writes(engine)
        return engine
    # Each GraphQL request holds a session while it awaits its loaders, so an API process needs
    # more connections than SQLAlchemy's default 5 + 10 under concurrent clients.
    settings = get_settings()
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
    )
    track_writes(engine)  # every committed write bumps the data version (db/data_version.py)
    return engine


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


@lru_cache
def get_engine() -> sa.Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: sa.Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def wait_for_database(engine: sa.Engine | None = None, *, timeout_seconds: float = 300.0) -> None:
    """Wait until the database answers, retrying with backoff (1 s doubling up to 10 s) and saying
    so in the log; raises the last error after ``timeout_seconds``."""
    import logging
    import time

    log = logging.getLogger(__name__)
    engine = engine or get_engine()
    deadline = time.monotonic() + timeout_seconds
    delay = 1.0
    while True:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return
        except sa.exc.DBAPIError as exc:
            if time.monotonic() + delay > deadline:
                log.error("database %s is still unreachable; giving up", engine.url.host)
                raise
            log.warning(
                "waiting for the database at %s (%s); retrying in %.0f s",
                engine.url.render_as_string(hide_password=True),
                str(exc.orig or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__,
                delay,
            )
            time.sleep(delay)
            delay = min(delay * 2, 10.0)

"""The data version, bumped in the same transaction as every write a read can see (DESIGN.md §6).

One place decides it, below every service: the engine. Each statement a connection sends is
looked at (``before_cursor_execute``: ORM flushes, Core statements, ``text()`` and driver SQL
alike); an INSERT, UPDATE or DELETE of a table a read can show marks the connection, and just
before that transaction's COMMIT the mark becomes one more statement in it::

    INSERT INTO data_version … ON CONFLICT (id) DO UPDATE SET version = version + 1, stamp = …

So the version and the data change atomically: a reader who sees the new data sees the new
version, and a cache keyed by the version (``current_stamp``) never serves an answer computed
before a write to someone who can see the write. A rolled-back transaction bumps nothing.

Writes that bypass SQLAlchemy's cursor (psycopg's ``COPY``) call ``mark_changed`` themselves;
``tests/db/test_data_version.py`` fails when a service reaches the driver without it.

Tables no read shows (the outbox, worker heartbeats) and a token's ``last_used_at`` (written by
every authenticated request) do not bump: they would empty the cache for nothing.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPICursor

TABLE = "data_version"

UNVERSIONED_TABLES = frozenset(
    {"outbox_job", "worker_heartbeat", "worker_process", "alembic_version", TABLE}
)
"""Tables no GraphQL read or HTTP answer shows."""

UNVERSIONED_COLUMNS = {
    "api_token": frozenset({"last_used_at"}),
    "user_session": frozenset({"last_seen_at"}),
}
"""Columns no read shows: an UPDATE setting only these does not bump."""

_MARK = "woonzorg_data_changed"
UNTRACKED = "woonzorg_untracked"
"""Execution option: this connection's writes bump nothing (migrations, which build the table)."""
_DML = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(\w+)"?(.*)',
    re.IGNORECASE | re.DOTALL,
)
_SET_COLUMNS = re.compile(
    r"\bSET\s+(.*?)(?:\s+WHERE\b|\s+RETURNING\b|$)", re.IGNORECASE | re.DOTALL
)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=')


def changed_table(statement: str) -> str | None:
    """The table a statement writes and a read can see, or None (a read, or an unversioned write)."""
    match = _DML.match(statement)
    if match is None:
        return None
    table, rest = match.group(1).lower(), match.group(2)
    if table in UNVERSIONED_TABLES:
        return None
    ignored = UNVERSIONED_COLUMNS.get(table)
    if ignored and statement.lstrip()[:6].upper() == "UPDATE":
        assignments = _SET_COLUMNS.search(rest)
        if assignments is not None:
            columns = {c.lower() for c in _ASSIGNED.findall(assignments.group(1))}
            if columns and columns <= ignored:
                return None
    return table


def mark_changed(connection: sa.Connection, table: str) -> None:
    """Say that this transaction wrote ``table`` by a path SQLAlchemy does not see (COPY)."""
    if table not in UNVERSIONED_TABLES:
        connection.info.setdefault(_MARK, set()).add(table)


def _before_cursor_execute(
    conn: sa.Connection,
    _cursor: DBAPICursor,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    table = changed_table(statement)
    if table is not None and not conn.get_execution_options().get(UNTRACKED):
        conn.info.setdefault(_MARK, set()).add(table)


def _forget(conn: sa.Connection, *_: Any) -> None:
    # A connection cut mid-transaction (database restarted, backend terminated) is invalidated:
    # reading its ``info`` would try to reconnect and raise PendingRollbackError, failing the very
    # rollback that clears the invalid transaction, so the session could never be rolled back
    # or closed. The pool clears ``info`` when it connects anew: nothing is left to forget.
    if not conn.invalidated:
        conn.info.pop(_MARK, None)


def _bump_before_commit(conn: sa.Connection) -> None:
    """Runs inside the transaction, right before its COMMIT reaches the database."""
    if conn.invalidated:  # the COMMIT fails on its own (PendingRollbackError); nothing to add
        return
    if not conn.info.pop(_MARK, None):
        return
    stamp = secrets.token_hex(8)  # our own hex: safe to inline, and no paramstyle to pick
    cursor = conn.connection.cursor()
    try:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, version, stamp) VALUES (1, 1, '{stamp}') "
            f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1, stamp = '{stamp}'"
        )
    finally:
        cursor.close()


def track_writes(engine: sa.Engine) -> None:
    """Bump the data version with every committed write of ``engine`` (``db.engine.make_engine``)."""
    if sa.event.contains(engine, "commit", _bump_before_commit):
        return
    sa.event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    sa.event.listen(engine, "begin", _forget)
    sa.event.listen(engine, "rollback", _forget)
    sa.event.listen(engine, "commit", _bump_before_commit)


def current_stamp(connection: sa.Connection) -> str:
    """The data version as a cache key part: ``<version>-<stamp>`` (``0-none`` before any write)."""
    row = connection.execute(sa.text(f"SELECT version, stamp FROM {TABLE} WHERE id = 1")).first()
    return f"{row[0]}-{row[1]}" if row is not None else "0-none"


def read_stamp(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return current_stamp(connection)

"""Which failures are outages of PostgreSQL or Redis (answered 503), told from their exceptions."""

from __future__ import annotations

import redis.exceptions
import sqlalchemy as sa


def unavailable_service(exc: BaseException) -> str | None:
    """``"database"`` or ``"broker"`` when ``exc`` (or its cause) is an outage, else ``None``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa.exc.TimeoutError):  # no connection free in the pool
            return "database"
        if isinstance(current, sa.exc.DBAPIError) and (
            current.connection_invalidated
            or isinstance(current, sa.exc.OperationalError | sa.exc.InterfaceError)
        ):
            return "database"
        if isinstance(current, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return "broker"
        if type(current).__module__.startswith("psycopg") and type(current).__name__ in (
            "OperationalError",
            "InterfaceError",
        ):
            return "database"
        current = current.__cause__ or current.__context__
    return None

"""Alembic environment: the models' metadata, batch mode for SQLite, types compared."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table)
from db.data_version import UNTRACKED
from db.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from core.settings import get_settings

    return get_settings().database_url


class _ConfigureOptions(TypedDict, total=False):
    """What the offline and online runs add to ``context.configure``."""

    connection: sa.Connection
    url: str
    literal_binds: bool
    dialect_opts: dict[str, Any]


def _configure(**kwargs: Unpack[_ConfigureOptions]) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection: sa.Connection | None = config.attributes.get("connection")
    if connection is not None:
        connection.execution_options(**{UNTRACKED: True})  # no data version bump (its table)
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        conn.execution_options(**{UNTRACKED: True})
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""The migrations build exactly the models' schema, and go down to nothing and up again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from db import migrate
from tests.conftest import _TMP, TEST_DATABASE_URL, is_postgres


@pytest.fixture()
def scratch_url() -> Iterator[str]:
    """A database of its own (the suite's database stays untouched)."""
    if not is_postgres():
        yield f"sqlite:///{_TMP / f'migrations-{uuid.uuid4().hex}.db'}"
        return
    name = f"woonzorg_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_gives_every_table_and_check_finds_no_drift(scratch_url: str) -> None:
    migrate.upgrade(scratch_url)
    assert table_names(scratch_url) == set(SQLModel.metadata.tables)
    migrate.check(scratch_url)  # raises on any difference between models and migrations


def test_downgrade_to_base_and_up_again(scratch_url: str) -> None:
    migrate.upgrade(scratch_url)
    migrate.downgrade(scratch_url, "base")
    assert table_names(scratch_url) == set()
    migrate.upgrade(scratch_url)
    engine = sa.create_engine(scratch_url)
    try:
        assert migrate.at_head(engine)
    finally:
        engine.dispose()

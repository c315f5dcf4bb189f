"""The ``woonzorg`` command line."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from api.cli import app
from db.migrate import at_head

runner = CliRunner()
COMMITTED_SDL = Path(__file__).parents[2] / "schema" / "schema.graphql"


@pytest.mark.parametrize("command", ["migrate", "serve", "worker", "scheduler", "export-schema"])
def test_every_command_explains_itself(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and len(result.output.splitlines()) > 4


def test_migrate_creates_a_fresh_sqlite_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("WOONZORG_DATABASE_URL", url)
    from core.settings import get_settings

    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["migrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(url)
    assert at_head(engine)
    engine.dispose()


def test_committed_sdl_matches_the_code() -> None:
    result = runner.invoke(app, ["export-schema"])
    assert result.exit_code == 0
    assert result.stdout == COMMITTED_SDL.read_text(encoding="utf-8"), (
        "schema/schema.graphql is out of date: run `woonzorg export-schema -o schema/schema.graphql`"
    )


def test_worker_refuses_the_in_memory_broker(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WOONZORG_BROKER_URL", "memory://")
    from core.settings import get_settings

    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["worker"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "memory://" in result.output

"""Fixtures of the security suite: settings changed for one test only."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from core.settings import get_settings


@pytest.fixture()
def setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, object], None]]:
    """``setting("webhook_allow_http", True)``: the configured value for this test only."""

    def change(name: str, value: object) -> None:
        monkeypatch.setattr(get_settings(), name, value)

    yield change


from tests.schema.conftest import (  # noqa: E402, F401
    app_client,
    gql,
    reference_client,
    reference_engine,
)

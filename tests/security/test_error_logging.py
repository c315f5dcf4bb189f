"""Weakness: every client error was logged with a full traceback. Expected errors are one line;
unexpected ones keep their traceback and error id."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient


def test_an_expected_error_is_one_line_without_a_traceback(
    app_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = app_client.post("/graphql", json={"query": "{ noSuchField }"}).json()
    assert body["errors"]
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    lines = [r for r in caplog.records if "noSuchField" in r.getMessage()]
    assert len(lines) == 1 and "\n" not in lines[0].getMessage()

"""Weakness: a token sent as ``?access_token=`` ended up in the access log. Tokens in URLs are
refused with a clear error, and the access log blanks them all the same."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from api.url_secrets import REDACTED, RedactSecretsFilter, redact


@pytest.mark.parametrize(
    "query",
    [
        {"access_token": "wz_abcdefghij_" + "x" * 30},
        {"token": "anything"},
        {"query": "{ __typename }", "q": "wz_abcdefghij_" + "y" * 30},
    ],
)
def test_a_token_in_the_url_is_refused(app_client: TestClient, query: dict[str, str]) -> None:
    response = app_client.get("/graphql", params=query, headers={"Authorization": ""})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "token_in_url"


def test_an_ordinary_query_string_passes(app_client: TestClient) -> None:
    response = app_client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200


def test_the_access_log_blanks_secrets() -> None:
    secret = "wz_abcdefghij_" + "z" * 30
    assert secret not in redact(f"/graphql?access_token={secret}&x=1")
    assert REDACTED in redact(f"/graphql?access_token={secret}&x=1")
    assert redact("/graphql?query=abc") == "/graphql?query=abc"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/graphql?token={secret}", "1.1", 400),
        None,
    )
    RedactSecretsFilter().filter(record)
    assert secret not in record.getMessage()

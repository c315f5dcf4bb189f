"""Errors a client can switch on: one table (docs/errors.md) with every code, in English and
Dutch, kept current; the errors that reach a client carry their code and Dutch message."""

from __future__ import annotations

from pathlib import Path

from schema.errors import ERRORS, HTTP_ERRORS, errors_table
from tests.schema.conftest import GraphQL

DOC = Path(__file__).parents[2] / "docs" / "errors.md"


def test_the_errors_table_is_current() -> None:
    # regenerate with: .venv/bin/python -m schema.errors > docs/errors.md
    assert DOC.read_text(encoding="utf-8") == errors_table()


def test_every_registered_error_has_both_messages() -> None:
    for error in (*ERRORS.values(), *HTTP_ERRORS.values()):
        assert error.code and error.en and error.nl and error.when, error


def test_request_errors_carry_a_code_and_a_dutch_message(gql: GraphQL) -> None:
    cases = {
        "{ jurisdictions(first: 1) { nope } }": "GRAPHQL_VALIDATION_FAILED",
        "{ jurisdictions(first: 1) { ": "GRAPHQL_PARSE_FAILED",
        "{ jurisdictions(first: 1000) { totalCount } }": "BAD_USER_INPUT",
    }
    for query, code in cases.items():
        error = gql(query, errors=True)["errors"][0]
        assert error["extensions"]["code"] == code, (query, error)
        assert error["extensions"]["messageNl"] == ERRORS[code].nl

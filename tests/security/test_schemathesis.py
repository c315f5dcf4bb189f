"""Schemathesis against the GraphQL schema, with a bounded budget and a fixed seed: every
generated operation (each query, mutation and their arguments, from the committed SDL) gets an
answer that is not a server error, and every error in it carries a code.

The budget: ``EXAMPLES_PER_OPERATION`` cases for each root field (about 500 in all), derandomised
so a run is repeatable; it runs in every pass of the suite on a database of its own (SQLite,
with the reference dataset), with an administrator's token (the widest access).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes
from sqlmodel import Session
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import Role
from db.engine import make_engine
from db.migrate import upgrade
from ingest.reference.dataset import read_dataset
from services.access.tokens import issue_token
from services.policy.reference_load import load_dataset
from tests.conftest import _TMP

ROOT = Path(__file__).parents[2]
SDL = ROOT / "schema" / "schema.graphql"
EXAMPLES_PER_OPERATION = 8
UNEXPECTED = {"INTERNAL_SERVER_ERROR"}

# The schema's own scalars: valid and invalid texts alike (an invalid one must be a coded error).
_periods = st.sampled_from(["2024", "2025-H1", "2025-Q3", "2025-07", "2025-07-15", "2022/2023"])
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(st.decimals(allow_nan=False, allow_infinity=False).map(str), st.text(max_size=8)).map(
        nodes.String
    ),
)
schemathesis.graphql.scalar("Period", st.one_of(_periods, st.text(max_size=12)).map(nodes.String))
schemathesis.graphql.scalar("Upload", st.just(nodes.String("not a file")))  # files: multipart only

fuzzed = schemathesis.graphql.from_path(SDL)


@pytest.fixture(scope="module")
def fuzz_client() -> Iterator[TestClient]:
    url = f"sqlite:///{_TMP / f'fuzz-{uuid.uuid4().hex}.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_dataset(session, read_dataset(ROOT / "data" / "reference"))
        token = issue_token(session, "btw-haaglanden", Role.ADMIN, name="fuzz").token
        session.commit()
    with TestClient(create_app(run_jobs=False, engine=engine)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client
    engine.dispose()


@fuzzed.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # a fixed seed: the same cases every run
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_server_error_and_every_error_has_a_code(case: Any, fuzz_client: TestClient) -> None:
    response = fuzz_client.post("/graphql", json={"query": case.body})
    assert response.status_code < 500, (case.body, response.text[:500])
    body = response.json()
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        assert code, ("an error without a code", case.body, error)
        assert code not in UNEXPECTED, ("an unexpected error", case.body, error)


@pytest.mark.parametrize("body", ['"{ me { email } }"', "42", "[1, 2]", "null"])
def test_a_json_body_that_is_not_an_object_is_a_client_error(
    body: str, app_client: TestClient
) -> None:
    """Found by the fuzzer: a JSON string as the body was a server error."""
    response = app_client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text

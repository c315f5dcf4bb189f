"""A database of its own with the reference dataset (and progress snapshots), loaded once.

The suite's own database is emptied by other tests; the API tests read this one through
``create_app(engine=…)``. On PostgreSQL it is a separate database made with CREATE DATABASE.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import OrganisationKind, Role, SubmissionChannel, SubmissionStatus
from db.engine import make_engine
from db.migrate import upgrade
from db.models import (
    Indicator,
    Organisation,
    ProgressSnapshot,
    Submission,
    SubmissionError,
    Target,
)
from ingest.reference.dataset import read_dataset
from progress_engine import EngineConfig, compute_progress
from services.access.tokens import issue_token
from services.periodic.registry import load_registry, read_registry
from services.policy.reference_load import load_dataset
from services.progress.inputs import UnjudgeableTarget, in_indicator_unit, target_inputs
from tests.conftest import _TMP, TEST_DATABASE_URL, is_postgres

REFERENCE = Path(__file__).parents[2] / "data" / "reference"
SOURCES = REFERENCE.parent / "sources.yaml"  # loaded after the dataset, as `woonzorg seed` does
SNAPSHOT_DAY = date(2025, 6, 30)

GraphQL = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def reference_engine() -> Iterator[sa.Engine]:
    if is_postgres():
        name = f"woonzorg_schema_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(TEST_DATABASE_URL).set(database=name).render_as_string(False)
    else:
        admin, name = None, ""
        url = f"sqlite:///{_TMP / f'reference-{uuid.uuid4().hex}.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        load_dataset(session, read_dataset(REFERENCE))
        load_registry(session, read_registry(session, SOURCES))
        write_snapshots(session)
        write_submission(session)
        ADMIN_TOKEN.append(issue_token(session, "btw-haaglanden", Role.ADMIN, name="tests").token)
        session.commit()
    yield engine
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def write_snapshots(session: Session) -> None:
    """Stand in for the compute workers: one OWN snapshot per judgeable target."""
    computed_at = datetime.now(UTC)
    for target in session.exec(select(Target).order_by(Target.id)):
        try:
            spec, points, pipeline = target_inputs(session, target.id)  # type: ignore[arg-type]
        except UnjudgeableTarget:
            continue
        result = compute_progress(spec, points, pipeline, EngineConfig(), SNAPSHOT_DAY)
        unit_of = session.get(Indicator, target.indicator_id)
        assert unit_of is not None
        session.add(
            ProgressSnapshot(
                target_id=target.id,  # type: ignore[arg-type]
                jurisdiction_id=target.jurisdiction_id,
                period=str(result.window_end.year) if result.years else "",
                realised=in_indicator_unit(unit_of, result.realised),
                percent_of_target=result.percent,
                expected_by_now=in_indicator_unit(unit_of, result.expected_by_now),
                gap=in_indicator_unit(unit_of, result.gap_to_target),
                status=result.status,
                forecast_trend=in_indicator_unit(unit_of, result.forecast_trend),
                forecast_pipeline=in_indicator_unit(unit_of, result.forecast_pipeline),
                flags=list(result.flags),
                inputs_hash=f"{target.id:064x}",
                computed_at=computed_at,
                data_as_of=computed_at,
            )
        )
    session.flush()


def write_submission(session: Session) -> None:
    """A partner's CSV submission that was rejected for one bad row."""
    organisation = session.exec(select(Organisation).order_by(Organisation.code)).first()
    assert organisation is not None
    submission = Submission(
        organisation_id=organisation.id,  # type: ignore[arg-type]
        channel=SubmissionChannel.CSV,
        status=SubmissionStatus.REJECTED,
        checksum="0" * 64,
        filename="realisatie-2025-q1.csv",
        row_count=12,
        error_count=1,
    )
    session.add(submission)
    session.flush()
    session.add(
        SubmissionError(
            submission_id=submission.id,  # type: ignore[arg-type]
            row_number=4,
            column="periode",
            value="2025-13",
            code="invalid_period",
            message_en="'2025-13' is not a period",
            message_nl="'2025-13' is geen periode",
        )
    )


ADMIN_TOKEN: list[str] = []  # issued with the reference database


@pytest.fixture(scope="session")
def reference_client(reference_engine: sa.Engine) -> Iterator[TestClient]:
    """The API on the reference dataset, with an administrator's token."""
    with TestClient(create_app(run_jobs=False, engine=reference_engine)) as client:
        client.headers["Authorization"] = f"Bearer {ADMIN_TOKEN[0]}"
        yield client


def graphql_caller(client: TestClient) -> GraphQL:
    def call(
        query: str, variables: dict[str, Any] | None = None, *, errors: bool = False
    ) -> dict[str, Any]:
        response = client.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body = response.json()
        if not errors:
            assert "errors" not in body, body["errors"]
        return body

    return call


@pytest.fixture(scope="session")
def gql(reference_client: TestClient) -> GraphQL:
    """Run an operation against the reference dataset; fails on errors unless ``errors=True``."""
    return graphql_caller(reference_client)


@pytest.fixture()
def app_client(clean_db: sa.Engine) -> Iterator[TestClient]:
    """The API on the suite's (emptied) database, for tests that build their own rows; it holds an
    administrator's token of an organisation of its own."""
    with Session(clean_db) as session:
        session.add(Organisation(code="test-admin", name="Tests", kind=OrganisationKind.OTHER))
        session.flush()
        token = issue_token(session, "test-admin", Role.ADMIN, name="tests").token
        session.commit()
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client

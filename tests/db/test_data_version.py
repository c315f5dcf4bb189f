"""The data version is bumped in the same transaction as every write a read can see, and only
then (db/data_version.py): the walk below goes through the services' write paths."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from core.enums import MeasureStatus, ProjectPhase, Role
from db.data_version import UNVERSIONED_TABLES, changed_table, read_stamp
from db.models import ApiToken, Measure, Observation, Organisation, WorkerHeartbeat
from services.access.tokens import issue_token, revoke_token, verify_token
from services.policy.measures import report_measure_status
from services.progress.config import engine_config
from services.progress.recompute import recompute_targets
from services.projects.service import PhaseMove, move_phase
from services.submissions import service as intake
from services.submissions.observations import insert_observations
from tests.factories import Factory
from tests.workers.submission_support import ADMIN, reporting_world, request, rows

ROOT = Path(__file__).parents[2]


def version(engine: sa.Engine) -> int:
    return int(read_stamp(engine).split("-")[0])


def bumps(session: Session, write: Callable[[], object]) -> bool:
    """Whether committing ``write`` changed the data version (and the stamp with it)."""
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine)
    before = read_stamp(engine)
    write()
    session.commit()
    after = read_stamp(engine)
    return before != after and version(engine) > int(before.split("-")[0])


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_every_table_a_read_can_show_is_recognised_in_every_kind_of_write(
    dialect: sa.Dialect,
) -> None:
    for table in SQLModel.metadata.sorted_tables:
        column = next(c for c in table.columns if not c.primary_key)
        statements = [
            table.insert().values({column.name: None}),
            table.update().values({column.name: None}).where(table.c.id == 1),
            table.delete().where(table.c.id == 1),
        ]
        expected = None if table.name in UNVERSIONED_TABLES else table.name
        for statement in statements:
            sql = str(statement.compile(dialect=dialect))
            assert changed_table(sql) == expected, sql
    assert changed_table("SELECT * FROM observation") is None
    assert changed_table("COPY observation (a, b) FROM STDIN") == "observation"


def test_a_committed_write_bumps_once_a_rolled_back_one_and_a_read_do_not(
    session: Session, make: Factory
) -> None:
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine)
    assert bumps(session, lambda: make.organisation(code="een"))
    before = read_stamp(engine)
    make.organisation(code="twee")
    session.rollback()
    session.exec(select(Organisation)).all()
    session.commit()
    assert read_stamp(engine) == before


def test_bookkeeping_no_read_shows_does_not_bump(session: Session, make: Factory) -> None:
    make.organisation(code="org")
    session.commit()
    issued = issue_token(session, "org", Role.VIEWER, name="t")
    session.commit()
    # a heartbeat, and a token's last use (every request records it), change nothing a read shows
    assert not bumps(session, lambda: session.add(WorkerHeartbeat(queue_name="q", hostname="h")))
    token = session.exec(select(ApiToken)).one()
    token.last_used_at = None
    session.commit()  # (this clearing bumps; using it again below must not)
    assert not bumps(session, lambda: verify_token(session, issued.token))
    assert session.exec(select(ApiToken)).one().last_used_at is not None
    # revoking it changes who sees what
    assert bumps(session, lambda: revoke_token(session, token.prefix, reason="weg"))


def test_observations_written_past_sqlalchemy_bump(session: Session, make: Factory) -> None:
    indicator = make.indicator(code="x")
    place = make.jurisdiction(code="GM9999")
    source = make.organisation(code="bron")
    session.commit()
    row = {
        "indicator_id": indicator.id,
        "jurisdiction_id": place.id,
        "period": "2025",
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        "cell_key": "k",
        "per_year": False,
        "value": Decimal(1),
        "source_organisation_id": source.id,
        "recorded_at": ADMIN_NOW,
        "version": 1,
    }
    # PostgreSQL: COPY straight into the driver; SQLite: executemany
    assert bumps(session, lambda: insert_observations(session, [row]))
    assert session.exec(select(Observation)).one().value == Decimal(1)


ADMIN_NOW = datetime(2025, 6, 1, tzinfo=UTC)


def test_the_services_write_paths_each_bump(
    session: Session,
    make: Factory,
    broker,
    worker,  # type: ignore[no-untyped-def]
) -> None:
    from services.jobs import COMPUTE, INGEST
    from tests.conftest import drain

    world = reporting_world(session, make)
    engine = session.get_bind()
    assert isinstance(engine, sa.Engine)

    # a partner submits (the submission is visible to its organisation and the task force)
    sent: list[int] = []
    assert bumps(
        session,
        lambda: sent.append(
            intake.submit_rows(
                session,
                request(session, world.partner_id),
                rows(("dwellings-added", "GM0546", "2024", 12)),
            ).submission.id  # type: ignore[arg-type]
        ),
    )
    # validation, approval, applying and the recompute, each by the workers
    before = version(engine)
    drain(broker, worker, INGEST, COMPUTE)
    assert version(engine) > before
    session.expire_all()
    assert bumps(session, lambda: intake.approve(session, sent[0], actor=ADMIN, reason="ok"))
    before = version(engine)
    drain(broker, worker, INGEST, COMPUTE)
    assert version(engine) > before and session.exec(select(Observation)).all()
    # a recompute that writes snapshots
    target = make.target(code="t", jurisdiction_id=world.leiden_id, start_period="2024")
    session.commit()
    assert bumps(
        session,
        lambda: recompute_targets(session, [target.id], engine_config(), date.today()),  # type: ignore[list-item]
    )
    # a project's phase, a measure's status, a token
    project = make.project(phase=ProjectPhase.PLAN)
    session.commit()
    assert bumps(
        session,
        lambda: move_phase(
            session, ADMIN, project.id, PhaseMove(ProjectPhase.PERMIT, date.today())
        ),  # type: ignore[arg-type]
    )
    document = make.document()
    measure = Measure(document_id=document.id, code="1a", title="Iets")
    session.add(measure)
    session.commit()
    assert bumps(
        session,
        lambda: report_measure_status(
            session,
            ADMIN,
            measure.id,
            MeasureStatus.IN_PROGRESS,
            date.today(),  # type: ignore[arg-type]
        ),
    )
    assert bumps(session, lambda: issue_token(session, "portaal", Role.PARTNER, name="nieuw"))
    # policy content through the API: create, update and retire each kind
    _policy_content_paths_each_bump(session, make, world.leiden_id)


def _policy_content_paths_each_bump(session: Session, make: Factory, place_id: int) -> None:
    from db.models import Jurisdiction
    from services.policy import content

    place = session.get(Jurisdiction, place_id)
    assert place is not None
    indicator = make.indicator(code="policy-paths")
    session.commit()
    why = "data version walk"
    doc = {"code": "dv-doc", "title": "D", "jurisdiction": place.code, "status": "draft"}
    steps: list[Callable[[], object]] = [
        lambda: content.create_policy_document(session, ADMIN, doc, None, why),
        lambda: content.update_policy_document(
            session, ADMIN, "dv-doc", {"horizon_year": 2030}, None, why
        ),
        lambda: content.create_action_line(
            session, ADMIN, "dv-doc", {"code": "A", "title": "A"}, None, why
        ),
        lambda: content.update_action_line(
            session, ADMIN, "dv-doc", "A", {"title": "B"}, None, why
        ),
        lambda: content.retire_action_line(
            session, ADMIN, "dv-doc", "A", date(2027, 1, 1), None, why
        ),
        lambda: content.create_measure(
            session, ADMIN, "dv-doc", {"code": "m", "title": "M"}, None, why
        ),
        lambda: content.update_measure(session, ADMIN, "dv-doc", "m", {"due": "2027"}, None, why),
        lambda: content.retire_measure(session, ADMIN, "dv-doc", "m", date(2027, 1, 1), None, why),
        lambda: content.create_target(
            session,
            ADMIN,
            {
                "code": "dv-t",
                "indicator": indicator.code,
                "jurisdiction": place.code,
                "kind": "target",
                "value": 3,
                "document": "dv-doc",
            },
            None,
            why,
        ),
        lambda: content.update_target(session, ADMIN, "dv-t", {"value": 4}, None, why),
        lambda: content.retire_target(session, ADMIN, "dv-t", date(2027, 1, 1), None, why),
        lambda: content.create_distribution_rule(
            session,
            ADMIN,
            {
                "code": "dv-r",
                "name": "R",
                "method": "fixed",
                "region": place.code,
                "indicator": indicator.code,
                "target_kind": "commitment",
            },
            None,
            why,
            shares=[content.Share(place.code, Decimal(2))],
        ),
        lambda: content.update_distribution_rule(session, ADMIN, "dv-r", {"name": "S"}, None, why),
        lambda: content.retire_distribution_rule(
            session, ADMIN, "dv-r", date(2027, 1, 1), None, why
        ),
        lambda: content.retire_policy_document(
            session, ADMIN, "dv-doc", date(2028, 1, 1), None, why
        ),
    ]
    for number, step in enumerate(steps):
        assert bumps(session, step), f"policy step {number} did not bump the data version"


def test_the_reference_data_load_bumps(clean_db: sa.Engine) -> None:
    from ingest.reference.dataset import read_dataset
    from services.policy.reference_load import load_dataset

    with Session(clean_db) as session:
        assert bumps(
            session, lambda: load_dataset(session, read_dataset(ROOT / "data" / "reference"))
        )
        # loading it again changes nothing, and bumps nothing
        assert not bumps(
            session, lambda: load_dataset(session, read_dataset(ROOT / "data" / "reference"))
        )


def reaches_the_driver(function: ast.AST) -> bool:
    """``….connection.cursor()`` (a DBAPI cursor under a SQLAlchemy connection), or the raw
    connection by another name."""
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in ("raw_connection", "driver_connection"):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "cursor"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "connection"
        ):
            return True
    return False


def test_no_code_writes_through_the_driver_without_marking_the_change() -> None:
    """Writes SQLAlchemy does not see (a DBAPI cursor: psycopg's COPY) must call
    ``mark_changed`` in the same function, or the data version would miss them."""
    offenders = []
    for folder in ("services", "workers", "db", "schema", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "data_version.py" or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                names = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
                if reaches_the_driver(function) and "mark_changed" not in names:
                    offenders.append(f"{path.relative_to(ROOT)}:{function.name}")
    assert offenders == []

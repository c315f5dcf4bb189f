"""The set-based apply on PostgreSQL (staging table, one INSERT … SELECT, one UPDATE … FROM):
a worker dying between its statements leaves nothing behind, the retry applies once, and the
same delivery sent again creates nothing. On SQLite the row-by-row path answers the same."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import Observation
from services.jobs import INGEST
from services.submissions import service as intake
from services.submissions.staging import PostgresStaging
from tests.conftest import drain, is_postgres
from tests.factories import Factory
from tests.workers.submission_support import observations, reporting_world, request, rows, status


def process(broker, worker) -> None:  # type: ignore[no-untyped-def]
    drain(broker, worker, INGEST)


def fast_retries(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workers.actors.submissions import process_submission

    monkeypatch.setattr(
        process_submission,
        "options",
        {**process_submission.options, "min_backoff": 10, "max_backoff": 20},
    )


def test_a_worker_dying_between_the_insert_and_the_supersede_leaves_nothing_and_retries_once(
    session: Session, make: Factory, broker, worker, monkeypatch
) -> None:
    world = reporting_world(session, make)
    first = rows(*[("homeless-persons", "GM0546", f"2024-{m:02d}-01", m) for m in range(1, 6)])
    intake.submit_rows(session, request(session, world.trusted_id), first)
    session.commit()
    process(broker, worker)
    # given a correction of two of the five figures, whose first attempt dies after the new
    # versions were inserted and before the old ones were superseded
    died: list[int] = []
    seen_inside: list[int] = []

    def dies_once(self: PostgresStaging) -> None:
        current = self.session.exec(
            select(Observation.id).where(col(Observation.superseded_at).is_(None))
        ).all()
        seen_inside.append(len(current))  # the new versions are in, the old not yet superseded
        if not died:
            died.append(1)
            raise RuntimeError("worker killed between the statements")

    monkeypatch.setattr(PostgresStaging, "before_supersede", dies_once)
    fast_retries(monkeypatch)
    corrected = rows(
        *[
            ("homeless-persons", "GM0546", f"2024-{m:02d}-01", m * (10 if m < 3 else 1))
            for m in range(1, 6)
        ]
    )
    sent = intake.submit_rows(
        session, request(session, world.trusted_id, correction_reason="herteld"), corrected
    )
    session.commit()
    process(broker, worker)
    # then the retry applied it once: two new versions, two superseded, three untouched
    assert status(session, sent.submission.id) == "applied"
    found = sorted(observations(session))
    assert found == sorted(
        [
            ("2024-01-01", "1", 1, False),
            ("2024-01-01", "10", 2, True),
            ("2024-02-01", "2", 1, False),
            ("2024-02-01", "20", 2, True),
        ]
        + [(f"2024-{m:02d}-01", str(m), 1, True) for m in range(3, 6)]
    )
    if is_postgres():
        assert seen_inside == [7, 7]  # the failure struck after the INSERT, and was retried


def test_the_same_delivery_sent_again_creates_nothing(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    figures = rows(*[("homeless-persons", "GM0546", f"2023-{m:02d}-01", m) for m in range(1, 13)])
    intake.submit_rows(session, request(session, world.trusted_id, idempotency_key="a"), figures)
    session.commit()
    process(broker, worker)
    before = observations(session)
    # the same rows under another key: a new submission, applied, that writes nothing new
    again = intake.submit_rows(
        session, request(session, world.trusted_id, idempotency_key="b"), figures
    )
    session.commit()
    process(broker, worker)
    assert status(session, again.submission.id) == "applied"
    assert observations(session) == before and len(before) == 12

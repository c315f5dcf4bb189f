"""Jobs go through the outbox and the real broker (StubBroker, or Redis when configured)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

import workers.actors as actors
from core.clock import utcnow
from core.enums import JobStatus
from db.models import OutboxJob, WorkerHeartbeat
from services.jobs import JOBS, MAINTENANCE, enqueue_job
from tests.conftest import drain
from workers.outbox import job_actor, resend_unfinished, send_jobs


def jobs(engine: sa.Engine) -> list[OutboxJob]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxJob).order_by(OutboxJob.id)))


def test_a_job_is_sent_only_after_commit_and_runs_once(clean_db, broker, worker) -> None:
    # given a heartbeat job recorded in a transaction
    with Session(clean_db) as session:
        enqueue_job(session, "heartbeat", queue_name=MAINTENANCE)
        # then nothing is sent before the commit
        assert jobs(clean_db) == [] or jobs(clean_db)[0].status == JobStatus.PENDING
        session.commit()
    # when the worker drains the queue
    drain(broker, worker, MAINTENANCE)
    # then the job is done and its work is in the database
    [job] = jobs(clean_db)
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.finished_at is not None
    with Session(clean_db) as session:
        [beat] = session.exec(select(WorkerHeartbeat)).all()
    assert beat.queue_name == MAINTENANCE


def test_a_rolled_back_job_is_never_sent(clean_db, broker, worker) -> None:
    with Session(clean_db) as session:
        enqueue_job(session, "heartbeat", queue_name=MAINTENANCE)
        session.rollback()
    drain(broker, worker, MAINTENANCE)
    assert jobs(clean_db) == []
    with Session(clean_db) as session:
        assert session.exec(select(WorkerHeartbeat)).all() == []


def test_a_redelivered_message_does_nothing_the_second_time(clean_db, broker, worker) -> None:
    with Session(clean_db) as session:
        job_id = enqueue_job(session, "heartbeat", queue_name=MAINTENANCE).id
        session.commit()
    drain(broker, worker, MAINTENANCE)
    first_seen = _last_seen(clean_db)
    # when the same job is delivered again (a broker redelivery)
    broker.enqueue(actors.heartbeat.message(job_id))
    drain(broker, worker, MAINTENANCE)
    # then the job ran once: attempts and the heartbeat are unchanged
    [done] = jobs(clean_db)
    assert done.attempts == 1
    assert _last_seen(clean_db) == first_seen


def test_jobs_left_unsent_by_a_crash_are_resent(clean_db, broker, worker) -> None:
    # given a job committed but never sent (the process died right after the commit)
    with Session(clean_db) as session:
        session.add(
            OutboxJob(actor_name="heartbeat", queue_name=MAINTENANCE, args={"queue_name": "x"})
        )
        session.commit()
    # when the outbox is swept
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 1
    drain(broker, worker, MAINTENANCE)
    # then it ran
    assert [j.status for j in jobs(clean_db)] == [JobStatus.DONE]


def test_a_job_sent_but_never_finished_is_resent_after_the_timeout(
    clean_db, broker, worker
) -> None:
    with Session(clean_db) as session:
        job = OutboxJob(
            actor_name="heartbeat",
            queue_name=MAINTENANCE,
            args={"queue_name": "y"},
            status=JobStatus.SENT,
            sent_at=utcnow(),
        )
        session.add(job)
        session.commit()
        job_id = job.id
    # a job sent just now is left alone; one sent longer ago than the timeout is sent again
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 0
    with Session(clean_db) as session:
        stale = session.get(OutboxJob, job_id)
        stale.sent_at = stale.created_at - timedelta(hours=1)
        session.commit()
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 1
    drain(broker, worker, MAINTENANCE)
    assert [j.status for j in jobs(clean_db)] == [JobStatus.DONE]


JOBS["always_fails"] = MAINTENANCE  # a job of this test only


@job_actor(max_retries=0)
def always_fails(session: Session, label: str) -> None:
    session.add(WorkerHeartbeat(queue_name=label, hostname="must be rolled back"))
    session.flush()
    raise RuntimeError(f"broken {label}")


def test_a_failing_job_rolls_back_its_work_and_records_the_error(clean_db, broker, worker) -> None:
    with Session(clean_db) as session:
        enqueue_job(session, "always_fails", label="z")
        session.commit()
    # the StubBroker re-raises the actor's error from join(); Redis dead-letters the message
    with contextlib.suppress(RuntimeError):
        drain(broker, worker, MAINTENANCE)
    [job] = jobs(clean_db)
    assert job.status == JobStatus.FAILED
    assert job.last_error == "RuntimeError: broken z"
    with Session(clean_db) as session:
        assert session.exec(select(WorkerHeartbeat)).all() == []
    assert send_jobs(clean_db, [job.id]) == 0  # a failed job is not sent again by hand either


JOBS["empties_its_session"] = MAINTENANCE  # a job of this test only


@job_actor(max_retries=0)
def empties_its_session(session: Session, label: str) -> None:
    session.add(WorkerHeartbeat(queue_name=label, hostname="kept"))
    session.flush()
    session.expunge_all()  # as an export paging through its rows does


def test_a_job_whose_work_empties_the_session_is_marked_done_with_its_work(
    clean_db, broker, worker
) -> None:
    with Session(clean_db) as session:
        enqueue_job(session, "empties_its_session", label="y")
        session.commit()
    drain(broker, worker, MAINTENANCE)
    [job] = jobs(clean_db)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.DONE, 1, None)
    with Session(clean_db) as session:
        assert [beat.queue_name for beat in session.exec(select(WorkerHeartbeat))] == ["y"]


def test_the_open_data_job_is_marked_done_when_the_package_takes_several_pages(
    session: Session,
    make,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    # issue 22: once `observation` held more than a page (500 rows) of figures, every run wrote
    # the package but left its job `sent` (the export's paging emptied the job's session)
    from services.exports import lists
    from workers.actors.open_data import refresh_open_data

    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    added = make.indicator(code="dwellings-added")
    for quarter in ("2025-Q1", "2025-Q2"):
        make.observation(indicator_id=added.id, jurisdiction_id=leiden.id, period=quarter)
    monkeypatch.setattr(lists, "PAGE", 1)  # two observations: two pages
    job = enqueue_job(session, "refresh_open_data")
    session.info.pop("outbox_pending_ids", None)  # run here, not by the suite's worker
    session.commit()
    assert job.id is not None
    refresh_open_data.fn(job.id)
    session.expire_all()
    done = session.get(OutboxJob, job.id)
    assert done is not None and (done.status, done.attempts) == (JobStatus.DONE, 1)


def _last_seen(engine: sa.Engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(WorkerHeartbeat.last_seen_at)).one()


def test_a_process_without_a_worker_sends_only_to_a_shared_broker(
    clean_db, broker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # a CLI process (seed, ingest) runs no worker: an in-memory message would die with the
    # process, so the job stays pending for the server; Redis holds it for any worker
    from dramatiq.brokers.stub import StubBroker

    import workers.broker as broker_module

    monkeypatch.setattr(broker_module, "_consumer_in_process", False)
    with Session(clean_db) as session:
        enqueue_job(session, "heartbeat", queue_name=MAINTENANCE)
        session.commit()
    [job] = jobs(clean_db)
    in_memory = isinstance(broker_module.get_broker(), StubBroker)
    assert job.status == (JobStatus.PENDING if in_memory else JobStatus.SENT)

"""Recovery in seconds (issue 22): sends that fail, failures during a database outage, dead
workers and lost messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from sqlmodel import Session, select

import workers.outbox as outbox
from core.clock import utcnow
from core.enums import JobStatus
from db.models import OutboxJob, WorkerProcess
from services.jobs import JOBS, MAINTENANCE, enqueue_job
from tests.workers.liveness_support import quiet
from workers.broker import get_broker
from workers.liveness import beat, say_goodbye
from workers.outbox import (
    flush_unrecorded_failures,
    job_actor,
    resend_unfinished,
    unrecorded_failures,
)
from workers.status import live_workers

JOBS["queues_a_follow_up"] = MAINTENANCE
JOBS["fails_for_recovery"] = MAINTENANCE


@job_actor(max_retries=0)
def queues_a_follow_up(session: Session) -> None:
    enqueue_job(session, "heartbeat", queue_name="follow-up")


@job_actor(max_retries=0)
def fails_for_recovery(session: Session) -> None:
    raise RuntimeError("the work failed")


@pytest.fixture()
def quiet_workers(clean_db, monkeypatch):  # type: ignore[no-untyped-def]
    """The suite's own in-process worker stops beating, so a test sees only its own rows."""
    quiet(clean_db, monkeypatch)
    return clean_db


def _sent_job(engine: sa.Engine, actor_name: str, **fields: object) -> int:
    with Session(engine) as session:
        job = OutboxJob(
            actor_name=actor_name,
            queue_name=MAINTENANCE,
            args={},
            status=JobStatus.SENT,
            **{"sent_at": utcnow(), **fields},
        )
        session.add(job)
        session.commit()
        assert job.id is not None
        return job.id


def _job(engine: sa.Engine, job_id: int) -> OutboxJob:
    with Session(engine) as session:
        job = session.get(OutboxJob, job_id)
        assert job is not None
        return job


def test_a_failed_send_after_commit_leaves_the_finished_job_done(clean_db, monkeypatch) -> None:
    # given Redis goes away while a job commits its work and queues a follow-up
    broker = get_broker()

    def broker_down(message, **_):  # type: ignore[no-untyped-def]
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(broker, "enqueue", broker_down)
    monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
    job_id = _sent_job(clean_db, "queues_a_follow_up")
    # when the job runs, it does not fail
    queues_a_follow_up.fn(job_id)
    # then the job is done once, with no error, and the follow-up waits for the scheduler
    job = _job(clean_db, job_id)
    assert (job.status, job.attempts, job.last_error) == (JobStatus.DONE, 1, None)
    with Session(clean_db) as session:
        [follow_up] = session.exec(
            select(OutboxJob).where(OutboxJob.actor_name == "heartbeat")
        ).all()
    assert follow_up.status == JobStatus.PENDING
    monkeypatch.undo()
    monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
    monkeypatch.setattr(get_broker(), "enqueue", lambda message, **_: message)
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 1


def test_a_failure_during_a_database_outage_is_recorded_once_it_is_back(
    clean_db, monkeypatch
) -> None:
    # given the database is down when the failure of a job is to be written
    job_id = _sent_job(clean_db, "fails_for_recovery")
    write = outbox._write_failure
    calls = []

    def database_down(engine, failure):  # type: ignore[no-untyped-def]
        calls.append(failure)
        if len(calls) == 1:
            raise sa.exc.OperationalError("UPDATE outbox_job", {}, Exception("server closed"))
        write(engine, failure)

    monkeypatch.setattr(outbox, "_write_failure", database_down)
    with pytest.raises(RuntimeError, match="the work failed"):
        fails_for_recovery.fn(job_id)
    # then the failure is not written yet (the attempt was counted before the work began), and
    # it is kept
    before = _job(clean_db, job_id)
    assert before.attempts == 1 and before.last_error is None
    assert unrecorded_failures() == 1
    # when the database answers again (the next beat, job or outbox check)
    assert flush_unrecorded_failures(clean_db) == 1
    job = _job(clean_db, job_id)
    assert job.attempts == 1 and job.last_error == "RuntimeError: the work failed"
    assert job.status == JobStatus.FAILED and unrecorded_failures() == 0


def test_the_jobs_of_a_dead_worker_are_resent_at_once(quiet_workers, monkeypatch) -> None:
    clean_db = quiet_workers
    monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
    monkeypatch.setattr(get_broker(), "enqueue", lambda message, **_: message)
    now = utcnow()
    with Session(clean_db) as session:
        session.add(WorkerProcess(id="alive", hostname="h", pid=1, last_seen_at=now))
        session.add(
            WorkerProcess(id="killed", hostname="h", pid=2, last_seen_at=now - timedelta(minutes=1))
        )
        session.add(
            WorkerProcess(id="stopped", hostname="h", pid=3, last_seen_at=now, stopped_at=now)
        )
        session.commit()
    running = _sent_job(clean_db, "heartbeat", worker_id="alive", message_id="m1")
    orphans = [
        _sent_job(clean_db, "heartbeat", worker_id=dead, message_id="m")
        for dead in ("killed", "stopped", "never-seen")
    ]
    # sent seconds ago, long before the 5-minute fallback: only the dead workers' jobs go again
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 3
    assert _job(clean_db, running).worker_id == "alive"
    assert all(_job(clean_db, j).worker_id is None for j in orphans)


def test_a_job_whose_message_the_broker_lost_is_resent(clean_db, monkeypatch) -> None:
    monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
    monkeypatch.setattr("workers.outbox.message_in_broker", lambda queue, message_id: False)
    lost = _sent_job(clean_db, "heartbeat", message_id="lost-with-redis")
    # just sent: it may still be on its way, left alone
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 0
    with Session(clean_db) as session:
        job = session.get(OutboxJob, lost)
        assert job is not None
        job.sent_at = utcnow() - timedelta(seconds=20)
        session.commit()
    monkeypatch.setattr(get_broker(), "enqueue", lambda message, **_: message)
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 1
    # a message the broker still holds is left to it
    held = _sent_job(clean_db, "heartbeat", message_id="held")
    monkeypatch.setattr("workers.outbox.message_in_broker", lambda queue, message_id: True)
    with Session(clean_db) as session:
        job = session.get(OutboxJob, held)
        assert job is not None
        job.sent_at = utcnow() - timedelta(seconds=60)
        session.commit()
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 0


def test_the_broker_says_whether_it_holds_a_message(broker) -> None:  # type: ignore[no-untyped-def]
    from workers.broker import message_in_broker

    # Redis: not there; in memory: not queued, and a message being run cannot be seen
    assert message_in_broker(MAINTENANCE, "never-sent") is not True


def test_a_worker_process_beats_and_says_goodbye(quiet_workers) -> None:
    clean_db = quiet_workers
    beat(clean_db, ["ingest", "maintenance"])
    with Session(clean_db) as session:
        [alive] = live_workers(session, timedelta(seconds=20))
    assert alive.queues == ["ingest", "maintenance"] and alive.stopped_at is None
    say_goodbye(clean_db)
    with Session(clean_db) as session:
        assert live_workers(session, timedelta(seconds=20)) == []


def test_a_job_a_live_worker_started_but_the_broker_no_longer_holds_is_resent(
    quiet_workers, monkeypatch
) -> None:
    clean_db = quiet_workers
    # e.g. the run's commit was lost in a database crash after the message was acknowledged
    monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
    monkeypatch.setattr(get_broker(), "enqueue", lambda message, **_: message)
    with Session(clean_db) as session:
        session.add(WorkerProcess(id="alive", hostname="h", pid=1, last_seen_at=utcnow()))
        session.commit()
    started = utcnow() - timedelta(seconds=30)
    _sent_job(
        clean_db,
        "heartbeat",
        worker_id="alive",
        message_id="acked",
        sent_at=started,
        started_at=started,
    )
    monkeypatch.setattr("workers.outbox.message_in_broker", lambda queue, message_id: True)
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 0  # running
    monkeypatch.setattr("workers.outbox.message_in_broker", lambda queue, message_id: False)
    assert resend_unfinished(clean_db, sent_longer_than=timedelta(minutes=5)) == 1


def test_redis_is_asked_for_the_message_under_its_own_id() -> None:
    # dramatiq keeps a message in Redis under a fresh id per enqueue (retries too): the outbox
    # finds it through the note MessageLocator leaves, not by the message's own id
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    from workers.broker import message_in_broker

    broker = get_broker()
    if not isinstance(broker, RedisBroker):
        pytest.skip("Redis only (the PostgreSQL + Redis pass)")
    queue = "woonzorg-test-unconsumed"  # no worker consumes it
    message = dramatiq.Message(
        queue_name=queue, actor_name="heartbeat", args=(0,), kwargs={}, options={}
    )
    try:
        broker.enqueue(message)
        assert message_in_broker(queue, message.message_id) is True
        broker.enqueue(message, delay=3_600_000)  # a retry: another id, on the delay queue
        assert message_in_broker(queue, message.message_id) is True
        for key in broker.client.keys(f"{broker.namespace}:{queue}*"):
            broker.client.delete(key)  # the queue and its delay queue, as a Redis restart would
        assert message_in_broker(queue, message.message_id) is False  # Redis lost it
    finally:
        for key in broker.client.keys(f"{broker.namespace}:{queue}*"):
            broker.client.delete(key)


def test_redis_gives_a_killed_workers_fetched_messages_to_others_within_ten_seconds() -> None:
    from dramatiq.brokers.redis import RedisBroker

    from workers.broker import REDIS_SILENT_WORKER_SECONDS, build_broker

    broker = build_broker("redis://127.0.0.1:6379/2", "woonzorg-test", dead_after_seconds=20)
    assert isinstance(broker, RedisBroker)
    # consumers poll at least once a second, and every command is a heartbeat: ten missed beats
    assert broker.heartbeat_timeout == REDIS_SILENT_WORKER_SECONDS * 1000 == 10_000
    shorter = build_broker("redis://127.0.0.1:6379/2", "woonzorg-test", dead_after_seconds=5)
    assert isinstance(shorter, RedisBroker) and shorter.heartbeat_timeout == 5_000

"""``woonzorg worker``'s supervisor: a child killed with kill -9 is marked stopped at once (so the
scheduler re-sends its jobs at its next check, not after the dead time) and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import JobStatus
from db.models import OutboxJob, WorkerProcess
from services.jobs import MAINTENANCE
from tests.conftest import TEST_DATABASE_URL
from tests.workers.liveness_support import quiet
from workers.broker import get_broker
from workers.outbox import resend_unfinished

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def _wait_for(found: Callable[[], T | None], what: str, timeout_s: float = 60) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = found()
        if value is not None:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout_s:.0f} s: {what}")


def _rows(engine: sa.Engine) -> list[WorkerProcess]:
    with Session(engine) as session:
        return list(session.exec(select(WorkerProcess).order_by(col(WorkerProcess.started_at))))


def test_a_killed_child_is_marked_stopped_at_once_and_restarted(clean_db, monkeypatch) -> None:
    quiet(clean_db, monkeypatch)  # this process's worker does not beat: the rows are the child's
    env = {
        **os.environ,
        "WOONZORG_DATABASE_URL": TEST_DATABASE_URL,
        "WOONZORG_BROKER_URL": "memory://",  # nothing to consume: the child only beats
        "WOONZORG_WORKER_HEARTBEAT_SECONDS": "60",  # a stale beat cannot be what marks it
        "PYTHONPATH": str(ROOT),
    }
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "workers.supervisor", "supervise", "--processes", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = _wait_for(lambda: next(iter(_rows(clean_db)), None), "the child beats")
        # a job the child is running when it is killed
        with Session(clean_db) as session:
            job = OutboxJob(
                actor_name="heartbeat",
                queue_name=MAINTENANCE,
                args={"queue_name": MAINTENANCE},
                status=JobStatus.SENT,
                sent_at=utcnow(),
                started_at=utcnow(),
                worker_id=first.id,
                message_id="running",
            )
            session.add(job)
            session.commit()
        killed_at = time.monotonic()
        os.kill(first.pid, signal.SIGKILL)
        stopped = _wait_for(
            lambda: next((r for r in _rows(clean_db) if r.id == first.id and r.stopped_at), None),
            "the killed child is marked stopped",
            timeout_s=10,
        )
        # long before its beat (every 60 s here) could go stale
        assert stopped.stopped_at is not None and time.monotonic() - killed_at < 10
        monkeypatch.setattr("workers.outbox.can_deliver", lambda: True)
        monkeypatch.setattr(get_broker(), "enqueue", lambda message, **_: message)
        # the scheduler's next check re-sends its job, with an hour's dead time
        assert resend_unfinished(
            clean_db, sent_longer_than=timedelta(hours=1), worker_dead_after=timedelta(hours=1)
        )
        # and the supervisor started another child
        _wait_for(
            lambda: next((r for r in _rows(clean_db) if r.pid != first.pid), None),
            "a new child beats",
        )
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=90)
    assert all(row.stopped_at is not None for row in _rows(clean_db))  # the new one said goodbye


def test_each_forked_worker_process_has_its_own_name_in_redis(clean_db, monkeypatch) -> None:
    # `woonzorg worker` builds the broker before forking: children sharing its Redis name would
    # keep a killed sibling alive to Redis, which then never hands on what it had fetched
    from dramatiq.brokers.redis import RedisBroker

    broker = get_broker()
    if not isinstance(broker, RedisBroker):
        pytest.skip("Redis only (the PostgreSQL + Redis pass)")
    quiet(clean_db, monkeypatch)
    beats = f"{broker.namespace}:__heartbeats__"
    before = set(broker.client.zrange(beats, 0, -1))
    env = {
        **os.environ,
        "WOONZORG_DATABASE_URL": TEST_DATABASE_URL,
        "PYTHONPATH": str(ROOT),
    }
    woonzorg = Path(sys.executable).parent / "woonzorg"
    supervisor = subprocess.Popen(
        [str(woonzorg), "worker", "--processes", "2", "--threads", "1", "--queue", "compute"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: True if len(_rows(clean_db)) >= 2 else None, "two children beat")
        names = _wait_for(
            lambda: (
                new if len(new := set(broker.client.zrange(beats, 0, -1)) - before) >= 2 else None
            ),
            "both children poll Redis",
            timeout_s=20,
        )
        assert len(names) == 2
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=90)
        for name in set(broker.client.zrange(beats, 0, -1)) - before:
            broker.client.zrem(beats, name)

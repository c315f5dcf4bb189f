"""``woonzorg worker``: worker processes and the supervisor that keeps them running.

The supervisor imports the application once and forks ``--processes`` children from itself, each
one dramatiq worker with ``--threads`` threads. A forked child consumes within about a second; one
that imported everything anew took 10 to 20 s on a busy two-core machine, and that start-up was
most of the time a killed worker's jobs waited. A child that dies (kill -9, out of memory) is
marked stopped in ``worker_process`` (``workers.liveness.mark_exited``: the scheduler re-sends
its jobs at its next check) and replaced at once; a child that exits by itself soon after start
(a configuration error) is restarted with a backoff growing to 30 s. A child that loses its
supervisor stops. SIGTERM/SIGINT stop the children gracefully (running jobs finish or are handed
back to the broker) and then the supervisor. In containers, run one process per container
(``--processes 1``, the default) and let the orchestrator restart it; the supervisor restarts the
child either way, so the default survives a child's death.

Fork safety: the supervisor starts no thread and keeps no connection open between two forks. It
records a death with a connection of its own that is closed at once (no pool), with short
timeouts, so a database that is down delays a restart by at most about two seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import importlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from core.settings import get_settings
from workers.broker import renew_after_fork
from workers.liveness import mark_exited

log = logging.getLogger("workers.supervisor")

HEALTHY_AFTER_SECONDS = 30.0  # a child that ran this long counts as started: the backoff resets
MARK_TIMEOUT_SECONDS = 2  # connect, lock and statement timeout of recording a death

# What a worker process needs, imported once by the supervisor and shared by its forks (the
# actors themselves need the broker, which each child builds for itself).
PRELOADED = (
    "dramatiq",
    "redis",
    "httpx",
    "openpyxl",
    "db.engine",
    "db.models",
    "workers.boot",
    "workers.outbox",
    "services.submissions.service",
    "services.submissions.payloads",
    "services.progress.service",
    "services.exports.open_data",
    "services.periodic.reminders",
    "services.periodic.source_pulls",
    "services.periodic.webhook_delivery",
)


class Child:
    """A forked worker process, watched without blocking."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code once the child ended (negative: the signal that killed it)."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


def fork_child(threads: int, queues: list[str]) -> Child:
    pid = os.fork()
    if pid:
        return Child(pid)
    code = 1
    try:  # the child: never returns into the supervisor's loop
        renew_after_fork()  # its own name in Redis, before any command
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = run_child(threads, queues)
    except BaseException:
        log.exception("worker process failed")
    finally:
        logging.shutdown()
        os._exit(code)


def supervise(processes: int, threads: int, queues: list[str]) -> int:
    """Run and restart ``processes`` worker children until SIGTERM/SIGINT; returns the exit code."""
    for module in PRELOADED:
        importlib.import_module(module)
    deaths = death_recorder()
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping the workers", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children: list[Child | None] = [None] * processes
    started = [0.0] * processes
    backoff = [0.0] * processes
    not_before = [0.0] * processes
    while not stopping.is_set():
        now = time.monotonic()
        for slot in range(processes):
            child = children[slot]
            returncode = child.poll() if child is not None else None
            if child is not None and returncode is not None:
                ran = now - started[slot]
                killed = returncode < 0  # by a signal (kill -9, OOM): not its own fault
                backoff[slot] = (
                    0.0
                    if killed or ran > HEALTHY_AFTER_SECONDS
                    else min(max(1.0, backoff[slot] * 2), 30.0)
                )
                log.warning(
                    "worker %d (pid %d) exited with %s after %.0f s; restarting in %.0f s",
                    slot,
                    child.pid,
                    returncode,
                    ran,
                    backoff[slot],
                )
                children[slot] = None
                not_before[slot] = now + backoff[slot]
                deaths(child.pid)
            if children[slot] is None and now >= not_before[slot]:
                new = fork_child(threads, queues)
                children[slot] = new
                started[slot] = now
                log.info("worker %d started (pid %d)", slot, new.pid)
        stopping.wait(0.5)
    for child in children:
        if child is not None:
            child.send(signal.SIGTERM)
    for child in children:
        if child is not None and not child.wait(timeout=600):
            child.send(signal.SIGKILL)
    return 0


def death_recorder() -> Callable[[int], None]:
    """Mark a dead child stopped in ``worker_process`` so that the scheduler re-sends its jobs at
    its next check; never raises (when the database is down, the stale beat tells the scheduler
    after ``WOONZORG_WORKER_DEAD_AFTER_SECONDS``)."""
    url = get_settings().database_url
    if url.startswith("sqlite"):
        connect_args: dict[str, object] = {"timeout": MARK_TIMEOUT_SECONDS}
    else:
        milliseconds = MARK_TIMEOUT_SECONDS * 1000
        connect_args = {
            "connect_timeout": MARK_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}",
        }
    engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)

    def record(pid: int) -> None:
        try:
            mark_exited(engine, socket.gethostname(), pid)
        except Exception as exc:
            log.warning("could not mark worker pid %d stopped (%s)", pid, type(exc).__name__)

    return record


def run_child(threads: int, queues: list[str]) -> int:
    """One worker process: wait for the database and Redis, check the payload folder, consume."""
    from dramatiq import Worker

    from db.engine import get_engine, session_scope, wait_for_database
    from services.submissions.payloads import payload_store_problem
    from workers.boot import start
    from workers.broker import wait_for_broker

    # `kill -USR1 <pid>` writes every thread's stack to the log: what a stuck worker is waiting for
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    settings = get_settings()
    broker = start(settings)
    wait_for_database(timeout_seconds=settings.service_wait_seconds)
    wait_for_broker(timeout_seconds=settings.service_wait_seconds)
    with session_scope(get_engine()) as session:
        problem = payload_store_problem(session)
    if problem:
        log.error("refusing to start: %s", problem)
        return 3
    broker.emit_after("process_boot")
    worker = Worker(broker, queues=set(queues) or None, worker_threads=threads)
    worker.start()
    log.info("worker started: queues %s, %d threads", ",".join(queues) or "all", threads)
    stopping = threading.Event()
    parent = os.getppid()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping.wait(1.0):
        if os.getppid() != parent:
            log.warning("the supervisor is gone: stopping")
            break
    worker.stop(timeout=60_000)
    broker.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.supervisor")
    parser.add_argument("role", choices=["supervise", "child"])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--queue", action="append", default=[])
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s",
    )
    if args.role == "child":
        return run_child(args.threads, args.queue)
    return supervise(args.processes, args.threads, args.queue)


if __name__ == "__main__":
    sys.exit(main())

"""``woonzorg worker``: worker processes and the supervisor that keeps them running.

The supervisor starts ``--processes`` children (``python -m workers.supervisor child …``), each one
dramatiq worker with ``--threads`` threads, and restarts a child that dies (kill -9, out of
memory) within a second, marking it stopped in ``worker_process`` so that the scheduler re-sends
its jobs at its next check (``workers.liveness.mark_exited``); a child that exits by itself soon after start (a configuration error)
is restarted with a backoff growing to 30 s. A child that loses its supervisor stops. SIGTERM/SIGINT stop the children gracefully (running jobs finish or
are handed back to the broker) and then the supervisor. In containers, run one process per
container (``--processes 1``, the default) and let the orchestrator restart it; the supervisor
restarts the child either way, so the default survives a child's death.
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from types import FrameType

from db.engine import get_engine  # imported up front: a death is then recorded in milliseconds
from workers.liveness import mark_exited

log = logging.getLogger("workers.supervisor")

HEALTHY_AFTER_SECONDS = 30.0  # a child that ran this long counts as started: the backoff resets


def supervise(processes: int, threads: int, queues: list[str]) -> int:
    """Run and restart ``processes`` worker children until SIGTERM/SIGINT; returns the exit code."""
    command = [sys.executable, "-m", "workers.supervisor", "child", "--threads", str(threads)]
    for queue in queues:
        command += ["--queue", queue]
    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping the workers", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children: list[subprocess.Popen[bytes] | None] = [None] * processes
    started = [0.0] * processes
    backoff = [0.0] * processes
    not_before = [0.0] * processes
    while not stopping.is_set():
        now = time.monotonic()
        for slot in range(processes):
            child = children[slot]
            if child is not None and child.poll() is not None:
                ran = now - started[slot]
                killed = child.returncode < 0  # by a signal (kill -9, OOM): not its own fault
                backoff[slot] = (
                    0.0
                    if killed or ran > HEALTHY_AFTER_SECONDS
                    else min(max(1.0, backoff[slot] * 2), 30.0)
                )
                log.warning(
                    "worker %d (pid %d) exited with %s after %.0f s; restarting in %.0f s",
                    slot,
                    child.pid,
                    child.returncode,
                    ran,
                    backoff[slot],
                )
                children[slot] = None
                not_before[slot] = now + backoff[slot]
                report_exit(child.pid)
            if children[slot] is None and now >= not_before[slot]:
                children[slot] = subprocess.Popen(command)
                started[slot] = now
                log.info("worker %d started (pid %d)", slot, children[slot].pid)  # type: ignore[union-attr]
        stopping.wait(0.5)
    for child in children:
        if child is not None and child.poll() is None:
            child.terminate()
    for child in children:
        if child is not None:
            try:
                child.wait(timeout=600)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def report_exit(pid: int) -> None:
    """Mark the child stopped in the database, in a thread of its own: a database that is down or
    slow must not hold up restarting the children (the stale beat then tells the scheduler)."""

    def mark() -> None:
        try:
            marked = mark_exited(get_engine(), socket.gethostname(), pid)
            log.info("worker pid %d marked stopped (%d row)", pid, marked)
        except Exception as exc:
            log.warning("could not mark worker pid %d stopped (%s)", pid, type(exc).__name__)

    threading.Thread(target=mark, name=f"report-exit-{pid}", daemon=True).start()


def run_child(threads: int, queues: list[str]) -> int:
    """One worker process: wait for the database and Redis, check the payload folder, consume."""
    from dramatiq import Worker

    from core.settings import get_settings
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
    from core.settings import get_settings

    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format=f"%(asctime)s %(levelname)s [{os.getpid()}] %(name)s %(message)s",
    )
    if args.role == "child":
        return run_child(args.threads, args.queue)
    return supervise(args.processes, args.threads, args.queue)


if __name__ == "__main__":
    sys.exit(main())

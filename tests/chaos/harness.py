"""Fault injection on the production topology as processes (issue 22).

A PostgreSQL and a Redis of the run's own (on free loopback ports, in a temporary folder), the API
(``woonzorg serve``), one ``woonzorg worker --processes 2`` (two supervised worker processes) and
the scheduler. Partner files are uploaded through the API while worker processes are killed
(kill -9), Redis is killed and restarted empty, and PostgreSQL is restarted. After each fault the
run waits until the system has settled: every submission applied, no job unfinished, progress
recomputed after the last apply. It then counts what ``observation`` holds against what was sent.

``python -m tests.chaos.harness [--long]`` (``make chaos``) prints the figures as ``chaos.*``
key=value lines; ``tests/chaos/test_fault_injection.py`` runs the short version.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SETTLE_LIMIT_S = 60.0


@dataclass(frozen=True)
class Plan:
    files: int  # partner files uploaded in each of the three phases
    months: int  # rows per file (one per month, one municipality)
    kills: int  # kill -9 of worker processes during the first phase
    municipalities: int = 40


SHORT = Plan(files=8, months=24, kills=10)
LONG = Plan(files=30, months=120, kills=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    return Path(initdb).parent


class Postgres:
    """A throw-away cluster; as root it runs as the ``postgres`` user (initdb refuses root)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pg"
        self.port = free_port()
        self.bin = pg_bin()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, *args], check=True, stdout=subprocess.DEVNULL, cwd=self.folder
        )

    def init(self) -> None:
        self.folder.chmod(0o777)
        self.data.mkdir()
        if self.as_user:
            shutil.chown(self.data, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()
        self._run(
            str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-qc", "CREATE DATABASE chaos",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
            # fsync=off loses nothing in a restart (the OS keeps the pages); asynchronous commit
            # would lose acknowledged commits in the immediate stop, so it stays on
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
            "-l", str(self.folder / "pg.log"), "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/chaos"


class Redis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class Figures:
    settle_s: dict[str, float] = field(default_factory=dict)
    kills: int = 0
    expected_rows: int = 0
    found_rows: int = 0
    lost: int = 0
    doubled: int = 0
    not_applied: int = 0
    unfinished_jobs: int = 0
    stale_targets: int = 0
    failed_jobs: list[str] = field(default_factory=list)
    upload_statuses: dict[int, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"chaos.{fault}.settle_s={s:.1f}" for fault, s in self.settle_s.items()]
        out += [
            f"chaos.kills_count={self.kills}",
            f"chaos.lost_count={self.lost}",
            f"chaos.doubled_count={self.doubled}",
            f"chaos.expected_rows={self.expected_rows}",
            f"chaos.found_rows={self.found_rows}",
            f"chaos.not_applied_count={self.not_applied}",
            f"chaos.unfinished_jobs={self.unfinished_jobs}",
            f"chaos.stale_targets={self.stale_targets}",
            f"chaos.failed_jobs={','.join(sorted(self.failed_jobs))}",
            "chaos.upload_statuses="
            + ",".join(f"{k}:{v}" for k, v in sorted(self.upload_statuses.items())),
        ]
        return out


class Topology:
    def __init__(self, folder: Path, plan: Plan) -> None:
        self.folder = folder
        self.plan = plan
        self.postgres = Postgres(folder)
        self.redis = Redis(folder)
        self.api_port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env: dict[str, str] = {}
        self.token = ""
        self.codes: list[str] = []
        self.engine: sa.Engine | None = None
        self.sent: list[tuple[str, str, int]] = []  # (municipality, period, value)
        self.figures = Figures()
        self._file_number = 0
        self._lock = threading.Lock()
        self.settled_at: Any = None  # the database's time when the last settling was seen

    # -- processes ----------------------------------------------------------------------------

    def start(self) -> None:
        self.postgres.init()
        self.redis.start()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WOONZORG_")},
            "WOONZORG_DATABASE_URL": self.postgres.url,
            "WOONZORG_BROKER_URL": self.redis.url,
            "WOONZORG_BROKER_NAMESPACE": "chaos",
            "WOONZORG_DATA_DIR": str(self.folder / "data"),
            "WOONZORG_SECRET_KEY": "chaos-only-secret-key",
            "WOONZORG_PORT": str(self.api_port),
            "WOONZORG_LOG_LEVEL": "INFO",
            "WOONZORG_DB_POOL_SIZE": "5",
            "WOONZORG_DB_MAX_OVERFLOW": "10",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run([str(BIN / "woonzorg"), "migrate"], env=self.env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        world = subprocess.run(
            [sys.executable, "-m", "tests.chaos.world", str(self.plan.municipalities)],
            env=self.env, check=True, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        setup = json.loads(world.stdout.strip().splitlines()[-1])
        self.token, self.codes = setup["token"], setup["codes"]
        self.engine = sa.create_engine(self.postgres.url, pool_pre_ping=True)
        self._spawn("api", "serve")
        self._spawn("worker", "worker", "--processes", "2", "--threads", "2")
        self._spawn("scheduler", "scheduler")
        self._wait_api()

    def _spawn(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [str(BIN / "woonzorg"), *args], env=self.env, cwd="/", stdout=log, stderr=log
        )  # cwd "/": the data folder must not depend on the working directory

    def _wait_api(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the topology did not become ready; logs in {self.folder}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.engine is not None:
            self.engine.dispose()
        self.redis.kill()
        with suppress(subprocess.CalledProcessError):
            self.postgres.stop("immediate")

    def worker_children(self) -> list[int]:
        supervisor = self.processes["worker"].pid
        path = Path(f"/proc/{supervisor}/task/{supervisor}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    # -- load ---------------------------------------------------------------------------------

    def next_file(self) -> tuple[str, bytes]:
        with self._lock:
            n = self._file_number
            self._file_number += 1
        code = self.codes[n % len(self.codes)]
        first_year = 1960 + (n // len(self.codes)) * (self.plan.months // 12 + 1)
        lines = ["Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde;Opmerking"]
        rows = []
        for m in range(self.plan.months):
            period = f"{first_year + m // 12}-{m % 12 + 1:02d}"
            value = 1 + (n * 7 + m) % 50
            lines.append(f"dwellings-added;{code};{period};;;{value};")
            rows.append((code, period, value))
        with self._lock:
            self.sent.extend(rows)
        return f"chaos-{n}.csv", ("\n".join(lines) + "\n").encode()

    def upload(self, name: str, content: bytes, deadline_s: float = 120) -> None:
        """Upload until accepted; a 503 (outage) or a dropped connection is tried again."""
        deadline = time.monotonic() + deadline_s
        while True:
            try:
                response = httpx.post(
                    f"{self.base}/submissions",
                    files={"file": (name, content, "text/csv")},
                    data={"organisation": "chaos-partner"},
                    headers={"Authorization": f"Bearer {self.token}"},
                    timeout=30,
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            with self._lock:
                self.figures.upload_statuses[status] = (
                    self.figures.upload_statuses.get(status, 0) + 1
                )
            if status in (200, 202):
                return
            if status not in (0, 503) or time.monotonic() > deadline:
                raise AssertionError(f"upload {name} answered {status}")
            time.sleep(0.5)

    def upload_many(self, count: int, spacing_s: float = 0.3) -> threading.Thread:
        def run() -> None:
            for _ in range(count):
                self.upload(*self.next_file())
                time.sleep(spacing_s)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    # -- observation ----------------------------------------------------------------------------

    def unsettled(self) -> str | None:
        """Why the system has not settled yet (``None``: settled)."""
        assert self.engine is not None
        try:
            with self.engine.connect() as conn:
                q = lambda sql: conn.execute(sa.text(sql)).scalar()  # noqa: E731
                submissions = q("SELECT count(*) FROM submission")
                open_subs = q("SELECT count(*) FROM submission WHERE status <> 'applied'")
                jobs = q("SELECT count(*) FROM outbox_job WHERE status IN ('pending','sent')")
                unfinished = conn.execute(
                    sa.text(
                        "SELECT actor_name, status, attempts, worker_id, last_error FROM outbox_job"
                        " WHERE status IN ('pending','sent') ORDER BY id LIMIT 3"
                    )
                ).all()
                stale = stale_targets(conn)
                checked_at = conn.execute(sa.text("SELECT now()")).scalar()
        except sa.exc.DBAPIError:
            return "database unreachable"
        if submissions < self._file_number:
            return f"{submissions}/{self._file_number} submissions stored"
        if open_subs:
            return f"{open_subs} submission(s) not applied"
        if jobs:
            return f"{jobs} job(s) unfinished, e.g. {[tuple(row) for row in unfinished]}"
        if stale:
            return f"{stale} target(s) not recomputed since their last figures"
        self.settled_at = checked_at  # jobs queued later (the scheduler's minute beat) are new work
        return None

    def wait_settled(self, fault: str, since: float, limit_s: float = 180) -> float:
        deadline = since + limit_s
        reason: str | None = "not checked"
        while time.monotonic() < deadline:
            reason = self.unsettled()
            if reason is None:
                settle = time.monotonic() - since
                self.figures.settle_s[fault] = max(settle, self.figures.settle_s.get(fault, 0.0))
                print(
                    f"chaos: {fault} settled in {settle:.1f} s; {self.last_job(since)}",
                    file=sys.stderr,
                    flush=True,
                )
                return settle
            time.sleep(0.5)
        self.figures.settle_s[fault] = float("inf")
        raise AssertionError(f"{fault}: not settled after {limit_s:.0f} s: {reason}")

    def last_job(self, since: float) -> str:
        """The job that finished last, its times counted from the fault: what the settling waited
        for (a re-send after a dead worker, a retry's backoff, the work itself)."""
        assert self.engine is not None
        fault_at = time.time() - (time.monotonic() - since)
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT actor_name, attempts, extract(epoch FROM created_at),"
                    " extract(epoch FROM sent_at), extract(epoch FROM started_at),"
                    " extract(epoch FROM finished_at) FROM outbox_job"
                    " WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1"
                )
            ).first()
        if row is None:
            return "no job finished"
        name, attempts, *moments = row
        created, sent, started, finished = (
            "-" if m is None else f"{float(m) - fault_at:+.1f}" for m in moments
        )
        return (
            f"last job {name} (attempts {attempts}): created {created} s, last sent {sent} s, "
            f"last started {started} s, finished {finished} s after the fault"
        )

    def count(self) -> None:
        assert self.engine is not None
        expected = {(code, period): value for code, period, value in self.sent}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT j.code, o.period, o.value FROM observation o "
                    "JOIN jurisdiction j ON j.id = o.jurisdiction_id WHERE o.superseded_at IS NULL"
                )
            ).all()
            self.figures.found_rows = conn.execute(
                sa.text("SELECT count(*) FROM observation")
            ).scalar_one()
            self.figures.not_applied = conn.execute(
                sa.text("SELECT count(*) FROM submission WHERE status <> 'applied'")
            ).scalar_one()
            self.figures.unfinished_jobs = conn.execute(
                sa.text(
                    "SELECT count(*) FROM outbox_job WHERE status IN ('pending','sent')"
                    " AND created_at <= :settled"
                ),
                {"settled": self.settled_at},
            ).scalar_one()
            self.figures.failed_jobs = [
                name
                for (name,) in conn.execute(
                    sa.text("SELECT actor_name FROM outbox_job WHERE status = 'failed'")
                ).all()
            ]
            self.figures.stale_targets = stale_targets(conn)
        found: dict[tuple[str, str], list[int]] = {}
        for code, period, value in rows:
            found.setdefault((code, period), []).append(int(value))
        self.figures.expected_rows = len(self.sent)
        self.figures.lost = sum(
            1
            for cell, value in expected.items()
            if found.get(cell) != [value] and len(found.get(cell, [])) <= 1
        )
        self.figures.doubled = sum(len(values) - 1 for values in found.values() if len(values) > 1)
        self.figures.doubled += max(
            0, self.figures.found_rows - len(self.sent) - self.figures.doubled
        )


def stale_targets(conn: sa.Connection) -> int:
    """Targets whose figures were applied after the last finished recompute that covered them
    (a recompute that finds unchanged inputs rightly leaves the snapshot alone, so the jobs, not
    the snapshots' times, tell whether progress was recomputed)."""
    targets = conn.execute(sa.text("SELECT id, jurisdiction_id FROM target")).all()
    applied = dict(
        conn.execute(
            sa.text(
                "SELECT o.jurisdiction_id, max(s.applied_at) FROM observation o "
                "JOIN submission s ON s.id = o.submission_id GROUP BY o.jurisdiction_id"
            )
        ).all()
    )
    covered: dict[int, Any] = {}
    everything = None
    for actor, args, finished in conn.execute(
        sa.text(
            "SELECT actor_name, args, finished_at FROM outbox_job "
            "WHERE status = 'done' AND actor_name IN ('recompute_progress', 'recompute_everything')"
        )
    ).all():
        args = json.loads(args) if isinstance(args, str) else args
        if actor == "recompute_everything":
            everything = max(everything or finished, finished)
            continue
        for target_id in args.get("target_ids", []):
            covered[target_id] = max(covered.get(target_id) or finished, finished)
    stale = 0
    for target_id, jurisdiction_id in targets:
        last_applied = applied.get(jurisdiction_id)
        done = max((t for t in (covered.get(target_id), everything) if t is not None), default=None)
        if last_applied is not None and (done is None or done < last_applied):
            stale += 1
    return stale


@contextmanager
def topology(plan: Plan) -> Iterator[Topology]:
    folder = Path(tempfile.mkdtemp(prefix="woonzorg-chaos-"))
    world = Topology(folder, plan)
    try:
        world.start()
        yield world
    finally:
        world.stop()
        if os.environ.get("WOONZORG_CHAOS_KEEP") is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"chaos logs in {folder}", file=sys.stderr)


def run(plan: Plan) -> Figures:
    with topology(plan) as world:
        # 1. worker processes killed (kill -9) while files come in
        uploads = world.upload_many(plan.files)
        kills = 0
        last_fault = time.monotonic()
        while kills < plan.kills:
            time.sleep(2.0)
            children = world.worker_children()
            if not children:
                continue
            os.kill(children[kills % len(children)], signal.SIGKILL)
            kills += 1
            last_fault = time.monotonic()
        world.figures.kills = kills
        uploads.join()
        world.wait_settled("worker_kill", last_fault)

        # 2. Redis killed while jobs are queued and running, restarted empty
        uploads = world.upload_many(plan.files, spacing_s=0.1)
        time.sleep(2.0)
        world.redis.kill()
        time.sleep(3.0)
        world.redis.start()
        last_fault = time.monotonic()
        uploads.join()
        world.wait_settled("broker_loss", last_fault)

        # 3. PostgreSQL restarted (immediate: connections cut) while files come in
        uploads = world.upload_many(plan.files, spacing_s=0.1)
        time.sleep(2.0)
        world.postgres.stop("immediate")
        time.sleep(3.0)
        world.postgres.start()
        last_fault = time.monotonic()
        uploads.join()
        world.wait_settled("database_restart", last_fault)

        world.count()
        return world.figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos.harness")
    parser.add_argument("--long", action="store_true", help="more kills, more and larger files")
    args = parser.parse_args(argv)
    figures = run(LONG if args.long else SHORT)
    for line in figures.lines():
        print(line)
    ok = (
        figures.lost == 0
        and figures.doubled == 0
        and all(s < SETTLE_LIMIT_S for s in figures.settle_s.values())
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

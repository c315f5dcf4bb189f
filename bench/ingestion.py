"""Ingestion: partner files end to end in child processes (as many as ingest worker processes),
against a bulk load of the same rows.

End to end is intake → validated → applied through the real submission functions, by a
trusted organisation (a fresh one per run: the same file from the same organisation is, rightly,
recognised as already received). The reference is the fastest the database itself takes the
same rows: PostgreSQL ``COPY`` into a bare table (SQLite: ``executemany``).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.environment import BenchEnvironment

BARE_TABLE = "bench_bare_rows"
COLUMNS = "indicator, gemeente, periode, doelgroep, woonvorm, prijssegment, waarde, opmerking"


@dataclass(frozen=True)
class IngestRun:
    rows: int
    seconds: float
    peak_rss_mb: float  # of the largest child: what one worker process needs
    rss_growth_mb: float  # peak minus the RSS after start-up (imports, connections)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def ingest_end_to_end(
    env: BenchEnvironment, organisation: str, files: list[Path], workers: int
) -> IngestRun:
    """The files shared round-robin among ``workers`` child processes running at once, as
    ``ingest`` worker processes take a delivery's files; the rate is over the wall-clock span
    from the first child starting work to the last one finishing."""
    shares = [files[i::workers] for i in range(workers) if files[i::workers]]
    command = [sys.executable, "-m", "bench.ingest_child", "--organisation", organisation]
    children = [
        subprocess.Popen(
            [*command, *map(str, share)],
            env={**os.environ, **env.variables()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    reports = []
    for child in children:
        out, err = child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"ingestion child failed:\n{err[-4000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    span = max(r["finished_at"] for r in reports) - min(r["started_at"] for r in reports)
    return IngestRun(
        rows=sum(r["rows"] for r in reports),
        seconds=span,
        peak_rss_mb=max(r["peak_rss_kb"] for r in reports) / 1024,
        rss_growth_mb=max(r["peak_rss_kb"] - r["rss_before_kb"] for r in reports) / 1024,
    )


def bulk_reference(engine: sa.Engine, files: list[Path]) -> float:
    """Rows per second of the database's own bulk load of the same files into a bare table."""
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        columns = ", ".join(f"{name} text" for name in COLUMNS.split(", "))
        conn.exec_driver_sql(f"CREATE TABLE {BARE_TABLE} ({columns})")
    started = time.perf_counter()
    rows = _copy(engine, files) if engine.dialect.name == "postgresql" else _insert(engine, files)
    seconds = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {BARE_TABLE}")
    return rows / seconds


def _copy(engine: sa.Engine, files: list[Path]) -> int:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            for path in files:
                statement = (
                    f"COPY {BARE_TABLE} ({COLUMNS}) FROM STDIN "
                    "WITH (FORMAT csv, DELIMITER ';', HEADER true)"
                )
                with cursor.copy(statement) as copy, path.open("rb") as source:  # type: ignore[attr-defined]
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
            cursor.execute(f"SELECT count(*) FROM {BARE_TABLE}")
            rows = cursor.fetchone()[0]
        raw.commit()
    finally:
        raw.close()
    return int(rows)


def _insert(engine: sa.Engine, files: list[Path]) -> int:
    rows = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for path in files:
            with path.open(encoding="utf-8", newline="") as source:
                reader = csv.reader(source, delimiter=";")
                next(reader)
                placeholders = ", ".join("?" * 8)
                statement = f"INSERT INTO {BARE_TABLE} VALUES ({placeholders})"
                cursor.executemany(statement, reader)  # type: ignore[arg-type]
                rows += cursor.rowcount
        raw.commit()
    finally:
        raw.close()
    return rows

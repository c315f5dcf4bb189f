"""Ingestion: partner files end to end in child processes (as many as ingest worker processes),
against the database's own limits on the same rows, in the same run.

End to end is intake → validated → applied through the real submission functions, by a
trusted organisation (a fresh one per run: the same file from the same organisation is, rightly,
recognised as already received). The references are the fastest the database itself takes the
same rows: PostgreSQL ``COPY`` of the files into a bare table of text columns (SQLite:
``executemany``), and ``COPY`` of the same rows, as observation rows, into a table with
``observation``'s indexes, constraints and foreign keys (PostgreSQL only). The validation step
alone (reading, columnar validation, codes to ids; no database) is timed in this process.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from bench.environment import BenchEnvironment
from db.engine import session_scope
from db.models import Organisation
from ingest.columnar import BatchValidator
from ingest.frames import pl
from ingest.tabular import read_table_batches
from ingest.validation import ValidationContext
from services.submissions.cells import CodeIds
from services.submissions.context import validation_context

BARE_TABLE = "bench_bare_rows"
COLUMNS = "indicator, gemeente, periode, doelgroep, woonvorm, prijssegment, waarde, opmerking"


@dataclass(frozen=True)
class IngestRun:
    rows: int
    seconds: float
    peak_rss_mb: float  # of the largest child: what one worker process needs
    rss_growth_mb: float  # peak minus the RSS after start-up (imports, connections)
    private_growth_mb: float  # the same of private memory (RSS without shared code pages)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def ingest_end_to_end(
    env: BenchEnvironment,
    organisation: str,
    files: list[Path],
    workers: int,
    resend: bool = False,
) -> IngestRun:
    """The files shared round-robin among ``workers`` child processes running at once, as
    ``ingest`` worker processes take a delivery's files; the rate is over the wall-clock span
    from the first child starting work to the last one finishing."""
    shares = [files[i::workers] for i in range(workers) if files[i::workers]]
    command = [sys.executable, "-m", "bench.ingest_child", "--organisation", organisation]
    if resend:
        command.append("--resend")
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
        private_growth_mb=max(r["peak_private_kb"] - r["private_before_kb"] for r in reports)
        / 1024,
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
    statement = (
        f"COPY {BARE_TABLE} ({COLUMNS}) FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
    )
    return _copy_files(engine, statement, files, BARE_TABLE)


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


INDEXED_TABLE = "bench_observation_copy"
OBSERVATION_COPY_COLUMNS = (
    "indicator_id",
    "jurisdiction_id",
    "period",
    "period_start",
    "period_end",
    "target_group_id",
    "housing_type_id",
    "price_segment",
    "cell_key",
    "value",
    "notes",
    "source_organisation_id",
    "per_year",
    "recorded_at",
    "version",
)


def validation_rate(organisation: str, files: list[Path]) -> float:
    """Microseconds per row of the validation step alone, in this process: read in batches,
    validated in columns, codes joined to ids (what a worker does before the database)."""
    ids, context = _validation_inputs(organisation)
    rows = 0
    started = time.perf_counter()
    for path in files:
        with BatchValidator(context) as validator:
            for batch in read_table_batches(path, path.name):
                result = validator.validate(batch)
                ids.with_ids(result.valid)
                rows += result.rows
    return (time.perf_counter() - started) / rows * 1e6


def indexed_reference(engine: sa.Engine, organisation: str, files: list[Path]) -> float:
    """Rows per second of ``COPY`` of the files' rows, as observation rows, into a table with
    ``observation``'s columns, indexes, constraints and foreign keys (PostgreSQL)."""
    ids, context = _validation_inputs(organisation)
    with engine.connect() as conn:
        source_id = conn.execute(
            sa.text("SELECT id FROM organisation WHERE code = :code"), {"code": organisation}
        ).scalar_one()
    prepared = []
    for path in files:  # the rows as observation rows, prepared before the clock starts
        out = path.with_suffix(".observations.csv")
        with BatchValidator(context) as validator, out.open("wb") as sink:
            for batch in read_table_batches(path, path.name):
                frame = ids.with_ids(validator.validate(batch).valid).select(
                    *OBSERVATION_COPY_COLUMNS[:10],
                    pl.col("note").alias("notes"),
                    pl.lit(source_id).alias("source_organisation_id"),
                    pl.lit(False).alias("per_year"),
                    pl.lit("2026-01-01T00:00:00+00:00").alias("recorded_at"),
                    pl.lit(1).alias("version"),
                )
                frame.write_csv(sink, include_header=False, null_value="\\N")
        prepared.append(out)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {INDEXED_TABLE}")
        conn.exec_driver_sql(f"CREATE TABLE {INDEXED_TABLE} (LIKE observation INCLUDING ALL)")
        foreign_keys = conn.exec_driver_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'observation'::regclass AND contype = 'f'"
        ).all()
        for name, definition in foreign_keys:
            conn.exec_driver_sql(
                f"ALTER TABLE {INDEXED_TABLE} ADD CONSTRAINT bench_{name} {definition}"
            )
    statement = (
        f"COPY {INDEXED_TABLE} ({', '.join(OBSERVATION_COPY_COLUMNS)}) FROM STDIN "
        "WITH (FORMAT csv, NULL '\\N')"
    )
    started = time.perf_counter()
    rows = _copy_files(engine, statement, prepared, INDEXED_TABLE)
    seconds = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {INDEXED_TABLE}")
    for out in prepared:
        out.unlink()
    return rows / seconds


def _copy_files(engine: sa.Engine, statement: str, files: list[Path], table: str) -> int:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            for path in files:
                with cursor.copy(statement) as copy, path.open("rb") as source:  # type: ignore[attr-defined]
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()[0]
        raw.commit()
    finally:
        raw.close()
    return int(rows)


def _validation_inputs(organisation: str) -> tuple[CodeIds, ValidationContext]:
    with session_scope() as session:
        found = session.exec(select(Organisation).where(Organisation.code == organisation)).one()
        return CodeIds.load(session), validation_context(session, found, date.today())

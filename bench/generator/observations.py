"""The database load of observations: bulk, with explicit ids so corrections can link versions.

PostgreSQL gets ``COPY … FROM STDIN`` through psycopg's ``cursor.copy``; SQLite gets
``executemany`` in chunks. About 3% of the cells are corrected once (two versions).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import sqlalchemy as sa

from bench.generator.cells import Cell, cells
from bench.generator.plan import Plan
from bench.generator.structure import Universe
from db.models import Observation, cell_key

CORRECTED_SHARE = 0.03
CHUNK = 20_000
FIRST_RECORDED = datetime(2025, 1, 1, tzinfo=UTC)
COLUMNS = (
    "id",
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
    "per_year",
    "source_organisation_id",
    "version",
    "recorded_at",
    "superseded_at",
    "superseded_by_id",
    "change_reason",
    "notes",
)


def observation_rows(plan: Plan, universe: Universe, first_id: int) -> Iterator[tuple[Any, ...]]:
    """The rows to load, as tuples in ``COLUMNS`` order."""
    next_id = first_id
    total_cells = round(plan.observations / (1 + CORRECTED_SHARE))
    every = round(1 / CORRECTED_SHARE)
    for number, cell in enumerate(cells(universe, total_cells)):
        base = cell_columns(cell, universe)
        source = universe.sources[cell.jurisdiction_id]
        recorded = FIRST_RECORDED + timedelta(minutes=number % 100_000)
        if number % every == every - 1:
            corrected = recorded + timedelta(days=30)
            old = cell.value(plan, 1)
            yield (
                next_id,
                *base,
                old,
                False,
                source,
                1,
                recorded,
                corrected,
                next_id + 1,
                None,
                None,
            )
            next_id += 1
            new = cell.value(plan)
            reason = "benchmark correction"
            yield (next_id, *base, new, False, source, 2, corrected, None, None, reason, None)
        else:
            yield (
                next_id,
                *base,
                cell.value(plan),
                False,
                source,
                1,
                recorded,
                None,
                None,
                None,
                None,
            )
        next_id += 1


def cell_columns(cell: Cell, universe: Universe) -> tuple[Any, ...]:
    """indicator_id … cell_key of one cell."""
    group = universe.target_groups.get(cell.target_group) if cell.target_group else None
    housing = universe.housing_types.get(cell.housing_type) if cell.housing_type else None
    period = str(cell.period)
    key = cell_key(cell.indicator.id, cell.jurisdiction_id, period, group, housing, None)
    return (
        cell.indicator.id,
        cell.jurisdiction_id,
        period,
        cell.period.start,
        cell.period.end,
        group,
        housing,
        None,
        key,
    )


def load_observations(engine: sa.Engine, plan: Plan, universe: Universe) -> int:
    """Load the generated observations after the existing ones; returns how many."""
    with engine.begin() as conn:
        first_id = (conn.scalar(sa.select(sa.func.max(Observation.id))) or 0) + 1
    rows = observation_rows(plan, universe, first_id)
    if engine.dialect.name == "postgresql":
        count = _copy(engine, rows)
    else:
        count = _executemany(engine, rows)
    return count


def _copy(engine: sa.Engine, rows: Iterable[tuple[Any, ...]]) -> int:
    count = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            statement = f"COPY observation ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.copy(statement) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
                    count += 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('observation', 'id'), "
                "(SELECT max(id) FROM observation))"
            )
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    return count


def _executemany(engine: sa.Engine, rows: Iterable[tuple[Any, ...]]) -> int:
    count = 0
    iterator = iter(rows)
    table = Observation.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # a version links to its successor
        while chunk := list(islice(iterator, CHUNK)):
            conn.execute(table.insert(), [dict(zip(COLUMNS, row, strict=True)) for row in chunk])
            count += len(chunk)
    return count

"""Time per GraphQL field of the three benchmark reads, in process (no HTTP, no cache).

``python -m bench.fields [--repeat N] [--profile DIR]`` on the benchmark database
(WOONZORG_BENCH_DATABASE_URL or ``bench-out/bench.db``: build it with ``python -m bench.generate
--scale 0.01`` or a bench run). Each read is executed as the API executes it (a viewer's
context, every extension) ``--repeat`` times (wall and CPU time: CPU time holds still on a
loaded machine); a field is one key of the answer (a list's items
each count their own fields). Prints ``<read>.fields``, ``<read>.p50_ms`` and
``<read>.us_per_field``; with ``--profile`` also a pyinstrument profile per read (HTML).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from bench.environment import from_environment


def count_fields(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", type=Path, default=None, help="write pyinstrument HTML here")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    from_environment(args.out).apply()

    from sqlmodel import Session, select

    from bench.queries import reads
    from core.enums import JurisdictionKind, Role
    from db.engine import get_engine
    from db.models import Jurisdiction, Organisation
    from schema.context import Context
    from schema.root import schema
    from services.access.authentication import Principal

    engine = get_engine()
    with Session(engine) as session:
        region = (
            session.exec(
                select(Jurisdiction.code)
                .where(Jurisdiction.kind == JurisdictionKind.REGION)
                .where(Jurisdiction.code.like("rg-bench-%"))  # type: ignore[attr-defined]
                .order_by(Jurisdiction.code)
            ).first()
            or "rg-woningmarktregio-haaglanden"
        )
        municipality = session.exec(
            select(Jurisdiction.code)
            .where(Jurisdiction.code.like("GM0%"))  # type: ignore[attr-defined]
            .order_by(Jurisdiction.code)
        ).first()
        organisation = session.exec(select(Organisation).order_by(Organisation.id)).first()
        assert municipality is not None and organisation is not None
        principal = Principal(0, "bench", organisation.id, organisation.code, Role.VIEWER, None)  # type: ignore[arg-type]

    async def execute(body: dict[str, Any]) -> dict[str, Any]:
        context = Context(engine=engine, principal=principal)
        result = await schema.execute(
            body["query"], variable_values=body["variables"], context_value=context
        )
        assert not result.errors, result.errors
        return result.data or {}

    for read in reads(region, municipality):
        body = read.body()
        data = asyncio.run(execute(body))  # warm-up
        fields = count_fields(data)
        seconds, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            asyncio.run(execute(body))
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        p50, cpu50 = statistics.median(seconds), statistics.median(cpu)
        print(f"{read.name}.fields={fields}")
        print(f"{read.name}.p50_ms={p50 * 1000:.1f}")
        print(f"{read.name}.cpu_p50_ms={cpu50 * 1000:.1f}")
        # CPU time: what the process itself spends (SQLite's share included), steady under load
        print(f"{read.name}.cpu_us_per_field={cpu50 / max(fields, 1) * 1e6:.1f}")
        if args.profile is not None:
            from pyinstrument import Profiler

            args.profile.mkdir(parents=True, exist_ok=True)
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(5):
                asyncio.run(execute(body))
            profiler.stop()
            (args.profile / f"{read.name}.html").write_text(profiler.output_html())
            (args.profile / f"{read.name}.txt").write_text(profiler.output_text(unicode=False))


if __name__ == "__main__":
    main()

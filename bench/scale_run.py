"""One scale: build the data, then measure recomputation, queries and ingestion (in that order:
ingestion adds rows, so it comes last)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from bench.environment import BenchEnvironment
from bench.freshness import Trickle, ensure_partner, freshness
from bench.generator.database import build_database
from bench.generator.partner_files import write_partner_files
from bench.generator.plan import Plan
from bench.generator.structure import Universe
from bench.ingestion import (
    bulk_reference,
    indexed_reference,
    ingest_end_to_end,
    validation_rate,
)
from bench.load import run_load
from bench.queries import Read, reads, sql_latencies
from bench.recompute import (
    all_targets,
    full_recompute,
    incremental_recompute,
    read_inputs,
    small_submission,
)
from bench.report import Report, median, percentile, ratio
from bench.server import running_api
from db.engine import get_engine
from workers.broker import get_broker


@dataclass(frozen=True)
class ScaleOptions:
    scale: float
    seed: int
    repeat: int
    ingest_repeat: int
    ingest_workers: int
    clients: tuple[int, ...]
    requests: int
    seconds: float
    api_workers: int
    skip: frozenset[str]
    trickle_seconds: float = 2.0
    approvals: int = 20


class _Figures:
    """Puts figures under ``s<scale>.`` and keeps the numeric ones for the growth factors."""

    def __init__(self, scale: float, report: Report) -> None:
        self.prefix = f"s{scale:g}."
        self.report = report
        self.values: dict[str, float] = {}

    def put(self, key: str, value: float | int) -> None:
        self.report.put(self.prefix + key, value)
        self.values[key] = float(value)


def run_scale(env: BenchEnvironment, options: ScaleOptions, report: Report) -> dict[str, float]:
    figures = _Figures(options.scale, report)
    plan = Plan(seed=options.seed, scale=options.scale)
    built = build_database(env.database_url, plan)
    figures.put("data.observations_count", built.observations)
    figures.put("data.build_s", built.seconds)
    engine = get_engine()
    if "recompute" not in options.skip:
        _recompute(engine, env, options, figures)
    if "queries" not in options.skip:
        _queries(engine, env, options, built.universe, figures)
    if "ingest" not in options.skip:
        _ingest(engine, env, options, plan, built.universe, figures)
    engine.dispose()
    _flush_broker()
    return figures.values


def _recompute(
    engine: sa.Engine, env: BenchEnvironment, options: ScaleOptions, figures: _Figures
) -> None:
    ids = all_targets(engine)
    first = full_recompute(engine)  # writes every snapshot
    figures.put("recompute.targets_count", first.targets)
    figures.put("recompute.full_first_s", first.seconds)
    again = [full_recompute(engine).seconds for _ in range(max(1, options.repeat - 1))]
    reference = median([read_inputs(engine, ids).seconds for _ in range(options.repeat)])
    figures.put("recompute.full_s", median(again))
    figures.put("recompute.full_reference_s", reference)
    figures.put("recompute.full_ratio", ratio(median(again), reference))
    runs = []
    references = []
    targets = 0
    for run in range(options.repeat):
        path = small_submission(engine, env.out / "incremental", run)
        timed, target_ids = incremental_recompute("bench-partner-6", path)
        runs.append(timed.seconds)
        targets = timed.targets
        references.append(read_inputs(engine, target_ids).seconds)
    figures.put("recompute.incremental_targets_count", targets)
    figures.put("recompute.incremental_s", median(runs))
    figures.put("recompute.incremental_reference_s", median(references))
    figures.put("recompute.incremental_ratio", ratio(median(runs), median(references)))


def _token() -> str:
    from core.enums import Role
    from services.access.tokens import issue_token

    with Session(get_engine()) as session:
        issued = issue_token(session, "vng", Role.VIEWER, name="benchmark client")
        session.commit()
        return issued.token


PATHS = {
    # cold: every request executed; warm: the response cache on, while a trickle of submissions
    # is applied (each one invalidates it)
    "cold": {"WOONZORG_RESPONSE_CACHE": "false"},
    "warm": {"WOONZORG_RESPONSE_CACHE": "true"},
}


def _queries(
    engine: sa.Engine,
    env: BenchEnvironment,
    options: ScaleOptions,
    universe: Universe,
    figures: _Figures,
) -> None:
    token = _token()
    municipality = next(code for code in universe.municipalities if code.startswith("GM0"))
    region = universe.regions[0]
    members = ensure_partner(region)
    references: dict[str, float] = {}
    for read in reads(region, municipality):
        sql, rows = sql_latencies(engine, read, max(10, options.repeat))
        key = f"query.{read.name}"
        figures.put(f"{key}.sql_rows", rows)
        figures.put(f"{key}.sql_p50_ms", median(sql) * 1000)
        figures.put(f"{key}.sql_p95_ms", percentile(sql, 0.95) * 1000)
        references[read.name] = percentile(sql, 0.95)
    for path, settings in PATHS.items():
        with running_api(env, options.api_workers, settings) as base:
            trickle = Trickle(members, options.trickle_seconds) if path == "warm" else None
            if trickle is not None:
                trickle.__enter__()
            try:
                for read in reads(region, municipality):
                    _levels(base, read, token, path, references[read.name], options, figures)
            finally:
                if trickle is not None:
                    trickle.__exit__()
                    figures.put("query.warm.trickle_applied_count", trickle.applied)
                    figures.put("query.warm.trickle_errors_count", trickle.errors)
            if path == "warm" and options.approvals:
                overview = reads(region, municipality)[0]
                seconds = freshness(base, overview.body(), token, members, options.approvals)
                figures.put("freshness.approvals_count", len(seconds))
                if seconds:
                    figures.put("freshness.p50_s", percentile(seconds, 0.5))
                    figures.put("freshness.p95_s", percentile(seconds, 0.95))
                    figures.put("freshness.max_s", max(seconds))


def _levels(
    base: str,
    read: Read,
    token: str,
    path: str,
    sql_p95: float,
    options: ScaleOptions,
    figures: _Figures,
) -> None:
    """``s<scale>.query.<read>.<cold|warm>.c<clients>.<figure>`` for each client level."""
    key = f"query.{read.name}.{path}"
    single = 0.0  # p50 with one client: predicts whether a level fits in its time
    for clients in options.clients:
        at = f"{key}.c{clients}"
        if single * clients / options.api_workers > 2 * options.seconds:
            figures.put(f"{at}.skipped_count", 1)  # the queue alone would outlast it
            continue
        load = run_load(
            f"{base}/graphql",
            read.body(),
            token,
            clients,
            options.requests * clients,
            options.seconds,
        )
        single = single or percentile(load.latencies, 0.5)
        if load.first_error:
            figures.report.put(f"{figures.prefix}{at}.first_error", repr(load.first_error))
        figures.put(f"{at}.errors_count", load.errors)
        figures.put(f"{at}.requests_count", len(load.latencies))
        figures.put(f"{at}.p50_ms", percentile(load.latencies, 0.5) * 1000)
        figures.put(f"{at}.p95_ms", percentile(load.latencies, 0.95) * 1000)
        figures.put(f"{at}.throughput_rps", load.throughput)
        figures.put(f"{at}.p95_ratio", ratio(percentile(load.latencies, 0.95), sql_p95))


def _ingest(
    engine: sa.Engine,
    env: BenchEnvironment,
    options: ScaleOptions,
    plan: Plan,
    universe: Universe,
    figures: _Figures,
) -> None:
    files = write_partner_files(plan, universe, env.out / f"partner-{options.scale:g}")
    figures.put("ingest.files_count", len(files))
    figures.put("ingest.validate_us_per_row", validation_rate("bench-partner-1", files))
    # two worker processes (the default), repeated, one fresh partner per run …
    runs = [
        ingest_end_to_end(env, f"bench-partner-{run + 1}", files, options.ingest_workers)
        for run in range(options.ingest_repeat)
    ]
    # … then one worker process, once, and the first partner's delivery sent again
    single = ingest_end_to_end(env, f"bench-partner-{options.ingest_repeat + 1}", files, 1)
    resend = ingest_end_to_end(env, "bench-partner-1", files, options.ingest_workers, resend=True)
    bare = median([bulk_reference(engine, files) for _ in range(options.repeat)])
    rate = median([r.rows_per_second for r in runs])
    figures.put("ingest.workers_count", options.ingest_workers)
    figures.put("ingest.rows_count", runs[0].rows)
    figures.put("ingest.rows_per_s", rate)
    figures.put("ingest.w1.rows_per_s", single.rows_per_second)
    figures.put("ingest.peak_rss_mb", max(r.peak_rss_mb for r in [*runs, single]))
    figures.put("ingest.rss_growth_mb", max(r.rss_growth_mb for r in [*runs, single]))
    figures.put("ingest.private_growth_mb", max(r.private_growth_mb for r in [*runs, single]))
    figures.put("ingest.first_s", runs[0].seconds)
    figures.put("ingest.resend_s", resend.seconds)
    figures.put("ingest.resend_ratio", ratio(resend.seconds, runs[0].seconds))
    figures.put("ingest.copy_bare_rows_per_s", bare)
    figures.put("ingest.reference_rows_per_s", bare)
    figures.put("ingest.ratio", ratio(rate, bare))
    figures.put("ingest.w1.ratio", ratio(single.rows_per_second, bare))
    if env.postgres:
        indexed = median(
            [indexed_reference(engine, "bench-partner-1", files) for _ in range(options.repeat)]
        )
        figures.put("ingest.copy_indexed_rows_per_s", indexed)
        figures.put("ingest.indexed_ratio", ratio(rate, indexed))
    for path in files:
        path.unlink()


def _flush_broker() -> None:
    get_broker().flush_all()

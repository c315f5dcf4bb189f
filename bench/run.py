"""``make bench`` / ``python -m bench.run``: every figure at each scale, as ``key=value`` lines.

PostgreSQL and Redis when WOONZORG_BENCH_DATABASE_URL / WOONZORG_BENCH_BROKER_URL are set,
else SQLite and the in-memory broker. Keys read ``s<scale>.<area>.<figure>``; each figure is
the median of ``--repeat`` runs, next to its reference and their ratio. ``growth.*`` lines give
the factor per 10× of data (10 = linear). The benchmark database is rebuilt for every scale.
"""

from __future__ import annotations

import argparse
import os
import platform
from itertools import pairwise
from pathlib import Path

from bench.environment import from_environment
from bench.growth import growth_per_10x
from bench.report import Report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--ingest-repeat",
        type=int,
        default=None,
        help="ingestion runs (default 3 below scale 1, else 1)",
    )
    parser.add_argument(
        "--ingest-workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes taking a delivery's files at once, as `woonzorg worker "
        "--processes N` runs them (default: one per CPU)",
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--requests", type=int, default=20, help="requests per client level, × clients"
    )
    parser.add_argument("--seconds", type=float, default=20, help="time limit per client level")
    parser.add_argument(
        "--trickle-seconds",
        type=float,
        default=2.0,
        help="warm runs: a submission is approved and applied every so many seconds",
    )
    parser.add_argument(
        "--approvals", type=int, default=20, help="freshness: approvals timed (0: skip)"
    )
    parser.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ingest", "queries", "recompute"])
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)

    env = from_environment(args.out)
    env.apply()  # before any project module reads its settings
    from core.settings import get_settings  # after env.apply()
    from workers import boot

    boot.start(get_settings())
    from bench.scale_run import ScaleOptions, run_scale  # after the broker: it runs actors

    report = Report()
    report.put("database", "postgresql" if env.postgres else "sqlite")
    report.put("broker", env.broker_url.split("://")[0])
    report.put("python", platform.python_version())
    per_scale: dict[float, dict[str, float]] = {}
    for scale in args.scales:
        options = ScaleOptions(
            scale=scale,
            seed=args.seed,
            repeat=args.repeat,
            ingest_repeat=args.ingest_repeat or (3 if scale < 1 else 1),
            ingest_workers=args.ingest_workers,
            clients=tuple(args.clients),
            requests=args.requests,
            seconds=args.seconds,
            api_workers=args.api_workers,
            skip=frozenset(args.skip),
            trickle_seconds=args.trickle_seconds,
            approvals=args.approvals,
        )
        per_scale[scale] = run_scale(env, options, report)
    _growth(per_scale, report)


def _growth(per_scale: dict[float, dict[str, float]], report: Report) -> None:
    scales = sorted(per_scale)
    for small, large in pairwise(scales):
        for key, value in per_scale[small].items():
            if key in per_scale[large] and not key.endswith(("ratio", "_count", "_rows")):
                factor = growth_per_10x(key, value, per_scale[large][key], small, large)
                report.put(f"growth.{small:g}-{large:g}.{key}", factor)


if __name__ == "__main__":
    main()

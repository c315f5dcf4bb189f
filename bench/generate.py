"""``python -m bench.generate --scale 0.1 --seed 1 --database-url … --out bench-out/data``.

Builds the benchmark database (reference data + generated national-scale data) and writes the
partner CSV files; prints ``key=value`` lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.generator.database import build_database
from bench.generator.partner_files import checksum, write_partner_files
from bench.generator.plan import Plan


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1, help="1 = about 1M observations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="sqlite:///bench-out/bench.db")
    parser.add_argument("--out", type=Path, default=Path("bench-out/data"))
    args = parser.parse_args(argv)
    plan = Plan(seed=args.seed, scale=args.scale)
    built = build_database(args.database_url, plan)
    print(f"observations_loaded={built.observations}")
    print(f"load_seconds={built.seconds:.1f}")
    paths = write_partner_files(plan, built.universe, args.out)
    print(f"partner_files={len(paths)}")
    print(f"partner_checksum={checksum(paths)}")


if __name__ == "__main__":
    main()

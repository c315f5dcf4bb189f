"""The benchmark's own configuration, fixed in the environment before any project module reads
its settings (they are cached on first use)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUT = Path("bench-out")


@dataclass(frozen=True)
class BenchEnvironment:
    database_url: str
    broker_url: str
    out: Path

    @property
    def postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def data_dir(self) -> Path:
        return self.out / "var"

    def variables(self) -> dict[str, str]:
        return {
            "WOONZORG_DATABASE_URL": self.database_url,
            "WOONZORG_BROKER_URL": self.broker_url,
            "WOONZORG_BROKER_NAMESPACE": "woonzorg-bench",
            "WOONZORG_DATA_DIR": str(self.data_dir.resolve()),
            "WOONZORG_SECRET_KEY": "benchmark-only-secret-key",
            "WOONZORG_LOG_LEVEL": "WARNING",
        }

    def apply(self) -> None:
        os.environ.update(self.variables())


def from_environment(out: Path = DEFAULT_OUT) -> BenchEnvironment:
    """PostgreSQL and Redis when WOONZORG_BENCH_DATABASE_URL / WOONZORG_BENCH_BROKER_URL say so,
    else a SQLite file under ``out`` and the in-memory broker."""
    out.mkdir(parents=True, exist_ok=True)
    return BenchEnvironment(
        database_url=os.environ.get("WOONZORG_BENCH_DATABASE_URL")
        or f"sqlite:///{(out / 'bench.db').resolve()}",
        broker_url=os.environ.get("WOONZORG_BENCH_BROKER_URL") or "memory://",
        out=out,
    )

"""The production topology as processes, with faults injected (issue 22; ``make chaos`` runs the
long version). Runs in the PostgreSQL + Redis pass of ``.ci/run`` (or with WOONZORG_CHAOS=1): it
starts a PostgreSQL and a Redis of its own on free ports, never the configured ones."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.chaos.harness import SETTLE_LIMIT_S, SHORT, pg_bin, run

IN_SERVICES_PASS = os.environ.get("WOONZORG_TEST_DATABASE_URL", "").startswith(
    "postgresql"
) and os.environ.get("WOONZORG_BROKER_URL", "").startswith("redis")

pytestmark = [
    pytest.mark.chaos,
    pytest.mark.skipif(
        not (IN_SERVICES_PASS or os.environ.get("WOONZORG_CHAOS")),
        reason="runs in the PostgreSQL + Redis pass (or WOONZORG_CHAOS=1)",
    ),
]


def test_kills_and_outages_lose_nothing_double_nothing_and_settle_within_a_minute() -> None:
    pg_bin()  # the PostgreSQL server binaries must be there: fail, never skip, when they are not
    assert shutil.which("redis-server"), "redis-server is needed for the fault-injection test"
    figures = run(SHORT)
    print("\n".join(figures.lines()))
    assert figures.kills >= 10
    assert figures.expected_rows == SHORT.files * 3 * SHORT.months
    assert (figures.lost, figures.doubled) == (0, 0)
    assert figures.found_rows == figures.expected_rows
    assert figures.not_applied == 0 and figures.unfinished_jobs == 0
    assert figures.stale_targets == 0  # progress recomputed after the last apply
    # only the per-queue liveness probe (no retries, by design) may fail in a database outage
    assert set(figures.failed_jobs) <= {"heartbeat"}, figures.failed_jobs
    assert set(figures.settle_s) == {"worker_kill", "broker_loss", "database_restart"}
    assert all(seconds < SETTLE_LIMIT_S for seconds in figures.settle_s.values()), figures.settle_s
    assert 500 not in figures.upload_statuses  # outages answer 503, never a bare 500

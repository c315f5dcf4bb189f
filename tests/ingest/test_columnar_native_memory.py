"""A worker's private memory while validating does not grow with the file: polars' own
allocations included, which ``tracemalloc`` does not see (memory checks, not timing ones).

Each file is validated in a fresh interpreter, so polars is loaded there as the workers load it
(through ``ingest.frames``), and the figure is the growth of the process's anonymous resident
memory (``RssAnon``: private pages, not the shared code of the libraries) over the run, sampled
every few milliseconds so that what a batch builds and drops counts too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SMALL_ROWS = 30_000
LARGE_ROWS = 150_000
GROWTH_LIMIT_MB = 32  # measured ≈13 for 150,000 rows; ≈75 when freed pages were kept

CHILD = """
import json, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from ingest_support import make_context
from ingest.columnar import validate_batches
from ingest.tabular import read_table_batches

def anonymous_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no RssAnon")

path, MUNICIPALITIES = Path(sys.argv[1]), int(sys.argv[3])
context = make_context(jurisdictions={f"GM{n:04d}" for n in range(MUNICIPALITIES)})
before = anonymous_mb()
peak = [before]

def sample():  # every 5 ms: a batch's transient frames count too
    while True:
        peak[0] = max(peak[0], anonymous_mb())
        time.sleep(0.005)

threading.Thread(target=sample, daemon=True).start()
rows = valid = 0
for result in validate_batches(read_table_batches(path, path.name), context):
    rows += result.rows
    valid += result.valid.height
peak[0] = max(peak[0], anonymous_mb())
print(json.dumps({"rows": rows, "valid": valid, "growth_mb": peak[0] - before}))
"""


MUNICIPALITIES = 2_000


def write_distinct_cells(path: Path, rows: int) -> None:
    """Rows of distinct cells (a year × a municipality each), all valid, as a partner sends
    them: a year's figures for every municipality, then the year before."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("indicator;gemeente;periode;woonvorm;waarde;opmerking\r\n")
        for n in range(rows):
            year = 2024 - n // MUNICIPALITIES
            municipality = f"GM{n % MUNICIPALITIES:04d}"
            out.write(f"dwellings-added;{municipality};{year};nultredenwoning;{n % 5000};\r\n")


def growth_while_validating(path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(Path(__file__).parent), str(MUNICIPALITIES)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_private_memory_while_validating_is_bounded_and_flat_in_file_size(
    tmp_path: Path,
) -> None:
    # Given two files of distinct valid cells, one five times longer than the other
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_distinct_cells(small, SMALL_ROWS)
    write_distinct_cells(large, LARGE_ROWS)
    # When each is validated in a fresh worker-like process
    small_run, large_run = growth_while_validating(small), growth_while_validating(large)
    # Then every row was read and found valid …
    assert (small_run["rows"], small_run["valid"]) == (SMALL_ROWS, SMALL_ROWS)
    assert (large_run["rows"], large_run["valid"]) == (LARGE_ROWS, LARGE_ROWS)
    # … and the longer file needed about the same private memory, within a small bound
    assert large_run["growth_mb"] < GROWTH_LIMIT_MB, large_run
    assert large_run["growth_mb"] < small_run["growth_mb"] + 8, (small_run, large_run)

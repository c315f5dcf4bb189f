"""Child process of the ingestion benchmark: submit partner files end to end, report as JSON.

``python -m bench.ingest_child --organisation CODE FILE…`` (database, broker and data folder from
the ``WOONZORG_*`` environment). Each file goes through the real path: ``submit_file`` (intake,
payload stored, job recorded in the outbox) and then the ``process_submission`` actor's body
(validate every row; a trusted organisation's submission is applied in the same step). Prints
one JSON object: rows, wall-clock start and end, peak RSS of this process (VmHWM) and the RSS before the work,
and the peak of its private memory (``RssAnon``, sampled): RSS also counts the pages of shared
libraries' code it touched (polars' alone ≈47 MB), which every worker process shares.
"""

from __future__ import annotations

import argparse
import json
import resource
import threading
import time
import uuid
from pathlib import Path

from bench.jobs import submit_and_process
from core.settings import get_settings
from workers import boot


def _memory_kb(field: str) -> int:
    """``VmHWM`` (peak), ``VmRSS`` (now) or ``RssAnon`` (private, now) of this process. Unlike
    ``ru_maxrss`` these start afresh at exec: a child forked from a large parent does not inherit the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


class PrivateMemoryPeak:
    """The highest ``RssAnon`` seen, sampled every 10 ms on a daemon thread."""

    def __init__(self) -> None:
        self.peak_kb = _memory_kb("RssAnon")
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, _memory_kb("RssAnon"))
            time.sleep(0.01)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisation", required=True)
    parser.add_argument(
        "--resend",
        action="store_true",
        help="send each file as a new submission (a fresh idempotency key) even if received before",
    )
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    boot.start(get_settings())
    rss_before = _memory_kb("VmRSS")
    private_before = _memory_kb("RssAnon")
    private = PrivateMemoryPeak()
    started_at = time.time()  # wall clock: the parent compares children's spans
    rows = sum(
        submit_and_process(args.organisation, path, uuid.uuid4().hex if args.resend else None)
        for path in args.files
    )
    figures = {
        "rows": rows,
        "started_at": started_at,
        "finished_at": time.time(),
        "rss_before_kb": rss_before,
        "peak_rss_kb": _memory_kb("VmHWM"),
        "private_before_kb": private_before,
        "peak_private_kb": max(private.peak_kb, _memory_kb("RssAnon")),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

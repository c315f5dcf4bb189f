"""Partner CSV files as a corporation would send them: ``;``-separated, Dutch headers, decimal
comma, one file per at most ``PARTNER_FILE_ROWS`` rows (the upload limits allow 500,000)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from bench.generator.cells import Cell, cells
from bench.generator.plan import PARTNER_FILE_ROWS, Plan
from bench.generator.structure import Universe

HEADERS = (
    "indicator",
    "gemeente",
    "periode",
    "doelgroep",
    "woonvorm",
    "prijssegment",
    "waarde",
    "opmerking",
)


def partner_rows(plan: Plan, universe: Universe, rows: int) -> Iterator[list[str]]:
    for cell in cells(universe, rows):
        yield _row(cell, plan)


def _row(cell: Cell, plan: Plan) -> list[str]:
    value = format(cell.value(plan, 7), "f").replace(".", ",")
    return [
        cell.indicator.code,
        cell.municipality,
        str(cell.period),
        cell.target_group or "",
        cell.housing_type or "",
        "",
        value,
        "",
    ]


def write_partner_files(
    plan: Plan,
    universe: Universe,
    folder: Path,
    rows: int | None = None,
    per_file: int = PARTNER_FILE_ROWS,
) -> list[Path]:
    """The partner files of the plan (``rows`` default: the plan's), named ``partner-NNN.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    handle = None
    writer = None
    try:
        for number, row in enumerate(
            partner_rows(plan, universe, plan.partner_rows if rows is None else rows)
        ):
            if number % per_file == 0:
                if handle is not None:
                    handle.close()
                paths.append(folder / f"partner-{len(paths) + 1:03d}.csv")
                handle = paths[-1].open("w", encoding="utf-8", newline="")
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow(HEADERS)
            assert writer is not None
            writer.writerow(row)
    finally:
        if handle is not None:
            handle.close()
    return paths


def checksum(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()

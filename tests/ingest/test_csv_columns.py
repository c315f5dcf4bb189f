"""The columnar reader of plain CSV files gives exactly what the record reader gives: the same
batches (cells, row numbers, irregular rows) and the same FileError at the same point, on files
built to hold every shape a plain file can have."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.csv_columns import is_plain
from ingest.csv_reader import read_csv_batches, record_batches
from ingest.errors import FileError
from ingest.frames import pl
from ingest.limits import ReadLimits
from ingest.raw_rows import RowBatch

HEADERS = {
    ";": ["indicator", "gemeente", "periode", "woonvorm", "waarde", "opmerking"],
    ",": ["indicator", "jurisdiction", "period", "housing_type", "value", "note"],
    "\t": ["Indicator", "Gemeente", "Periode", "Woonvorm", "Waarde", "Opmerking"],
}
CELLS = {
    "indicator": ["dwellings-added", " dwellings-added ", "DWELLINGS-ADDED", "", "  "],
    "gemeente": ["GM0518", "518", " GM0546", "", "Zoë"],
    "periode": ["2024", "2024-03", "2024-Q1", "", "\u00a02023"],
    "woonvorm": ["", "nultredenwoning", "  ", "café"],
    "waarde": ["10", "1.080", "3,5", "-2", "", "€ 5", "1.080,5"],
    "opmerking": ["", "een opmerking", "  met spaties  ", "x" * 30],
}


def _line(rng: random.Random, separator: str, tidy: bool) -> str:
    """A record; ``tidy``: without white space (a block without any is not trimmed)."""
    kind = rng.random()
    if kind < 0.06:
        return ""
    if kind < 0.1:
        return separator * 3 if tidy else rng.choice(["   ", f" {separator} {separator}"])
    cells = [
        rng.choice([o for o in options if not tidy or (o.isprintable() and " " not in o)])
        for options in CELLS.values()
    ]
    if separator == ",":
        cells = [cell.replace(",", "") for cell in cells]
    if kind < 0.16:  # text or empty cells to the right of the header
        cells += rng.choice([["extra"], ["", "x"], [""], ["", ""], ["  "]])
    elif kind < 0.2:  # fewer cells than the header
        cells = cells[: rng.randint(1, 5)]
    elif kind < 0.22:  # far more cells than the header
        cells += ["y"] * rng.randint(3, 12)
    return separator.join(cells)


def _file(seed: int) -> tuple[bytes, ReadLimits, int]:
    rng = random.Random(seed)
    separator = rng.choice([";", ",", "\t"])
    tidy = separator != "\t" and rng.random() < 0.4
    header = list(HEADERS[separator])
    if rng.random() < 0.2:
        header.insert(3, "")  # a column without a header
    if rng.random() < 0.2:
        header += ["", ""]  # trailing separators, as Excel pads a header
    lines = [""] * rng.choice([0, 0, 1, 2])
    if rng.random() < 0.15:
        lines.append(f"sep={separator}")
    lines.append(separator.join(header))
    lines += [_line(rng, separator, tidy) for _ in range(rng.randint(0, 40))]
    ending = rng.choice(["\n", "\r\n"])
    text = ending.join(lines) + rng.choice(["", ending, ending * 2])
    if rng.random() < 0.1:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n", rng.randint(0, 10))
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252"])
    limits = ReadLimits(
        max_rows=rng.choice([500_000, 7, 15]),
        max_sheet_rows=rng.choice([1_048_576, 12, 25]),
        max_columns=rng.choice([50, 7, 9]),
    )
    return text.encode(encoding), limits, rng.choice([1, 2, 3, 5, 50])


Failure = tuple[str, int | None, dict[str, object]]


def _outcome(batches: Iterator[RowBatch]) -> tuple[list[tuple[object, ...]], Failure | None]:
    """The batches read up to the end or to a FileError, and that error's code, row and
    parameters."""
    read: list[tuple[object, ...]] = []
    try:
        for batch in batches:
            read.append((batch.cells.rows(), batch.cells.schema, batch.irregular))
    except FileError as error:
        return read, (str(error.code), error.row, error.params)
    return read, None


@pytest.mark.parametrize("seed", range(300))
def test_plain_files_read_in_columns_as_the_record_reader_reads_them(
    seed: int, tmp_path: Path
) -> None:
    data, limits, size = _file(seed)
    path = tmp_path / "figures.csv"
    path.write_bytes(data)
    expected = _outcome(record_batches(path, limits, size=size))
    assert _outcome(read_csv_batches(path, limits, size=size)) == expected


def test_the_file_holds_what_the_generator_says() -> None:
    """The cases above reach every branch: plain files, errors, irregular rows, blank lines."""
    import io

    files = [_file(seed) for seed in range(300)]
    assert all(is_plain(io.BytesIO(data), "utf-8") for data, _, _ in files)
    outcomes = [_outcome(record_batches(data, limits)) for data, limits, _ in files]
    assert sum(b" " not in data for data, _, _ in files) > 60
    errors = {error[0] for _, error in outcomes if error is not None}
    assert {"too_many_rows", "too_many_columns"} <= errors
    assert any(irregular for read, _ in outcomes for _, _, irregular in read)
    assert sum(error is None for _, error in outcomes) > 60


@pytest.mark.parametrize("separator", [";", ","])
def test_a_row_wider_than_allowed_under_a_padded_header_is_the_same_error(
    separator: str, tmp_path: Path
) -> None:
    header = separator.join(["indicator", "gemeente", "periode", "waarde"] + [""] * 6)
    row = separator.join(["dwellings-added", "GM0518", "2024", "10", "", "", "", "x"])
    path = tmp_path / "wide.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    limits = ReadLimits(max_columns=6)
    expected = _outcome(record_batches(path, limits))
    assert _outcome(read_csv_batches(path, limits)) == expected


def test_a_cell_longer_than_the_csv_module_takes_is_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "indicator;gemeente;periode;waarde;opmerking\n"
        "dwellings-added;GM0518;2024;10;kort\n"
        f"dwellings-added;GM0518;2023;10;{'x' * 140_000}\n",
        encoding="utf-8",
    )
    expected = _outcome(record_batches(path))
    assert expected[1] is not None and expected[1][0] == "malformed_csv"
    assert _outcome(read_csv_batches(path)) == expected


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        (b"a;b\r\nc;d\r\n", True),
        (b"a;b\nc;d", True),
        (b'a;"b"\n', False),  # a quote
        (b"a;b\rc;d\r", False),  # lone carriage returns end lines for the csv module only
        (b"a;b\r", False),
        (b"a;b\x00\n", False),  # a control character
        (b"a;b\x0b\n", False),
    ],
)
def test_plain_means_no_quote_control_character_or_lone_carriage_return(
    data: bytes, plain: bool
) -> None:
    import io

    assert is_plain(io.BytesIO(data), "utf-8") is plain


def test_a_lone_carriage_return_at_a_block_edge_is_seen(tmp_path: Path) -> None:
    import io

    from ingest import csv_columns

    data = b"a;b\n" * (csv_columns.BLOCK_BYTES // 4 - 1) + b"a;\rb\n"
    assert not is_plain(io.BytesIO(data), "utf-8")
    data = (
        b"x" * (csv_columns.BLOCK_BYTES - 1) + b"\r\nb\n"
    )  # \r ends one block, \n starts the next
    assert is_plain(io.BytesIO(data), "utf-8")


def test_blocks_meet_on_line_ends_whatever_the_file(tmp_path: Path) -> None:
    from ingest import csv_columns

    lines = ["indicator;gemeente;periode;waarde;opmerking"]
    lines += [f"dwellings-added;GM0518;{1900 + n % 120};{n};{'é' * (n % 7)}" for n in range(30_000)]
    path = tmp_path / "many.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert path.stat().st_size > 3 * csv_columns.BLOCK_BYTES
    columnar = list(read_csv_batches(path, size=4_000))
    records = list(record_batches(path, size=4_000))
    assert [batch.size for batch in columnar] == [4_000] * 7 + [2_000]
    for ours, theirs in zip(columnar, records, strict=True):
        assert ours.cells.equals(theirs.cells)
    assert pl.concat([batch.cells for batch in columnar]).get_column("row").to_list() == list(
        range(2, 30_002)
    )

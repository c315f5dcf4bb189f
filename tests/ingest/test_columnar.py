"""The columnar validator answers exactly what the row-by-row validator answers, row for row,
over a seeded mix of right and wrong cells; plain rows never reach the row validator."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from ingest_support import FILES, make_context, make_raw_row

import ingest.columnar as columnar
from ingest.columnar import BatchValidator, batch_of, validate_batches
from ingest.duplicates import FirstRows
from ingest.raw_rows import FileLayout, RawRow
from ingest.tabular import read_table, read_table_batches
from ingest.validation import _one_by_one, validate_rows

INDICATORS = [
    "dwellings-added",
    "DWELLINGS-ADDED ",
    "homeless-persons",
    "waiting-list-change",
    "share-priority-lettings",
    "lettings-priority-groups",
    "nope",
    "dwellings‐added",
]
JURISDICTIONS = [
    "GM0518",
    "gm0546",
    " GM0603",
    "518",
    "0546",
    "1916",
    "GM9999",
    "９１６",
    "GM0518\x00",
]
PERIODS = [
    "2024",
    "2024-Q1",
    "2024-h2",
    "2025-07",
    "2025-07-15",
    "2022/2023",
    "2030",
    "2024-13",
    "24",
    " 2023 ",
    "2024-02-30",
]
VALUES = [
    "10",
    "+7",
    "-3",
    "0",
    "-0",
    "3,5",
    "3.5",
    "1.080",
    "1,080",
    "0,125",
    "1.080,5",
    "1.000.000",
    "12.500",
    "1,0",
    "3,50",
    "x",
    "",
    None,
    " 12 ",
    "1 000",
    "٣",
    "0.080",
    "0001",
    "12,5000",
    "99999999999999",
]
TARGET_GROUPS = [None, "ouderen", "OUDEREN", "unknown", ""]
HOUSING_TYPES = [None, "nultredenwoning", "Geclusterde-Woning", "bad"]
PRICE_SEGMENTS = [None, "sociale-huur", "middenhuur", "duur"]
NOTES = [None, "", "één complex", "x" * 1001, "tab\there", "bel\x07"]


def random_rows(seed: int, count: int) -> list[RawRow]:
    rng = random.Random(seed)

    def pick(options: list):  # type: ignore[no-untyped-def,type-arg]
        """Mostly one of the first (right) options, else any: rows right and wrong alike."""
        return rng.choice(options[:3] if rng.random() < 0.7 else options)

    return [
        make_raw_row(
            row_number=number,
            indicator=pick(INDICATORS),
            jurisdiction=pick(JURISDICTIONS),
            period=pick(PERIODS),
            value=pick(VALUES),
            target_group=pick(TARGET_GROUPS),
            housing_type=pick(HOUSING_TYPES),
            price_segment=pick(PRICE_SEGMENTS),
            note=pick(NOTES),
        )
        for number in range(2, count + 2)
    ]


def row_by_row(rows: list[RawRow], context) -> list:  # type: ignore[no-untyped-def]
    with FirstRows() as first_rows:
        return list(_one_by_one(rows, context, first_rows))


CONTEXTS = {
    "open": {},
    "scoped": {
        "scope_jurisdictions": {"GM0518", "GM0603"},
        "scope_indicators": {"dwellings-added"},
    },
    "any price segment": {"price_segments": None},
}


@pytest.mark.parametrize("context_name", list(CONTEXTS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_columnar_results_equal_the_row_validator_row_for_row(
    seed: int, context_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 3,000 rows mixing every shape of right and wrong cell (repeats included)
    rows = random_rows(seed, 3_000)
    doubtful: list[int] = []
    real = columnar.validate_row
    monkeypatch.setattr(
        columnar, "validate_row", lambda raw, c: doubtful.append(raw.row_number) or real(raw, c)
    )
    context = make_context(**CONTEXTS[context_name])
    # when validated in columns (batches of 500) and row by row
    expected = row_by_row(rows, context)
    with BatchValidator(context) as validator:
        found = []
        for start in range(0, len(rows), 500):
            batch = batch_of(rows[start : start + 500])
            assert batch is not None
            found.extend(columnar.results_in_row_order(batch, validator.validate(batch)))
    # then every row has the same ValidRow or the same errors, messages included
    assert found == expected
    assert sum(isinstance(result, list) for result in expected) > 100  # errors were exercised
    plain_valid = {r.row_number for r in expected if not isinstance(r, list)} - set(doubtful)
    assert len(plain_valid) > 30  # and so was the columnar path


def test_plain_rows_never_reach_the_row_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = columnar.validate_row

    def counting(raw, context):  # type: ignore[no-untyped-def]
        calls.append(raw.row_number)
        return real(raw, context)

    monkeypatch.setattr(columnar, "validate_row", counting)
    rows = [
        make_raw_row(
            row_number=n,
            period=f"{2000 + n % 20}",
            value=f"{n},5" if n % 2 else str(n),
            indicator="waiting-list-change",
        )
        for n in range(2, 2_002)
    ]
    results = list(validate_rows(rows, make_context()))
    assert len(results) == 2_000 and calls == []


@pytest.mark.parametrize(
    "name",
    sorted(path.name for path in FILES.iterdir() if path.suffix in {".csv", ".xlsx"}),
)
def test_batches_hold_the_rows_the_row_reader_yields(name: str) -> None:
    try:
        rows = list(read_table(FILES / name, name))
    except Exception as error:  # a bad file: the batch reader fails the same way
        with pytest.raises(type(error)):
            list(read_table_batches(FILES / name, name))
        return
    batches = list(read_table_batches(FILES / name, name, size=2))
    numbers = sorted(
        [n for batch in batches for n in batch.row_numbers]
        + [raw.row_number for batch in batches for raw in batch.irregular]
    )
    assert numbers == [row.row_number for row in rows]
    results = [r for result in validate_batches(batches, make_context()) for r in result.errors]
    expected = [
        r
        for result in validate_rows(rows, make_context())
        if isinstance(result, list)
        for r in result
    ]
    assert results == expected


def test_a_repeat_across_batches_names_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "repeats.csv"
    lines = ["indicator;gemeente;periode;waarde"]
    lines += [f"dwellings-added;GM0518;{2000 + n};{n}" for n in range(10)]
    lines += ["dwellings-added;GM0518;2003;7", "dwellings-added;GM0518;2003;8"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(validate_batches(read_table_batches(path, path.name, size=4), make_context()))
    errors = [(e.row, e.related_row, e.code) for result in results for e in result.errors]
    assert errors == [(12, 5, "duplicate_row"), (13, 5, "duplicate_row")]
    assert sum(result.valid.height for result in results) == 10


def test_batches_stream_in_memory_of_a_batch_whatever_the_file(tmp_path: Path) -> None:
    import gc
    import tracemalloc

    from test_ingest_streaming_memory import write_large_csv

    def peak_while_validating(rows: int) -> int:
        path = tmp_path / f"rows-{rows}.csv"
        write_large_csv(path, rows)
        gc.collect()
        tracemalloc.start()
        try:
            batches = read_table_batches(path, path.name, size=2_000)
            seen = sum(result.rows for result in validate_batches(batches, make_context()))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert seen == rows
        return peak

    # given two files, one three times longer, read in batches of 2,000 rows and validated
    small, large = peak_while_validating(20_000), peak_while_validating(60_000)
    # then the longer one needs (almost) no more memory: that of a batch, not of the file
    assert large < small * 1.25 + 256 * 1024, (small, large)


@pytest.mark.parametrize("decimal_mark", [",", "."])
def test_values_equal_the_row_validator_where_the_file_names_its_decimal_mark(
    decimal_mark: str,
) -> None:
    # given rows of a file whose decimal mark is known (1.080 then reads one way)
    from dataclasses import replace

    from ingest.raw_rows import CANONICAL_LAYOUT

    layout = FileLayout(CANONICAL_LAYOUT.columns, decimal_mark=decimal_mark)
    rows = [replace(raw, layout=layout) for raw in random_rows(4, 3_000)]
    context = make_context(**CONTEXTS["open"])
    # when validated in columns and row by row, then every row has the same result and value
    expected = row_by_row(rows, context)
    with BatchValidator(context) as validator:
        found = []
        for start in range(0, len(rows), 500):
            batch = batch_of(rows[start : start + 500])
            assert batch is not None
            found.extend(columnar.results_in_row_order(batch, validator.validate(batch)))
    assert found == expected
    assert any(not isinstance(r, list) and r.value == 1080 for r in expected)

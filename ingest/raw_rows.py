"""What the readers yield: one row as text, keyed by canonical field, located as in Excel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ingest.fields import DUTCH_HEADERS, Field
from ingest.frames import pl

DecimalMark = str  # "," or "."


@dataclass(frozen=True, slots=True)
class Column:
    """A recognised column: its canonical field (a ``Field`` in a figures file), the header as
    written, its 1-based position."""

    field: str
    header: str
    position: int | None


@dataclass(frozen=True, slots=True)
class FileLayout:
    """Facts about a file shared by all its rows (one object per file, not per row).

    ``decimal_mark`` is the mark a lone ``,`` or ``.`` followed by exactly three digits stands
    for; None when the file does not tell (then such a number is ambiguous, see ingest.numbers).
    """

    columns: tuple[Column, ...]
    decimal_mark: DecimalMark | None

    def column(self, name: Field | str) -> Column:
        for column in self.columns:
            if column.field == name:
                return column
        # A field without a column in the file (rows built by hand): name it canonically.
        return Column(Field(name), str(name), None)


def _canonical_layout() -> FileLayout:
    columns = tuple(
        Column(name, header, position)
        for position, (name, header) in enumerate(DUTCH_HEADERS.items(), start=1)
    )
    return FileLayout(columns, decimal_mark=None)


CANONICAL_LAYOUT = _canonical_layout()


@dataclass(frozen=True, slots=True)
class Overflow:
    """A record with more cells than the header row: how many more, and the record as written."""

    extra_cells: int
    record_text: str


@dataclass(frozen=True, slots=True)
class RawRow:
    """One non-empty data row as text.

    ``row_number`` is the row as Excel shows it (the header is row 1 when it is the first line).
    ``values`` maps canonical field names to the cell text with surrounding blanks removed, or None
    for an empty cell. ``formulas`` maps fields whose cell held a formula without a cached
    value to that formula as written (``=D2*2``); ``overflow`` is set when the record has cells to the right of the header's last
    column (see ingest.row_builder for when empty ones count).
    """

    row_number: int
    values: dict[str, str | None]
    layout: FileLayout = field(default=CANONICAL_LAYOUT, repr=False)
    formulas: Mapping[str, str] = field(default_factory=dict)
    overflow: Overflow | None = None


BATCH_ROWS = 5_000
"""Rows per columnar batch: large enough that per-batch work vanishes, small enough that a
batch's columns and the frames built from them stay a few MB whatever the file (20,000-row
batches kept +75 MB of a worker's private memory for a 300,000-row file; these +16 MB)."""


@dataclass(slots=True)
class RowBatch:
    """Consecutive data rows of one file as columns: ``cells`` holds ``row`` (the Excel row
    number) and, per column of the layout, the cell texts (stripped, null when empty), in row
    order. Rows with a formula without value or an overflow are kept whole in ``irregular``:
    only the row-by-row validator reports those."""

    layout: FileLayout
    cells: pl.DataFrame
    irregular: list[RawRow] = field(default_factory=list)

    @classmethod
    def from_lists(
        cls,
        layout: FileLayout,
        row_numbers: list[int],
        columns: Mapping[str, list[str | None]],
        irregular: list[RawRow],
    ) -> RowBatch:
        """A batch from Python lists: ``columns`` by field, each as long as ``row_numbers``."""
        data: dict[str, list[object]] = {"row": list(row_numbers)}
        for column in layout.columns:
            data[column.field] = list(columns.get(column.field, [None] * len(row_numbers)))
        return cls(layout, pl.DataFrame(data, schema=cell_schema(layout)), irregular)

    @property
    def row_numbers(self) -> list[int]:
        """The regular rows' numbers (the irregular ones excluded)."""
        return self.cells.get_column("row").to_list()

    @property
    def size(self) -> int:
        return self.cells.height + len(self.irregular)


def cell_schema(layout: FileLayout) -> pl.Schema:
    """The columns of ``RowBatch.cells`` for ``layout``."""
    return pl.Schema(
        {"row": pl.Int64(), **{column.field: pl.String() for column in layout.columns}}
    )

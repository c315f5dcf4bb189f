"""A pure adapter for CBS StatLine OData feeds: pages of JSON in, canonical rows out.

No database and no network here: the caller fetches pages (``iter_pages`` takes the fetch
function) and hands them to ``parse_statline``, which streams ``StatLineRow`` values page by page.

Two response shapes are read, told apart per page:

* v3 ``TypedDataSet`` (``opendata.cbs.nl/ODataFeed/odata/<table>/TypedDataSet?$format=json``):
  ``{"odata.metadata": …, "value": [{"ID": 0, "RegioS": "GM0518", "Perioden": "2024JJ00",
  "<Measure>_1": 12345, …}], "odata.nextLink": …}`` — one row per cell of the dimensions, one
  column per measure. ``UntypedDataSet`` pages (values as padded text, ``"       ."`` for a missing
  figure) are read the same way.
* v4 ``Observations`` (``datasets.cbs.nl/odata/v1/CBS/<table>/Observations``):
  ``{"@odata.context": …, "value": [{"Id": 0, "Measure": "M000352", "ValueAttribute": "None",
  "Value": 12345.0, "RegioS": "GM0518", "Perioden": "2024JJ00", …}], "@odata.nextLink": …}`` —
  one row per measure.

Rows that carry no usable figure (null, ``"."``), or that the mapping does not select (a region
kind, period kind, dimension value or measure not mapped), are skipped and reported to a
``StatLineReport`` with the reason; nothing is dropped silently. Text that is not a CBS key at all
(a malformed period or region, a missing column) raises ``StatLineError``: the feed changed shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ingest.cbs.codes import (
    CbsCodeError,
    cbs_period_code,
    parse_cbs_period,
    parse_cbs_region,
    region_kind,
)
from ingest.cbs.mapping import (
    Breakdown,
    Moment,
    StatLineDimension,
    StatLineMapping,
    StatLineMappingError,
    StatLineMeasure,
)
from ingest.cbs.urls import V3_FEED_BASE, V4_BASE, observations_url, typed_dataset_url
from ingest.periods import Period

__all__ = [
    "V3_FEED_BASE",
    "V4_BASE",
    "Breakdown",
    "CbsCodeError",
    "Moment",
    "SkipReason",
    "StatLineDimension",
    "StatLineError",
    "StatLineMapping",
    "StatLineMappingError",
    "StatLineMeasure",
    "StatLineReport",
    "StatLineRow",
    "StatLineSkip",
    "cbs_period_code",
    "iter_pages",
    "next_link",
    "observations_url",
    "parse_cbs_period",
    "parse_cbs_region",
    "parse_statline",
    "typed_dataset_url",
]


class StatLineError(ValueError):
    """A page or row that is not in the StatLine shape (format drift, or the wrong table)."""


class SkipReason(StrEnum):
    NO_VALUE = "no_value"  # null, "." (figures missing or confidential), "x" (secret), ""
    NOT_A_NUMBER = "not_a_number"
    REGION_NOT_KEPT = "region_not_kept"
    PERIOD_NOT_READ = "period_not_read"  # a CBS period kind we do not read (X0, G2, SJ, …)
    PERIOD_KIND_NOT_SELECTED = "period_kind_not_selected"
    DIMENSION_NOT_SELECTED = "dimension_not_selected"
    MEASURE_NOT_SELECTED = "measure_not_selected"  # v4: an observation of an unmapped measure


@dataclass(frozen=True)
class StatLineRow:
    """One canonical figure: indicator × jurisdiction × period × breakdowns = value."""

    indicator: str
    jurisdiction: str
    period: Period
    value: Decimal
    target_group: str | None
    housing_type: str | None
    price_segment: str | None
    table: str
    source_row_id: int | str | None
    source_measure: str

    @property
    def source_key(self) -> str:
        """Where the figure came from: ``<table>/<row id>/<measure>``; unique within a pull."""
        return f"{self.table}/{self.source_row_id}/{self.source_measure}"


@dataclass(frozen=True)
class StatLineSkip:
    reason: SkipReason
    detail: str
    page: int
    source_row_id: int | str | None
    measure: str | None = None


@dataclass
class StatLineReport:
    """What a parse read, produced and skipped (counts per reason, the first examples of each)."""

    examples_per_reason: int = 5
    pages: int = 0
    source_rows: int = 0
    rows: int = 0
    skipped: Counter[SkipReason] = field(default_factory=Counter)
    examples: dict[SkipReason, list[StatLineSkip]] = field(default_factory=dict)

    def skip(self, item: StatLineSkip) -> None:
        self.skipped[item.reason] += 1
        kept = self.examples.setdefault(item.reason, [])
        if len(kept) < self.examples_per_reason:
            kept.append(item)

    def summary(self) -> str:
        lines = [f"{self.pages} page(s), {self.source_rows} source row(s), {self.rows} figure(s)"]
        for reason, count in sorted(self.skipped.items()):
            first = self.examples[reason][0]
            lines.append(f"skipped {count} × {reason.value}, e.g. {first.detail}")
        return "\n".join(lines)


# ---------------------------------------------------------------- pages


def next_link(page: Mapping[str, Any]) -> str | None:
    """The URL of the next page (v3 ``odata.nextLink`` or v4 ``@odata.nextLink``), or None."""
    for key in ("odata.nextLink", "@odata.nextLink"):
        link = page.get(key)
        if link is None:
            continue
        if not isinstance(link, str) or not link.strip():
            raise StatLineError(f"{key} is {link!r}, not a URL")
        return link
    return None


def iter_pages(
    url: str, fetch: Callable[[str], Mapping[str, Any]], *, max_pages: int = 10_000
) -> Iterator[Mapping[str, Any]]:
    """Pages from ``url`` on, following next links; ``fetch`` does the I/O (GET → parsed JSON).

    Fetches lazily: the next page is requested only when the previous one has been consumed.
    """
    seen: set[str] = set()
    current: str | None = url
    while current is not None:
        if current in seen:
            raise StatLineError(f"the feed links back to a page it already gave: {current}")
        if len(seen) >= max_pages:
            raise StatLineError(f"more than {max_pages} pages; stopped at {current}")
        seen.add(current)
        page = fetch(current)
        yield page
        current = next_link(page)


# ---------------------------------------------------------------- rows


_NO_VALUE_SYMBOLS = {
    "": "an empty cell",
    ".": "'.' (figures missing or confidential)",
    "x": "'x' (confidential)",
}
_NIL_SYMBOL = "-"  # CBS: nihil, i.e. zero


def parse_statline(
    pages: Iterable[Mapping[str, Any]],
    mapping: StatLineMapping,
    *,
    report: StatLineReport | None = None,
) -> Iterator[StatLineRow]:
    """Canonical rows of StatLine pages, streamed page by page and row by row."""
    report = report if report is not None else StatLineReport()
    for page_number, page in enumerate(pages, start=1):
        report.pages += 1
        observations = _is_observations(page, page_number)
        for raw in _values(page, page_number):
            report.source_rows += 1
            reader = _RowReader(mapping, report, page_number, raw)
            for row in reader.observation() if observations else reader.typed():
                report.rows += 1
                yield row


def _values(page: Mapping[str, Any], page_number: int) -> list[Mapping[str, Any]]:
    if not isinstance(page, Mapping):
        raise StatLineError(f"page {page_number} is {type(page).__name__}, not a JSON object")
    values = page.get("value")
    if not isinstance(values, list):
        raise StatLineError(
            f"page {page_number} has no 'value' list; keys: {', '.join(sorted(page)) or 'none'}"
        )
    for index, raw in enumerate(values):
        if not isinstance(raw, Mapping):
            raise StatLineError(f"page {page_number}, row {index}: not a JSON object")
    return values


def _is_observations(page: Mapping[str, Any], page_number: int) -> bool:
    if not isinstance(page, Mapping):
        raise StatLineError(f"page {page_number} is {type(page).__name__}, not a JSON object")
    if "@odata.context" in page:
        return True
    if "odata.metadata" in page:
        return False
    values = page.get("value")
    first = values[0] if isinstance(values, list) and values else None
    return isinstance(first, Mapping) and "Measure" in first and "Value" in first


class _RowReader:
    def __init__(
        self,
        mapping: StatLineMapping,
        report: StatLineReport,
        page: int,
        raw: Mapping[str, Any],
    ) -> None:
        self.mapping = mapping
        self.report = report
        self.page = page
        self.raw = raw
        self.row_id = raw.get("ID", raw.get("Id"))

    # -- the two shapes

    def typed(self) -> Iterator[StatLineRow]:
        head = self._head()
        if head is None:
            return
        for column, measure in self.mapping.measure_items():
            if column not in self.raw:
                raise self._error(f"has no column {column!r} (a mapped measure)")
            yield from self._row(head, column, measure, self.raw[column], None)

    def observation(self) -> Iterator[StatLineRow]:
        for key in ("Measure", "Value"):
            if key not in self.raw:
                raise self._error(f"is not an observation: no {key!r}")
        code = self.raw["Measure"]
        if not isinstance(code, str):
            raise self._error(f"Measure is {code!r}, not a code")
        code = code.strip()
        measure = self.mapping.measure(code)
        if measure is None:
            self._skip(SkipReason.MEASURE_NOT_SELECTED, f"measure {code} is not mapped")
            return
        head = self._head()
        if head is None:
            return
        yield from self._row(head, code, measure, self.raw["Value"], self.raw.get("ValueAttribute"))

    # -- the shared parts

    def _head(self) -> _Head | None:
        """Jurisdiction, period and breakdowns of the row, or None when it is skipped."""
        mapping = self.mapping
        region_text = self._column(mapping.region_column)
        try:
            region = parse_cbs_region(region_text)
        except CbsCodeError as exc:
            if not exc.unsupported:
                raise self._error(str(exc)) from exc
            self._skip(SkipReason.REGION_NOT_KEPT, f"{str(region_text).strip()}: {exc.problem}")
            return None
        if region_kind(region) not in mapping.region_prefixes:
            self._skip(SkipReason.REGION_NOT_KEPT, f"{region}: {region[:2]} regions are not kept")
            return None

        period_text = self._column(mapping.period_column)
        try:
            period = parse_cbs_period(period_text)
        except CbsCodeError as exc:
            if not exc.unsupported:
                raise self._error(str(exc)) from exc
            self._skip(SkipReason.PERIOD_NOT_READ, f"{str(period_text).strip()}: {exc.problem}")
            return None
        if mapping.period_kinds is not None and period.kind not in mapping.period_kinds:
            self._skip(
                SkipReason.PERIOD_KIND_NOT_SELECTED,
                f"{period_text}: {period.kind.value} periods are not selected",
            )
            return None

        breakdowns: dict[Breakdown, str | None] = {}
        for dim in mapping.dimensions:
            cell = self._column(dim.column)
            key = str(cell).strip()
            if key not in dim.values:
                self._skip(SkipReason.DIMENSION_NOT_SELECTED, f"{dim.column}={key} is not mapped")
                return None
            if dim.breakdown is not None:
                breakdowns[dim.breakdown] = dim.values[key]
        return _Head(mapping.jurisdiction(region), period, breakdowns)

    def _row(
        self,
        head: _Head,
        measure_name: str,
        measure: StatLineMeasure,
        cell: Any,
        attribute: Any,
    ) -> Iterator[StatLineRow]:
        value = self._value(cell, attribute, measure_name)
        if value is None:
            return
        period = head.period
        if measure.moment is Moment.START:
            period = Period.day(period.start)
        elif measure.moment is Moment.END:
            period = Period.day(period.end)
        yield StatLineRow(
            indicator=measure.indicator,
            jurisdiction=head.jurisdiction,
            period=period,
            value=value,
            target_group=head.breakdowns.get(Breakdown.TARGET_GROUP),
            housing_type=head.breakdowns.get(Breakdown.HOUSING_TYPE),
            price_segment=head.breakdowns.get(Breakdown.PRICE_SEGMENT),
            table=self.mapping.table,
            source_row_id=self.row_id,
            source_measure=measure_name,
        )

    def _value(self, cell: Any, attribute: Any, measure: str) -> Decimal | None:
        if cell is None:
            note = "null"
            if isinstance(attribute, str) and attribute.strip() not in ("", "None"):
                note += f" (ValueAttribute {attribute.strip()!r})"
            self._skip(SkipReason.NO_VALUE, f"{measure}: {note}", measure)
            return None
        if isinstance(cell, bool):
            self._skip(SkipReason.NOT_A_NUMBER, f"{measure}: {cell!r}", measure)
            return None
        if isinstance(cell, int | float):
            value = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        elif isinstance(cell, str):
            text = cell.strip()
            if text in _NO_VALUE_SYMBOLS:
                self._skip(SkipReason.NO_VALUE, f"{measure}: {_NO_VALUE_SYMBOLS[text]}", measure)
                return None
            if text == _NIL_SYMBOL:
                return Decimal(0)
            try:
                value = Decimal(text)
            except InvalidOperation:
                self._skip(SkipReason.NOT_A_NUMBER, f"{measure}: {cell!r}", measure)
                return None
        else:
            self._skip(SkipReason.NOT_A_NUMBER, f"{measure}: {cell!r}", measure)
            return None
        if not value.is_finite():
            self._skip(SkipReason.NOT_A_NUMBER, f"{measure}: {cell!r}", measure)
            return None
        return value

    def _column(self, name: str) -> Any:
        if name not in self.raw:
            raise self._error(f"has no column {name!r}")
        return self.raw[name]

    def _skip(self, reason: SkipReason, detail: str, measure: str | None = None) -> None:
        self.report.skip(StatLineSkip(reason, detail, self.page, self.row_id, measure))

    def _error(self, problem: str) -> StatLineError:
        return StatLineError(
            f"{self.mapping.table}, page {self.page}, row ID {self.row_id}: {problem}"
        )


@dataclass(frozen=True)
class _Head:
    jurisdiction: str
    period: Period
    breakdowns: dict[Breakdown, str | None]

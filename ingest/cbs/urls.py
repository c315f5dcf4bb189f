"""URLs of CBS StatLine OData feeds, with a ``$filter`` on periods and regions. Pure string building.

* v3 (``opendata.cbs.nl``): ``<base>/<table>/TypedDataSet?$filter=…&$select=…&$format=json``.
  The bulk feed ``ODataFeed`` pages with ``odata.nextLink``; ``ODataApi`` refuses results of more
  than 10,000 cells. Without ``$format=json`` the v3 service answers in Atom XML.
  Region keys are padded with spaces to the width of the table's longest key, so an exact
  ``RegioS eq 'GM0518'`` can miss ``'GM0518    '``: regions are filtered with
  ``substringof('GM0518',RegioS)``, as the cbsodataR client does (``has_substring``).
* v4 (``datasets.cbs.nl/odata/v1/CBS``): ``<base>/<table>/Observations?$filter=…``, one row per
  measure (``Measure``, ``Value``), JSON by default, pages with ``@odata.nextLink``. Keys are not
  padded, so regions use ``eq``.

Every code is checked before it goes into a URL (table ids, CBS period and region keys, column
names), so a filter can never carry text other than what was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from ingest.cbs.codes import CbsCodeError, cbs_period_code, parse_cbs_period, parse_cbs_region
from ingest.periods import Period, PeriodKind

__all__ = [
    "V3_API_BASE",
    "V3_FEED_BASE",
    "V4_BASE",
    "observations_url",
    "typed_dataset_url",
]

V3_FEED_BASE = "https://opendata.cbs.nl/ODataFeed/odata"
V3_API_BASE = "https://opendata.cbs.nl/ODataApi/odata"
V4_BASE = "https://datasets.cbs.nl/odata/v1/CBS"

_TABLE = re.compile(r"[0-9A-Za-z]{5,12}")
_COLUMN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MEASURE = re.compile(r"[A-Za-z0-9_]+")
_REGION_PREFIX = {"GM", "PV", "NL"}
_KIND_CODES = {
    PeriodKind.YEAR: "JJ",
    PeriodKind.HALF: "HJ",
    PeriodKind.QUARTER: "KW",
    PeriodKind.MONTH: "MM",
}


def typed_dataset_url(
    table: str,
    *,
    periods: Iterable[str | Period] = (),
    period_kinds: Iterable[PeriodKind] = (),
    regions: Iterable[str] = (),
    region_prefixes: Iterable[str] = (),
    select: Iterable[str] = (),
    base: str = V3_FEED_BASE,
) -> str:
    """The v3 ``TypedDataSet`` URL of ``table``, filtered and in JSON.

    ``periods`` are CBS keys or ``Period`` values (OR-ed); ``period_kinds`` keep whole kinds
    (``substringof('JJ',Perioden)``); ``regions`` are codes, ``region_prefixes`` whole kinds
    (``GM``/``PV``/``NL``); the groups are AND-ed. ``select`` limits the columns.
    """
    clauses = [
        _any_of([f"Perioden eq '{code}'" for code in _period_codes(periods)]),
        _any_of([f"substringof('{_KIND_CODES[_kind(k)]}',Perioden)" for k in period_kinds]),
        _any_of(
            [f"substringof('{code}',RegioS)" for code in _region_codes(regions)]
            + [f"substringof('{prefix}',RegioS)" for prefix in _prefixes(region_prefixes)]
        ),
    ]
    params = _filter_param(clauses)
    columns = [_column(c) for c in select]
    if columns:
        params.append("$select=" + ",".join(columns))
    params.append("$format=json")
    return f"{_base(base)}/{_table(table)}/TypedDataSet?" + "&".join(params)


def observations_url(
    table: str,
    *,
    measures: Iterable[str] = (),
    periods: Iterable[str | Period] = (),
    regions: Iterable[str] = (),
    base: str = V4_BASE,
) -> str:
    """The v4 ``Observations`` URL of ``table``, filtered on measure codes, periods and regions."""
    measure_codes = []
    for measure in measures:
        if not isinstance(measure, str) or not _MEASURE.fullmatch(measure):
            raise ValueError(f"{measure!r} is not a CBS measure code (letters, digits, _)")
        measure_codes.append(measure)
    clauses = [
        _any_of([f"Measure eq '{m}'" for m in measure_codes]),
        _any_of([f"Perioden eq '{code}'" for code in _period_codes(periods)]),
        _any_of([f"RegioS eq '{code}'" for code in _region_codes(regions)]),
    ]
    params = _filter_param(clauses)
    url = f"{_base(base)}/{_table(table)}/Observations"
    return url + ("?" + "&".join(params) if params else "")


def _filter_param(clauses: list[str | None]) -> list[str]:
    present = [c for c in clauses if c]
    if not present:
        return []
    text = " and ".join(present)
    return ["$filter=" + quote(text, safe="'(),")]


def _any_of(parts: list[str]) -> str | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return "(" + " or ".join(parts) + ")"


def _period_codes(periods: Iterable[str | Period]) -> list[str]:
    codes = []
    for period in periods:
        code = cbs_period_code(period) if isinstance(period, Period) else period
        parse_cbs_period(code)  # raises CbsCodeError on anything that is not a readable key
        codes.append(code.strip())
    return codes


def _region_codes(regions: Iterable[str]) -> list[str]:
    return [parse_cbs_region(code) for code in regions]


def _prefixes(prefixes: Iterable[str]) -> list[str]:
    out = []
    for prefix in prefixes:
        if prefix not in _REGION_PREFIX:
            raise CbsCodeError(prefix, "a region prefix is GM, PV or NL")
        out.append(prefix)
    return out


def _kind(kind: PeriodKind) -> PeriodKind:
    if kind not in _KIND_CODES:
        raise ValueError(f"CBS has no period kind for {kind!r}; use year, half, quarter or month")
    return kind


def _table(table: str) -> str:
    if not isinstance(table, str) or not _TABLE.fullmatch(table):
        raise ValueError(f"{table!r} is not a CBS table id (5-12 letters/digits, e.g. 81955NED)")
    return table


def _column(column: str) -> str:
    if not isinstance(column, str) or not _COLUMN.fullmatch(column):
        raise ValueError(f"{column!r} is not a StatLine column name")
    return column


def _base(base: str) -> str:
    if not base.startswith("https://"):
        raise ValueError(f"{base!r}: a CBS base URL starts with https://")
    return base.rstrip("/")

"""CBS StatLine key codes: periods (``2024JJ00``) and regions (``GM0518``), with clear errors.

Period keys are eight characters, ``yyyy`` + a two-character kind + a two-digit number
(as decoded by the public StatLine clients cbsodataR / cbsodata4 and the CBS open-data manual):

* ``2024JJ00`` a year (``JJ`` = jaar; the number is always ``00``),
* ``2024HJ01`` / ``HJ02`` a half year,
* ``2024KW01`` … ``KW04`` a quarter (kwartaal),
* ``2024MM01`` … ``MM12`` a month (maand),
* ``20240715`` a day (the kind is the two-digit month),

and some kinds this platform does not read: ``X0`` (no official period division, e.g.
``2024X000``), ``G2``–``G5`` (multi-year averages), ``SJ`` (school/construction year), ``VJ``
(rolling year), ``W1``/``W4`` (weeks), ``M3`` (three-month average), ``VS``. Those raise a
``CbsCodeError`` with ``unsupported=True`` so a caller can skip such rows and report them, while a
key that is not a CBS period at all (``2024KW05``, ``24JJ00``, ``2024XX00``) raises with
``unsupported=False``: that is format drift and must be loud.

Region keys are uppercase and right-padded with spaces to the width of the table's longest key
(``"NL01  "`` in a table that also holds six-character keys, ``"GM0518    "`` in one with
ten-character buurt codes). This platform reads municipalities ``GMdddd``, provinces ``PVdd`` and
the country ``NL01``; other well-formed CBS regions (``LDdd`` landsdeel, ``CRdd`` COROP, ``WK…``
wijk, ``BU…`` buurt, …) are ``unsupported``.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.periods import Period, PeriodError, PeriodKind

__all__ = [
    "CbsCodeError",
    "cbs_period_code",
    "parse_cbs_period",
    "parse_cbs_region",
    "region_kind",
]


class CbsCodeError(ValueError):
    """A CBS period or region key that cannot be read.

    ``unsupported`` is True for a well-formed CBS key of a kind this platform does not read
    (``2024X000``, ``LD03``); False for text that is not a CBS key at all.
    """

    def __init__(self, value: object, problem: str, *, unsupported: bool = False) -> None:
        self.value = value
        self.problem = problem
        self.unsupported = unsupported
        super().__init__(f"CBS code {value!r}: {problem}")


_PERIOD = re.compile(r"(?P<year>\d{4})(?P<kind>[A-Z0-9]{2})(?P<number>\d{2})")

_UNSUPPORTED_KINDS = {
    "G2": "a two-year average",
    "G3": "a three-year average",
    "G4": "a four-year average",
    "G5": "a five-year average",
    "SJ": "a school/construction year (July-June)",
    "VJ": "a rolling year",
    "W1": "a week",
    "W4": "a four-week period",
    "M3": "a three-month average",
    "VS": "a rolling-months period",
}

_PERIOD_SHAPE = "yyyy + kind + nn, e.g. 2024JJ00, 2024KW02, 2024MM07"


def parse_cbs_period(code: str) -> Period:
    """The ``Period`` of a CBS period key: ``2024JJ00`` → 2024, ``2024KW02`` → 2024-Q2, ….

    Raises ``CbsCodeError`` naming the value and what is wrong.
    """
    if not isinstance(code, str):
        raise CbsCodeError(
            code, f"a period key is text ({_PERIOD_SHAPE}), not {type(code).__name__}"
        )
    text = code.strip()
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise CbsCodeError(code, f"not a CBS period key; expected 8 characters: {_PERIOD_SHAPE}")
    year, kind, number = match["year"], match["kind"], int(match["number"])
    if kind == "JJ":
        if number != 0:
            raise CbsCodeError(code, f"a year key ends in 00, not {match['number']}")
        return _period(code, year)
    if kind == "HJ":
        if number not in (1, 2):
            raise CbsCodeError(code, f"half year {match['number']} is not 01-02")
        return _period(code, f"{year}-H{number}")
    if kind == "KW":
        if not 1 <= number <= 4:
            raise CbsCodeError(code, f"quarter {match['number']} is not 01-04")
        return _period(code, f"{year}-Q{number}")
    if kind == "MM":
        if not 1 <= number <= 12:
            raise CbsCodeError(code, f"month {match['number']} is not 01-12")
        return _period(code, f"{year}-{number:02d}")
    if kind.isdigit():
        try:
            day = date(int(year), int(kind), number)
        except ValueError:
            raise CbsCodeError(code, f"day key {text} is not a valid date") from None
        return _period(code, day.isoformat())
    if kind[0] == "X" and kind[1].isdigit():
        raise CbsCodeError(
            code, f"kind {kind} is a period without official division; not read", unsupported=True
        )
    if kind in _UNSUPPORTED_KINDS:
        raise CbsCodeError(
            code, f"kind {kind} is {_UNSUPPORTED_KINDS[kind]}; not read", unsupported=True
        )
    raise CbsCodeError(code, f"unknown period kind {kind!r}; expected JJ, HJ, KW or MM")


def _period(code: str, canonical: str) -> Period:
    try:
        return Period.parse(canonical)
    except PeriodError as exc:
        raise CbsCodeError(code, str(exc)) from None


def cbs_period_code(period: Period) -> str:
    """The CBS key of a period (the inverse of ``parse_cbs_period``): 2024-Q2 → ``2024KW02``."""
    year = period.start.year
    match period.kind:
        case PeriodKind.YEAR:
            return f"{year}JJ00"
        case PeriodKind.HALF:
            return f"{year}HJ{(period.start.month - 1) // 6 + 1:02d}"
        case PeriodKind.QUARTER:
            return f"{year}KW{(period.start.month - 1) // 3 + 1:02d}"
        case PeriodKind.MONTH:
            return f"{year}MM{period.start.month:02d}"
        case PeriodKind.DAY:
            return period.start.strftime("%Y%m%d")
    raise CbsCodeError(str(period), "a run of years has no single CBS period key")


_OTHER_REGION_KINDS = {
    "LD": "landsdeel",
    "CR": "COROP region",
    "WK": "wijk",
    "BU": "buurt",
}
_WELL_FORMED_REGION = re.compile(r"[A-Z]{2}\d{2,8}")
_READ_REGIONS = "GMdddd (municipality), PVdd (province) or NL01 (country)"


def parse_cbs_region(code: str) -> str:
    """The CBS region code without its padding: ``"GM0518  "`` → ``"GM0518"``.

    Reads ``GMdddd``, ``PVdd`` and ``NL01``; raises ``CbsCodeError`` otherwise.
    """
    if not isinstance(code, str):
        raise CbsCodeError(
            code, f"a region key is text ({_READ_REGIONS}), not {type(code).__name__}"
        )
    text = code.strip()
    prefix = text[:2]
    if prefix == "GM":
        if re.fullmatch(r"GM\d{4}", text):
            return text
        raise CbsCodeError(code, "a municipality code is GM followed by 4 digits, e.g. GM0518")
    if prefix == "PV":
        if re.fullmatch(r"PV\d{2}", text):
            return text
        raise CbsCodeError(code, "a province code is PV followed by 2 digits, e.g. PV28")
    if prefix == "NL":
        if text == "NL01":
            return text
        raise CbsCodeError(code, "the country code is NL01")
    if _WELL_FORMED_REGION.fullmatch(text):
        name = _OTHER_REGION_KINDS.get(prefix, f"kind {prefix}")
        raise CbsCodeError(
            code, f"a CBS region of {name}; only {_READ_REGIONS} are read", unsupported=True
        )
    raise CbsCodeError(code, f"not a CBS region key; expected {_READ_REGIONS}")


def region_kind(code: str) -> str:
    """``GM`` / ``PV`` / ``NL`` for a code accepted by ``parse_cbs_region``."""
    return parse_cbs_region(code)[:2]

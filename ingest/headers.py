"""Map the header row a user wrote to canonical fields.

Matching ignores case, blanks, ``_``, ``-`` and ``.``: ``Gemeente code``, ``GEMEENTECODE`` and
``gemeente_code`` are the same header. Empty header cells are ignored (Excel often carries empty
columns on the right); any other header must be known, so a typo is reported rather than its
column silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ingest.errors import ErrorCode, FileError
from ingest.fields import FIELD_LABELS, REQUIRED_FIELDS, Field
from ingest.raw_rows import Column, DecimalMark, FileLayout

HEADER_ALIASES: dict[Field, tuple[str, ...]] = {
    Field.INDICATOR: ("indicator", "indicatorcode", "indicator_code"),
    Field.JURISDICTION: (
        "gemeente",
        "gemeentecode",
        "gebied",
        "gebiedscode",
        "cbs-code",
        "jurisdiction",
        "jurisdiction_code",
        "municipality",
        "municipality_code",
    ),
    Field.PERIOD: ("periode", "period"),
    Field.TARGET_GROUP: ("doelgroep", "doelgroepcode", "aandachtsgroep", "target_group"),
    Field.HOUSING_TYPE: ("woonvorm", "woonvormcode", "woningtype", "housing_type"),
    Field.PRICE_SEGMENT: ("prijssegment", "price_segment"),
    Field.VALUE: ("waarde", "aantal", "value", "count"),
    Field.NOTE: ("opmerking", "opmerkingen", "toelichting", "note", "notes", "comment"),
}

_IGNORED_IN_HEADERS = re.compile(r"[\s_\-.\u00a0\ufeff]+")


def normalise_header(text: str) -> str:
    """The comparison key of a header: lower case without blanks, ``_``, ``-`` or ``.``."""
    return _IGNORED_IN_HEADERS.sub("", text).casefold()


@dataclass(frozen=True)
class HeaderSet:
    """The columns of one kind of file: per canonical field its accepted headers (the first is
    the template's), the required fields, and how messages name each field (English, Dutch)."""

    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    labels: Mapping[str, tuple[str, str]]
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {
            normalise_header(a): name for name, aliases in self.aliases.items() for a in aliases
        }
        object.__setattr__(self, "_by_key", index)

    def field_for(self, header: str) -> str | None:
        return self._by_key.get(normalise_header(header))


# ``Mapping`` is invariant in its key, so the ``Field``-keyed tables are viewed as ``str``-keyed.
OBSERVATION_HEADERS = HeaderSet(
    {name: aliases for name, aliases in HEADER_ALIASES.items()},
    REQUIRED_FIELDS,
    {name: labels for name, labels in FIELD_LABELS.items()},
)
"""The realisation figures file (docs/file-format.md); the default of every reader."""


def build_layout(
    header_cells: Sequence[str | None],
    decimal_mark: DecimalMark | None,
    header_row: int,
    headers: HeaderSet = OBSERVATION_HEADERS,
) -> FileLayout:
    """The layout of a file from its header row; raises FileError for unknown/duplicate/missing."""
    columns: dict[str, Column] = {}
    for position, cell in enumerate(header_cells, start=1):
        header = (cell or "").strip()
        if not header:
            continue
        name = headers.field_for(header)
        if name is None:
            raise FileError(
                ErrorCode.UNKNOWN_COLUMN,
                row=header_row,
                header=header,
                accepted=", ".join(aliases[0] for aliases in headers.aliases.values()),
            )
        if name in columns:
            label_en, label_nl = headers.labels[name]
            raise FileError(
                ErrorCode.DUPLICATE_COLUMN,
                row=header_row,
                header=header,
                first=columns[name].header,
                label_en=label_en,
                label_nl=label_nl,
            )
        columns[name] = Column(name, header, position)
    missing = [name for name in headers.required if name not in columns]
    if missing:
        raise FileError(
            ErrorCode.MISSING_COLUMN,
            row=header_row,
            missing_en=_describe_missing(headers, missing, "or"),
            missing_nl=_describe_missing(headers, missing, "of"),
        )
    return FileLayout(tuple(columns.values()), decimal_mark)


def _describe_missing(headers: HeaderSet, missing: list[str], word_or: str) -> str:
    return "; ".join(
        f"{headers.aliases[name][0]} ({word_or} {', '.join(headers.aliases[name][1:])})"
        for name in missing
    )

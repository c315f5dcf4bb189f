"""Header recognition: documented aliases, case/space-insensitive, strict about the unknown."""

from __future__ import annotations

import pytest

from ingest.errors import ErrorCode, FileError
from ingest.fields import Field
from ingest.headers import HEADER_ALIASES, OBSERVATION_HEADERS, build_layout

field_for_header = OBSERVATION_HEADERS.field_for  # how a figures file's header is read

REQUIRED = ["indicator", "gemeente", "periode", "waarde"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("indicatorcode", Field.INDICATOR),
        ("Indicator Code", Field.INDICATOR),
        ("GEMEENTECODE", Field.JURISDICTION),
        ("CBS-code", Field.JURISDICTION),
        ("cbs code", Field.JURISDICTION),
        ("jurisdiction", Field.JURISDICTION),
        ("Period", Field.PERIOD),
        ("target group", Field.TARGET_GROUP),
        ("Target_Group", Field.TARGET_GROUP),
        ("Woning type", Field.HOUSING_TYPE),
        ("housing-type", Field.HOUSING_TYPE),
        ("  Aantal ", Field.VALUE),
        ("Prijs segment", Field.PRICE_SEGMENT),
        ("Opmerking", Field.NOTE),
        ("\ufeffindicator", Field.INDICATOR),
        ("gemeentenaam", None),
    ],
)
def test_header_maps_to_canonical_field(header: str, expected: Field | None) -> None:
    assert field_for_header(header) == expected


def test_every_documented_alias_maps_to_its_field() -> None:
    for name, aliases in HEADER_ALIASES.items():
        assert all(field_for_header(alias) is name for alias in aliases)


def test_layout_keeps_header_as_written_and_position_and_ignores_empty_headers() -> None:
    # Given a header row with an empty column between known ones
    layout = build_layout(["Indicator", None, "Gemeente", "Periode", "Aantal"], ",", header_row=1)
    # Then each field knows its header as written and its 1-based column
    value = layout.column(Field.VALUE)
    assert (value.header, value.position) == ("Aantal", 5)
    assert layout.decimal_mark == ","


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ([*REQUIRED, "gemeentenaam"], ErrorCode.UNKNOWN_COLUMN),
        (["indicator", "gemeente", "periode"], ErrorCode.MISSING_COLUMN),
        ([*REQUIRED, "Aantal"], ErrorCode.DUPLICATE_COLUMN),
    ],
)
def test_bad_header_row_is_a_file_error(headers: list[str], code: ErrorCode) -> None:
    with pytest.raises(FileError) as raised:
        build_layout(headers, ",", header_row=3)
    assert (raised.value.code, raised.value.row) == (code, 3)


def test_missing_column_message_lists_accepted_names_in_both_languages() -> None:
    with pytest.raises(FileError) as raised:
        build_layout(["indicator", "gemeente", "waarde"], ",", header_row=1)
    assert "periode (or period)" in raised.value.message_en
    assert "periode (of period)" in raised.value.message_nl

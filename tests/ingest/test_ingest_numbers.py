"""Number parsing: the rule documented in ingest.numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.errors import ErrorCode
from ingest.numbers import NumberError, parse_number

DUTCH = ","  # ';'-separated CSV and xlsx text cells
UNKNOWN = None  # ','-separated CSV


@pytest.mark.parametrize(
    ("text", "decimal_mark", "expected"),
    [
        ("1080", UNKNOWN, "1080"),
        ("0", UNKNOWN, "0"),
        ("3,5", DUTCH, "3.5"),
        ("3,5", UNKNOWN, "3.5"),  # a comma before one digit cannot group thousands
        ("3.5", DUTCH, "3.5"),  # nor can a dot
        ("12.75", UNKNOWN, "12.75"),
        ("0,125", UNKNOWN, "0.125"),  # leading zero: not a thousands group
        ("1.080", DUTCH, "1080"),
        ("1,080", DUTCH, "1.080"),
        ("1.080", ".", "1.080"),
        ("1,080", ".", "1080"),
        ("1.080,5", UNKNOWN, "1080.5"),
        ("1,080.5", UNKNOWN, "1080.5"),
        ("1.000.000", UNKNOWN, "1000000"),
        ("1,000,000", DUTCH, "1000000"),
        ("12.345.678,90", DUTCH, "12345678.90"),
        ("-4", DUTCH, "-4"),
        ("+4", DUTCH, "4"),
        ("-1.080,5", DUTCH, "-1080.5"),
        ("  42\u00a0", DUTCH, "42"),
        ("1234,5678", DUTCH, "1234.5678"),
    ],
)
def test_number_text_reads_as_the_documented_value(
    text: str, decimal_mark: str | None, expected: str
) -> None:
    assert parse_number(text, decimal_mark) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "tien",
        "",
        "1,2,3",
        "1.2.3",
        "1.080.5",
        "12.34,5",
        "1,0,00",
        "1e5",
        "NaN",
        "€ 10",
        "10%",
        "1 080",
        "--1",
        "5-",
        "1,",
        ".5",
        "1.080,5,0",
        "0.100.000",
    ],
)
def test_non_numbers_are_not_a_number(text: str) -> None:
    with pytest.raises(NumberError) as raised:
        parse_number(text, DUTCH)
    assert raised.value.code == ErrorCode.NOT_A_NUMBER


@pytest.mark.parametrize(
    ("text", "whole", "decimal"),
    [("1.080", "1080", "1.08"), ("1,080", "1080", "1.08"), ("-250,500", "250500", "250.5")],
)
def test_a_lone_mark_before_three_digits_is_ambiguous_when_the_file_does_not_tell(
    text: str, whole: str, decimal: str
) -> None:
    # Given a comma-separated file, whose decimal mark is unknown
    # When a value could be thousands or decimals
    with pytest.raises(NumberError) as raised:
        parse_number(text, UNKNOWN)
    # Then it is an error offering both readings, never a guess
    assert raised.value.code == ErrorCode.AMBIGUOUS_NUMBER
    assert (raised.value.as_whole, raised.value.as_decimal) == (whole, decimal)

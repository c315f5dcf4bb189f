"""CBS period and region keys: every rule, good and bad, with errors that name the value."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.cbs.codes import CbsCodeError, cbs_period_code, parse_cbs_period, parse_cbs_region
from ingest.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("code", "expected", "kind"),
    [
        ("2024JJ00", "2024", PeriodKind.YEAR),
        ("2024HJ01", "2024-H1", PeriodKind.HALF),
        ("2024HJ02", "2024-H2", PeriodKind.HALF),
        ("2024KW01", "2024-Q1", PeriodKind.QUARTER),
        ("2024KW02", "2024-Q2", PeriodKind.QUARTER),
        ("2024KW04", "2024-Q4", PeriodKind.QUARTER),
        ("2024MM01", "2024-01", PeriodKind.MONTH),
        ("2024MM07", "2024-07", PeriodKind.MONTH),
        ("2024MM12", "2024-12", PeriodKind.MONTH),
        ("20240229", "2024-02-29", PeriodKind.DAY),
        ("2024JJ00 ", "2024", PeriodKind.YEAR),
    ],
)
def test_a_cbs_period_key_becomes_our_period(code: str, expected: str, kind: PeriodKind) -> None:
    # given a period key as StatLine writes it / when it is parsed
    period = parse_cbs_period(code)
    # then it is the same interval as our canonical form
    assert period == Period.parse(expected)
    assert period.kind is kind


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("2024KW05", "quarter 05 is not 01-04"),
        ("2024KW00", "quarter 00 is not 01-04"),
        ("2024MM13", "month 13 is not 01-12"),
        ("2024MM00", "month 00 is not 01-12"),
        ("2024JJ01", "a year key ends in 00, not 01"),
        ("2024HJ03", "half year 03 is not 01-02"),
        ("24JJ00", "not a CBS period key; expected 8 characters"),
        ("2024JJ000", "not a CBS period key"),
        ("2024jj00", "not a CBS period key"),
        ("", "not a CBS period key"),
        ("2024XX00", "unknown period kind 'XX'"),
        ("2024AB01", "unknown period kind 'AB'"),
        ("20241301", "day key 20241301 is not a valid date"),
        ("1850JJ00", "out of range"),
    ],
)
def test_a_malformed_period_key_is_refused_naming_value_and_problem(
    code: str, problem: str
) -> None:
    # given text that is not a CBS period key / when parsed / then the error names both
    with pytest.raises(CbsCodeError) as caught:
        parse_cbs_period(code)
    assert problem in str(caught.value)
    assert repr(code) in str(caught.value)
    assert caught.value.value == code
    assert not caught.value.unsupported


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("2024X000", "without official division"),
        ("2023G200", "two-year average"),
        ("2023SJ00", "school/construction year"),
        ("2024W101", "a week"),
        ("2024VJ00", "rolling year"),
    ],
)
def test_a_cbs_period_kind_we_do_not_read_is_marked_unsupported(code: str, problem: str) -> None:
    # given a well-formed key of a kind the platform does not read
    with pytest.raises(CbsCodeError, match=problem) as caught:
        parse_cbs_period(code)
    # then the error says so, so a parser can skip and report instead of failing
    assert caught.value.unsupported


def test_a_period_key_that_is_not_text_is_refused() -> None:
    with pytest.raises(CbsCodeError, match="not int"):
        parse_cbs_period(2024)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["2024JJ00", "2024HJ02", "2024KW03", "2024MM11", "20240715"])
def test_period_keys_round_trip_through_our_periods(code: str) -> None:
    assert cbs_period_code(parse_cbs_period(code)) == code


def test_a_run_of_years_has_no_cbs_key() -> None:
    with pytest.raises(CbsCodeError, match="no single CBS period key"):
        cbs_period_code(Period.parse("2022/2023"))


def test_a_day_period_prints_as_a_day_key() -> None:
    assert cbs_period_code(Period.day(date(2024, 1, 1))) == "20240101"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("GM0518  ", "GM0518"),
        ("GM0518    ", "GM0518"),
        ("GM0503", "GM0503"),
        ("GM0546", "GM0546"),
        ("GM0637", "GM0637"),
        ("PV28  ", "PV28"),
        ("NL01  ", "NL01"),
    ],
)
def test_a_region_key_loses_its_padding(code: str, expected: str) -> None:
    assert parse_cbs_region(code) == expected


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("GM518", "GM followed by 4 digits"),
        ("GM05181", "GM followed by 4 digits"),
        ("GM 0518", "GM followed by 4 digits"),
        ("PV2", "PV followed by 2 digits"),
        ("PV280", "PV followed by 2 digits"),
        ("NL02", "the country code is NL01"),
        ("NL", "the country code is NL01"),
        ("gm0518", "not a CBS region key"),
        ("G0518", "not a CBS region key"),
        ("", "not a CBS region key"),
        ("Den Haag", "not a CBS region key"),
    ],
)
def test_a_malformed_region_key_is_refused_naming_value_and_problem(
    code: str, problem: str
) -> None:
    with pytest.raises(CbsCodeError) as caught:
        parse_cbs_region(code)
    assert problem in str(caught.value)
    assert repr(code) in str(caught.value)
    assert not caught.value.unsupported


@pytest.mark.parametrize(
    ("code", "name"),
    [("LD03  ", "landsdeel"), ("CR17", "COROP"), ("WK051801", "wijk"), ("BU05180101", "buurt")],
)
def test_other_cbs_region_kinds_are_marked_unsupported(code: str, name: str) -> None:
    with pytest.raises(CbsCodeError, match=name) as caught:
        parse_cbs_region(code)
    assert caught.value.unsupported


def test_a_region_key_that_is_not_text_is_refused() -> None:
    with pytest.raises(CbsCodeError, match="not int"):
        parse_cbs_region(518)  # type: ignore[arg-type]

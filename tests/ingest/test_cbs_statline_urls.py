"""StatLine URLs: exact strings, and every code checked before it reaches a $filter."""

from __future__ import annotations

import pytest

from ingest.cbs.codes import CbsCodeError
from ingest.cbs.statline import observations_url, typed_dataset_url
from ingest.periods import Period, PeriodKind


def test_an_unfiltered_typed_dataset_url_asks_for_json() -> None:
    assert (
        typed_dataset_url("81955NED")
        == "https://opendata.cbs.nl/ODataFeed/odata/81955NED/TypedDataSet?$format=json"
    )


def test_periods_and_regions_are_or_ed_within_and_and_ed_between() -> None:
    # given two years and two municipalities (one written with its padding)
    url = typed_dataset_url(
        "37230ned",
        periods=["2023JJ00", Period.parse("2024-Q2")],
        regions=["GM0518  ", "GM0546"],
        select=["RegioS", "Perioden", "BevolkingAanHetBeginVanDePeriode_1"],
    )
    # then the filter ORs each group, ANDs the groups, and matches regions despite padding
    assert url == (
        "https://opendata.cbs.nl/ODataFeed/odata/37230ned/TypedDataSet?$filter="
        "(Perioden%20eq%20'2023JJ00'%20or%20Perioden%20eq%20'2024KW02')%20and%20"
        "(substringof('GM0518',RegioS)%20or%20substringof('GM0546',RegioS))"
        "&$select=RegioS,Perioden,BevolkingAanHetBeginVanDePeriode_1&$format=json"
    )


def test_whole_period_kinds_and_region_kinds_filter_by_substring() -> None:
    url = typed_dataset_url(
        "81955NED",
        period_kinds=[PeriodKind.YEAR],
        region_prefixes=["GM"],
        base="https://opendata.cbs.nl/ODataApi/odata/",
    )
    assert url == (
        "https://opendata.cbs.nl/ODataApi/odata/81955NED/TypedDataSet?$filter="
        "substringof('JJ',Perioden)%20and%20substringof('GM',RegioS)&$format=json"
    )


def test_a_v4_observations_url_filters_measures_periods_and_regions_with_eq() -> None:
    url = observations_url(
        "03759ned", measures=["M000352"], periods=["2024JJ00"], regions=["GM0518", "PV28"]
    )
    assert url == (
        "https://datasets.cbs.nl/odata/v1/CBS/03759ned/Observations?$filter="
        "Measure%20eq%20'M000352'%20and%20Perioden%20eq%20'2024JJ00'%20and%20"
        "(RegioS%20eq%20'GM0518'%20or%20RegioS%20eq%20'PV28')"
    )
    assert observations_url("03759ned") == (
        "https://datasets.cbs.nl/odata/v1/CBS/03759ned/Observations"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"table": "81955NED'"}, ValueError, "not a CBS table id"),
        ({"table": "../x"}, ValueError, "not a CBS table id"),
        ({"table": "81955NED", "periods": ["2024KW05"]}, CbsCodeError, "quarter 05"),
        ({"table": "81955NED", "periods": ["2024X000"]}, CbsCodeError, "not read"),
        ({"table": "81955NED", "regions": ["GM0518' or 1 eq 1"]}, CbsCodeError, "GM followed"),
        ({"table": "81955NED", "regions": ["LD03"]}, CbsCodeError, "landsdeel"),
        ({"table": "81955NED", "region_prefixes": ["WK"]}, CbsCodeError, "GM, PV or NL"),
        ({"table": "81955NED", "period_kinds": [PeriodKind.DAY]}, ValueError, "no period kind"),
        ({"table": "81955NED", "select": ["Regio S"]}, ValueError, "not a StatLine column"),
        ({"table": "81955NED", "base": "http://opendata.cbs.nl"}, ValueError, "https://"),
    ],
)
def test_anything_that_is_not_a_code_never_reaches_the_url(kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        typed_dataset_url(**kwargs)


def test_a_v4_measure_code_is_checked() -> None:
    with pytest.raises(ValueError, match="not a CBS measure code"):
        observations_url("03759ned", measures=["M000352' or true"])

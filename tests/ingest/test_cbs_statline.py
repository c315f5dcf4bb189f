"""The CBS StatLine adapter: real-format pages in, canonical rows out, skips reported, streamed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.cbs.statline import (
    Breakdown,
    Moment,
    SkipReason,
    StatLineDimension,
    StatLineError,
    StatLineMapping,
    StatLineMappingError,
    StatLineMeasure,
    StatLineReport,
    StatLineRow,
    iter_pages,
    next_link,
    parse_statline,
)
from ingest.periods import PeriodKind

CBS = Path(__file__).parent / "files" / "cbs"
DOC = Path(__file__).parents[2] / "docs" / "sources-cbs.md"


def page(name: str) -> dict[str, Any]:
    return json.loads((CBS / name).read_text(encoding="utf-8"))


def population_mapping(**overrides: Any) -> StatLineMapping:
    settings: dict[str, Any] = {
        "table": "37230ned",
        "measures": {
            "BevolkingAanHetBeginVanDePeriode_1": StatLineMeasure("population", Moment.START)
        },
    }
    settings.update(overrides)
    return StatLineMapping(**settings)


def housing_mapping(**overrides: Any) -> StatLineMapping:
    settings: dict[str, Any] = {
        "table": "81955NED",
        "measures": {
            "Nieuwbouw_2": "dwellings-added",
            "EindstandVoorraad_8": StatLineMeasure("dwelling-stock", Moment.END),
        },
        "dimensions": (StatLineDimension("Gebruiksfunctie", {"A045364": None}),),
    }
    settings.update(overrides)
    return StatLineMapping(**settings)


def cells(rows: list[StatLineRow]) -> dict[tuple[str, str, str], Decimal]:
    return {(r.indicator, r.jurisdiction, str(r.period)): r.value for r in rows}


# ---------------------------------------------------------------- v3 TypedDataSet


def test_population_per_municipality_is_read_from_a_typed_dataset() -> None:
    # given a 37230ned page with NL01, a landsdeel, a province and four municipalities
    report = StatLineReport()
    # when it is parsed with the default region kinds (municipalities)
    rows = list(parse_statline([page("37230ned_typed.json")], population_mapping(), report=report))
    # then every municipal row gives one figure, on the first day of its period (a stock)
    found = cells(rows)
    assert found[("population", "GM0518", "2024-01-01")] == Decimal(562839)
    assert found[("population", "GM0518", "2024-07-01")] == Decimal(565903)
    assert found[("population", "GM0503", "2024-01-01")] == Decimal(106372)
    assert found[("population", "GM0546", "2024-01-01")] == Decimal(128714)
    assert found[("population", "GM0637", "2024-01-01")] == Decimal(127874)
    assert {r.jurisdiction for r in rows} == {"GM0503", "GM0518", "GM0546", "GM0637"}
    assert all(r.period.kind is PeriodKind.DAY for r in rows)
    assert all(isinstance(r.value, Decimal) for r in rows)
    # and the country, landsdeel and province rows are reported, not silently dropped
    assert report.skipped[SkipReason.REGION_NOT_KEPT] == 4
    assert report.source_rows == 15
    assert report.rows == len(rows) == 11


def test_a_row_keeps_where_it_came_from() -> None:
    rows = list(parse_statline([page("37230ned_typed.json")], population_mapping()))
    first = next(r for r in rows if r.jurisdiction == "GM0518")
    assert first.table == "37230ned"
    assert first.source_row_id == 62551
    assert first.source_measure == "BevolkingAanHetBeginVanDePeriode_1"
    assert first.source_key == "37230ned/62551/BevolkingAanHetBeginVanDePeriode_1"
    assert (first.target_group, first.housing_type, first.price_segment) == (None, None, None)


def test_country_and_province_are_kept_when_mapped_to_our_codes() -> None:
    # given a mapping that keeps GM, PV and NL, with NL01 as our NL
    mapping = population_mapping(region_prefixes=frozenset({"GM", "PV", "NL"}))
    report = StatLineReport()
    rows = list(parse_statline([page("37230ned_typed.json")], mapping, report=report))
    # then NL01 arrives as NL, PV28 as PV28, and only the landsdeel is skipped
    found = cells(rows)
    assert found[("population", "NL", "2024-01-01")] == Decimal(17942942)
    assert found[("population", "PV28", "2024-01-01")] == Decimal(3826018)
    assert report.skipped[SkipReason.REGION_NOT_KEPT] == 1
    assert (
        "LD03: a CBS region of landsdeel" in report.examples[SkipReason.REGION_NOT_KEPT][0].detail
    )


def test_null_figures_are_skipped_with_a_reported_reason() -> None:
    # given the December row of Den Haag whose end-of-period figure is not yet published
    mapping = population_mapping(
        measures={
            "BevolkingAanHetEindeVanDePeriode_15": StatLineMeasure("population", Moment.END),
            "Overledenen_3": "deaths",
        }
    )
    report = StatLineReport()
    rows = list(parse_statline([page("37230ned_typed.json")], mapping, report=report))
    # then the null cells give no figure and are each reported with the measure and row
    assert report.skipped[SkipReason.NO_VALUE] == 4
    skip = report.examples[SkipReason.NO_VALUE][0]
    assert (skip.page, skip.source_row_id) == (1, 62562)
    assert skip.measure == "BevolkingAanHetEindeVanDePeriode_15"
    assert skip.detail == "BevolkingAanHetEindeVanDePeriode_15: null"
    # and the published end-of-period figures do arrive, on the last day of their period
    assert cells(rows)[("population", "GM0518", "2024-01-31")] == Decimal(563610)
    assert cells(rows)[("population", "GM0546", "2024-12-31")] == Decimal(130121)
    assert ("population", "GM0518", "2024-12-31") not in cells(rows)


def test_an_untyped_dataset_reads_padded_text_and_skips_dots() -> None:
    # given UntypedDataSet rows: right-aligned numbers and "       ." for missing figures
    mapping = population_mapping(
        measures={
            "BevolkingAanHetEindeVanDePeriode_15": "population-end",
            "Overledenen_3": "deaths",
        }
    )
    report = StatLineReport()
    rows = list(parse_statline([page("37230ned_untyped.json")], mapping, report=report))
    # then the numbers are read and the dots are reported as missing
    assert cells(rows)[("population-end", "GM0518", "2024-01")] == Decimal(563610)
    assert cells(rows)[("deaths", "GM0503", "2024-01")] == Decimal(58)
    assert report.skipped == {SkipReason.NO_VALUE: 2}
    assert "'.' (figures missing or confidential)" in report.examples[SkipReason.NO_VALUE][0].detail


def test_housing_stock_is_read_across_two_pages_following_the_next_link() -> None:
    # given two 81955NED pages, the first pointing at the second
    first, second = page("81955NED_typed_page1.json"), page("81955NED_typed_page2.json")
    fetched: list[str] = []

    def fetch(url: str) -> Mapping[str, Any]:
        fetched.append(url)
        return first if url == "start" else second

    report = StatLineReport()
    # when the pages are followed and parsed
    rows = list(parse_statline(iter_pages("start", fetch), housing_mapping(), report=report))
    # then the second page was fetched from page one's next link, and no further
    assert fetched == ["start", next_link(first)]
    assert report.pages == 2
    # and flows keep the CBS period while the stock is dated at the period's end
    found = cells(rows)
    assert found[("dwellings-added", "GM0518", "2023")] == Decimal(2812)
    assert found[("dwellings-added", "GM0518", "2024-Q1")] == Decimal(640)
    assert found[("dwelling-stock", "GM0518", "2023-12-31")] == Decimal(271534)
    assert found[("dwelling-stock", "GM0518", "2024-03-31")] == Decimal(272342)
    assert found[("dwelling-stock", "GM0546", "2024-03-31")] == Decimal(62165)
    assert found[("dwelling-stock", "GM0637", "2023-12-31")] == Decimal(57303)
    assert found[("dwellings-added", "GM0518", "2024-Q2")] == Decimal(702)
    # and the unpublished stock of 2024-Q2 is reported, not invented
    assert ("dwelling-stock", "GM0518", "2024-06-30") not in found
    assert report.skipped[SkipReason.NO_VALUE] == 1
    assert report.skipped[SkipReason.REGION_NOT_KEPT] == 2


def test_a_zero_figure_is_a_figure() -> None:
    mapping = housing_mapping(measures={"Sloop_4": "dwellings-demolished"})
    rows = list(parse_statline([page("81955NED_typed_page2.json")], mapping))
    assert cells(rows)[("dwellings-demolished", "GM0518", "2024-Q2")] == Decimal(0)


def test_period_kinds_not_selected_are_skipped_and_reported() -> None:
    # given a mapping that takes year figures only
    mapping = housing_mapping(period_kinds=frozenset({PeriodKind.YEAR}))
    report = StatLineReport()
    rows = list(
        parse_statline(
            [page("81955NED_typed_page1.json"), page("81955NED_typed_page2.json")],
            mapping,
            report=report,
        )
    )
    # then no quarter arrives and each quarter row is reported once
    assert {r.period.kind for r in rows} == {PeriodKind.DAY, PeriodKind.YEAR}
    assert all(r.period.start.month == 12 or r.period.kind is PeriodKind.YEAR for r in rows)
    assert report.skipped[SkipReason.PERIOD_KIND_NOT_SELECTED] == 3
    assert "2024KW01: quarter periods are not selected" in {
        s.detail for s in report.examples[SkipReason.PERIOD_KIND_NOT_SELECTED]
    }


def test_a_dimension_value_not_in_the_map_skips_the_row() -> None:
    # given a mapping that keeps another use function than the one on the page
    mapping = housing_mapping(dimensions=(StatLineDimension("Gebruiksfunctie", {"T001419": None}),))
    report = StatLineReport()
    rows = list(parse_statline([page("81955NED_typed_page1.json")], mapping, report=report))
    # then nothing arrives, and why is reported per row (not per measure)
    assert rows == []
    assert report.skipped == {SkipReason.REGION_NOT_KEPT: 2, SkipReason.DIMENSION_NOT_SELECTED: 2}
    assert report.examples[SkipReason.DIMENSION_NOT_SELECTED][0].detail == (
        "Gebruiksfunctie=A045364 is not mapped"
    )


# ---------------------------------------------------------------- v4 Observations


def observations_mapping(**overrides: Any) -> StatLineMapping:
    settings: dict[str, Any] = {
        "table": "03759ned",
        "measures": {"M000352": StatLineMeasure("population", Moment.START)},
        "dimensions": (
            StatLineDimension("Geslacht", {"T001038": None}),
            StatLineDimension("BurgerlijkeStaat", {"T001019": None}),
            StatLineDimension("Leeftijd", {"10000": None}, Breakdown.TARGET_GROUP),
        ),
        "region_prefixes": frozenset({"GM", "PV", "NL"}),
    }
    settings.update(overrides)
    return StatLineMapping(**settings)


def test_v4_observations_are_read_one_measure_per_row() -> None:
    # given two v4 Observations pages of 03759ned
    pages = [page("03759ned_observations_page1.json"), page("03759ned_observations_page2.json")]
    report = StatLineReport()
    rows = list(parse_statline(pages, observations_mapping(), report=report))
    # then the totals arrive per region on 1 January
    found = cells(rows)
    assert found[("population", "GM0518", "2024-01-01")] == Decimal(562839)
    assert found[("population", "GM0518", "2025-01-01")] == Decimal(569714)
    assert found[("population", "GM0503", "2024-01-01")] == Decimal(106372)
    assert found[("population", "GM0546", "2024-01-01")] == Decimal(128714)
    assert found[("population", "PV28", "2024-01-01")] == Decimal(3826018)
    assert found[("population", "NL", "2024-01-01")] == Decimal(17942942)
    assert len(rows) == 7
    # and the men-only row and the missing 2025 Zoetermeer figure are reported with reasons
    assert report.skipped == {SkipReason.DIMENSION_NOT_SELECTED: 1, SkipReason.NO_VALUE: 1}
    missing = report.examples[SkipReason.NO_VALUE][0]
    assert missing.detail == "M000352: null (ValueAttribute '.')"
    assert (missing.page, missing.source_row_id) == (2, 4411998)


def test_v4_observations_of_an_unmapped_measure_are_reported() -> None:
    mapping = observations_mapping(measures={"M000100": "average-population"})
    report = StatLineReport()
    rows = list(parse_statline([page("03759ned_observations_page1.json")], mapping, report=report))
    assert rows == []
    assert report.skipped == {SkipReason.MEASURE_NOT_SELECTED: 4}


def test_a_dimension_can_carry_a_breakdown_code() -> None:
    # given observations broken down by age, two age keys mapped to target groups (illustrative keys)
    obs = {
        "@odata.context": "https://datasets.cbs.nl/odata/v1/CBS/03759ned/$metadata#Observations",
        "value": [
            _observation(1, "10000", 562839.0),
            _observation(2, "AGE65PLUS", 84120.0),
            _observation(3, "AGE75PLUS", 38311.0),
            _observation(4, "AGE0TO4", 31003.0),
        ],
    }
    ages = StatLineDimension(
        "Leeftijd",
        {"10000": None, "AGE65PLUS": "ouderen-65plus", "AGE75PLUS": "ouderen-75plus"},
        Breakdown.TARGET_GROUP,
    )
    mapping = observations_mapping(
        dimensions=(
            StatLineDimension("Geslacht", {"T001038": None}),
            StatLineDimension("BurgerlijkeStaat", {"T001019": None}),
            ages,
        )
    )
    report = StatLineReport()
    rows = list(parse_statline([obs], mapping, report=report))
    # then the total has no target group and the groups carry theirs
    assert [(r.target_group, r.value) for r in rows] == [
        (None, Decimal(562839)),
        ("ouderen-65plus", Decimal(84120)),
        ("ouderen-75plus", Decimal(38311)),
    ]
    assert report.skipped == {SkipReason.DIMENSION_NOT_SELECTED: 1}


def _observation(row_id: int, age: str, value: float | None) -> dict[str, Any]:
    return {
        "Id": row_id,
        "Measure": "M000352",
        "ValueAttribute": "None",
        "Value": value,
        "Geslacht": "T001038",
        "Leeftijd": age,
        "BurgerlijkeStaat": "T001019",
        "RegioS": "GM0518",
        "Perioden": "2024JJ00",
    }


# ---------------------------------------------------------------- values and keys in rows


def _typed(**cells: Any) -> dict[str, Any]:
    row = {"ID": 1, "RegioS": "GM0518  ", "Perioden": "2024JJ00"}
    row.update(cells)
    return {"odata.metadata": "https://opendata.cbs.nl/ODataFeed/odata/x/$metadata", "value": [row]}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12345, Decimal(12345)),
        (0.1, Decimal("0.1")),
        (1.5e3, Decimal("1500.0")),
        (-1845, Decimal(-1845)),
        ("   17019", Decimal(17019)),
        ("    0.05", Decimal("0.05")),
        ("   -1845", Decimal(-1845)),
        ("       -", Decimal(0)),
    ],
)
def test_a_value_becomes_an_exact_decimal(cell: Any, expected: Decimal) -> None:
    rows = list(parse_statline([_typed(M_1=cell)], StatLineMapping("x1234", {"M_1": "ind"})))
    assert [r.value for r in rows] == [expected]
    assert rows[0].jurisdiction == "GM0518"


@pytest.mark.parametrize(
    ("cell", "reason", "detail"),
    [
        (None, SkipReason.NO_VALUE, "M_1: null"),
        ("       .", SkipReason.NO_VALUE, "M_1: '.' (figures missing or confidential)"),
        ("       x", SkipReason.NO_VALUE, "M_1: 'x' (confidential)"),
        ("        ", SkipReason.NO_VALUE, "M_1: an empty cell"),
        ("1.234,5", SkipReason.NOT_A_NUMBER, "M_1: '1.234,5'"),
        ("NaN", SkipReason.NOT_A_NUMBER, "M_1: 'NaN'"),
        (True, SkipReason.NOT_A_NUMBER, "M_1: True"),
        ([1], SkipReason.NOT_A_NUMBER, "M_1: [1]"),
    ],
)
def test_a_cell_without_a_usable_figure_is_skipped_with_its_reason(cell, reason, detail) -> None:  # type: ignore[no-untyped-def]
    report = StatLineReport()
    rows = list(
        parse_statline([_typed(M_1=cell)], StatLineMapping("x1234", {"M_1": "ind"}), report=report)
    )
    assert rows == []
    assert report.skipped == {reason: 1}
    assert report.examples[reason][0].detail == detail


def test_a_cbs_period_kind_we_do_not_read_is_skipped_and_reported() -> None:
    report = StatLineReport()
    pages = [_typed(M_1=1, Perioden="2024X000")]
    assert (
        list(parse_statline(pages, StatLineMapping("x1234", {"M_1": "ind"}), report=report)) == []
    )
    assert report.skipped == {SkipReason.PERIOD_NOT_READ: 1}
    assert report.examples[SkipReason.PERIOD_NOT_READ][0].detail.startswith("2024X000: kind X0")


@pytest.mark.parametrize(
    ("cells_", "message"),
    [
        ({"Perioden": "2024KW05"}, "37230ned, page 1, row ID 1: CBS code '2024KW05': quarter 05"),
        ({"Perioden": "24JJ00"}, "CBS code '24JJ00': not a CBS period key"),
        ({"RegioS": "GM518 "}, "CBS code 'GM518 ': a municipality code is GM followed by 4 digits"),
    ],
)
def test_a_malformed_key_in_a_row_stops_the_parse_naming_page_and_row(cells_, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatLineError, match=re.escape(message)):
        list(parse_statline([_typed(M_1=1, **cells_)], StatLineMapping("37230ned", {"M_1": "i"})))


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([{"odata.metadata": "x"}], "page 1 has no 'value' list; keys: odata.metadata"),
        ([[]], "page 1 is list, not a JSON object"),
        ([{"value": ["row"]}], "page 1, row 0: not a JSON object"),
        (
            [{"value": [{"ID": 3, "Perioden": "2024JJ00", "M_1": 1}]}],
            "row ID 3: has no column 'RegioS'",
        ),
        ([_typed(M_2=1)], "has no column 'M_1' (a mapped measure)"),
        (
            [{"@odata.context": "x", "value": [{"Id": 9, "Value": 1}]}],
            "row ID 9: is not an observation: no 'Measure'",
        ),
    ],
)
def test_a_page_not_in_the_statline_shape_stops_the_parse(pages, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatLineError, match=re.escape(message)):
        list(parse_statline(pages, StatLineMapping("x1234", {"M_1": "ind"})))


def test_padded_region_keys_of_a_wijken_en_buurten_table_are_read() -> None:
    # given a kerncijfers-style table whose region column holds GM, WK and BU keys of width 10
    rows_in = [
        {
            "ID": 0,
            "WijkenEnBuurten": "GM0518    ",
            "Perioden": "2024JJ00",
            "AantalInwoners_5": 562839,
        },
        {
            "ID": 1,
            "WijkenEnBuurten": "WK051801  ",
            "Perioden": "2024JJ00",
            "AantalInwoners_5": 3502,
        },
        {
            "ID": 2,
            "WijkenEnBuurten": "BU05180101",
            "Perioden": "2024JJ00",
            "AantalInwoners_5": 1201,
        },
    ]
    mapping = StatLineMapping(
        "85984NED", {"AantalInwoners_5": "population"}, region_column="WijkenEnBuurten"
    )
    report = StatLineReport()
    rows = list(parse_statline([{"odata.metadata": "m", "value": rows_in}], mapping, report=report))
    assert [(r.jurisdiction, r.value) for r in rows] == [("GM0518", Decimal(562839))]
    assert report.skipped == {SkipReason.REGION_NOT_KEPT: 2}


# ---------------------------------------------------------------- pagination and streaming


def test_next_link_is_read_from_v3_and_v4_pages() -> None:
    assert next_link(page("81955NED_typed_page1.json")) == (
        "https://opendata.cbs.nl/ODataFeed/odata/81955NED/TypedDataSet?$format=json"
        "&$filter=(Perioden%20eq%20'2023JJ00'%20or%20substringof('KW',Perioden))&$skiptoken=4"
    )
    assert next_link(page("03759ned_observations_page1.json")) == (
        "https://datasets.cbs.nl/odata/v1/CBS/03759ned/Observations"
        "?$filter=Measure%20eq%20'M000352'&$skip=4"
    )
    assert next_link(page("81955NED_typed_page2.json")) is None
    assert next_link(page("03759ned_observations_page2.json")) is None


@pytest.mark.parametrize("link", ["", 42, "   "])
def test_a_next_link_that_is_not_a_url_is_an_error(link: Any) -> None:
    with pytest.raises(StatLineError, match="not a URL"):
        next_link({"value": [], "odata.nextLink": link})


def test_iter_pages_refuses_a_feed_that_links_back_to_itself() -> None:
    pages = {"a": {"value": [], "odata.nextLink": "b"}, "b": {"value": [], "odata.nextLink": "a"}}
    with pytest.raises(StatLineError, match="links back to a page it already gave: a"):
        list(iter_pages("a", pages.__getitem__))


def test_iter_pages_stops_at_the_page_limit() -> None:
    def endless(url: str) -> Mapping[str, Any]:
        return {"value": [], "odata.nextLink": url + "+"}

    with pytest.raises(StatLineError, match="more than 3 pages"):
        list(iter_pages("p", endless, max_pages=3))


def test_parsing_streams_page_by_page() -> None:
    # given pages that are produced only when asked for
    produced: list[str] = []

    def pages() -> Iterator[dict[str, Any]]:
        for name in ("81955NED_typed_page1.json", "81955NED_typed_page2.json"):
            produced.append(name)
            yield page(name)

    # when the first row is taken
    rows = parse_statline(pages(), housing_mapping())
    assert produced == []
    first = next(rows)
    # then only the first page has been read, and the rest follows on demand
    assert produced == ["81955NED_typed_page1.json"]
    assert first.jurisdiction == "GM0503"
    rest = list(rows)
    assert produced == ["81955NED_typed_page1.json", "81955NED_typed_page2.json"]
    assert len(rest) == 12


def test_iter_pages_fetches_lazily() -> None:
    fetched: list[str] = []
    first, second = page("81955NED_typed_page1.json"), page("81955NED_typed_page2.json")

    def fetch(url: str) -> Mapping[str, Any]:
        fetched.append(url)
        return first if url == "start" else second

    pages = iter_pages("start", fetch)
    assert fetched == []
    next(pages)
    assert fetched == ["start"]


def test_the_report_summarises_counts_and_first_examples() -> None:
    report = StatLineReport(examples_per_reason=1)
    list(parse_statline([page("37230ned_typed.json")], population_mapping(), report=report))
    assert report.examples[SkipReason.REGION_NOT_KEPT][0].source_row_id == 7152
    assert len(report.examples[SkipReason.REGION_NOT_KEPT]) == 1
    assert report.summary() == (
        "1 page(s), 15 source row(s), 11 figure(s)\n"
        "skipped 4 × region_not_kept, e.g. NL01: NL regions are not kept"
    )


# ---------------------------------------------------------------- the mapping


def test_the_registry_examples_in_the_docs_build_mappings() -> None:
    # given the YAML example of docs/sources-cbs.md
    block = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None
    entries = yaml.safe_load(block.group(1))["sources"]
    # when each entry's mapping is built
    mappings = [StatLineMapping.from_config(e["table"], e["mapping"]) for e in entries]
    # then they describe what the docs say, with a cron schedule and an organisation
    housing, population = mappings
    assert all(e["kind"] == "cbs_statline" and e["organisation"] for e in entries)
    assert all(len(e["schedule"].split()) == 5 for e in entries)
    assert housing.measures["EindstandVoorraad_8"] == StatLineMeasure("dwelling-stock", Moment.END)
    assert housing.measures["Nieuwbouw_2"] == StatLineMeasure("dwellings-added")
    assert housing.period_kinds == {PeriodKind.YEAR, PeriodKind.QUARTER}
    assert population.region_prefixes == {"GM", "PV", "NL"}
    assert population.jurisdiction("NL01") == "NL"
    # and they read the fixtures
    housing_rows = list(
        parse_statline(
            [page("81955NED_typed_page1.json"), page("81955NED_typed_page2.json")], housing
        )
    )
    assert len(housing_rows) == 13  # 7 municipal rows × 2 measures, one stock not yet published
    population_rows = list(
        parse_statline(
            [page("03759ned_observations_page1.json"), page("03759ned_observations_page2.json")],
            population,
        )
    )
    assert cells(population_rows)[("population", "NL", "2024-01-01")] == Decimal(17942942)


def test_defaults_keep_municipalities_and_read_regios_and_perioden() -> None:
    mapping = StatLineMapping("81955NED", {"Nieuwbouw_2": "dwellings-added"})
    assert (mapping.region_column, mapping.period_column) == ("RegioS", "Perioden")
    assert mapping.region_prefixes == {"GM"}
    assert mapping.period_kinds is None
    assert mapping.jurisdiction("GM0518") == "GM0518"
    assert mapping.jurisdiction("NL01") == "NL"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: StatLineMapping("", {"a": "b"}), "needs the CBS table id"),
        (lambda: StatLineMapping("t1234", {}), "map at least one measure"),
        (lambda: StatLineMapping("t1234", {"a": ""}), "needs an indicator code"),
        (lambda: StatLineMapping("t1234", {"a": "b"}, region_prefixes=frozenset({"LD"})), "not LD"),
        (lambda: StatLineMapping("t1234", {"a": "b"}, region_prefixes=frozenset()), "not none"),
        (lambda: StatLineMapping("t1234", {"a": "b"}, period_kinds=frozenset()), "is empty"),
        (lambda: StatLineMapping("t1234", {"a": "b"}, period_kinds={"week"}), "'week' is not"),  # type: ignore[arg-type]
        (lambda: StatLineMapping("t1234", {"a": "b"}, region_column="Perioden"), "are the same"),
        (lambda: StatLineMeasure("b", "middle"), "moment 'middle'"),  # type: ignore[arg-type]
        (lambda: StatLineDimension("G", {}), "map at least one value"),
        (lambda: StatLineDimension("G", {"A1": "x"}), "no breakdown, so its values cannot map"),
        (lambda: StatLineDimension("G", {"A1": "x"}, "tenure"), "breakdown 'tenure'"),  # type: ignore[arg-type]
        (
            lambda: StatLineMapping(
                "t1234",
                {"a": "b"},
                dimensions=(
                    StatLineDimension("G", {"1": "x"}, Breakdown.HOUSING_TYPE),
                    StatLineDimension("H", {"1": "y"}, Breakdown.HOUSING_TYPE),
                ),
            ),
            "two dimensions give the housing_type breakdown",
        ),
        (
            lambda: StatLineMapping(
                "t1234", {"a": "b"}, dimensions=(StatLineDimension("RegioS", {"x": None}),)
            ),
            "column RegioS is mapped twice",
        ),
        (
            lambda: StatLineMapping(
                "t1234", {"G": "b"}, dimensions=(StatLineDimension("G", {"x": None}),)
            ),
            "G is both a measure and a dimension",
        ),
    ],
)
def test_a_mapping_that_cannot_work_is_refused_when_built(build, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StatLineMappingError, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"measures": {"a": "b"}, "region": ["GM"]}, "unknown mapping key(s) region"),
        ({}, "'measures' maps columns to indicators"),
        ({"measures": {"a": {"indicator": "b", "when": "end"}}}, "measure a: unknown key(s) when"),
        ({"measures": {"a": 5}}, "measure a maps to an indicator code"),
        ({"measures": {"a": "b"}, "dimensions": ["G"]}, "each dimension is"),
        (
            {"measures": {"a": "b"}, "dimensions": [{"column": "G", "value": {}}]},
            "unknown key(s) value",
        ),
        ({"measures": {"a": "b"}, "dimensions": [{"column": "G"}]}, "'values' is a mapping"),
    ],
)
def test_a_registry_mapping_with_a_typo_is_refused(config: dict[str, Any], message: str) -> None:
    with pytest.raises(StatLineMappingError, match=re.escape(message)):
        StatLineMapping.from_config("t1234", config)


def test_yaml_number_keys_of_a_dimension_are_read_as_cbs_keys() -> None:
    # given a registry mapping where YAML read the age key 10000 as a number
    mapping = StatLineMapping.from_config(
        "03759ned",
        yaml.safe_load(
            "measures: {M000352: population}\n"
            "dimensions: [{column: Leeftijd, values: {10000: null}}]\n"
        ),
    )
    # then it still matches the text key on the page
    assert dict(mapping.dimensions[0].values) == {"10000": None}

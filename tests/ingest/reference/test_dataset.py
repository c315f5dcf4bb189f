"""The committed reference dataset: it holds together, cites its sources, and matches the documents."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ingest.reference.citations import comparable, quote_is_at, quote_is_within
from ingest.reference.dataset import Dataset, Located, read_dataset

ROOT = Path(__file__).parents[3]
SOURCES = ROOT / "data" / "sources"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_dataset(ROOT / "data" / "reference")


def _by_code(dataset: Dataset, kind: str) -> dict[str, Located[Any]]:
    return {loc.entry.code: loc for loc in dataset.of(kind)}


def _cited(dataset: Dataset) -> list[tuple[Located[Any], Any, str]]:
    """Every citation in the dataset with the document it cites."""
    cited = []
    for located in dataset.entries.values():
        for loc in located:
            sources = [getattr(loc.entry, "source", None)]
            sources += [share.source for share in getattr(loc.entry, "shares", [])]
            for source in sources:
                if source is not None:
                    cited.append((loc, source, source.document or loc.document))
    return cited


def test_the_five_documents_are_all_there(dataset: Dataset) -> None:
    assert sorted(loc.entry.code for loc in dataset.documents) == [
        "den-haag-woonzorgvisie-2024",
        "gooi-vechtstreek-strategie-woonzorg-2025",
        "haaglanden-woonzorgvisie-2025",
        "leiden-beleidsplan-mo-2013",
        "leiden-woonzorgvisie-2025",
    ]


def test_every_number_cites_its_source(dataset: Dataset) -> None:
    # targets, observations and rules have a required source; the shares of a fixed rule too
    uncited = [
        f"{loc.file}: {share.jurisdiction}"
        for loc in dataset.of("distribution_rules")
        for share in loc.entry.shares
        if share.source is None
    ]
    assert uncited == []
    for kind in ("targets", "observations", "distribution_rules"):
        assert all(loc.entry.source.quote.strip() for loc in dataset.of(kind)), kind
    # content exported from the API may carry only a reason (or a page); what is committed here
    # cites lines and a quote, so a reviewer replaces a reason by a citation before committing
    uncheckable = [
        f"{loc.file}:{loc.line} {loc.label}"
        for loc, source, _ in _cited(dataset)
        if source.lines is None or source.quote is None or source.reason is not None
    ]
    assert uncheckable == []


def test_every_quote_lies_entirely_within_its_cited_lines(dataset: Dataset) -> None:
    files = {loc.entry.code: SOURCES / loc.entry.source_file for loc in dataset.documents}
    misquoted = [
        f"{loc.file}:{loc.line} {loc.label}: {source.lines} «{source.quote[:60]}»"
        for loc, source, document in _cited(dataset)
        if not quote_is_within(files[document], source.lines, source.quote)
    ]
    assert misquoted == []


def test_cbs_codes_are_well_formed_and_unique(dataset: Dataset) -> None:
    municipalities = [
        loc.entry.code for loc in dataset.of("jurisdictions") if loc.entry.kind == "municipality"
    ]
    assert all(re.fullmatch(r"GM\d{4}", code) for code in municipalities)
    assert len(municipalities) == len(set(municipalities))
    districts = [loc.entry for loc in dataset.of("jurisdictions") if loc.entry.kind == "district"]
    assert all(d.code.startswith(d.parent + "-SD") for d in districts)


def test_the_regions_of_the_documents_have_the_right_members(dataset: Dataset) -> None:
    regions = _by_code(dataset, "regions")
    members = {code: {m.code for m in loc.entry.members} for code, loc in regions.items()}
    assert len(members["rg-woningmarktregio-haaglanden"]) == 9
    assert members["rg-leidse-regio"] == {"GM0546", "GM0547", "GM0579", "GM0626", "GM0638"}
    assert members["rg-centrumregio-delft"] == {"GM0503", "GM1783", "GM1842", "GM1926"}
    gooi = {m.code for m in regions["rg-gooi-en-vechtstreek"].entry.members if m.valid_to is None}
    assert len(gooi) == 7 and "GM0317" in gooi
    assert members["rg-woondeal-mra-gooi-en-vechtstreek"] == gooi - {"GM0317"}  # without Eemnes


def test_the_documents_structure_as_printed(dataset: Dataset) -> None:
    gv = "gooi-vechtstreek-strategie-woonzorg-2025"
    lines = [loc.entry for loc in dataset.of("action_lines") if loc.document == gv]
    assert len([a for a in lines if a.parent is None]) == 4  # actielijnen
    assert len([a for a in lines if a.parent is not None]) == 9  # doelen
    assert len([loc for loc in dataset.of("measures") if loc.document == gv]) == 29


def test_the_merger_of_gooise_meren_maps_old_municipalities_to_the_successor(
    dataset: Dataset,
) -> None:
    places = _by_code(dataset, "jurisdictions")
    for old in ("GM0381", "GM0424", "GM0425"):
        assert places[old].entry.successor == "GM1942"
        assert str(places[old].entry.valid_to) == "2015-12-31"


# Each: (kind, code or cell, expected value, the number as the document prints it). The printed
# number must stand at the entry's cited lines, so the value is checked against the document itself.
SPOT_CHECKS: list[tuple[str, str, Decimal | tuple[Decimal, Decimal], str]] = [
    ("targets", "leiden-woonzorgvisie-2025-geclusterd-770", Decimal(770), "770"),
    ("targets", "leiden-woonzorgvisie-2025-levensloopbestendig-185", Decimal(185), "185"),
    (
        "targets",
        "den-haag-woonzorgvisie-2024-ouderen-geschikte-woonplekken-2040",
        Decimal(20000),
        "20.000",
    ),
    (
        "targets",
        "den-haag-woonzorgvisie-2024-aandachtsgroepen-woonplekken-2040",
        (Decimal(5000), Decimal(7500)),
        "5.000-7.500",
    ),
    (
        "targets",
        "den-haag-woonzorgvisie-2024-beperking-geclusterde-woningen-2040",
        Decimal(1500),
        "1.500",
    ),
    (
        "targets",
        "den-haag-woonzorgvisie-2024-jongeren-jeugdzorg-kamers-per-jaar",
        (Decimal(100), Decimal(185)),
        "100 tot 185",
    ),
    ("targets", "den-haag-woonzorgvisie-2024-studentenwoningen-2026", Decimal(3000), "3.000"),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-nultreden-2030-tekst",
        Decimal(2305),
        "2.305",
    ),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-geclusterd-2030-tekst",
        Decimal(1040),
        "1.040",
    ),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-zorggeschikt-2030-tekst",
        Decimal(819),
        "819",
    ),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-zorggeschikt-bijlage2-regio",
        Decimal(3168),
        "3168",
    ),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-zorggeschikt-hilversum",
        Decimal(1076),
        "1076",
    ),
    (
        "targets",
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-nultreden-gooise-meren",
        Decimal(410),
        "410",
    ),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-delft-zorggeschikt", Decimal(115), "115"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-delft-geclusterd", Decimal(120), "120"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-delft-nultreden", Decimal(990), "990"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-den-haag-geclusterd", Decimal(3565), "3.565"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-den-haag-nultreden", Decimal(5445), "5.445"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-westland-geclusterd", Decimal(560), "560"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-zoetermeer-nultreden", Decimal(2705), "2.705"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-regio-zorggeschikt", Decimal(1885), "1.885"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-regio-geclusterd", Decimal(6225), "6.225"),
    ("targets", "haaglanden-woonzorgvisie-2025-oud-regio-nultreden", Decimal(14030), "14.030"),
    ("targets", "haaglanden-woonzorgvisie-2025-max30-delft", Decimal(315), "315"),
    ("targets", "haaglanden-woonzorgvisie-2025-max30-den-haag", Decimal(1172), "1.172"),
    ("targets", "haaglanden-woonzorgvisie-2025-convenant-delft", Decimal(70), "70"),
    ("targets", "haaglanden-woonzorgvisie-2025-convenant-den-haag", Decimal(313), "313"),
    ("targets", "haaglanden-woonzorgvisie-2025-convenant-westland", Decimal(30), "30"),
    ("targets", "haaglanden-woonzorgvisie-2025-convenant-midden-delfland", Decimal("3.5"), "3,5"),
    (
        "targets",
        "leiden-beleidsplan-mo-2013-mede-verantwoordelijk-leefbaarheid-2017",
        Decimal(93),
        "93",
    ),
    ("targets", "leiden-beleidsplan-mo-2013-sociale-samenhang-2017", Decimal("6.1"), "6,1"),
    ("observations", "social-lettings GM0503 2020/2023 social", Decimal(1051), "1.051"),
    ("observations", "social-lettings GM0503 2020/2023 below-first-cap", Decimal(662), "662"),
    ("observations", "social-lettings GM0518 2020/2023 social", Decimal(3907), "3.907"),
    ("observations", "lettings-priority-groups GM0518 2024 None", Decimal(1002), "1.002"),
    ("observations", "covenant-lettings GM0503 2023 None", Decimal(64), "64"),
]


def _observation(dataset: Dataset, key: str) -> Located[Any]:
    indicator, jurisdiction, period, segment = key.split()
    [match] = [
        loc
        for loc in dataset.of("observations")
        if (
            loc.entry.indicator,
            loc.entry.jurisdiction,
            loc.entry.period,
            str(loc.entry.price_segment),
        )
        == (indicator, jurisdiction, period, segment)
    ]
    return match


@pytest.mark.parametrize(
    ("kind", "key", "expected", "printed"), SPOT_CHECKS, ids=[c[1] for c in SPOT_CHECKS]
)
def test_spot_check_against_the_document(
    dataset: Dataset, kind: str, key: str, expected: Any, printed: str
) -> None:
    loc = _observation(dataset, key) if kind == "observations" else _by_code(dataset, kind)[key]
    entry = loc.entry
    actual = (entry.low, entry.high) if isinstance(expected, tuple) else entry.value
    assert actual == expected
    document = {d.entry.code: d.entry for d in dataset.documents}[loc.document]
    assert quote_is_at(SOURCES / document.source_file, entry.source.lines, printed), (
        f"'{printed}' is not at {entry.source.lines} of {document.source_file}"
    )


def test_at_least_thirty_spot_checks() -> None:
    assert len(SPOT_CHECKS) >= 30


def test_contradictions_are_kept_as_printed_and_flagged(dataset: Dataset) -> None:
    targets = _by_code(dataset, "targets")
    westland = targets["haaglanden-woonzorgvisie-2025-convenant-westland"].entry
    assert westland.value == 30 and "40" in westland.flag
    narrative = targets[
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-zorggeschikt-2030-tekst"
    ].entry
    appendix = targets[
        "gooi-vechtstreek-strategie-woonzorg-2025-need-ouderen-zorggeschikt-bijlage2-regio"
    ].entry
    assert (narrative.value, appendix.value) == (819, 3168)
    assert narrative.flag and appendix.flag
    [rule] = [
        loc.entry
        for loc in dataset.of("distribution_rules")
        if loc.entry.method == "fixed" and loc.document == "haaglanden-woonzorgvisie-2025"
    ]
    share = {s.jurisdiction: s for s in rule.shares}["GM1783"]
    assert share.value == 30 and "40" in (share.flag or "")


def test_comparable_text_restores_ligatures() -> None:
    assert comparable("realisaƟe van weƩelijke eƯecten") == comparable(
        "realisatie van wettelijke effecten"
    )


def test_an_elided_quote_must_match_in_order(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("regel een\nJaarlijks worden 313 woningen\ngesteld. Dit wordt verdubbeld.\n")
    assert quote_is_at(source, "L2-3", "Jaarlijks worden 313 … verdubbeld.")
    assert not quote_is_at(source, "L2-3", "verdubbeld … Jaarlijks worden 313")
    assert not quote_is_at(source, "L2-3", "Jaarlijks worden 314")


def test_a_quote_one_line_beyond_its_citation_is_not_within_it(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(
        "Kop\nDe gemeente bouwt\n770 geclusterde\nwoningen in 2030.\nVoet\n", encoding="utf-8"
    )
    quote = "De gemeente bouwt 770 geclusterde woningen"
    assert quote_is_within(source, "L2-4", quote)
    assert not quote_is_within(source, "L2-3", quote)  # one line short: 'woningen' is on L4
    assert not quote_is_within(source, "L3-4", quote)  # one line late
    assert quote_is_at(source, "L2-3", quote)  # the looser check would let it pass


def test_the_leiden_durations_are_in_days_weeks_and_months(dataset: Dataset) -> None:
    indicators = _by_code(dataset, "indicators")
    targets = _by_code(dataset, "targets")
    assert {
        code: indicators[code].entry.unit.value
        for code in (
            "lzv-toewijzingstermijn-vergunninghouders-weken",
            "lmo-verblijfsduur-crisisopvang-dagen",
            "lmo-verblijfsduur-crisisopvang-maanden",
            "lmo-verblijfsduur-sociaal-pension",
            "lmo-verblijfsduur-vrouwenopvang",
        )
    } == {
        "lzv-toewijzingstermijn-vergunninghouders-weken": "weeks",
        "lmo-verblijfsduur-crisisopvang-dagen": "days",
        "lmo-verblijfsduur-crisisopvang-maanden": "months",
        "lmo-verblijfsduur-sociaal-pension": "months",
        "lmo-verblijfsduur-vrouwenopvang": "months",
    }
    # the values stay as printed: 10 weeks, 90 days, 20 and 6 months
    printed = {
        "leiden-woonzorgvisie-2025-toewijzing-vergunninghouders-10-weken": ("weeks", 10),
        "leiden-beleidsplan-mo-2013-verblijfsduur-crisisopvang": ("days", 90),
        "leiden-beleidsplan-mo-2013-verblijfsduur-sociaal-pension": ("months", 20),
        "leiden-beleidsplan-mo-2013-verblijfsduur-vrouwenopvang": ("months", 6),
    }
    for code, (unit, value) in printed.items():
        entry = targets[code].entry
        assert (entry.unit.value, entry.value) == (unit, Decimal(value)), code


def test_a_unit_outside_the_vocabulary_is_refused() -> None:
    from pydantic import ValidationError

    from ingest.reference.entries import IndicatorEntry

    entry = {
        "code": "wachttijd",
        "name_nl": "Wachttijd",
        "name_en": "Waiting time",
        "kind": "stock",
        "direction": "lower_is_better",
    }
    assert IndicatorEntry.model_validate({**entry, "unit": "weeks"}).unit == "weeks"
    with pytest.raises(ValidationError):
        IndicatorEntry.model_validate({**entry, "unit": "fortnights"})

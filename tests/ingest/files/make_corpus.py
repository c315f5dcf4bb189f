"""Regenerate the test corpus: ``.venv/bin/python tests/ingest/files/make_corpus.py``.

The files are committed; this script documents how the binary ones (Windows-1252, .xlsx) were
made. Text files are written byte-exact (BOM, CRLF) on purpose.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
DUTCH_HEADER = "indicator;gemeente;periode;doelgroep;woonvorm;prijssegment;waarde;opmerking"
GOOD_ROW = "dwellings-added;GM0518;2024;;;;10;"


def write_text(name: str, lines: list[str], *, encoding: str = "utf-8", eol: str = "\r\n") -> None:
    (HERE / name).write_bytes(eol.join(lines).encode(encoding) + eol.encode())


def bad_dutch(name: str, *rows: str) -> None:
    write_text(name, [DUTCH_HEADER, GOOD_ROW, *rows])


def good_files() -> None:
    write_text(
        "good_semicolon_decimal_comma_bom.csv",
        [
            DUTCH_HEADER,
            "dwellings-added;GM0518;2024;;geclusterde-woning;sociale-huur;1.080;inclusief één complex",
            "share-priority-lettings;GM0518;2024;;;;3,5;",
            "lettings-priority-groups;GM0546;2025-Q1;ouderen;;;12;café-project € 3 mln",
        ],
        encoding="utf-8-sig",
    )
    write_text(
        "good_comma_separated_english.csv",
        [
            "indicator_code,jurisdiction,period,target_group,housing_type,price_segment,value,note",
            "dwellings-added,GM0603,2024-H2,,nultredenwoning,,250,",
            'share-priority-lettings,GM1916,2024,,,,"3,5",quoted decimal comma',
            "share-priority-lettings,GM0518,2024,,,,12.75,decimal point",
        ],
        eol="\n",
    )
    write_text(
        "good_windows1252.csv",
        [
            "Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Prijssegment;Aantal;Opmerking",
            "lettings-priority-groups;GM0546;2024;statushouders;;;7;Déjà vu – één woning à € 750",
        ],
        encoding="cp1252",
    )
    write_text(
        "good_thousands_separators.csv",
        [
            "indicator;gemeente;periode;waarde",
            "dwellings-added;GM0518;2023;1.080",
            "dwellings-added;GM0546;2023;12.500",
            "dwellings-added;GM0603;2023;1.000.000",
            "waiting-list-change;GM0518;2023;-1.080,5",
        ],
    )
    write_text(
        "good_alias_headers.csv",
        [
            " Indicator Code ;CBS-code;PERIOD;Aandachtsgroep;Woning type;Prijs segment;Value;Toelichting",
            "lettings-priority-groups;gm0518;2024-07;Ouderen;;;4;",
        ],
    )
    write_text(
        "good_trailing_empty_rows.csv",
        [
            "indicator;gemeente;periode;waarde",
            "dwellings-added;GM0518;2024;10",
            ";;;",
            "",
            "dwellings-added;GM0546;2024;20",
            ";;;",
            ";;;",
            "",
        ],
    )
    good_workbook()


def good_workbook() -> None:
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = "toelichting"
    instructions.append(["Vul het tabblad Gegevens in."])
    data = book.create_sheet("Gegevens")
    data.append(["Indicator", "Gemeentecode", "Periode", "Woonvorm", "Aantal", "Opmerking"])
    data.append(["dwellings-added", 518, 2024, "nultredenwoning", 1080, "één"])
    data.append(["share-priority-lettings", "GM0546", "2024-Q2", None, 3.5, None])
    data.append(["dwellings-added", "GM0603", "2024", None, "1.080", "tekstcel"])
    data.append([None, None, None, None, None, None])
    book.save(HERE / "good_workbook.xlsx")


def bad_row_files() -> None:
    bad_dutch("bad_unknown_indicator.csv", "woningen-gebouwd;GM0518;2024;;;;10;")
    bad_dutch("bad_unknown_jurisdiction.csv", "dwellings-added;GM9999;2024;;;;10;")
    bad_dutch("bad_unknown_target_group.csv", "lettings-priority-groups;GM0518;2024;studenten;;;5;")
    bad_dutch("bad_unknown_housing_type.csv", "dwellings-added;GM0518;2024;;tiny-house;;5;")
    bad_dutch("bad_unknown_price_segment.csv", "dwellings-added;GM0518;2024;;;dure-huur;5;")
    bad_dutch("bad_malformed_period.csv", "dwellings-added;GM0518;2024-Q5;;;;5;")
    bad_dutch("bad_future_period.csv", "dwellings-added;GM0518;2026;;;;5;")
    bad_dutch("bad_not_a_number.csv", "dwellings-added;GM0518;2023;;;;tien;")
    bad_dutch("bad_not_a_whole_number.csv", "dwellings-added;GM0518;2023;;;;3,5;")
    bad_dutch("bad_negative_count.csv", "dwellings-added;GM0518;2023;;;;-4;")
    bad_dutch("bad_dimension_not_allowed.csv", "dwellings-added;GM0518;2023;ouderen;;;5;")
    bad_dutch("bad_missing_value.csv", "dwellings-added;GM0518;2023;;;;;")
    bad_dutch("bad_note_too_long.csv", "dwellings-added;GM0518;2023;;;;5;" + "x" * 1001)
    bad_dutch(
        "bad_duplicate_row.csv",
        "dwellings-added;GM0546;2024;;;;10;",
        "Dwellings-Added;gm0518;2024;;;;12;tweede keer",
    )
    bad_dutch(
        "bad_outside_scope.csv",
        "dwellings-added;GM0546;2024;;;;10;",
        "homeless-persons;GM0518;2024-07-01;;;;30;",
    )
    comma_header = "indicator,gemeente,periode,doelgroep,woonvorm,prijssegment,waarde,opmerking"
    write_text(
        "bad_ambiguous_number.csv",
        [
            comma_header,
            "dwellings-added,GM0518,2024,,,,10,",
            "dwellings-added,GM0546,2024,,,,1.080,",
        ],
    )
    write_text(
        "bad_too_many_cells.csv",
        [comma_header, "dwellings-added,GM0518,2024,,,,10,", "dwellings-added,GM0546,2024,,,,3,5,"],
    )
    formula_workbook()


def formula_workbook() -> None:
    """openpyxl writes formulas without a cached value, as a file never opened in Excel."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "gemeente", "periode", "waarde"])
    sheet.append(["dwellings-added", "GM0518", "2024", 10])
    sheet.append(["dwellings-added", "GM0546", "2024", "=D2*2"])
    book.save(HERE / "bad_formula_without_value.xlsx")


def bad_file_files() -> None:
    write_text("bad_unknown_column.csv", ["indicator;gemeente;periode;waarde;gemeentenaam"])
    write_text("bad_missing_column.csv", ["indicator;gemeente;periode;opmerking"])
    write_text("bad_duplicate_column.csv", ["indicator;gemeente;gemeentecode;periode;waarde"])
    write_text("bad_no_separator.csv", ["indicator gemeente periode waarde"])
    write_text("bad_empty.csv", ["", "  ", ""])
    (HERE / "bad_encoding.csv").write_bytes(
        b"indicator;gemeente;periode;waarde\r\ndwellings-added;GM0518;2024;\x81\x8d\r\n"
    )
    (HERE / "bad_not_a_zip.xlsx").write_bytes(b"indicator;gemeente;periode;waarde\r\n")


if __name__ == "__main__":
    good_files()
    bad_row_files()
    bad_file_files()

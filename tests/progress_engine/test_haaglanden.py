"""The Haaglanden scenario table recomputed from its inputs (DESIGN §5 "Commitments").

Inputs: table T11 of the Haaglanden document (data/sources/003_c77ee3656e24b6d2.txt L3815-3835:
average yearly lettings 2020-2023 per municipality, "Bron: SVH"). Expected: table T10 (same file
L4040-4096: columns C, D and E). Formulas: the memo's scenario definitions, recomputed as
C = round(0.30 × V_soc), D = round(0.30 × V_aft), E = round(0.15 × V_soc), regional totals from the
printed regional averages (8,040 and 5,273), rounding half-up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ingest.periods import Period
from progress_engine import (
    Direction,
    EngineConfig,
    IndicatorKind,
    ObservationPoint,
    Status,
    TargetKind,
    TargetSpec,
    compute_progress,
    share_of_indicator,
)

D = Decimal

# T11 (seed-003.md lines 331-339): V_soc = lettings up to the liberalisatiegrens, V_aft = lettings
# below the 1st aftoppingsgrens; yearly averages 2020-2023 as printed (whole numbers).
T11 = {
    # gemeente: (V_soc, V_aft)
    "Delft": (1051, 662),
    "Den Haag": (3907, 2600),
    "Leidschendam-Voorburg": (504, 384),
    "Midden-Delfland": (114, 72),
    "Pijnacker-Nootdorp": (179, 91),
    "Rijswijk": (544, 401),
    "Wassenaar": (160, 87),
    "Westland": (518, 255),
    "Zoetermeer": (1065, 722),
}
T11_REGION = (D(8040), D(5273))  # line 340: printed regional averages (rows add to 8,042 / 5,274)

# T10 (seed-003.md lines 314-323): B realised 2024, C, D, E.
T10 = {
    # gemeente: (B, C, D, E)
    "Delft": (205, 315, 199, 158),
    "Den Haag": (1002, 1172, 780, 586),
    "Leidschendam-Voorburg": (110, 151, 115, 76),
    "Midden-Delfland": (24, 34, 21, 17),
    "Pijnacker-Nootdorp": (56, 54, 27, 27),
    "Rijswijk": (166, 163, 120, 82),
    "Wassenaar": (29, 48, 26, 24),
    "Westland": (82, 155, 77, 78),
    "Zoetermeer": (185, 320, 216, 160),
}
T10_REGION = (1859, 2412, 1582, 1206)  # line 323
T10_NOT_PLACED = (1553, 1000, 1830, 2206)  # line 324: 3,412 − column total
DEMAND = D(3412)

# Column D cells that no rounding of the *printed* T11 inputs gives (printed, computed):
# 0.30 × 72 = 21.6 and 0.30 × 722 = 216.6 round to 22 and 217 (half-up, half-even or any
# round-to-nearest), yet the memo prints 21 and 216; truncation would give 21 and 216 but breaks
# Delft (198.6 -> printed 199) and Westland (76.5 -> printed 77). The memo worked on unrounded
# averages; see test_column_d_reproduces_from_the_only_unrounded_averages_consistent_with_t11.
D_NOT_REPRODUCIBLE_FROM_PRINTED_T11 = {"Midden-Delfland": (21, 22), "Zoetermeer": (216, 217)}


def base(column: int) -> dict[str, Decimal]:
    return {gemeente: D(values[column]) for gemeente, values in T11.items()}


def test_column_c_is_30_percent_of_average_social_lettings() -> None:
    # e.g. Delft 0.30 × 1,051 = 315.3 -> 315; Zoetermeer 0.30 × 1,065 = 319.5 -> 320 (half-up)
    result = share_of_indicator(D("0.30"), base(0), regional_base=T11_REGION[0])
    assert {g: result.value(g) for g in T10} == {g: D(row[1]) for g, row in T10.items()}
    assert result.regional_total == D(T10_REGION[1])  # 0.30 × 8,040 = 2,412
    assert DEMAND - result.regional_total == T10_NOT_PLACED[1]  # 1,000


def test_column_e_is_the_15_percent_legal_floor() -> None:
    # e.g. Delft 0.15 × 1,051 = 157.65 -> 158; Zoetermeer 0.15 × 1,065 = 159.75 -> 160
    result = share_of_indicator(D("0.15"), base(0), regional_base=T11_REGION[0])
    assert {g: result.value(g) for g in T10} == {g: D(row[3]) for g, row in T10.items()}
    # the printed total is 0.15 × 8,040 = 1,206 while the rounded rows add up to 1,208: flagged
    assert result.regional_total == D(T10_REGION[3])
    assert DEMAND - result.regional_total == T10_NOT_PLACED[3]  # 2,206
    assert result.sum_of_members == D(1208)
    assert (
        "total_differs_from_sum_of_members: regional total 1206 vs sum of members 1208"
        in result.flags
    )


def test_column_d_is_30_percent_of_lettings_below_the_first_aftoppingsgrens() -> None:
    # e.g. Delft 0.30 × 662 = 198.6 -> 199; Westland 0.30 × 255 = 76.5 -> 77 (half-up)
    result = share_of_indicator(D("0.30"), base(1), regional_base=T11_REGION[1])
    computed = {g: result.value(g) for g in T10}
    printed = {g: D(row[2]) for g, row in T10.items()}
    for gemeente, (printed_cell, computed_cell) in D_NOT_REPRODUCIBLE_FROM_PRINTED_T11.items():
        assert (printed[gemeente], computed[gemeente]) == (printed_cell, computed_cell)
    reproducible = set(T10) - set(D_NOT_REPRODUCIBLE_FROM_PRINTED_T11)
    assert {g: computed[g] for g in reproducible} == {g: printed[g] for g in reproducible}
    # the total is reproduced: 0.30 × 5,273 = 1,581.9 -> 1,582
    assert result.regional_total == D(T10_REGION[2])
    assert DEMAND - result.regional_total == T10_NOT_PLACED[2]  # 1,830


def test_column_d_reproduces_from_the_only_unrounded_averages_consistent_with_t11() -> None:
    # A 4-year average is a multiple of 0.25. Printed 72 means 71.5 ≤ V < 72.5; printed D = 21
    # needs 0.30 × V < 21.5, i.e. V < 71.67: only V = 71.5 fits. Zoetermeer likewise: 721.5.
    # With these two the rows add up to 5,274 − 1 = 5,273, the printed regional total (line 340).
    # This is a reconstruction, not data from the seed: it shows the rule rounds once, on
    # unrounded averages, and then matches every printed cell.
    unrounded = {**base(1), "Midden-Delfland": D("71.5"), "Zoetermeer": D("721.5")}
    assert sum(unrounded.values()) == T11_REGION[1]
    result = share_of_indicator(D("0.30"), unrounded, regional_base=T11_REGION[1])
    assert {g: result.value(g) for g in T10} == {g: D(row[2]) for g, row in T10.items()}
    assert result.members["Midden-Delfland"].unrounded == D("21.450")


def test_realised_2024_against_the_30_percent_capacity() -> None:
    # given column C as each municipality's yearly cap and column B as its realised 2024 lettings
    capacity = share_of_indicator(D("0.30"), base(0), regional_base=T11_REGION[0])
    results = {}
    for gemeente, (realised_2024, *_) in T10.items():
        cap = TargetSpec(
            indicator_kind=IndicatorKind.FLOW,
            direction=Direction.WITHIN,
            kind=TargetKind.MAXIMUM,
            value=capacity.value(gemeente),
            start=Period.parse("2024"),
            deadline=Period.parse("2024"),
        )
        figure = ObservationPoint(Period.parse("2024"), D(realised_2024), "svh")
        results[gemeente] = compute_progress(cap, [figure], [], EngineConfig(), date(2025, 6, 1))
    # then only Pijnacker-Nootdorp (56 > 54) and Rijswijk (166 > 163) are above their capacity
    above = sorted(g for g, r in results.items() if r.status is Status.EXCEEDED)
    assert above == ["Pijnacker-Nootdorp", "Rijswijk"]
    assert results["Pijnacker-Nootdorp"].percent == D("103.70")  # 56 / 54 (seed: 104%)
    assert results["Rijswijk"].percent == D("101.84")  # 166 / 163 (seed: 102%)
    assert results["Den Haag"].percent == D("85.49")  # 1,002 / 1,172 (seed: 85%)
    assert sum(D(row[0]) for row in T10.values()) == T10_REGION[0]  # B adds up to 1,859

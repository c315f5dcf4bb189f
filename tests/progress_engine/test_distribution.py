"""Distribution rules: share of an indicator, population share, fixed table."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from progress_engine import (
    fixed,
    population_share,
    share_of_indicator,
    share_of_yearly_average,
    yearly_average,
)

D = Decimal


def test_yearly_average_is_unrounded_and_needs_every_year() -> None:
    assert yearly_average({2020: D(70), 2021: D(72), 2022: D(71), 2023: D(73)}, 2020, 2023) == D(
        "71.5"
    )
    with pytest.raises(ValueError, match="2022"):
        yearly_average({2020: D(70), 2021: D(72), 2023: D(73)}, 2020, 2023)


def test_share_of_yearly_average_rounds_once_on_the_unrounded_average() -> None:
    # given yearly lettings averaging 71.5 (shown rounded as 72)
    yearly = {"A": {2020: D(70), 2021: D(72), 2022: D(71), 2023: D(73)}}
    # when 30% is taken
    result = share_of_yearly_average(D("0.30"), yearly, 2020, 2023)
    # then 0.30 × 71.5 = 21.45 -> 21 (rounding the average first would give 0.30 × 72 -> 22)
    derived = result.members["A"]
    assert (derived.value, derived.unrounded) == (D(21), D("21.450"))
    assert derived.inputs["average_2020_2023"] == D("71.5")
    assert derived.inputs["2022"] == D(71)
    assert "regional_base_is_sum_of_members: no regional figure given" in result.flags


@pytest.mark.parametrize(
    ("places", "rounding", "expected"),
    [
        (0, "ROUND_HALF_UP", D(77)),  # 0.30 × 255 = 76.5 -> 77 (default)
        (0, ROUND_HALF_EVEN, D(76)),
        (None, "ROUND_HALF_UP", D("76.50")),  # no rounding
    ],
)
def test_rounding_is_a_parameter(places: int | None, rounding: str, expected: Decimal) -> None:
    result = share_of_indicator(D("0.30"), {"Westland": D(255)}, places=places, rounding=rounding)
    assert result.value("Westland") == expected


def test_population_share_splits_the_regional_total() -> None:
    # 1,000 × 300/1,200 = 250; 1,000 × 900/1,200 = 750
    result = population_share(D(1000), {"A": D(300), "B": D(900)})
    assert (result.value("A"), result.value("B"), result.regional_total) == (
        D(250),
        D(750),
        D(1000),
    )
    assert result.members["A"].inputs["regional_population"] == D(1200)


def test_population_share_with_an_explicit_regional_population_flags_rounding() -> None:
    # 100 × 1/3 = 33.3 -> 33 three times: 99 ≠ 100
    result = population_share(D(100), {"A": D(1), "B": D(1), "C": D(1)}, regional_population=D(3))
    assert result.sum_of_members == D(99)
    assert (
        "total_differs_from_sum_of_members: regional total 100 vs sum of members 99" in result.flags
    )


def test_fixed_table_keeps_the_printed_total_and_flags_the_difference() -> None:
    # T9 covenant quotas (seed-003.md lines 298-307): the rows add to 577.5, printed total 587
    quotas = {
        "Delft": D(70),
        "Den Haag": D(313),
        "Leidschendam-Voorburg": D(46),
        "Midden-Delfland": D("3.5"),
        "Pijnacker-Nootdorp": D(7),
        "Rijswijk": D(41),
        "Wassenaar": D(0),
        "Westland": D(30),
        "Zoetermeer": D(67),
    }
    result = fixed(quotas, regional_total=D(587))
    assert result.value("Midden-Delfland") == D("3.5")
    assert result.regional_total == D(587)
    assert (
        "total_differs_from_sum_of_members: regional total 587 vs sum of members 577.5"
        in result.flags
    )

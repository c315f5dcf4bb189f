"""Distribution rules: deriving per-member commitments from inputs, traceably.

* ``share_of_indicator``: share × a member's base (e.g. its yearly average of social lettings over a
  reference period; Haaglanden: 30% cap, 15% legal floor). Rounding is applied once, to the product
  of the share and the *unrounded* base.
* ``population_share``: regional total × member population / regional population.
* ``fixed``: a table per member (covenant quotas).

Each result keeps the inputs it was computed from and a regional total. An explicit regional input
wins over the sum of the members' (as totals win over breakdowns), and any difference between the
regional total and the sum of the rounded member values is flagged, not hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class DerivedValue:
    member: str
    value: Decimal  # rounded as the rule asks
    unrounded: Decimal
    inputs: Mapping[str, Decimal]


@dataclass(frozen=True)
class Distribution:
    rule: str
    parameters: Mapping[str, Decimal]
    members: Mapping[str, DerivedValue]
    regional_total: Decimal
    regional_total_unrounded: Decimal
    regional_inputs: Mapping[str, Decimal]
    flags: tuple[str, ...] = ()

    @property
    def sum_of_members(self) -> Decimal:
        return sum((derived.value for derived in self.members.values()), ZERO)

    def value(self, member: str) -> Decimal:
        return self.members[member].value


def round_value(number: Decimal, places: int | None, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to ``places`` decimals (0: whole units); None leaves the number as it is."""
    if places is None:
        return number
    return number.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def yearly_average(yearly: Mapping[int, Decimal], first_year: int, last_year: int) -> Decimal:
    """The unrounded average over every year of the reference period; all years must be present."""
    years = range(first_year, last_year + 1)
    missing = [year for year in years if year not in yearly]
    if missing:
        raise ValueError(
            f"no figure for {', '.join(map(str, missing))} in {first_year}-{last_year}"
        )
    return sum((yearly[year] for year in years), ZERO) / Decimal(len(years))


def share_of_indicator(
    share: Decimal,
    base_by_member: Mapping[str, Decimal],
    *,
    regional_base: Decimal | None = None,
    base_name: str = "base",
    places: int | None = 0,
    rounding: str = ROUND_HALF_UP,
) -> Distribution:
    """Each member gets ``share`` (a fraction: 0.30 for 30%) × its base."""
    members = {
        member: _derived(member, share * base, places, rounding, {"share": share, base_name: base})
        for member, base in base_by_member.items()
    }
    flags: list[str] = []
    if regional_base is None:
        regional_base = sum(base_by_member.values(), ZERO)
        flags.append("regional_base_is_sum_of_members: no regional figure given")
    unrounded_total = share * regional_base
    return _distribution(
        "share_of_indicator",
        {"share": share},
        members,
        round_value(unrounded_total, places, rounding),
        unrounded_total,
        {"share": share, base_name: regional_base},
        flags,
    )


def share_of_yearly_average(
    share: Decimal,
    yearly_by_member: Mapping[str, Mapping[int, Decimal]],
    first_year: int,
    last_year: int,
    *,
    regional_yearly: Mapping[int, Decimal] | None = None,
    places: int | None = 0,
    rounding: str = ROUND_HALF_UP,
) -> Distribution:
    """``share_of_indicator`` on each member's unrounded yearly average over the reference years."""
    base_name = f"average_{first_year}_{last_year}"
    averages = {
        member: yearly_average(yearly, first_year, last_year)
        for member, yearly in yearly_by_member.items()
    }
    regional_base = (
        yearly_average(regional_yearly, first_year, last_year) if regional_yearly else None
    )
    result = share_of_indicator(
        share,
        averages,
        regional_base=regional_base,
        base_name=base_name,
        places=places,
        rounding=rounding,
    )
    traced = {
        member: replace(
            derived,
            inputs={
                **derived.inputs,
                **{
                    str(year): yearly_by_member[member][year]
                    for year in range(first_year, last_year + 1)
                },
            },
        )
        for member, derived in result.members.items()
    }
    return replace(result, members=traced)


def population_share(
    regional_total: Decimal,
    population_by_member: Mapping[str, Decimal],
    *,
    regional_population: Decimal | None = None,
    places: int | None = 0,
    rounding: str = ROUND_HALF_UP,
) -> Distribution:
    """Each member gets the regional total × its population / the regional population."""
    flags: list[str] = []
    if regional_population is None:
        regional_population = sum(population_by_member.values(), ZERO)
        flags.append("regional_population_is_sum_of_members: no regional figure given")
    if not regional_population:
        raise ValueError("the regional population is zero")
    members = {
        member: _derived(
            member,
            regional_total * population / regional_population,
            places,
            rounding,
            {
                "regional_total": regional_total,
                "population": population,
                "regional_population": regional_population,
            },
        )
        for member, population in population_by_member.items()
    }
    return _distribution(
        "population_share",
        {"regional_total": regional_total},
        members,
        regional_total,
        regional_total,
        {"regional_total": regional_total, "regional_population": regional_population},
        flags,
    )


def fixed(table: Mapping[str, Decimal], *, regional_total: Decimal | None = None) -> Distribution:
    """Values agreed per member, taken as they are (e.g. covenant quotas)."""
    members = {
        member: DerivedValue(member, value, value, {"agreed": value})
        for member, value in table.items()
    }
    flags: list[str] = []
    if regional_total is None:
        regional_total = sum(table.values(), ZERO)
        flags.append("regional_total_is_sum_of_members: no regional figure given")
    return _distribution(
        "fixed", {}, members, regional_total, regional_total, {"agreed": regional_total}, flags
    )


def _derived(
    member: str,
    unrounded: Decimal,
    places: int | None,
    rounding: str,
    inputs: Mapping[str, Decimal],
) -> DerivedValue:
    return DerivedValue(member, round_value(unrounded, places, rounding), unrounded, dict(inputs))


def _distribution(
    rule: str,
    parameters: Mapping[str, Decimal],
    members: Mapping[str, DerivedValue],
    regional_total: Decimal,
    regional_total_unrounded: Decimal,
    regional_inputs: Mapping[str, Decimal],
    flags: list[str],
) -> Distribution:
    result = Distribution(
        rule,
        dict(parameters),
        dict(members),
        regional_total,
        regional_total_unrounded,
        dict(regional_inputs),
        tuple(flags),
    )
    if result.sum_of_members != regional_total:
        difference = (
            f"total_differs_from_sum_of_members: regional total {regional_total} vs "
            f"sum of members {result.sum_of_members}"
        )
        result = replace(result, flags=(*result.flags, difference))
    return result

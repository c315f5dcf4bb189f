"""How a CBS StatLine table maps onto our indicators, jurisdictions and breakdowns.

A ``StatLineMapping`` names the table, which measures become which indicator (a v3 column such as
``BevolkingAanHetBeginVanDePeriode_1`` or a v4 measure code such as ``M000352``), which dimension
values to keep and what they mean for us (target group / housing type / price segment, or nothing:
a filter such as "Gebruiksfunctie = Woningen"), and which regions to keep.

It is built in code or from the ``mapping`` block of a source-registry entry (``from_config``);
see docs/sources-cbs.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from ingest.periods import PeriodKind

__all__ = [
    "Breakdown",
    "Moment",
    "StatLineDimension",
    "StatLineMapping",
    "StatLineMappingError",
    "StatLineMeasure",
]


class StatLineMappingError(ValueError):
    """A mapping that cannot be used (a typo in a registry entry, a contradiction)."""


class Breakdown(StrEnum):
    TARGET_GROUP = "target_group"
    HOUSING_TYPE = "housing_type"
    PRICE_SEGMENT = "price_segment"


class Moment(StrEnum):
    """Which time a value belongs to.

    ``period``: the whole CBS period (flows: dwellings completed in 2024-Q2).
    ``start`` / ``end``: the first / last day of it, for stocks CBS reports "at the beginning of
    the period" (``BevolkingAanHetBeginVanDePeriode``, ``BeginstandVoorraad``) or at its end
    (``EindstandVoorraad``).
    """

    PERIOD = "period"
    START = "start"
    END = "end"


@dataclass(frozen=True)
class StatLineMeasure:
    indicator: str
    moment: Moment = Moment.PERIOD

    def __post_init__(self) -> None:
        if not isinstance(self.indicator, str) or not self.indicator.strip():
            raise StatLineMappingError(f"a measure needs an indicator code, not {self.indicator!r}")
        try:
            object.__setattr__(self, "moment", Moment(self.moment))
        except ValueError:
            raise StatLineMappingError(
                f"moment {self.moment!r} is not one of {', '.join(m.value for m in Moment)}"
            ) from None


@dataclass(frozen=True)
class StatLineDimension:
    """A dimension column: the values to keep and, per value, our code (None = no breakdown).

    ``breakdown`` None makes the dimension a pure filter (all values must map to None).
    Rows whose value is not in ``values`` are skipped and reported.
    """

    column: str
    values: Mapping[str, str | None]
    breakdown: Breakdown | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.column, str) or not self.column:
            raise StatLineMappingError(f"a dimension needs a column name, not {self.column!r}")
        if not self.values:
            raise StatLineMappingError(f"dimension {self.column}: map at least one value")
        if self.breakdown is not None:
            try:
                object.__setattr__(self, "breakdown", Breakdown(self.breakdown))
            except ValueError:
                raise StatLineMappingError(
                    f"dimension {self.column}: breakdown {self.breakdown!r} is not one of "
                    f"{', '.join(b.value for b in Breakdown)}"
                ) from None
        values = {str(key).strip(): code for key, code in self.values.items()}
        if self.breakdown is None:
            coded = sorted(key for key, code in values.items() if code is not None)
            if coded:
                raise StatLineMappingError(
                    f"dimension {self.column} has no breakdown, so its values cannot map to codes "
                    f"({', '.join(coded)}); set breakdown or map them to null"
                )
        object.__setattr__(self, "values", MappingProxyType(values))


_PREFIXES = ("GM", "PV", "NL")


@dataclass(frozen=True)
class StatLineMapping:
    """What to read from one StatLine table and how it becomes canonical rows."""

    table: str
    measures: Mapping[str, StatLineMeasure | str]  # an indicator code is StatLineMeasure(code)
    dimensions: tuple[StatLineDimension, ...] = ()
    region_column: str = "RegioS"
    period_column: str = "Perioden"
    region_prefixes: frozenset[str] = frozenset({"GM"})
    region_codes: Mapping[str, str] = field(default_factory=lambda: {"NL01": "NL"})
    period_kinds: frozenset[PeriodKind] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.table, str) or not self.table.strip():
            raise StatLineMappingError("a mapping needs the CBS table id, e.g. 81955NED")
        if not self.measures:
            raise StatLineMappingError(f"{self.table}: map at least one measure to an indicator")
        measures = {
            str(column).strip(): m if isinstance(m, StatLineMeasure) else StatLineMeasure(m)
            for column, m in self.measures.items()
        }
        object.__setattr__(self, "measures", MappingProxyType(measures))
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        prefixes = frozenset(self.region_prefixes)
        wrong = sorted(prefixes - set(_PREFIXES))
        if wrong or not prefixes:
            raise StatLineMappingError(
                f"{self.table}: region prefixes are GM, PV and/or NL, not {', '.join(wrong) or 'none'}"
            )
        object.__setattr__(self, "region_prefixes", prefixes)
        object.__setattr__(self, "region_codes", MappingProxyType(dict(self.region_codes)))
        if self.period_kinds is not None:
            try:
                kinds = frozenset(PeriodKind(k) for k in self.period_kinds)
            except ValueError as exc:
                raise StatLineMappingError(f"{self.table}: {exc}") from None
            if not kinds:
                raise StatLineMappingError(
                    f"{self.table}: period_kinds is empty; omit it to keep all"
                )
            object.__setattr__(self, "period_kinds", kinds)
        self._check_columns()

    def _check_columns(self) -> None:
        seen_columns = {self.region_column, self.period_column}
        if len(seen_columns) != 2:
            raise StatLineMappingError(f"{self.table}: region and period column are the same")
        seen_breakdowns: set[Breakdown] = set()
        for dim in self.dimensions:
            if dim.column in seen_columns:
                raise StatLineMappingError(f"{self.table}: column {dim.column} is mapped twice")
            seen_columns.add(dim.column)
            if dim.breakdown is not None:
                if dim.breakdown in seen_breakdowns:
                    raise StatLineMappingError(
                        f"{self.table}: two dimensions give the {dim.breakdown.value} breakdown"
                    )
                seen_breakdowns.add(dim.breakdown)
        clash = sorted(set(self.measures) & seen_columns)
        if clash:
            raise StatLineMappingError(
                f"{self.table}: {', '.join(clash)} is both a measure and a dimension"
            )

    def measure(self, name: str) -> StatLineMeasure | None:
        """The measure mapped for a v3 column / v4 measure code, or None."""
        found = self.measures.get(name)
        return StatLineMeasure(found) if isinstance(found, str) else found

    def measure_items(self) -> list[tuple[str, StatLineMeasure]]:
        return [(name, m) for name in self.measures if (m := self.measure(name)) is not None]

    def jurisdiction(self, region: str) -> str:
        """Our jurisdiction code of a CBS region code (``NL01`` → ``NL``; others unchanged)."""
        return self.region_codes.get(region, region)

    @classmethod
    def from_config(cls, table: str, config: Mapping[str, Any]) -> StatLineMapping:
        """Build from a registry entry's ``mapping`` block (parsed YAML); unknown keys are errors."""
        known = {
            "measures",
            "dimensions",
            "region_column",
            "period_column",
            "regions",
            "region_codes",
            "period_kinds",
        }
        if not isinstance(config, Mapping):
            raise StatLineMappingError(f"{table}: the mapping block must be a mapping")
        unknown = sorted(set(config) - known)
        if unknown:
            raise StatLineMappingError(
                f"{table}: unknown mapping key(s) {', '.join(unknown)}; use {', '.join(sorted(known))}"
            )
        measures_config = config.get("measures")
        if not isinstance(measures_config, Mapping) or not measures_config:
            raise StatLineMappingError(f"{table}: 'measures' maps columns to indicators")
        measures = {
            column: _measure_from_config(table, column, value)
            for column, value in measures_config.items()
        }
        dimensions = tuple(_dimension_from_config(table, d) for d in config.get("dimensions") or ())
        kwargs: dict[str, Any] = {}
        for key in ("region_column", "period_column"):
            if key in config:
                kwargs[key] = config[key]
        if "regions" in config:
            kwargs["region_prefixes"] = frozenset(config["regions"] or ())
        if "region_codes" in config:
            kwargs["region_codes"] = dict(config["region_codes"] or {})
        if "period_kinds" in config:
            kwargs["period_kinds"] = frozenset(config["period_kinds"] or ())
        return cls(table=table, measures=measures, dimensions=dimensions, **kwargs)


def _measure_from_config(table: str, column: str, value: Any) -> StatLineMeasure:
    if isinstance(value, str):
        return StatLineMeasure(value)
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"indicator", "moment"})
        if unknown:
            raise StatLineMappingError(
                f"{table}: measure {column}: unknown key(s) {', '.join(unknown)}"
            )
        return StatLineMeasure(value.get("indicator", ""), value.get("moment", Moment.PERIOD))
    raise StatLineMappingError(
        f"{table}: measure {column} maps to an indicator code or {{indicator, moment}}"
    )


def _dimension_from_config(table: str, value: Any) -> StatLineDimension:
    if not isinstance(value, Mapping):
        raise StatLineMappingError(f"{table}: each dimension is {{column, values, breakdown}}")
    unknown = sorted(set(value) - {"column", "values", "breakdown"})
    if unknown:
        raise StatLineMappingError(f"{table}: dimension: unknown key(s) {', '.join(unknown)}")
    values = value.get("values")
    if not isinstance(values, Mapping):
        raise StatLineMappingError(
            f"{table}: dimension {value.get('column')}: 'values' is a mapping"
        )
    return StatLineDimension(
        column=value.get("column", ""), values=dict(values), breakdown=value.get("breakdown")
    )

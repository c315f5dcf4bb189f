"""The canonical fields of a realisation row, with their Dutch template headers and labels."""

from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    INDICATOR = "indicator"
    JURISDICTION = "jurisdiction"
    PERIOD = "period"
    TARGET_GROUP = "target_group"
    HOUSING_TYPE = "housing_type"
    PRICE_SEGMENT = "price_segment"
    VALUE = "value"
    NOTE = "note"


REQUIRED_FIELDS: tuple[Field, ...] = (
    Field.INDICATOR,
    Field.JURISDICTION,
    Field.PERIOD,
    Field.VALUE,
)

# The breakdowns an indicator may allow; names match the indicator's ``dimensions`` list.
DIMENSION_FIELDS: tuple[Field, ...] = (Field.TARGET_GROUP, Field.HOUSING_TYPE, Field.PRICE_SEGMENT)

# Column headers the templates write, in template order.
DUTCH_HEADERS: dict[Field, str] = {
    Field.INDICATOR: "indicator",
    Field.JURISDICTION: "gemeente",
    Field.PERIOD: "periode",
    Field.TARGET_GROUP: "doelgroep",
    Field.HOUSING_TYPE: "woonvorm",
    Field.PRICE_SEGMENT: "prijssegment",
    Field.VALUE: "waarde",
    Field.NOTE: "opmerking",
}

# How messages name a field: (English, Dutch).
FIELD_LABELS: dict[Field, tuple[str, str]] = {
    Field.INDICATOR: ("indicator", "indicator"),
    Field.JURISDICTION: ("jurisdiction", "gebied"),
    Field.PERIOD: ("period", "periode"),
    Field.TARGET_GROUP: ("target group", "doelgroep"),
    Field.HOUSING_TYPE: ("housing type", "woonvorm"),
    Field.PRICE_SEGMENT: ("price segment", "prijssegment"),
    Field.VALUE: ("value", "waarde"),
    Field.NOTE: ("note", "opmerking"),
}

"""Codes → database ids, loaded once per submission, and the cell key of a validated row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TypedDict

from sqlmodel import Session, col, select

from db.models import HousingType, Indicator, Jurisdiction, TargetGroup, cell_key
from ingest.frames import pl
from ingest.validation import ValidRow


class CellColumns(TypedDict):
    """The observation columns that identify a cell."""

    indicator_id: int
    jurisdiction_id: int
    period: str
    period_start: date
    period_end: date
    target_group_id: int | None
    housing_type_id: int | None
    price_segment: str | None
    cell_key: str


@dataclass(frozen=True)
class CodeIds:
    indicators: dict[str, int]
    jurisdictions: dict[str, int]
    target_groups: dict[str, int]
    housing_types: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> CodeIds:
        def ids(
            model: type[Indicator | Jurisdiction | TargetGroup | HousingType],
        ) -> dict[str, int]:
            rows = session.exec(select(col(model.code), col(model.id))).all()
            return {code: id_ for code, id_ in rows if id_ is not None}  # ids are primary keys

        return cls(ids(Indicator), ids(Jurisdiction), ids(TargetGroup), ids(HousingType))

    def cell_of(self, row: ValidRow) -> CellColumns:
        """The observation columns that identify the row's cell."""
        indicator_id = self.indicators[row.indicator]
        jurisdiction_id = self.jurisdictions[row.jurisdiction]
        target_group_id = self.target_groups[row.target_group] if row.target_group else None
        housing_type_id = self.housing_types[row.housing_type] if row.housing_type else None
        period = str(row.period)
        return {
            "indicator_id": indicator_id,
            "jurisdiction_id": jurisdiction_id,
            "period": period,
            "period_start": row.period.start,
            "period_end": row.period.end,
            "target_group_id": target_group_id,
            "housing_type_id": housing_type_id,
            "price_segment": row.price_segment,
            "cell_key": cell_key(
                indicator_id,
                jurisdiction_id,
                period,
                target_group_id,
                housing_type_id,
                row.price_segment,
            ),
        }

    @cached_property
    def _lookups(self) -> list[tuple[str, pl.Enum, pl.Series, pl.Series]]:
        """Per code column: an Enum of its codes (a code's index is its cast to it), and the
        ids and their texts in that order; built once per submission."""
        return [
            (
                name,
                pl.Enum(list(ids)),
                pl.Series(f"{name}_id", list(ids.values()), dtype=pl.Int64),
                pl.Series(f"{name}_id", [str(id_) for id_ in ids.values()], dtype=pl.String),
            )
            for name, ids in (
                ("indicator", self.indicators),
                ("jurisdiction", self.jurisdictions),
                ("target_group", self.target_groups),
                ("housing_type", self.housing_types),
            )
        ]

    def with_ids(self, valid: pl.DataFrame) -> pl.DataFrame:
        """A frame of valid rows (ingest.columnar's ``VALID_SCHEMA``) with the ids of its codes
        and the cell key: no lookup per row in Python, and no join (which would copy every
        column of the frame per vocabulary)."""
        lookups = self._lookups
        at = {name: f"{name}_at" for name, *_ in lookups}
        texts = {
            name: pl.lit(id_texts).gather(pl.col(at[name])) for name, _, _, id_texts in lookups
        }
        return (
            valid.lazy()
            .with_columns(
                pl.col(name).cast(dtype, strict=False).to_physical().alias(at[name])
                for name, dtype, _, _ in lookups
            )
            .with_columns(
                *[pl.lit(ids).gather(pl.col(at[name])) for name, _, ids, _ in lookups],
                pl.concat_str(
                    [
                        texts["indicator"],
                        texts["jurisdiction"],
                        pl.col("period"),
                        texts["target_group"].fill_null(""),
                        texts["housing_type"].fill_null(""),
                        pl.col("price_segment").fill_null(""),
                    ],
                    separator="|",
                ).alias("cell_key"),
            )
            .drop(at.values())
            # a query this small costs more to optimise than to run as written
            .collect(engine="in-memory", optimizations=pl.QueryOptFlags.none())
        )

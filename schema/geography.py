"""GraphQL types and queries for jurisdictions."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlmodel import select

from db.models import Jurisdiction as JurisdictionRow
from db.models.enums import JurisdictionKind as JurisdictionKindValue
from db.models.enums import RegionType as RegionTypeValue
from schema.context import Info

JurisdictionKind = strawberry.enum(
    JurisdictionKindValue, description="Level of government or area a jurisdiction is."
)
RegionType = strawberry.enum(RegionTypeValue, description="What kind of cooperation a region is.")


@strawberry.type(description="A country, province, region, municipality or district.")
class Jurisdiction:
    code: str = strawberry.field(description="CBS code (GM0518) or the region's own code.")
    name: str = strawberry.field(description="Official name.")
    kind: JurisdictionKind = strawberry.field(description="Level of the jurisdiction.")
    region_type: RegionType | None = strawberry.field(description="Type of region, for regions.")
    valid_from: date | None = strawberry.field(description="First day it exists, if known.")
    valid_to: date | None = strawberry.field(description="Last day it exists (e.g. a merger).")

    @classmethod
    def from_row(cls, row: JurisdictionRow) -> Jurisdiction:
        return cls(
            code=row.code,
            name=row.name,
            kind=row.kind,
            region_type=row.region_type,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )


@strawberry.type
class GeographyQuery:
    @strawberry.field(description="Jurisdictions, ordered by code; optionally of one kind.")
    def jurisdictions(self, info: Info, kind: JurisdictionKind | None = None) -> list[Jurisdiction]:
        statement = select(JurisdictionRow).order_by(JurisdictionRow.code)
        if kind is not None:
            statement = statement.where(JurisdictionRow.kind == kind)
        return [Jurisdiction.from_row(row) for row in info.context.session.exec(statement)]

    @strawberry.field(description="One jurisdiction by its code, or null when there is none.")
    def jurisdiction(self, info: Info, code: str) -> Jurisdiction | None:
        row = info.context.session.exec(
            select(JurisdictionRow).where(JurisdictionRow.code == code)
        ).first()
        return Jurisdiction.from_row(row) if row else None

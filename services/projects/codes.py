"""The codes a project refers to (municipality, district, housing type, target group) → ids.

Loaded once per request or file. Codes match without regard to case; a municipality may also be
written as its bare CBS number (``546`` for ``GM0546``), as in figures files.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import JurisdictionKind
from db.models import HousingType, Jurisdiction, TargetGroup


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    code: str
    kind: JurisdictionKind
    parent_id: int | None


@dataclass(frozen=True)
class ProjectCodes:
    areas: dict[str, Area]  # by case-folded code
    housing_types: dict[str, tuple[int, str]]  # case-folded code → (id, code)
    target_groups: dict[str, tuple[int, str]]

    @classmethod
    def load(cls, session: Session) -> ProjectCodes:
        areas = {
            code.casefold(): Area(id_, code, kind, parent)
            for id_, code, kind, parent in session.execute(
                sa.select(
                    Jurisdiction.id, Jurisdiction.code, Jurisdiction.kind, Jurisdiction.parent_id
                )
            )
        }

        def vocabulary(model: type[HousingType | TargetGroup]) -> dict[str, tuple[int, str]]:
            rows = session.execute(sa.select(model.id, model.code))  # type: ignore[arg-type]
            return {code.casefold(): (id_, code) for id_, code in rows}

        return cls(areas, vocabulary(HousingType), vocabulary(TargetGroup))

    def area(self, text: str) -> Area | None:
        key = text.strip().casefold()
        found = self.areas.get(key)
        if found is None and key.isdigit():
            found = self.areas.get(f"gm{key.zfill(4)}")
        return found

    def district_of(self, municipality: Area, text: str) -> Area | None:
        found = self.areas.get(text.strip().casefold())
        if found is None or found.kind is not JurisdictionKind.DISTRICT:
            return None
        return found if found.parent_id == municipality.id else None

    def housing_type(self, text: str) -> tuple[int, str] | None:
        return self.housing_types.get(text.strip().casefold())

    def target_group(self, text: str) -> tuple[int, str] | None:
        return self.target_groups.get(text.strip().casefold())

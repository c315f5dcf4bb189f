"""The codes a project refers to (municipality, district, housing type, target group) → ids.

Codes match without regard to case; a municipality may also be written as its bare CBS number
(``546`` for ``GM0546``), as in figures files. ``services.projects.codes`` loads them (pure here).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.enums import JurisdictionKind


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

"""What a project says about itself, as given (codes) and as stored (ids), and how it is checked.

``ProjectDetails`` is the input of create and update (a whole replacement: for a partial update,
start from :func:`details_of` and ``dataclasses.replace`` what changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import JurisdictionKind
from db.models import HousingType, Jurisdiction, Project, ProjectUnits, TargetGroup
from ingest.errors import ErrorCode
from ingest.limits import MAX_PROJECT_UNITS
from ingest.projects.codes import ProjectCodes
from ingest.projects.details import MAX_KEY, MAX_LOCATION, MAX_NAME, ProjectDetails, UnitsLine
from ingest.projects.errors import ProjectError

BreakdownKey = str  # '<housing type id>|<target group id>', as ProjectUnits.breakdown_key


@dataclass(frozen=True)
class ResolvedDetails:
    """ProjectDetails with ids, ready to store; comparable with a stored project's."""

    name: str
    municipality_id: int
    district_id: int | None
    location: str | None
    expected_completion: date | None
    notes: str | None
    units: dict[BreakdownKey, tuple[int | None, int | None, int]] = field(default_factory=dict)


def breakdown_key(housing_type_id: int | None, target_group_id: int | None) -> BreakdownKey:
    return f"{housing_type_id or ''}|{target_group_id or ''}"


def resolve(codes: ProjectCodes, details: ProjectDetails) -> ResolvedDetails:
    """Check ``details`` and turn its codes into ids; raises the first ProjectError found."""
    name = _text(details.name, "name", "name", "naam", MAX_NAME, required=True)
    location = _text(details.location, "location", "location", "locatie", MAX_LOCATION)
    if not (details.municipality or "").strip():
        raise _required("municipality", "municipality", "gemeente")
    municipality = codes.area(details.municipality)
    if municipality is None:
        raise ProjectError(
            ErrorCode.UNKNOWN_JURISDICTION, "municipality", value=details.municipality
        )
    if municipality.kind is not JurisdictionKind.MUNICIPALITY:
        raise ProjectError(ErrorCode.NOT_A_MUNICIPALITY, "municipality", value=municipality.code)
    district_id = None
    if details.district and details.district.strip():
        district = codes.district_of(municipality, details.district)
        if district is None:
            raise ProjectError(
                ErrorCode.UNKNOWN_DISTRICT,
                "district",
                value=details.district,
                municipality=municipality.code,
            )
        district_id = district.id
    return ResolvedDetails(
        name=name or "",
        municipality_id=municipality.id,
        district_id=district_id,
        location=location,
        expected_completion=details.expected_completion,
        notes=(details.notes or "").strip() or None,
        units=_units(codes, details.units),
    )


def _units(
    codes: ProjectCodes, lines: tuple[UnitsLine, ...]
) -> dict[BreakdownKey, tuple[int | None, int | None, int]]:
    units: dict[BreakdownKey, tuple[int | None, int | None, int]] = {}
    for number, line in enumerate(lines, start=1):
        where = f"units[{number}]"
        housing = codes.housing_type(line.housing_type) if line.housing_type else None
        if line.housing_type and housing is None:
            raise ProjectError(ErrorCode.UNKNOWN_HOUSING_TYPE, where, value=line.housing_type)
        group = codes.target_group(line.target_group) if line.target_group else None
        if line.target_group and group is None:
            raise ProjectError(ErrorCode.UNKNOWN_TARGET_GROUP, where, value=line.target_group)
        if isinstance(line.units, bool) or not isinstance(line.units, int) or line.units <= 0:
            raise ProjectError(ErrorCode.UNITS_NOT_POSITIVE, where, value=line.units)
        housing_id = housing[0] if housing else None
        group_id = group[0] if group else None
        key = breakdown_key(housing_id, group_id)
        if key in units:
            raise ProjectError(
                ErrorCode.DUPLICATE_PROJECT_UNITS,
                where,
                row=number,
                first_row=list(units).index(key) + 1,
            )
        units[key] = (housing_id, group_id, line.units)
    total = sum(count for _, _, count in units.values())
    if total > MAX_PROJECT_UNITS:
        raise ProjectError(ErrorCode.TOO_MANY_UNITS, "units", value=total, limit=MAX_PROJECT_UNITS)
    return units


def _text(
    value: str | None, where: str, label_en: str, label_nl: str, limit: int, required: bool = False
) -> str | None:
    text = (value or "").strip() or None
    if text is None and required:
        raise _required(where, label_en, label_nl)
    if text is not None and len(text) > limit:
        raise ProjectError(
            ErrorCode.TEXT_TOO_LONG, where, label_en=label_en, label_nl=label_nl, limit=limit
        )
    return text


def _required(where: str, label_en: str, label_nl: str) -> ProjectError:
    return ProjectError(ErrorCode.REQUIRED_FIELD, where, label_en=label_en, label_nl=label_nl)


def check_key(key: str) -> str:
    text = _text(key, "external_key", "project key", "projectcode", MAX_KEY, required=True)
    return text or ""


def stored_details(session: Session, project: Project) -> ResolvedDetails:
    units = session.execute(
        sa.select(ProjectUnits).where(col(ProjectUnits.project_id) == project.id)
    ).scalars()
    return ResolvedDetails(
        name=project.name,
        municipality_id=project.municipality_id,
        district_id=project.district_id,
        location=project.location,
        expected_completion=project.expected_completion,
        notes=project.notes,
        units={
            u.breakdown_key: (u.housing_type_id, u.target_group_id, u.units)
            for u in sorted(units, key=lambda u: u.breakdown_key)
        },
    )


def details_of(session: Session, project: Project) -> ProjectDetails:
    """A stored project as the input of create/update (codes, not ids)."""

    def code(model: type[Jurisdiction | HousingType | TargetGroup], id_: int | None) -> str | None:
        if id_ is None:
            return None
        return session.scalar(sa.select(col(model.code)).where(col(model.id) == id_))

    stored = stored_details(session, project)
    return ProjectDetails(
        name=stored.name,
        municipality=code(Jurisdiction, stored.municipality_id) or "",
        district=code(Jurisdiction, stored.district_id),
        location=stored.location,
        expected_completion=stored.expected_completion,
        notes=stored.notes,
        units=tuple(
            UnitsLine(units, code(HousingType, housing), code(TargetGroup, group))
            for housing, group, units in stored.units.values()
        ),
    )

"""Housing projects in the pipeline: units and phase history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import ProjectPhase
from db.models import (
    HousingType,
    Organisation,
    Project,
    ProjectPhaseChange,
    ProjectUnits,
    TargetGroup,
)
from db.queries.geography import in_area
from db.queries.listing import Listing, SortKey
from db.queries.lookups import ChildRows, counts_by, grouped_by, pages_by, text_search
from db.queries.vocabulary import with_descendants


@dataclass(frozen=True)
class ProjectCriteria:
    jurisdictions: Sequence[str] | None = None  # municipality or district, or a region
    include_members: bool = True
    phases: Sequence[ProjectPhase] | None = None
    owners: Sequence[str] | None = None
    housing_types: Sequence[str] | None = None
    target_groups: Sequence[str] | None = None
    completion_from: date | None = None
    completion_to: date | None = None
    search: str | None = None


def projects(criteria: ProjectCriteria) -> Listing[Project]:
    statement = sa.select(Project)
    if criteria.jurisdictions is not None:
        statement = statement.where(
            sa.or_(
                in_area(
                    col(Project.municipality_id), criteria.jurisdictions, criteria.include_members
                ),
                in_area(col(Project.district_id), criteria.jurisdictions, criteria.include_members),
            )
        )
    if criteria.phases:
        statement = statement.where(col(Project.phase).in_(criteria.phases))
    if criteria.owners is not None:
        owners = sa.select(col(Organisation.id)).where(col(Organisation.code).in_(criteria.owners))
        statement = statement.where(col(Project.owner_id).in_(owners))
    if criteria.housing_types is not None:
        units = sa.select(col(ProjectUnits.project_id)).where(
            col(ProjectUnits.housing_type_id).in_(
                with_descendants(HousingType, criteria.housing_types)
            )
        )
        statement = statement.where(col(Project.id).in_(units))
    if criteria.target_groups is not None:
        units = sa.select(col(ProjectUnits.project_id)).where(
            col(ProjectUnits.target_group_id).in_(
                with_descendants(TargetGroup, criteria.target_groups)
            )
        )
        statement = statement.where(col(Project.id).in_(units))
    if criteria.completion_from is not None:
        statement = statement.where(col(Project.expected_completion) >= criteria.completion_from)
    if criteria.completion_to is not None:
        statement = statement.where(col(Project.expected_completion) <= criteria.completion_to)
    if criteria.search:
        statement = statement.where(
            text_search(
                [col(Project.name), col(Project.external_key), col(Project.location)],
                criteria.search,
            )
        )
    return Listing(statement, (SortKey(col(Project.name)), SortKey(col(Project.id))), "projects")


def units_of_projects(
    session: Session, project_ids: Iterable[int]
) -> dict[int, list[ProjectUnits]]:
    return grouped_by(session, ProjectUnits, col(ProjectUnits.project_id), project_ids)


def phase_changes_of_projects(
    session: Session, project_ids: Iterable[int]
) -> dict[int, list[ProjectPhaseChange]]:
    return grouped_by(
        session,
        ProjectPhaseChange,
        col(ProjectPhaseChange.project_id),
        project_ids,
        order_by=[col(ProjectPhaseChange.changed_on), col(ProjectPhaseChange.recorded_at)],
    )


PROJECTS_OF_OWNERS = ChildRows(Project, col(Project.owner_id), ((col(Project.name), False),))
"""The projects an organisation owns, by name."""


def _in_phases(phases: tuple[ProjectPhase, ...] | None) -> list[sa.ColumnElement[bool]]:
    return [] if phases is None else [col(Project.phase).in_(phases)]


def project_pages_of_municipalities(
    session: Session,
    municipality_ids: Iterable[int],
    limit: int,
    after_id: int | None,
    phases: tuple[ProjectPhase, ...] | None = None,
) -> dict[int, list[Project]]:
    """Per municipality, the first ``limit`` of its projects in these phases (None: all), by
    name, from the project ``after_id`` on."""
    return pages_by(
        session,
        Project,
        col(Project.municipality_id),
        municipality_ids,
        [(col(Project.name), False)],
        limit,
        after_id,
        where=_in_phases(phases),
    )


def project_counts_of_municipalities(
    session: Session,
    municipality_ids: Iterable[int],
    phases: tuple[ProjectPhase, ...] | None = None,
) -> dict[int, int]:
    return counts_by(
        session, Project, col(Project.municipality_id), municipality_ids, where=_in_phases(phases)
    )

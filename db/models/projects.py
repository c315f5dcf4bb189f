"""Housing projects in the pipeline: units per housing type × target group and phase history."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from core.enums import ProjectPhase
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (sa.UniqueConstraint("owner_id", "external_key"),)

    id: int | None = Field(default=None, primary_key=True)
    external_key: str = Field(max_length=96, description="The owner's own project key")
    name: str = Field(max_length=300, index=True)
    municipality_id: int = fk("jurisdiction.id")
    district_id: int | None = fk("jurisdiction.id", nullable=True)
    owner_id: int = fk("organisation.id")
    location: str | None = Field(default=None, max_length=300)
    phase: ProjectPhase = enum_field(ProjectPhase, index=True)
    expected_completion: date | None = Field(default=None, index=True)
    source: dict | None = Field(default=None, sa_type=sa.JSON)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = timestamp_field(default_now=True)


class ProjectUnits(SQLModel, table=True):
    """Units of one housing type (and optionally one target group) in a project."""

    __tablename__ = "project_units"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "breakdown_key"),
        sa.CheckConstraint("units > 0", name="units_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = fk("project.id", ondelete="CASCADE")
    housing_type_id: int | None = fk("housing_type.id", nullable=True)
    target_group_id: int | None = fk("target_group.id", nullable=True)
    breakdown_key: str = Field(
        max_length=64, description="'<housing type id>|<target group id>', unique per project"
    )
    units: int


class ProjectPhaseChange(SQLModel, table=True):
    __tablename__ = "project_phase_change"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = fk("project.id", ondelete="CASCADE")
    from_phase: ProjectPhase | None = enum_field(
        ProjectPhase, default=None, nullable=True, check_name="from_phase"
    )
    to_phase: ProjectPhase = enum_field(ProjectPhase, check_name="to_phase")
    changed_on: date
    note: str | None = Field(default=None, sa_type=sa.Text)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_user_id: int | None = fk("app_user.id", nullable=True)
    recorded_at: datetime = timestamp_field(default_now=True)

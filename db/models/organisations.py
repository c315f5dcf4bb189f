"""Organisations that own measures, submit figures or publish documents, and their reporting scope."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.enums import OrganisationKind
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    kind: OrganisationKind = enum_field(OrganisationKind, index=True)
    jurisdiction_id: int | None = fk("jurisdiction.id", nullable=True)
    trusted_source: bool = Field(
        default=False, description="Submissions apply without task-force approval"
    )
    notes: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = timestamp_field(default_now=True)
    active: bool = Field(
        default=True, description="False: deactivated; its users and tokens no longer sign in"
    )


class OrganisationScope(SQLModel, table=True):
    """A jurisdiction (and optionally one indicator) an organisation may report for.

    No row for an organisation means it may report nothing; ``indicator_id`` NULL means every
    indicator for that jurisdiction.
    """

    __tablename__ = "organisation_scope"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "jurisdiction_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = fk("organisation.id", ondelete="CASCADE")
    jurisdiction_id: int = fk("jurisdiction.id")
    indicator_id: int | None = fk("indicator.id", nullable=True)

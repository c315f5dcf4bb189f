"""Users and API tokens; both belong to an organisation and carry a role."""

from __future__ import annotations

from datetime import datetime

from core.enums import Role
from db.base import Field, SQLModel, enum_field, fk, timestamp_field


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    organisation_id: int = fk("organisation.id")
    role: Role = enum_field(Role)
    active: bool = Field(default=True)
    created_at: datetime = timestamp_field(default_now=True)


class ApiToken(SQLModel, table=True):
    """A bearer token: only a keyed hash is stored; the secret is shown once at creation."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=16, unique=True, index=True, description="Public lookup part")
    secret_hash: str = Field(max_length=256)
    name: str = Field(max_length=200)
    organisation_id: int = fk("organisation.id")
    user_id: int | None = fk("app_user.id", nullable=True)
    role: Role = enum_field(Role)
    created_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime | None = timestamp_field(nullable=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)
    last_used_at: datetime | None = timestamp_field(nullable=True)

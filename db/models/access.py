"""Users, their sign-in sessions and one-time links, and API tokens; users and tokens belong to an
organisation and carry a role."""

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
    password_hash: str | None = Field(
        default=None, max_length=256, description="argon2id hash; NULL until a link sets it"
    )
    password_changed_at: datetime | None = timestamp_field(nullable=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random secret, only its keyed hash is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(max_length=128, unique=True, index=True)
    csrf_token: str = Field(max_length=128)
    user_id: int = fk("app_user.id", ondelete="CASCADE")
    created_at: datetime = timestamp_field(default_now=True)
    last_seen_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = timestamp_field()
    ended_at: datetime | None = timestamp_field(nullable=True)
    address: str | None = Field(default=None, max_length=64)


class UserLink(SQLModel, table=True):
    """A one-time link (invitation, password reset, first administrator) that expires."""

    __tablename__ = "user_link"

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(max_length=128, unique=True, index=True)
    purpose: str = Field(max_length=32, description="invitation, password_reset or first_admin")
    user_id: int = fk("app_user.id", ondelete="CASCADE")
    created_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = timestamp_field()
    used_at: datetime | None = timestamp_field(nullable=True)


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

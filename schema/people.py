"""Who is asking (``me``), users and tokens: Relay nodes that only those who may see them reach
(administrators every one, others their own organisation's; ``services.access.visibility``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from db.models import ApiToken as ApiTokenRow
from db.models import Organisation as OrganisationRow
from db.models import User as UserRow
from schema.context import Info
from schema.enums import Role
from schema.nodes import RowNode
from schema.organisations import Organisation


@strawberry.type(description="A person who signs in with e-mail and password.")
class UserAccount(RowNode):
    model = UserRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    email: str = strawberry.field(description="The address the user signs in with.")
    name: str = strawberry.field(description="The user's name.")
    role: Role = strawberry.field(description="What the user may do.")
    active: bool = strawberry.field(description="False: the user may no longer sign in.")

    @strawberry.field(
        description="False until the user has chosen a password with an invitation link."
    )
    def has_password(self) -> bool:
        return self.row.password_hash is not None

    @strawberry.field(description="The organisation the user works for.")
    def organisation(self, info: Info) -> Organisation | None:
        row = info.context.session.get(OrganisationRow, self.row.organisation_id)
        return Organisation.from_row(row) if row is not None else None


@strawberry.type(description="An API token for machines (its secret is never shown again).")
class ApiTokenInfo(RowNode):
    model = ApiTokenRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    prefix: str = strawberry.field(description="The public part after wz_: names the token.")
    name: str = strawberry.field(description="What the token is for.")
    role: Role = strawberry.field(description="What the token may do.")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    last_used_at: datetime | None = strawberry.field(description="When it was last used.")

    @strawberry.field(description="The organisation's code.")
    def organisation(self, info: Info) -> str:
        row = info.context.session.get(OrganisationRow, self.row.organisation_id)
        return row.code if row is not None else ""


@strawberry.type(description="Who is asking: the signed-in user or the token's organisation.")
class Me:
    role: Role = strawberry.field(description="What this request may do.")
    organisation_code: str = strawberry.field(description="The code of the acting organisation.")
    via: str = strawberry.field(description="How the request signed in: SESSION or TOKEN.")
    token_prefix: str | None = strawberry.field(description="The token's prefix (tokens only).")
    user_id: strawberry.Private[int | None]

    @strawberry.field(description="The acting organisation.")
    def organisation(self, info: Info) -> Organisation | None:
        row = info.context.session.get(OrganisationRow, info.context.principal.organisation_id)  # type: ignore[union-attr]
        return Organisation.from_row(row) if row is not None else None

    @strawberry.field(description="The signed-in user (null for a token without a user).")
    def user(self, info: Info) -> UserAccount | None:
        from db.models import User

        row = info.context.session.get(User, self.user_id) if self.user_id else None
        return UserAccount.from_row(row) if row is not None else None


@strawberry.type
class MeQuery:
    @strawberry.field(description="Who is asking; null when the request is not signed in.")
    def me(self, info: Info) -> Me | None:
        principal = info.context.principal
        if principal is None:
            return None
        return Me(
            role=principal.role,
            organisation_code=principal.organisation_code,
            via="SESSION" if principal.session_id is not None else "TOKEN",
            token_prefix=principal.token_prefix,
            user_id=principal.user_id,
        )

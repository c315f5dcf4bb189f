"""Who is acting: the user, organisation and role a service call is made for (no database access).

Access control (the API token, the CLI) builds an ``Actor``; services check it again before they
change anything (defence in depth) and write it into the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.enums import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    organisation_id: int | None
    role: Role
    label: str  # how the audit trail names the actor: a user's e-mail, a token name, 'cli'
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def may_write(self) -> bool:
        """Viewers only read; every other role may change what its organisation owns."""
        return self.role is not Role.VIEWER

    def owns(self, organisation_id: int | None) -> bool:
        return self.organisation_id is not None and self.organisation_id == organisation_id

    def may_change_owned_by(self, organisation_id: int | None) -> bool:
        """An administrator changes anything; others what their own organisation owns."""
        return self.is_admin or (self.may_write and self.owns(organisation_id))

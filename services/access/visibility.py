"""Who may see and do what, decided once per request from its token (the GraphQL schema and
the exports at ``/exports`` share these rules).

Roles (README "Roles and scopes"): ``admin`` everything; ``taskforce`` reads everything, and the
submissions and audit trail of the organisations in its regions, which it may approve or return;
``partner`` reads published data and its own organisation's submissions, and submits for its own
scope; ``viewer`` reads published data. Without a token nothing is readable, unless the public
read-only mode is on (then: published data, like a viewer).

Hidden objects look exactly like missing ones: ``null``, never a "forbidden" that would confirm
they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session

from core.enums import Role
from db.models import (
    ApiToken,
    AuditEvent,
    OrganisationScope,
    ReportingObligation,
    Submission,
    User,
)
from db.queries import access as queries
from services.access.authentication import Principal


@dataclass
class Access:
    principal: Principal | None
    public_read: bool
    session: Session = field(repr=False)

    @property
    def role(self) -> Role | None:
        return self.principal.role if self.principal else None

    @property
    def reads_published(self) -> bool:
        return self.principal is not None or self.public_read

    @property
    def reads_audit(self) -> bool:
        return self.role in (Role.ADMIN, Role.TASKFORCE)

    @cached_property
    def submission_organisations(self) -> set[int] | None:
        """Whose submissions are visible: None means everyone's."""
        if self.role is Role.ADMIN:
            return None
        if self.role is Role.TASKFORCE:
            assert self.principal is not None
            return queries.taskforce_organisations(self.session, self.principal.organisation_id)
        if self.role is Role.PARTNER:
            assert self.principal is not None
            return {self.principal.organisation_id}
        return set()

    def sees_submission_of(self, organisation_id: int) -> bool:
        allowed = self.submission_organisations
        return allowed is None or organisation_id in allowed

    def sees(self, row: object) -> bool:
        """Whether a row may be shown at all (rows of published tables always, when readable)."""
        if isinstance(row, Submission):
            return self.sees_submission_of(row.organisation_id)
        if isinstance(row, AuditEvent):
            return self.reads_audit
        if isinstance(row, User | ApiToken):
            return self.sees_people_of(row.organisation_id)
        if isinstance(row, ReportingObligation | OrganisationScope):
            return self.sees_reporting_of(row.organisation_id)
        return self.reads_published

    def sees_people_of(self, organisation_id: int) -> bool:
        """Users and tokens: administrators all, everyone else their own organisation's."""
        if self.principal is None:
            return False
        return self.role is Role.ADMIN or organisation_id == self.principal.organisation_id

    def sees_reporting_of(self, organisation_id: int) -> bool:
        """Reporting scopes and obligations: administrators all, a task force those of the
        organisations in its regions, an organisation its own."""
        if self.principal is None:
            return False
        if organisation_id == self.principal.organisation_id:
            return True
        return self.role in (Role.ADMIN, Role.TASKFORCE) and self.sees_submission_of(
            organisation_id
        )

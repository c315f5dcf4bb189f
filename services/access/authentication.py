"""Who is asking: the bearer token of a request, resolved once, as a Principal.

A missing token is an anonymous request (it gets what the public mode allows). A token that is
malformed, unknown, expired or revoked is refused with 401 at once, never treated as anonymous.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import Role
from core.principal import Actor
from db.engine import get_engine, is_database_busy, optional_write
from db.models import Organisation
from services.access.tokens import stamp_last_used, verify_token

log = logging.getLogger(__name__)


class AuthenticationError(Exception):
    """The credentials given are not valid (as opposed to: none given)."""


@dataclass(frozen=True)
class Principal:
    token_id: int
    token_prefix: str
    organisation_id: int
    organisation_code: str
    role: Role
    user_id: int | None

    @property
    def label(self) -> str:
        return f"token {self.token_prefix} ({self.organisation_code}, {self.role.value})"

    @property
    def actor(self) -> Actor:
        """Who the services act for (they check it again: defence in depth)."""
        return Actor(self.user_id, self.organisation_id, self.role, self.label, self.token_id)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` value; None when there is none."""
    if not authorization or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("use the header 'Authorization: Bearer <token>'")
    return token.strip()


def principal_for(
    session: Session, authorization: str | None, *, stamp: bool = True
) -> Principal | None:
    token = bearer_token(authorization)
    if token is None:
        return None
    row = verify_token(session, token, stamp=stamp)
    if row is None:
        raise AuthenticationError("the token is not valid, has expired or was revoked")
    organisation = session.get(Organisation, row.organisation_id)
    assert organisation is not None and organisation.id is not None and row.id is not None
    return Principal(row.id, row.prefix, organisation.id, organisation.code, row.role, row.user_id)


def authenticate(authorization: str | None, engine: sa.Engine | None = None) -> Principal | None:
    """Resolve a header (reading only), then record the token's last use in a short transaction
    of its own that never fails the request: a busy database skips the stamp."""
    engine = engine or get_engine()
    with Session(engine) as session:
        principal = principal_for(session, authorization, stamp=False)
    if principal is not None:
        try:
            with optional_write(engine) as session:
                stamp_last_used(session, principal.token_id)
        except sa.exc.OperationalError as error:
            if not is_database_busy(error):
                raise
            log.info("last use of %s not recorded: the database is busy", principal.label)
    return principal

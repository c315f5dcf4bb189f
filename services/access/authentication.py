"""Who is asking: the bearer token or the session cookie of a request, resolved once, as a
Principal.

A missing token is an anonymous request (it gets what the public mode allows). A token that is
malformed, unknown, expired or revoked is refused with 401 at once, never treated as anonymous.
A bearer token wins over a cookie; a session cookie that is no longer valid makes the request
anonymous (the browser app then shows its sign-in page).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import Role
from core.principal import Actor
from db.engine import get_engine, is_database_busy, optional_write, session_scope
from db.models import Organisation
from services.access.people import active_session
from services.access.tokens import stamp_last_used, verify_token

log = logging.getLogger(__name__)


class AuthenticationError(Exception):
    """The credentials given are not valid (as opposed to: none given)."""


@dataclass(frozen=True)
class Principal:
    token_id: int | None
    token_prefix: str | None
    organisation_id: int
    organisation_code: str
    role: Role
    user_id: int | None
    session_id: int | None = None  # signed in with a session cookie
    user_email: str | None = None
    csrf_token: str | None = None  # what a cookie-authenticated write must send back

    @property
    def label(self) -> str:
        if self.token_prefix is None:
            return f"{self.user_email} ({self.organisation_code}, {self.role.value})"
        return f"token {self.token_prefix} ({self.organisation_code}, {self.role.value})"

    @property
    def rate_key(self) -> str:
        """Whose budget of writes a request spends: its token's, or its user's."""
        return f"token:{self.token_prefix}" if self.token_prefix else f"user:{self.user_id}"

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
    if not organisation.active:
        raise AuthenticationError("the token's organisation has been deactivated")
    return Principal(row.id, row.prefix, organisation.id, organisation.code, row.role, row.user_id)


def session_principal(session: Session, cookie: str) -> Principal | None:
    found = active_session(session, cookie)
    if found is None:
        return None
    row, user = found
    organisation = session.get(Organisation, user.organisation_id)
    assert organisation is not None and organisation.id is not None
    if not organisation.active:
        return None
    return Principal(
        None,
        None,
        organisation.id,
        organisation.code,
        user.role,
        user.id,
        session_id=row.id,
        user_email=user.email,
        csrf_token=row.csrf_token,
    )


def authenticate(
    authorization: str | None, engine: sa.Engine | None = None, cookie: str | None = None
) -> Principal | None:
    """Resolve a header (reading only; the token's last use is stamped afterwards in a short
    transaction that never fails the request: a busy database skips the stamp), or else a session
    cookie in a short transaction of its own (it records the session's last use)."""
    engine = engine or get_engine()
    if cookie and not authorization:
        with session_scope(engine) as session:
            return session_principal(session, cookie)
    with Session(engine) as session:
        principal = principal_for(session, authorization, stamp=False)
    if principal is not None and principal.token_id is not None:
        try:
            with optional_write(engine) as session:
                stamp_last_used(session, principal.token_id)
        except sa.exc.OperationalError as error:
            if not is_database_busy(error):
                raise
            log.info("last use of %s not recorded: the database is busy", principal.label)
    return principal

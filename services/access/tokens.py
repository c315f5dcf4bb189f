"""API tokens: random, shown once, stored as a keyed hash, with expiry and revocation.

A token reads ``wz_<prefix>_<secret>``. The prefix is stored in clear to find the row; only the
HMAC-SHA256 of the whole token under the installation's secret key is stored, and compared in
constant time. Without the key a stolen database does not yield usable tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.clock import utcnow
from core.enums import Role
from db.models import ApiToken, Organisation
from services import audit
from services.access.secret import secret_key

_FORMAT = re.compile(r"wz_(?P<prefix>[A-Za-z0-9]{10})_(?P<secret>[A-Za-z0-9_-]{20,})")
LAST_USED_GRANULARITY = timedelta(minutes=5)


class TokenError(ValueError):
    """A token request that cannot be honoured (unknown organisation, bad role, …)."""


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once
    row: ApiToken


def _digest(token: str) -> str:
    return hmac.new(secret_key(), token.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session,
    organisation_code: str,
    role: Role,
    *,
    name: str,
    expires_at: datetime | None = None,
    user_id: int | None = None,
    actor_label: str = "cli",
) -> IssuedToken:
    organisation = session.exec(
        select(Organisation).where(Organisation.code == organisation_code)
    ).first()
    if organisation is None:
        raise TokenError(f"no organisation with code '{organisation_code}'")
    if expires_at is not None and expires_at <= utcnow():
        raise TokenError("the expiry lies in the past")
    prefix = "".join(
        secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        for _ in range(10)
    )
    token = f"wz_{prefix}_{secrets.token_urlsafe(32)}"
    assert organisation.id is not None  # loaded from the database
    row = ApiToken(
        prefix=prefix,
        secret_hash=_digest(token),
        name=name,
        organisation_id=organisation.id,
        user_id=user_id,
        role=role,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        None,
        "token.created",
        "api_token",
        prefix,
        after={
            "organisation": organisation.code,
            "role": role.value,
            "name": name,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        actor_label=actor_label,
        user_id=user_id,
    )
    return IssuedToken(token, row)


def revoke_token(
    session: Session, prefix: str, *, reason: str | None = None, actor_label: str = "cli"
) -> ApiToken:
    row = session.exec(select(ApiToken).where(ApiToken.prefix == prefix)).first()
    if row is None:
        raise TokenError(f"no token with prefix '{prefix}'")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(
            session,
            None,
            "token.revoked",
            "api_token",
            prefix,
            before={"revoked_at": None},
            after={"revoked_at": row.revoked_at.isoformat()},
            reason=reason,
            actor_label=actor_label,
        )
    return row


def verify_token(session: Session, token: str, *, stamp: bool = True) -> ApiToken | None:
    """The token's row when the token is genuine, not expired and not revoked; else None.
    ``stamp``: record its use now (see ``stamp_last_used``)."""
    match = _FORMAT.fullmatch(token.strip())
    if match is None:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.prefix == match["prefix"])).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(token.strip())):
        return None
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if stamp:
        _stamp(row, now)
    return row


def stamp_last_used(session: Session, token_id: int) -> None:
    """Record that the token was used now (at most once every LAST_USED_GRANULARITY)."""
    row = session.get(ApiToken, token_id)
    if row is not None:
        _stamp(row, utcnow())


def _stamp(row: ApiToken, now: datetime) -> None:
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        row.last_used_at = now


def still_valid(session: Session, token_id: int) -> bool:
    """Whether the token is still in force (not revoked, not expired): what a long-lived
    connection checks again before it sends anything more."""
    row = session.get(ApiToken, token_id, populate_existing=True)
    now = utcnow()
    return (
        row is not None
        and row.revoked_at is None
        and (row.expires_at is None or row.expires_at > now)
    )

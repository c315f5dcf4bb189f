"""People: users, one-time links (invitation, password reset, first administrator), sign-in
sessions. Every change is audited; secrets (session cookies, link tokens) are stored only as
HMAC-SHA256 under the installation's secret key, as API tokens are.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import quote

from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import OrganisationKind, Role
from core.principal import Actor
from core.settings import Settings, get_settings
from db.models import Organisation, User, UserLink, UserSession
from services import audit
from services.access.errors import (
    AccessError,
    InvalidStateError,
    NotAllowedError,
    NotFoundError,
)
from services.access.passwords import WeakPassword, hash_password, verify_password
from services.access.secret import secret_key

log = logging.getLogger(__name__)

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
FIRST_ADMIN = "first_admin"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def digest(secret: str) -> str:
    return hmac.new(secret_key(), b"user:" + secret.encode(), hashlib.sha256).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if not _EMAIL.fullmatch(email) or len(email) > 254:
        raise AccessError(
            "invalid_email",
            f"'{email}' is not an e-mail address.",
            f"'{email}' is geen e-mailadres.",
            "email",
        )
    return email


def may_grant_role(actor: Actor, role: Role) -> bool:
    """Administrators grant any role; others only their own role or viewer (never more)."""
    return actor.is_admin or (actor.may_write and role in (actor.role, Role.VIEWER))


def _user_view(user: User, organisation_code: str | None = None) -> dict[str, object]:
    return {
        "email": user.email,
        "name": user.name,
        "organisation_id": user.organisation_id,
        **({"organisation": organisation_code} if organisation_code else {}),
        "role": user.role.value,
        "active": user.active,
    }


# ---- one-time links ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    url: str
    row: UserLink
    emailed: bool


def link_url(settings: Settings, secret: str) -> str:
    return f"{settings.public_url.rstrip('/')}/auth/set-password?token={quote(secret)}"


def _lifetime(settings: Settings, purpose: str) -> timedelta:
    if purpose == INVITATION:
        return timedelta(days=settings.invitation_days)
    if purpose == PASSWORD_RESET:
        return timedelta(minutes=settings.password_reset_minutes)
    return timedelta(hours=settings.first_admin_hours)


def issue_link(session: Session, user: User, purpose: str, *, send_mail: bool = True) -> IssuedLink:
    """A new one-time link for ``user``; earlier unused links of the same purpose stop working.

    With SMTP configured (and ``send_mail``) it is e-mailed to the user; otherwise the caller
    shows it (the CLI prints it, the API gives it to the administrator who asked)."""
    settings = get_settings()
    assert user.id is not None
    now = utcnow()
    for old in session.exec(
        select(UserLink).where(
            UserLink.user_id == user.id,
            UserLink.purpose == purpose,
            col(UserLink.used_at).is_(None),
        )
    ):
        old.used_at = now
    secret = secrets.token_urlsafe(32)
    row = UserLink(
        secret_hash=digest(secret),
        purpose=purpose,
        user_id=user.id,
        expires_at=now + _lifetime(settings, purpose),
    )
    session.add(row)
    session.flush()
    url = link_url(settings, secret)
    emailed = False
    if send_mail and settings.smtp_host and purpose != FIRST_ADMIN:
        _mail_link(settings, user, purpose, url)
        emailed = True
    return IssuedLink(url, row, emailed)


def _mail_link(settings: Settings, user: User, purpose: str, url: str) -> None:
    from services.periodic.reminder_mail import send

    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = user.email
    if purpose == INVITATION:
        message["Subject"] = "Woonzorgmonitor: uitnodiging / invitation"
        text = (
            f"Beste {user.name},\n\nU bent uitgenodigd voor de Woonzorgmonitor. Kies via deze "
            f"link een wachtwoord (de link werkt één keer):\n\n  {url}\n\n"
            "You have been invited to the Woonzorgmonitor. Choose a password with the link above "
            "(it works once and expires)."
        )
    else:
        message["Subject"] = "Woonzorgmonitor: nieuw wachtwoord / password reset"
        text = (
            f"Beste {user.name},\n\nKies via deze link een nieuw wachtwoord (de link werkt één "
            f"keer en verloopt snel):\n\n  {url}\n\nChoose a new password with the link above. "
            "If you did not ask for it, ignore this message."
        )
    message.set_content(text)
    send(settings, message)


def _link_error() -> AccessError:
    return InvalidStateError(
        "invalid_link",
        "This link is not valid: it was used already, has expired or was replaced by a newer one.",
        "Deze link is niet geldig: hij is al gebruikt, verlopen of vervangen door een nieuwere.",
        "token",
    )


def peek_link(session: Session, secret: str) -> tuple[UserLink, User] | None:
    """The link's row and user when it may still be used (for the set-password page)."""
    row = session.exec(select(UserLink).where(UserLink.secret_hash == digest(secret))).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return row, user


def use_link(session: Session, secret: str, password: str, *, email: str | None = None) -> User:
    """Set the password with a one-time link; the link is spent. The first administrator's link
    may also set the e-mail address the administrator signs in with."""
    found = peek_link(session, secret)
    if found is None:
        raise _link_error()
    row, user = found
    try:
        new_hash = hash_password(password)
    except WeakPassword as error:
        raise AccessError(
            error.code,
            f"Choose another password: {error}.",
            "Kies een ander wachtwoord: minstens 12 tekens.",
            "password",
        ) from None
    before = _user_view(user)
    if email and row.purpose == FIRST_ADMIN and normalise_email(email) != user.email:
        email = _check_email(email)
        if session.exec(select(User.id).where(User.email == email)).first() is not None:
            raise AccessError(
                "email_taken",
                "Another user has this e-mail address.",
                "Een andere gebruiker heeft dit e-mailadres.",
                "email",
            )
        user.email = email
    row.used_at = utcnow()
    user.password_hash = new_hash
    user.password_changed_at = row.used_at
    _end_sessions(session, user)
    audit.record(
        session,
        None,
        f"user.password_set.{row.purpose}",
        "app_user",
        user.email,
        before=before,
        after=_user_view(user),
        actor_label=user.email,
        user_id=user.id,
        organisation_id=user.organisation_id,
    )
    return user


def request_password_reset(session: Session, email: str) -> IssuedLink | None:
    """A reset link for an active user with this address (None otherwise: the caller answers the
    same either way, so the answer never tells whether an account exists)."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.active:
        return None
    issued = issue_link(session, user, PASSWORD_RESET)
    audit.record(
        session,
        None,
        "user.password_reset_requested",
        "app_user",
        user.email,
        actor_label=user.email,
        user_id=user.id,
        organisation_id=user.organisation_id,
    )
    return issued


# ---- users ---------------------------------------------------------------------------------


def _organisation(session: Session, code: str) -> Organisation:
    row = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if row is None:
        raise NotFoundError(
            "unknown_organisation",
            f"There is no organisation '{code}'.",
            f"Er is geen organisatie '{code}'.",
            "organisation",
        )
    return row


def invite_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    organisation_code: str,
    role: Role,
    reason: str | None = None,
) -> tuple[User, IssuedLink]:
    """Create a user without a password and an invitation link to choose one.

    Administrators invite anyone; another user invites into their own organisation, with their
    own role or as a viewer."""
    organisation = _organisation(session, organisation_code)
    if not actor.is_admin and not actor.owns(organisation.id):
        raise NotAllowedError(
            "other_organisation",
            "You may invite people only into your own organisation.",
            "U mag alleen mensen uitnodigen voor uw eigen organisatie.",
            "organisation",
        )
    if not may_grant_role(actor, role):
        raise NotAllowedError(
            "role_above_own",
            f"You may not give the role '{role.value}'.",
            f"U mag de rol '{role.value}' niet toekennen.",
            "role",
        )
    email = _check_email(email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise AccessError(
            "email_taken",
            "A user with this e-mail address exists already.",
            "Er bestaat al een gebruiker met dit e-mailadres.",
            "email",
        )
    assert organisation.id is not None
    user = User(email=email, name=name.strip() or email, organisation_id=organisation.id, role=role)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.invited",
        "app_user",
        email,
        after=_user_view(user, organisation.code),
        reason=reason,
    )
    return user, issue_link(session, user, INVITATION)


def update_user(
    session: Session,
    actor: Actor,
    email: str,
    *,
    role: Role | None = None,
    active: bool | None = None,
    name: str | None = None,
    reason: str | None = None,
) -> User:
    """Change a user's role, name or whether they may sign in (deactivating ends their sessions).
    Administrators change anyone; others only people of their own organisation, never above
    their own role, and never themselves into another role."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not (actor.is_admin or actor.owns(user.organisation_id)):
        raise NotFoundError(
            "unknown_user",
            "There is no such user.",
            "Die gebruiker bestaat niet.",
            "email",
        )
    if not actor.is_admin:
        if not actor.may_write or user.role not in (actor.role, Role.VIEWER):
            raise NotAllowedError(
                "role_above_own",
                "You may not change this user.",
                "U mag deze gebruiker niet wijzigen.",
            )
        if role is not None and (not may_grant_role(actor, role) or user.id == actor.user_id):
            raise NotAllowedError(
                "role_above_own",
                f"You may not give the role '{role.value}'.",
                f"U mag de rol '{role.value}' niet toekennen.",
                "role",
            )
    before = _user_view(user)
    if role is not None:
        user.role = role
    if name is not None and name.strip():
        user.name = name.strip()
    if active is not None:
        user.active = active
    if before != _user_view(user):
        if active is False or role is not None:
            _end_sessions(session, user)
        audit.record(
            session,
            actor,
            "user.updated",
            "app_user",
            user.email,
            before=before,
            after=_user_view(user),
            reason=reason,
        )
    return user


# ---- first administrator -------------------------------------------------------------------

FIRST_ADMIN_EMAIL = "admin@localhost"
INSTALLATION_ORGANISATION = "beheer"


def has_admin(session: Session) -> bool:
    return (
        session.exec(
            select(User.id).where(
                User.role == Role.ADMIN,
                col(User.active).is_(True),
                col(User.password_hash).is_not(None),
            )
        ).first()
        is not None
    )


def first_admin_link(session: Session) -> IssuedLink | None:
    """When no administrator can sign in: a one-time link to set the first one's password
    (the user ``admin@localhost`` of the organisation ``beheer``, both made when missing; the
    link's page lets the operator choose another e-mail address). None when one exists."""
    if has_admin(session):
        return None
    organisation = session.exec(
        select(Organisation).where(Organisation.code == INSTALLATION_ORGANISATION)
    ).first()
    if organisation is None:
        organisation = Organisation(
            code=INSTALLATION_ORGANISATION,
            name="Beheer Woonzorgmonitor",
            kind=OrganisationKind.OTHER,
            notes="The installation's own administrators (made for the first administrator).",
        )
        session.add(organisation)
        session.flush()
    assert organisation.id is not None
    user = session.exec(
        select(User).where(User.role == Role.ADMIN, col(User.password_hash).is_(None))
    ).first()
    if user is None:
        user = session.exec(select(User).where(User.email == FIRST_ADMIN_EMAIL)).first()
    if user is None:
        user = User(
            email=FIRST_ADMIN_EMAIL,
            name="Beheerder",
            organisation_id=organisation.id,
            role=Role.ADMIN,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            None,
            "user.first_admin",
            "app_user",
            user.email,
            after=_user_view(user, organisation.code),
            actor_label="cli",
        )
    user.active = True
    user.role = Role.ADMIN
    return issue_link(session, user, FIRST_ADMIN, send_mail=False)


def create_admin(
    session: Session, email: str, name: str, organisation_code: str | None
) -> IssuedLink:
    """``woonzorg admin create``: an administrator with a one-time link to set the password."""
    organisation_code = organisation_code or INSTALLATION_ORGANISATION
    if organisation_code == INSTALLATION_ORGANISATION:
        first_admin_link(session)  # makes the organisation when missing
    organisation = _organisation(session, organisation_code)
    email = _check_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    assert organisation.id is not None
    if user is None:
        user = User(
            email=email, name=name or email, organisation_id=organisation.id, role=Role.ADMIN
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            None,
            "user.admin_created",
            "app_user",
            email,
            after=_user_view(user, organisation.code),
            actor_label="cli",
        )
    elif user.role is not Role.ADMIN or not user.active:
        before = _user_view(user)
        user.role, user.active = Role.ADMIN, True
        audit.record(
            session,
            None,
            "user.updated",
            "app_user",
            email,
            before=before,
            after=_user_view(user),
            actor_label="cli",
        )
    purpose = INVITATION if user.password_hash is None else PASSWORD_RESET
    return issue_link(session, user, purpose)


# ---- sign-in sessions ----------------------------------------------------------------------


class SignInFailed(Exception):
    """Wrong e-mail or password (one answer for both)."""


@dataclass(frozen=True)
class StartedSession:
    secret: str  # the cookie's value, shown once
    row: UserSession
    user: User


def sign_in(session: Session, email: str, password: str, address: str | None) -> StartedSession:
    """A new session for the right e-mail and password; ``SignInFailed`` otherwise, after the
    same work (one argon2 verification) whether the account exists or not."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        raise SignInFailed()
    settings = get_settings()
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    assert user.id is not None
    row = UserSession(
        secret_hash=digest(secret),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        address=(address or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        None,
        "user.signed_in",
        "app_user",
        user.email,
        actor_label=user.email,
        user_id=user.id,
        organisation_id=user.organisation_id,
    )
    return StartedSession(secret, row, user)


def active_session(session: Session, secret: str) -> tuple[UserSession, User] | None:
    """The session and its user when the cookie is current; records the request's time."""
    row = session.exec(select(UserSession).where(UserSession.secret_hash == digest(secret))).first()
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    return row, user


def session_still_valid(session: Session, session_id: int) -> bool:
    """Whether a signed-in session is still in force (not signed out, not expired, its user
    active): what a long-lived connection checks again before it sends anything more. An open
    connection is activity, so the idle timeout does not end it."""
    row = session.get(UserSession, session_id, populate_existing=True)
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        return False
    user = session.get(User, row.user_id, populate_existing=True)
    return user is not None and user.active


def sign_out(session: Session, session_id: int) -> None:
    row = session.get(UserSession, session_id)
    if row is None or row.ended_at is not None:
        return
    row.ended_at = utcnow()
    user = session.get(User, row.user_id)
    audit.record(
        session,
        None,
        "user.signed_out",
        "app_user",
        user.email if user else row.user_id,
        actor_label=user.email if user else "user",
        user_id=row.user_id,
        organisation_id=user.organisation_id if user else None,
    )


def _end_sessions(session: Session, user: User) -> None:
    now = utcnow()
    for row in session.exec(
        select(UserSession).where(
            UserSession.user_id == user.id, col(UserSession.ended_at).is_(None)
        )
    ):
        row.ended_at = now

"""Organisations: create, update and deactivate (administrators only; audited with before/after).
A deactivated organisation's users and tokens no longer sign in; its history stays."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from core.clock import utcnow
from core.enums import OrganisationKind
from core.principal import Actor
from db.models import Jurisdiction, Organisation
from services import audit
from services.access.errors import AccessError, NotFoundError, not_admin

_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")


def _view(row: Organisation, jurisdiction: str | None) -> dict[str, object]:
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind.value,
        "jurisdiction": jurisdiction,
        "trusted_source": row.trusted_source,
        "notes": row.notes,
        "active": row.active,
    }


def _jurisdiction_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    row = session.exec(select(Jurisdiction).where(Jurisdiction.code == code)).first()
    if row is None:
        raise NotFoundError(
            "unknown_jurisdiction",
            f"There is no jurisdiction '{code}'.",
            f"Er is geen gebied '{code}'.",
            "jurisdiction",
        )
    return row.id


def _jurisdiction_code(session: Session, row: Organisation) -> str | None:
    if row.jurisdiction_id is None:
        return None
    found = session.get(Jurisdiction, row.jurisdiction_id)
    return found.code if found else None


def create_organisation(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: OrganisationKind,
    jurisdiction: str | None = None,
    trusted_source: bool = False,
    notes: str | None = None,
    reason: str | None = None,
) -> Organisation:
    if not actor.is_admin:
        raise not_admin()
    if not _CODE.fullmatch(code):
        raise AccessError(
            "invalid_code",
            "A code has 2 to 64 lower-case letters, digits and hyphens.",
            "Een code heeft 2 tot 64 kleine letters, cijfers en streepjes.",
            "code",
        )
    if session.exec(select(Organisation.id).where(Organisation.code == code)).first():
        raise AccessError(
            "code_taken",
            f"An organisation '{code}' exists already.",
            f"Er bestaat al een organisatie '{code}'.",
            "code",
        )
    if not name.strip():
        raise AccessError("name_missing", "Give a name.", "Geef een naam.", "name")
    row = Organisation(
        code=code,
        name=name.strip(),
        kind=kind,
        jurisdiction_id=_jurisdiction_id(session, jurisdiction),
        trusted_source=trusted_source,
        notes=notes,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "organisation.created",
        "organisation",
        code,
        after=_view(row, jurisdiction),
        reason=reason,
    )
    return row


def update_organisation(
    session: Session,
    actor: Actor,
    code: str,
    *,
    name: str | None = None,
    kind: OrganisationKind | None = None,
    jurisdiction: str | None = None,
    trusted_source: bool | None = None,
    notes: str | None = None,
    active: bool | None = None,
    reason: str | None = None,
) -> Organisation:
    """Change what is given; ``active=False`` deactivates (its users and tokens stop working)."""
    if not actor.is_admin:
        raise not_admin()
    row = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if row is None:
        raise NotFoundError(
            "unknown_organisation",
            f"There is no organisation '{code}'.",
            f"Er is geen organisatie '{code}'.",
            "code",
        )
    before = _view(row, _jurisdiction_code(session, row))
    if name is not None and name.strip():
        row.name = name.strip()
    if kind is not None:
        row.kind = kind
    if jurisdiction is not None:
        row.jurisdiction_id = _jurisdiction_id(session, jurisdiction)
    if trusted_source is not None:
        row.trusted_source = trusted_source
    if notes is not None:
        row.notes = notes
    if active is not None:
        if active is False and actor.owns(row.id):
            raise AccessError(
                "own_organisation",
                "You cannot deactivate your own organisation.",
                "U kunt uw eigen organisatie niet deactiveren.",
                "active",
            )
        row.active = active
    after = _view(row, _jurisdiction_code(session, row))
    if after != before:
        row.updated_at = utcnow()
        session.flush()
        action = (
            "organisation.deactivated"
            if before["active"] and not after["active"]
            else "organisation.updated"
        )
        audit.record(
            session, actor, action, "organisation", code, before=before, after=after, reason=reason
        )
    return row

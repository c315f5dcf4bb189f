"""Reporting scopes: which jurisdictions (and optionally indicators) an organisation may report
for; for a task force, the regions it covers (its area). Only administrators change them: an
organisation can never widen its own scope."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from core.principal import Actor
from db.models import Indicator, Jurisdiction, Organisation, OrganisationScope
from services import audit
from services.access.errors import NotFoundError, not_admin


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


def _ids(session: Session, model: type, codes: Sequence[str], field: str) -> dict[str, int]:
    rows = dict(session.exec(select(model.code, model.id).where(col(model.code).in_(codes))).all())  # type: ignore[attr-defined]
    missing = sorted(set(codes) - set(rows))
    if missing:
        what = "jurisdiction" if field == "jurisdictions" else "indicator"
        what_nl = "gebied" if field == "jurisdictions" else "indicator"
        raise NotFoundError(
            f"unknown_{what}",
            f"Unknown {what}: {', '.join(missing)}.",
            f"Onbekend {what_nl}: {', '.join(missing)}.",
            field,
        )
    return rows


def scope_of(session: Session, organisation_id: int) -> list[tuple[str, str | None]]:
    """(jurisdiction code, indicator code or None) pairs, sorted."""
    query = (
        select(Jurisdiction.code, Indicator.code)
        .select_from(OrganisationScope)
        .join(Jurisdiction, col(Jurisdiction.id) == col(OrganisationScope.jurisdiction_id))
        .outerjoin(Indicator, col(Indicator.id) == col(OrganisationScope.indicator_id))
        .where(OrganisationScope.organisation_id == organisation_id)
    )
    return sorted(session.exec(query).all(), key=lambda p: (p[0], p[1] or ""))


def _view(pairs: list[tuple[str, str | None]]) -> dict[str, object]:
    return {"scope": [f"{j}:{i or '*'}" for j, i in pairs]}


def grant_scope(
    session: Session,
    actor: Actor,
    organisation_code: str,
    jurisdictions: Sequence[str],
    indicators: Sequence[str] | None = None,
    *,
    reason: str | None = None,
) -> list[tuple[str, str | None]]:
    """Let the organisation report for these jurisdictions (every indicator, or only these)."""
    if not actor.is_admin:
        raise not_admin()
    organisation = _organisation(session, organisation_code)
    assert organisation.id is not None
    jurisdiction_ids = _ids(session, Jurisdiction, jurisdictions, "jurisdictions")
    indicator_ids: dict[str, int | None] = (
        dict(_ids(session, Indicator, indicators, "indicators")) if indicators else {"": None}
    )
    before = scope_of(session, organisation.id)
    existing = {
        (r.jurisdiction_id, r.indicator_id)
        for r in session.exec(
            select(OrganisationScope).where(OrganisationScope.organisation_id == organisation.id)
        )
    }
    for jurisdiction_id in jurisdiction_ids.values():
        for indicator_id in indicator_ids.values():
            if (jurisdiction_id, indicator_id) not in existing:
                session.add(
                    OrganisationScope(
                        organisation_id=organisation.id,
                        jurisdiction_id=jurisdiction_id,
                        indicator_id=indicator_id,
                    )
                )
    session.flush()
    after = scope_of(session, organisation.id)
    if after != before:
        audit.record(
            session,
            actor,
            "organisation.scope_granted",
            "organisation",
            organisation.code,
            before=_view(before),
            after=_view(after),
            reason=reason,
        )
    return after


def revoke_scope(
    session: Session,
    actor: Actor,
    organisation_code: str,
    jurisdictions: Sequence[str],
    indicators: Sequence[str] | None = None,
    *,
    reason: str | None = None,
) -> list[tuple[str, str | None]]:
    """Take these jurisdictions (all their rows, or only these indicators' rows) out of scope."""
    if not actor.is_admin:
        raise not_admin()
    organisation = _organisation(session, organisation_code)
    assert organisation.id is not None
    jurisdiction_ids = set(_ids(session, Jurisdiction, jurisdictions, "jurisdictions").values())
    indicator_ids = (
        set(_ids(session, Indicator, indicators, "indicators").values()) if indicators else None
    )
    before = scope_of(session, organisation.id)
    for row in session.exec(
        select(OrganisationScope).where(OrganisationScope.organisation_id == organisation.id)
    ):
        if row.jurisdiction_id in jurisdiction_ids and (
            indicator_ids is None or row.indicator_id in indicator_ids
        ):
            session.delete(row)
    session.flush()
    after = scope_of(session, organisation.id)
    if after != before:
        audit.record(
            session,
            actor,
            "organisation.scope_revoked",
            "organisation",
            organisation.code,
            before=_view(before),
            after=_view(after),
            reason=reason,
        )
    return after

"""Reporting obligations through the API and the CLI: who owes which indicator, for which
jurisdictions, how often and by when. Administrators set any; a task force those of the
organisations in its regions, for jurisdictions of its area. Audited with before/after."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from core.enums import ReportingFrequency, Role
from core.principal import Actor
from db.models import (
    Indicator,
    Jurisdiction,
    Organisation,
    ReportingObligation,
    ReportingObligationJurisdiction,
)
from db.queries import access as access_queries
from ingest.periods import Period, PeriodError
from services import audit
from services.access.errors import AccessError, NotAllowedError, NotFoundError
from services.periodic.registry import ObligationEntry, _upsert_obligation


def obligation_view(session: Session, row: ReportingObligation) -> dict[str, Any]:
    codes = sorted(
        session.exec(
            select(Jurisdiction.code)
            .join(
                ReportingObligationJurisdiction,
                col(ReportingObligationJurisdiction.jurisdiction_id) == col(Jurisdiction.id),
            )
            .where(ReportingObligationJurisdiction.obligation_id == row.id)
        )
    )
    return {
        "frequency": row.frequency.value,
        "due_days": row.due_days,
        "first_period": row.first_period,
        "last_period": row.last_period,
        "contact_email": row.contact_email,
        "active": row.active,
        "jurisdictions": codes,
    }


def set_obligation(
    session: Session,
    actor: Actor,
    *,
    organisation: str,
    indicator: str,
    jurisdictions: list[str],
    frequency: ReportingFrequency,
    due_days: int,
    first_period: str,
    last_period: str | None = None,
    contact_email: str | None = None,
    active: bool = True,
    reason: str | None = None,
) -> ReportingObligation:
    """Create or change the obligation (organisation × indicator × frequency)."""
    org = session.exec(select(Organisation).where(Organisation.code == organisation)).first()
    if org is None or org.id is None:
        raise NotFoundError(
            "unknown_organisation",
            f"There is no organisation '{organisation}'.",
            f"Er is geen organisatie '{organisation}'.",
            "organisation",
        )
    ind = session.exec(select(Indicator).where(Indicator.code == indicator)).first()
    if ind is None or ind.id is None:
        raise NotFoundError(
            "unknown_indicator",
            f"There is no indicator '{indicator}'.",
            f"Er is geen indicator '{indicator}'.",
            "indicator",
        )
    found = dict(
        session.exec(
            select(Jurisdiction.code, Jurisdiction.id).where(
                col(Jurisdiction.code).in_(jurisdictions)
            )
        ).all()
    )
    missing = sorted(set(jurisdictions) - set(found))
    if missing or not jurisdictions:
        raise NotFoundError(
            "unknown_jurisdiction",
            f"Unknown or no jurisdictions: {', '.join(missing) or '(none)'}.",
            f"Onbekende of geen gebieden: {', '.join(missing) or '(geen)'}.",
            "jurisdictions",
        )
    if not actor.is_admin:
        allowed = (
            actor.role is Role.TASKFORCE
            and actor.organisation_id is not None
            and org.id in access_queries.taskforce_organisations(session, actor.organisation_id)
            and set(found.values()) <= access_queries.taskforce_area(session, actor.organisation_id)
        )
        if not allowed:
            raise NotAllowedError(
                "outside_area",
                "Only administrators, and a task force for the organisations and jurisdictions "
                "of its area, set reporting obligations.",
                "Alleen beheerders, en een taskforce voor de organisaties en gebieden in haar "
                "gebied, stellen aanleverplichten vast.",
            )
    if due_days < 0:
        raise AccessError(
            "due_days_negative",
            "dueDays is 0 or more.",
            "dueDays is 0 of meer.",
            "dueDays",
        )
    for name, value in (("firstPeriod", first_period), ("lastPeriod", last_period)):
        if value is not None:
            try:
                Period.parse(value)
            except PeriodError as error:
                raise AccessError(
                    "malformed_period",
                    f"{name}: {error}",
                    f"{name}: geen geldige periode (2026, 2026-H1, 2026-Q1, 2026-01).",
                    name,
                ) from None
    existing = session.exec(
        select(ReportingObligation).where(
            ReportingObligation.organisation_id == org.id,
            ReportingObligation.indicator_id == ind.id,
            ReportingObligation.frequency == frequency,
        )
    ).first()
    before = obligation_view(session, existing) if existing else None
    entry = ObligationEntry(
        organisation=organisation,
        indicator=indicator,
        jurisdictions=tuple(jurisdictions),
        frequency=frequency,
        due_days=due_days,
        first_period=first_period,
        last_period=last_period,
        contact_email=contact_email,
        active=active,
    )
    jurisdiction_ids = [j for j in found.values() if j is not None]
    _upsert_obligation(session, entry, org.id, ind.id, jurisdiction_ids)
    session.flush()
    row = session.exec(
        select(ReportingObligation).where(
            ReportingObligation.organisation_id == org.id,
            ReportingObligation.indicator_id == ind.id,
            ReportingObligation.frequency == frequency,
        )
    ).one()
    after = obligation_view(session, row)
    if after != before:
        audit.record(
            session,
            actor,
            "obligation.created" if before is None else "obligation.updated",
            "reporting_obligation",
            f"{organisation}/{indicator}/{frequency.value}",
            before=before,
            after=after,
            reason=reason,
        )
    return row

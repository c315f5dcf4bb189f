"""The cells an organisation is expected to report, for its downloadable template."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import Indicator, Jurisdiction, OrganisationScope
from ingest.periods import Period
from ingest.templates import TemplateCell


def expected_cells(session: Session, organisation_id: int, period: Period) -> list[TemplateCell]:
    """One row per indicator × jurisdiction of the organisation's scope (totals, no breakdowns)."""
    scope = session.exec(
        select(OrganisationScope.jurisdiction_id, OrganisationScope.indicator_id).where(
            OrganisationScope.organisation_id == organisation_id
        )
    ).all()
    jurisdictions = dict(session.exec(select(Jurisdiction.id, Jurisdiction.code)).all())
    indicators = dict(session.exec(select(Indicator.id, Indicator.code)).all())
    pairs = sorted(
        {
            (indicators[indicator_id], jurisdictions[jurisdiction_id])
            for jurisdiction_id, scoped in scope
            for indicator_id in ([scoped] if scoped else indicators)
        }
    )
    return [TemplateCell(indicator=i, jurisdiction=j, period=period) for i, j in pairs]

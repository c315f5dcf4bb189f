"""The reporting calendar: which figures are owed, and which of those are missing after their
due date (period end + the obligation's due days)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from core.enums import ReportingFrequency
from db.models import (
    Indicator,
    Jurisdiction,
    Observation,
    Organisation,
    ReportingObligation,
    ReportingObligationJurisdiction,
)
from ingest.periods import Period, PeriodKind

MONTHS_PER_PERIOD = {
    ReportingFrequency.YEARLY: (12, PeriodKind.YEAR),
    ReportingFrequency.HALF_YEARLY: (6, PeriodKind.HALF),
    ReportingFrequency.QUARTERLY: (3, PeriodKind.QUARTER),
    ReportingFrequency.MONTHLY: (1, PeriodKind.MONTH),
}


@dataclass(frozen=True)
class MissingReport:
    """A cell an organisation owes and has not reported (no current observation of its own)."""

    obligation_id: int
    organisation_id: int
    organisation_code: str
    indicator_id: int
    indicator_code: str
    jurisdiction_id: int
    jurisdiction_code: str
    period: str
    due_on: date

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days


def periods_due(obligation: ReportingObligation, today: date) -> Iterator[tuple[Period, date]]:
    """The obligation's periods (from its first to its last, if any) whose due date has passed."""
    months, kind = MONTHS_PER_PERIOD[obligation.frequency]
    first = Period.parse(obligation.first_period)
    last = Period.parse(obligation.last_period) if obligation.last_period else None
    year, month = first.start.year, (first.start.month - 1) // months * months + 1
    while True:
        period = Period.months(year, month, month + months - 1, kind)
        due_on = period.end + timedelta(days=obligation.due_days)
        if due_on >= today or (last is not None and period.start > last.end):
            return
        yield period, due_on
        month += months
        if month > 12:
            year, month = year + 1, 1


def missing_reports(
    session: Session,
    today: date,
    organisation_id: int | None = None,
    *,
    indicator_id: int | None = None,
    jurisdiction_id: int | None = None,
) -> list[MissingReport]:
    """Every owed cell without a current observation from its organisation, after its due date,
    ordered by organisation, indicator, jurisdiction and period."""
    query = select(ReportingObligation).where(col(ReportingObligation.active).is_(True))
    if organisation_id is not None:
        query = query.where(ReportingObligation.organisation_id == organisation_id)
    if indicator_id is not None:
        query = query.where(ReportingObligation.indicator_id == indicator_id)
    missing: list[MissingReport] = []
    for obligation in session.exec(query):
        missing.extend(_missing_of(session, obligation, today, jurisdiction_id))
    return sorted(
        missing,
        key=lambda m: (m.organisation_code, m.indicator_code, m.jurisdiction_code, m.due_on),
    )


def _missing_of(
    session: Session, obligation: ReportingObligation, today: date, jurisdiction_id: int | None
) -> list[MissingReport]:
    due = {str(period): due_on for period, due_on in periods_due(obligation, today)}
    if not due:
        return []
    query = (
        select(col(Jurisdiction.id), Jurisdiction.code)
        .join(
            ReportingObligationJurisdiction,
            col(ReportingObligationJurisdiction.jurisdiction_id) == col(Jurisdiction.id),
        )
        .where(ReportingObligationJurisdiction.obligation_id == obligation.id)
    )
    if jurisdiction_id is not None:
        query = query.where(Jurisdiction.id == jurisdiction_id)
    rows = session.exec(query).all()
    jurisdictions = {id_: code for id_, code in rows if id_ is not None}  # ids are primary keys
    if not jurisdictions:
        return []
    reported = set(
        session.exec(
            select(Observation.jurisdiction_id, Observation.period)
            .where(
                Observation.source_organisation_id == obligation.organisation_id,
                Observation.indicator_id == obligation.indicator_id,
                col(Observation.superseded_at).is_(None),
                col(Observation.jurisdiction_id).in_(jurisdictions),
                col(Observation.period).in_(due),
            )
            .distinct()
        ).all()
    )
    organisation = session.get(Organisation, obligation.organisation_id)
    indicator = session.get(Indicator, obligation.indicator_id)
    assert organisation is not None and indicator is not None
    assert obligation.id is not None  # loaded from the database
    return [
        MissingReport(
            obligation_id=obligation.id,
            organisation_id=obligation.organisation_id,
            organisation_code=organisation.code,
            indicator_id=obligation.indicator_id,
            indicator_code=indicator.code,
            jurisdiction_id=jurisdiction,
            jurisdiction_code=code,
            period=period,
            due_on=due_on,
        )
        for jurisdiction, code in jurisdictions.items()
        for period, due_on in due.items()
        if (jurisdiction, period) not in reported
    ]

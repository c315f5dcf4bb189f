"""What validation needs from the database: the known codes and the organisation's scope."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.enums import COUNTED_UNITS, DURATION_UNITS, IndicatorKind
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    Organisation,
    OrganisationScope,
    TargetGroup,
)
from ingest.validation import IndicatorRule, ValidationContext

COUNT_UNITS = frozenset(str(unit) for unit in COUNTED_UNITS)
NON_NEGATIVE_UNITS = COUNT_UNITS | {str(unit) for unit in DURATION_UNITS}


def indicator_rule(indicator: Indicator) -> IndicatorRule:
    return IndicatorRule(
        code=indicator.code,
        kind=indicator.kind,
        dimensions=frozenset(indicator.dimensions or ()),
        allow_negative=indicator.kind is not IndicatorKind.FLOW
        and indicator.unit not in NON_NEGATIVE_UNITS,
        whole_numbers_only=indicator.unit in COUNT_UNITS and indicator.kind is IndicatorKind.FLOW,
    )


def validation_context(
    session: Session, organisation: Organisation, today: date
) -> ValidationContext:
    """The codes of the database and what ``organisation`` may report.

    An organisation reports only inside its scope rows; a row without an indicator allows every
    indicator for that jurisdiction.
    """
    indicators = list(session.exec(select(Indicator)))
    scope = session.exec(
        select(OrganisationScope.jurisdiction_id, OrganisationScope.indicator_id).where(
            OrganisationScope.organisation_id == organisation.id
        )
    ).all()
    codes = dict(session.exec(select(Jurisdiction.id, Jurisdiction.code)).all())
    indicator_codes = {i.id: i.code for i in indicators}
    all_indicators = any(indicator_id is None for _, indicator_id in scope)
    return ValidationContext(
        indicators=[indicator_rule(i) for i in indicators],
        jurisdictions=list(codes.values()),
        target_groups=list(session.exec(select(TargetGroup.code))),
        housing_types=list(session.exec(select(HousingType.code))),
        today=today,
        scope_jurisdictions={codes[j] for j, _ in scope},
        scope_indicators=None if all_indicators else {indicator_codes[i] for _, i in scope if i},
    )

"""A small reporting world for submission tests: two municipalities, indicators, partners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.enums import Direction, IndicatorKind, OrganisationKind, Role, SubmissionChannel
from core.principal import Actor
from db.models import Observation, OrganisationScope, Submission, SubmissionError
from ingest.submitted_rows import SubmittedRow
from services.submissions.intake import IntakeRequest
from tests.factories import Factory

ADMIN = Actor(user_id=None, organisation_id=None, role=Role.ADMIN, label="test admin")
"""Decides on any submission."""


@dataclass
class World:
    partner_id: int
    trusted_id: int
    leiden_id: int


def reporting_world(session: Session, make: Factory) -> World:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    make.jurisdiction(code="GM0547", name="Leiderdorp")
    added = make.indicator(
        code="dwellings-added", kind=IndicatorKind.FLOW, dimensions=["housing_type", "target_group"]
    )
    homeless = make.indicator(
        code="homeless-persons",
        unit="persons",
        kind=IndicatorKind.STOCK,
        direction=Direction.LOWER_IS_BETTER,
    )
    from db.models import HousingType, TargetGroup

    session.add(HousingType(code="geclusterd", name_nl="Geclusterd", name_en="Clustered"))
    session.add(TargetGroup(code="ouderen", name_nl="Ouderen", name_en="Older people"))
    partner = make.organisation(code="portaal", kind=OrganisationKind.CORPORATION)
    trusted = make.organisation(code="cbs", kind=OrganisationKind.STATE, trusted_source=True)
    session.add(
        OrganisationScope(
            organisation_id=partner.id, jurisdiction_id=leiden.id, indicator_id=added.id
        )
    )
    session.add(OrganisationScope(organisation_id=trusted.id, jurisdiction_id=leiden.id))
    del homeless
    session.commit()
    return World(partner.id, trusted.id, leiden.id)


def request(session: Session, organisation_id: int, **kw: object) -> IntakeRequest:
    from db.models import Organisation

    organisation = session.get(Organisation, organisation_id)
    return IntakeRequest(
        organisation=organisation, channel=kw.pop("channel", SubmissionChannel.API), **kw
    )  # type: ignore[arg-type]


def rows(*values: tuple[str, str, str, object]) -> list[SubmittedRow]:
    return [
        SubmittedRow(indicator=i, jurisdiction=j, period=p, value=str(v)) for i, j, p, v in values
    ]


def status(session: Session, submission_id: int) -> str:
    session.expire_all()
    return session.get(Submission, submission_id).status.value  # type: ignore[union-attr]


def errors(session: Session, submission_id: int) -> list[tuple[int | None, str | None, str]]:
    found = session.exec(
        select(SubmissionError)
        .where(SubmissionError.submission_id == submission_id)
        .order_by(SubmissionError.id)
    )
    return [(e.row_number, e.column, e.code) for e in found]


def observations(session: Session) -> list[tuple[str, str, int, bool]]:
    session.expire_all()
    found = session.exec(select(Observation).order_by(Observation.id))
    return [
        (o.period, format(o.value.normalize(), "f"), o.version, o.superseded_at is None)
        for o in found
    ]

"""A small world for periodic-figure tests: Leiden and Den Haag, two indicators, CBS as a trusted
publisher that reports population for Leiden only, and a partner corporation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.enums import Direction, IndicatorKind, OrganisationKind, SourceKind
from db.models import Observation, OrganisationScope, Source, SourceRun, Submission
from tests.factories import Factory


@dataclass
class PeriodicWorld:
    leiden_id: int
    den_haag_id: int
    population_id: int
    dwellings_added_id: int
    cbs_id: int
    partner_id: int


def periodic_world(session: Session, make: Factory) -> PeriodicWorld:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    den_haag = make.jurisdiction(code="GM0518", name="'s-Gravenhage")
    population = make.indicator(
        code="population",
        unit="persons",
        kind=IndicatorKind.STOCK,
        direction=Direction.WITHIN,
        dimensions=["target_group"],
    )
    added = make.indicator(code="dwellings-added", kind=IndicatorKind.FLOW)
    cbs = make.organisation(code="cbs", kind=OrganisationKind.PUBLICATION, trusted_source=True)
    partner = make.organisation(code="portaal", kind=OrganisationKind.CORPORATION)
    session.add(OrganisationScope(organisation_id=cbs.id, jurisdiction_id=leiden.id))
    for jurisdiction in (leiden, den_haag):
        session.add(
            OrganisationScope(
                organisation_id=partner.id, jurisdiction_id=jurisdiction.id, indicator_id=added.id
            )
        )
    session.commit()
    return PeriodicWorld(leiden.id, den_haag.id, population.id, added.id, cbs.id, partner.id)  # type: ignore[arg-type]


def add_source(
    session: Session, organisation_id: int, kind: SourceKind, **config: object
) -> Source:
    source = Source(
        code=f"source-{kind.value}",
        name=f"A {kind.value} source",
        kind=kind,
        config=dict(config),
        schedule="0 6 * * 1",
        organisation_id=organisation_id,
    )
    session.add(source)
    session.commit()
    return source


def runs(session: Session) -> list[SourceRun]:
    session.expire_all()
    return list(session.exec(select(SourceRun).order_by(SourceRun.id)))  # type: ignore[arg-type]


def submissions(session: Session) -> list[Submission]:
    session.expire_all()
    return list(session.exec(select(Submission).order_by(Submission.id)))  # type: ignore[arg-type]


def current_figures(session: Session) -> list[tuple[str, str, str]]:
    session.expire_all()
    return [
        (o.period, str(o.jurisdiction_id), format(o.value.normalize(), "f"))
        for o in session.exec(
            select(Observation).where(Observation.superseded_at.is_(None)).order_by(Observation.id)  # type: ignore[union-attr]
        )
    ]

"""A small project world: Leiden (with a district) and Leiderdorp in a region, vocabularies, the
``dwellings-added`` indicator, two corporations reporting for both municipalities and actors of
every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import IndicatorKind, JurisdictionKind, OrganisationKind, RegionType, Role
from core.principal import Actor
from db.models import (
    AuditEvent,
    HousingType,
    Observation,
    ProjectPhaseChange,
    RegionMembership,
    TargetGroup,
)
from ingest.projects.details import ProjectDetails, UnitsLine
from tests.factories import Factory

TODAY = date(2030, 6, 30)


@dataclass
class ProjectWorld:
    leiden_id: int
    leiderdorp_id: int
    region_id: int
    indicator_id: int
    owner_id: int
    other_id: int
    owner: Actor
    other: Actor
    viewer: Actor
    admin: Actor


def project_world(session: Session, make: Factory, trusted_owner: bool = True) -> ProjectWorld:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    leiderdorp = make.jurisdiction(code="GM0547", name="Leiderdorp")
    make.jurisdiction(
        code="WK054601", name="Binnenstad", kind=JurisdictionKind.DISTRICT, parent_id=leiden.id
    )
    region = make.jurisdiction(
        code="HR",
        name="Holland Rijnland",
        kind=JurisdictionKind.REGION,
        region_type=RegionType.WONINGMARKTREGIO,
    )
    for member in (leiden, leiderdorp):
        session.add(RegionMembership(region_id=region.id, member_id=member.id))
    indicator = make.indicator(
        code="dwellings-added", kind=IndicatorKind.FLOW, dimensions=["housing_type", "target_group"]
    )
    session.add(HousingType(code="geclusterd", name_nl="Geclusterd", name_en="Clustered"))
    session.add(HousingType(code="nultreden", name_nl="Nultreden", name_en="Step-free"))
    session.add(TargetGroup(code="ouderen", name_nl="Ouderen", name_en="Older people"))
    # A trusted source: its own completions count at once (an untrusted partner's go through
    # review: tests/security/test_project_review.py)
    owner = make.organisation(
        code="portaal",
        name="Portaal",
        kind=OrganisationKind.CORPORATION,
        trusted_source=trusted_owner,
    )
    other = make.organisation(code="ons-doel", name="Ons Doel", kind=OrganisationKind.CORPORATION)
    admin_org = make.organisation(code="monitor", kind=OrganisationKind.REGIONAL_BODY)
    for corporation in (owner, other):
        for municipality in (leiden, leiderdorp):
            make.scope(corporation.id, municipality.id)
    session.commit()
    return ProjectWorld(
        leiden_id=leiden.id,  # type: ignore[arg-type]
        leiderdorp_id=leiderdorp.id,  # type: ignore[arg-type]
        region_id=region.id,  # type: ignore[arg-type]
        indicator_id=indicator.id,  # type: ignore[arg-type]
        owner_id=owner.id,  # type: ignore[arg-type]
        other_id=other.id,  # type: ignore[arg-type]
        owner=Actor(None, owner.id, Role.PARTNER, "anna@portaal.nl"),
        other=Actor(None, other.id, Role.PARTNER, "bob@onsdoel.nl"),
        viewer=Actor(None, owner.id, Role.VIEWER, "viewer@portaal.nl"),
        admin=Actor(None, admin_org.id, Role.ADMIN, "admin"),
    )


def hofje(**changes: object) -> ProjectDetails:
    details = ProjectDetails(
        name="Hofje Zuid",
        municipality="GM0546",
        location="Zuidsingel",
        expected_completion=date(2028, 3, 31),
        units=(UnitsLine(24, "geclusterd", "ouderen"), UnitsLine(12, "nultreden")),
    )
    return ProjectDetails(**{**details.__dict__, **changes})  # type: ignore[arg-type]


def phase_history(session: Session, project_id: int) -> list[tuple[str | None, str, str | None]]:
    rows = session.scalars(
        sa.select(ProjectPhaseChange)
        .where(ProjectPhaseChange.project_id == project_id)
        .order_by(ProjectPhaseChange.id)
    )
    return [(r.from_phase and r.from_phase.value, r.to_phase.value, r.reason) for r in rows]


def audit_actions(session: Session, project_id: int) -> list[str]:
    rows = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "project", AuditEvent.object_id == str(project_id))
        .order_by(AuditEvent.id)
    )
    return [r.action for r in rows]


def realisation(session: Session) -> list[tuple[str, int | None, str, int, bool, str | None]]:
    """(period, housing type id, value, version, current, change reason) per observation."""
    session.expire_all()
    rows = session.scalars(sa.select(Observation).order_by(Observation.id))
    return [
        (
            o.period,
            o.housing_type_id,
            format(o.value.normalize(), "f"),
            o.version,
            o.superseded_at is None,
            o.change_reason,
        )
        for o in rows
    ]

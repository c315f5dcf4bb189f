"""The national-scale structure on top of the reference data: provinces, all 342 municipalities,
regions with memberships, organisations with their scope, targets and projects in every phase.

Small tables (thousands of rows): written through the ORM in the caller's session. What the
observation load needs afterwards is returned as a :class:`Universe`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from bench.generator.plan import (
    GENERATED_NOTE,
    MUNICIPALITIES,
    PROVINCES,
    Plan,
    generated_municipality_codes,
)
from core.enums import (
    IndicatorKind,
    JurisdictionKind,
    OrganisationKind,
    ProjectPhase,
    Recurrence,
    RegionType,
    TargetKind,
)
from db.models import (
    HousingType,
    Indicator,
    Jurisdiction,
    Organisation,
    OrganisationScope,
    Project,
    ProjectPhaseChange,
    ProjectUnits,
    RegionMembership,
    Target,
    TargetGroup,
)

REGIONS = 30  # woningmarktregio-like regions covering every municipality
CARE_REGIONS = 10  # zorgkantoorregio-like regions, overlapping the first ones
TARGETS_PER_MUNICIPALITY = 10
TARGETS_PER_REGION = 6
PROJECTS_PER_MUNICIPALITY = 6
PARTNERS = 6  # trusted partner organisations: one per ingestion run
BREAKDOWN_CODES = 4  # target groups / housing types used for breakdowns
TARGET_UNITS = frozenset({"dwellings", "places", "persons", "households", "lettings", "pitches"})
PHASES = tuple(ProjectPhase)


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    code: str
    kind: IndicatorKind
    unit: str
    dimensions: frozenset[str]


@dataclass
class Universe:
    """Ids and codes the observation and partner-file generators need."""

    municipalities: dict[str, int]  # code → id, every valid municipality, sorted by code
    indicators: list[IndicatorInfo]
    target_groups: dict[str, int]  # the codes used for breakdowns
    housing_types: dict[str, int]
    sources: dict[int, int]  # municipality id → organisation id reporting its figures
    partners: list[str] = field(default_factory=list)  # trusted partner organisation codes
    regions: list[str] = field(default_factory=list)  # generated region codes


def build_structure(session: Session, plan: Plan) -> Universe:
    provinces = _provinces(session)
    municipalities = _municipalities(session, plan, provinces)
    regions = _regions(session, plan, municipalities)
    indicators = _indicators(session)
    target_groups = _codes(session, TargetGroup)
    housing_types = _codes(session, HousingType)
    sources = _municipal_organisations(session, municipalities)
    partners = _partners(session, municipalities)
    _targets(session, plan, municipalities, regions, indicators, target_groups)
    _projects(session, plan, municipalities, sources, target_groups, housing_types)
    session.flush()
    return Universe(
        municipalities=dict(sorted(municipalities.items())),
        indicators=indicators,
        target_groups=target_groups,
        housing_types=housing_types,
        sources=sources,
        partners=partners,
        regions=sorted(regions),
    )


def _provinces(session: Session) -> dict[str, int]:
    country = session.exec(select(Jurisdiction).where(Jurisdiction.code == "NL")).one()
    existing = {j.code: j for j in session.exec(select(Jurisdiction))}
    for code, name in PROVINCES:
        if code not in existing:
            row = Jurisdiction(
                code=code, name=name, kind=JurisdictionKind.PROVINCE, parent_id=country.id
            )
            session.add(row)
            existing[code] = row
    session.flush()
    return {code: existing[code].id for code, _ in PROVINCES}  # type: ignore[misc]


def _municipalities(session: Session, plan: Plan, provinces: dict[str, int]) -> dict[str, int]:
    """Code → id of every municipality valid today: the reference ones and generated ones."""
    rows = list(
        session.exec(select(Jurisdiction).where(Jurisdiction.kind == JurisdictionKind.MUNICIPALITY))
    )
    valid = {j.code: j.id for j in rows if j.valid_to is None}
    rng = plan.rng("municipalities")
    province_ids = list(provinces.values())
    for code in generated_municipality_codes({j.code for j in rows}, MUNICIPALITIES - len(valid)):
        row = Jurisdiction(
            code=code,
            name=f"Gemeente {code} (gegenereerd)",
            kind=JurisdictionKind.MUNICIPALITY,
            parent_id=rng.choice(province_ids),
            notes=GENERATED_NOTE,
        )
        session.add(row)
        session.flush()
        valid[code] = row.id
    return valid  # type: ignore[return-value]


def _regions(session: Session, plan: Plan, municipalities: dict[str, int]) -> dict[str, int]:
    codes = sorted(municipalities)
    plan.rng("regions").shuffle(codes)
    regions: dict[str, int] = {}
    for count, region_type, label in (
        (REGIONS, RegionType.WONINGMARKTREGIO, "wmr"),
        (CARE_REGIONS, RegionType.ZORGKANTOORREGIO, "zk"),
    ):
        for number in range(count):
            region = Jurisdiction(
                code=f"rg-bench-{label}-{number + 1:02d}",
                name=f"Benchmarkregio {label.upper()} {number + 1:02d} (gegenereerd)",
                kind=JurisdictionKind.REGION,
                region_type=region_type,
                notes=GENERATED_NOTE,
            )
            session.add(region)
            session.flush()
            regions[region.code] = region.id  # type: ignore[assignment]
            members = codes[number::count]
            session.add_all(
                RegionMembership(region_id=region.id, member_id=municipalities[m])  # type: ignore[arg-type]
                for m in members
            )
        codes.reverse()  # the care regions cut across the housing-market regions
    return regions


def _indicators(session: Session) -> list[IndicatorInfo]:
    return [
        IndicatorInfo(i.id, i.code, i.kind, i.unit, frozenset(i.dimensions or ()))  # type: ignore[arg-type]
        for i in session.exec(select(Indicator).order_by(Indicator.code))
    ]


def _codes(session: Session, model: type[TargetGroup] | type[HousingType]) -> dict[str, int]:
    rows = session.exec(select(model.code, model.id).order_by(model.code)).all()  # type: ignore[union-attr]
    return dict(rows[:BREAKDOWN_CODES])


def _municipal_organisations(session: Session, municipalities: dict[str, int]) -> dict[int, int]:
    owners: dict[int, int] = {}
    for org in session.exec(
        select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY)
    ):
        if org.jurisdiction_id is not None:
            owners.setdefault(org.jurisdiction_id, org.id)  # type: ignore[arg-type]
    for code, jurisdiction_id in sorted(municipalities.items()):
        if jurisdiction_id in owners:
            continue
        org = Organisation(
            code=f"gem-bench-{code.lower()}",
            name=f"Gemeente {code} (gegenereerd)",
            kind=OrganisationKind.MUNICIPALITY,
            jurisdiction_id=jurisdiction_id,
            trusted_source=True,
            notes=GENERATED_NOTE,
        )
        session.add(org)
        session.flush()
        owners[jurisdiction_id] = org.id  # type: ignore[assignment]
    return owners


def _partners(session: Session, municipalities: dict[str, int]) -> list[str]:
    """Trusted corporations that may report every indicator for every municipality."""
    codes = []
    for number in range(1, PARTNERS + 1):
        org = Organisation(
            code=f"bench-partner-{number}",
            name=f"Benchmarkcorporatie {number} (gegenereerd)",
            kind=OrganisationKind.CORPORATION,
            trusted_source=True,
            notes=GENERATED_NOTE,
        )
        session.add(org)
        session.flush()
        session.add_all(
            OrganisationScope(organisation_id=org.id, jurisdiction_id=j)  # type: ignore[arg-type]
            for j in municipalities.values()
        )
        codes.append(org.code)
    return codes


def _targets(
    session: Session,
    plan: Plan,
    municipalities: dict[str, int],
    regions: dict[str, int],
    indicators: list[IndicatorInfo],
    target_groups: dict[str, int],
) -> None:
    eligible = [
        i for i in indicators if i.kind is not IndicatorKind.RATIO and i.unit in TARGET_UNITS
    ]
    places = [(code, jid, TARGETS_PER_MUNICIPALITY) for code, jid in sorted(municipalities.items())]
    places += [(code, jid, TARGETS_PER_REGION) for code, jid in sorted(regions.items())]
    for code, jurisdiction_id, count in places:
        rng = plan.rng("targets", code)
        for indicator in rng.sample(eligible, min(count, len(eligible))):
            group = None
            if "target_group" in indicator.dimensions and rng.random() < 0.3:
                group = rng.choice(sorted(target_groups))
            yearly = indicator.kind is IndicatorKind.FLOW and rng.random() < 0.1
            value = Decimal(rng.randint(20, 2000) * (1 if yearly else 8))
            session.add(
                Target(
                    code=f"bench-{code.lower()}-{indicator.code}{'-' + group if group else ''}",
                    indicator_id=indicator.id,
                    jurisdiction_id=jurisdiction_id,
                    target_group_id=target_groups[group] if group else None,
                    kind=rng.choice(
                        (TargetKind.TARGET, TargetKind.MINIMUM, TargetKind.NEED_ESTIMATE)
                    ),
                    value=value,
                    baseline_period="2020",
                    baseline_value=Decimal(rng.randint(0, 500)),
                    start_period="2020",
                    deadline=rng.choice(("2028", "2030", "2030", "2035")),
                    deadline_year=2030,
                    recurrence=Recurrence.YEARLY if yearly else Recurrence.NONE,
                    notes=GENERATED_NOTE,
                )
            )


def _projects(
    session: Session,
    plan: Plan,
    municipalities: dict[str, int],
    owners: dict[int, int],
    target_groups: dict[str, int],
    housing_types: dict[str, int],
) -> None:
    today = date(2026, 1, 1)
    for code, jurisdiction_id in sorted(municipalities.items()):
        rng = plan.rng("projects", code)
        for number in range(PROJECTS_PER_MUNICIPALITY):
            phase = PHASES[(number + rng.randint(0, len(PHASES) - 1)) % len(PHASES)]
            project = Project(
                external_key=f"bench-{code.lower()}-{number + 1}",
                name=f"Project {number + 1} in {code} (gegenereerd)",
                municipality_id=jurisdiction_id,
                owner_id=owners[jurisdiction_id],
                phase=phase,
                expected_completion=today + timedelta(days=rng.randint(-700, 2500)),
                notes=GENERATED_NOTE,
            )
            session.add(project)
            session.flush()
            for housing, group in {
                (rng.choice(sorted(housing_types)), rng.choice(sorted(target_groups)))
                for _ in range(rng.randint(1, 3))
            }:
                session.add(
                    ProjectUnits(
                        project_id=project.id,  # type: ignore[arg-type]
                        housing_type_id=housing_types[housing],
                        target_group_id=target_groups[group],
                        breakdown_key=f"{housing_types[housing]}|{target_groups[group]}",
                        units=rng.randint(4, 120),
                    )
                )
            history = (
                PHASES[: PHASES.index(phase) + 1]
                if phase is not ProjectPhase.CANCELLED
                else (
                    ProjectPhase.INITIATIVE,
                    ProjectPhase.CANCELLED,
                )
            )
            previous = None
            for step, to_phase in enumerate(history):
                session.add(
                    ProjectPhaseChange(
                        project_id=project.id,  # type: ignore[arg-type]
                        from_phase=previous,
                        to_phase=to_phase,
                        changed_on=date(2021 + step, 1 + number % 12, 1),
                    )
                )
                previous = to_phase

"""The registry of periodic figures (``data/sources.yaml``): which feeds are pulled when and for
whom, which organisations publish them, and which figures partners owe by when.

``read_registry`` parses and checks the file against the database (cron expressions, kinds, the
CBS mappings, organisation / indicator / jurisdiction codes) and reports every problem at once;
``load_registry`` upserts it on natural keys, so loading twice changes nothing::

    publishers:            # organisations that exist only as publishers of a source (e.g. CBS)
      - {code: cbs, name: …, kind: publication, trusted_source: true,
         reports: {jurisdiction_kinds: [municipality, province, country],
                   indicators: [population, dwelling-stock]}}
    sources:
      - {code: …, name: …, kind: cbs_statline, organisation: cbs, schedule: "30 6 1 * *",
         table: 81955NED, mapping: {…}}        # other keys: see ingest/feeds/config.py
    obligations:
      - {organisation: gem-leiden, indicator: dwellings-added, jurisdictions: [GM0546],
         frequency: quarterly, due_days: 45, first_period: 2026-Q1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.enums import JurisdictionKind, OrganisationKind, ReportingFrequency, SourceKind
from db.models import (
    Indicator,
    Jurisdiction,
    Organisation,
    OrganisationScope,
    ReportingObligation,
    ReportingObligationJurisdiction,
    Source,
)
from ingest.feeds.config import SourceConfigError, StatLineConfig, parse_source_config
from ingest.feeds.cron import CronError, cron_trigger
from ingest.periods import Period, PeriodError
from services import audit

ACTOR = "source-registry"
SOURCE_KEYS = {"code", "name", "kind", "organisation", "schedule", "active"}
SECTIONS = ("publishers", "sources", "obligations")


@dataclass(frozen=True)
class RegistryProblem:
    where: str  # e.g. "sources[2] cbs-bevolking"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class RegistryError(ValueError):
    def __init__(self, path: Path | str, problems: list[RegistryProblem]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s)\n{listed}")


@dataclass(frozen=True)
class PublisherEntry:
    code: str
    name: str
    kind: OrganisationKind
    trusted_source: bool
    jurisdiction_kinds: tuple[JurisdictionKind, ...]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class SourceEntry:
    code: str
    name: str
    kind: SourceKind
    organisation: str
    schedule: str
    config: dict[str, Any]
    active: bool = True


@dataclass(frozen=True)
class ObligationEntry:
    organisation: str
    indicator: str
    jurisdictions: tuple[str, ...]
    frequency: ReportingFrequency
    due_days: int
    first_period: str
    last_period: str | None = None
    contact_email: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Registry:
    publishers: list[PublisherEntry] = field(default_factory=list)
    sources: list[SourceEntry] = field(default_factory=list)
    obligations: list[ObligationEntry] = field(default_factory=list)


@dataclass
class RegistrySummary:
    """Per section: how many entries were created, updated and left unchanged."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {section: Counter() for section in SECTIONS}
    )

    def count(self, section: str, outcome: str) -> None:
        self.counts[section][outcome] += 1


# ---------------------------------------------------------------- reading and checking


def read_registry(session: Session, path: Path) -> Registry:
    """The checked registry at ``path``; raises ``RegistryError`` listing every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(path, [RegistryProblem("file", str(exc))]) from None
    return parse_registry(session, raw, path)


def parse_registry(session: Session, raw: Any, path: Path | str = "registry") -> Registry:
    checker = _Checker(session)
    if not isinstance(raw, Mapping):
        raise RegistryError(path, [RegistryProblem("file", "expected a mapping of sections")])
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        checker.problem(
            "file", f"unknown section(s) {', '.join(unknown)}; use {', '.join(SECTIONS)}"
        )
    publishers = [
        p
        for index, item in enumerate(_list(raw, "publishers", checker))
        if (p := checker.publisher(index, item))
    ]
    checker.known_organisations.update(p.code for p in publishers)
    sources = [
        s
        for index, item in enumerate(_list(raw, "sources", checker))
        if (s := checker.source(index, item))
    ]
    obligations = [
        o
        for index, item in enumerate(_list(raw, "obligations", checker))
        if (o := checker.obligation(index, item))
    ]
    checker.duplicates("sources", [s.code for s in sources])
    checker.duplicates(
        "obligations", [(o.organisation, o.indicator, o.frequency.value) for o in obligations]
    )
    if checker.problems:
        raise RegistryError(path, checker.problems)
    return Registry(publishers, sources, obligations)


def _list(raw: Mapping[str, Any], section: str, checker: _Checker) -> list[Any]:
    value = raw.get(section) or []
    if not isinstance(value, list):
        checker.problem(section, "must be a list of entries")
        return []
    return value


class _Checker:
    def __init__(self, session: Session) -> None:
        self.known_organisations = set(session.exec(select(Organisation.code)))
        self.known_indicators = set(session.exec(select(Indicator.code)))
        self.known_jurisdictions = set(session.exec(select(Jurisdiction.code)))
        self.problems: list[RegistryProblem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(RegistryProblem(where, message))

    def duplicates(self, section: str, keys: Iterable[object]) -> None:
        for key, count in Counter(keys).items():
            if count > 1:
                self.problem(section, f"{key} is listed {count} times")

    def publisher(self, index: int, item: Any) -> PublisherEntry | None:
        where = f"publishers[{index}]"
        if not self._keys(where, item, {"code", "name", "kind"}, {"trusted_source", "reports"}):
            return None
        where = f"{where} {item['code']}"
        reports = item.get("reports") or {}
        try:
            kind = OrganisationKind(item["kind"])
            jurisdiction_kinds = tuple(
                JurisdictionKind(k) for k in reports.get("jurisdiction_kinds") or ()
            )
        except ValueError as exc:
            self.problem(where, str(exc))
            return None
        indicators = tuple(reports.get("indicators") or ())
        self._exist(where, "indicator", indicators, self.known_indicators)
        return PublisherEntry(
            code=item["code"],
            name=item["name"],
            kind=kind,
            trusted_source=bool(item.get("trusted_source", False)),
            jurisdiction_kinds=jurisdiction_kinds,
            indicators=indicators,
        )

    def source(self, index: int, item: Any) -> SourceEntry | None:
        where = f"sources[{index}]"
        if not isinstance(item, Mapping) or not self._keys(
            where,
            {k: v for k, v in item.items() if k in SOURCE_KEYS},
            SOURCE_KEYS - {"active"},
            {"active"},
        ):
            return None
        where = f"{where} {item['code']}"
        config = {k: v for k, v in item.items() if k not in SOURCE_KEYS}
        try:
            cron_trigger(item["schedule"])
            parsed = parse_source_config(item["kind"], config)
        except (CronError, SourceConfigError) as exc:
            self.problem(where, str(exc))
            return None
        self._exist(where, "organisation", [item["organisation"]], self.known_organisations)
        if isinstance(parsed, StatLineConfig):
            indicators = {m.indicator for _, m in parsed.mapping.measure_items()}
            self._exist(where, "indicator", sorted(indicators), self.known_indicators)
        return SourceEntry(
            code=item["code"],
            name=item["name"],
            kind=SourceKind(item["kind"]),
            organisation=item["organisation"],
            schedule=item["schedule"],
            config=config,
            active=bool(item.get("active", True)),
        )

    def obligation(self, index: int, item: Any) -> ObligationEntry | None:
        where = f"obligations[{index}]"
        required = {
            "organisation",
            "indicator",
            "jurisdictions",
            "frequency",
            "due_days",
            "first_period",
        }
        if not self._keys(where, item, required, {"last_period", "contact_email", "active"}):
            return None
        where = f"{where} {item['organisation']}/{item['indicator']}"
        try:
            frequency = ReportingFrequency(item["frequency"])
            for key in ("first_period", "last_period"):
                if item.get(key) is not None:
                    Period.parse(str(item[key]))
        except (ValueError, PeriodError) as exc:
            self.problem(where, str(exc))
            return None
        due_days = item["due_days"]
        if not isinstance(due_days, int) or due_days < 0:
            self.problem(where, f"due_days must be a whole number of days ≥ 0, not {due_days!r}")
            return None
        jurisdictions = item["jurisdictions"]
        if not isinstance(jurisdictions, list) or not jurisdictions:
            self.problem(where, "jurisdictions must list at least one code")
            return None
        self._exist(where, "organisation", [item["organisation"]], self.known_organisations)
        self._exist(where, "indicator", [item["indicator"]], self.known_indicators)
        self._exist(where, "jurisdiction", jurisdictions, self.known_jurisdictions)
        return ObligationEntry(
            organisation=item["organisation"],
            indicator=item["indicator"],
            jurisdictions=tuple(str(code) for code in jurisdictions),
            frequency=frequency,
            due_days=due_days,
            first_period=str(item["first_period"]),
            last_period=None if item.get("last_period") is None else str(item["last_period"]),
            contact_email=item.get("contact_email"),
            active=bool(item.get("active", True)),
        )

    def _keys(self, where: str, item: Any, required: set[str], optional: set[str]) -> bool:
        if not isinstance(item, Mapping):
            self.problem(where, "must be a mapping")
            return False
        missing = sorted(required - set(item))
        unknown = sorted(set(item) - required - optional)
        if missing:
            self.problem(where, f"missing {', '.join(missing)}")
        if unknown:
            self.problem(where, f"unknown key(s) {', '.join(unknown)}")
        return not missing and not unknown

    def _exist(self, where: str, what: str, codes: Iterable[str], known: set[str]) -> None:
        for code in codes:
            if code not in known:
                self.problem(where, f"no {what} with code '{code}'")


# ---------------------------------------------------------------- writing


def load_registry(session: Session, registry: Registry) -> RegistrySummary:
    """Upsert publishers, sources and obligations on their natural keys (idempotent)."""
    summary = RegistrySummary()
    for publisher in registry.publishers:
        summary.count("publishers", _upsert_publisher(session, publisher))
    session.flush()
    organisations = _ids_by_code(session, Organisation)
    for source in registry.sources:
        summary.count(
            "sources", _upsert_source(session, source, organisations[source.organisation])
        )
    indicators = _ids_by_code(session, Indicator)
    jurisdictions = _ids_by_code(session, Jurisdiction)
    for obligation in registry.obligations:
        outcome = _upsert_obligation(
            session,
            obligation,
            organisations[obligation.organisation],
            indicators[obligation.indicator],
            [jurisdictions[code] for code in obligation.jurisdictions],
        )
        summary.count("obligations", outcome)
    session.flush()
    return summary


def _ids_by_code(
    session: Session, model: type[Organisation | Indicator | Jurisdiction]
) -> dict[str, int]:
    rows = session.exec(select(col(model.code), col(model.id))).all()
    return {code: id_ for code, id_ in rows if id_ is not None}  # ids are primary keys


def _upsert_publisher(session: Session, entry: PublisherEntry) -> str:
    organisation = session.exec(select(Organisation).where(Organisation.code == entry.code)).first()
    outcome = "unchanged"
    if organisation is None:  # an organisation the reference data already has is left as it is
        organisation = Organisation(
            code=entry.code, name=entry.name, kind=entry.kind, trusted_source=entry.trusted_source
        )
        session.add(organisation)
        session.flush()
        assert organisation.id is not None  # just flushed
        _audit(
            session,
            "organisation.created",
            "organisation",
            organisation.id,
            None,
            {"code": entry.code},
        )
        outcome = "created"
    organisation_id = organisation.id
    assert organisation_id is not None  # stored or just flushed
    wanted = _scope_rows(session, entry)
    existing = set(
        session.exec(
            select(OrganisationScope.jurisdiction_id, OrganisationScope.indicator_id).where(
                OrganisationScope.organisation_id == organisation.id
            )
        ).all()
    )
    added = sorted(wanted - existing, key=str)
    for jurisdiction_id, indicator_id in added:
        session.add(
            OrganisationScope(
                organisation_id=organisation_id,
                jurisdiction_id=jurisdiction_id,
                indicator_id=indicator_id,
            )
        )
    if added and outcome == "unchanged":
        outcome = "updated"
    return outcome


def _scope_rows(session: Session, entry: PublisherEntry) -> set[tuple[int, int | None]]:
    if not entry.jurisdiction_kinds:
        return set()
    jurisdiction_ids = session.exec(
        select(Jurisdiction.id).where(col(Jurisdiction.kind).in_(entry.jurisdiction_kinds))
    ).all()
    indicator_ids: list[int | None] = (
        list(session.exec(select(Indicator.id).where(col(Indicator.code).in_(entry.indicators))))
        if entry.indicators
        else [None]
    )
    return {(j, i) for j in jurisdiction_ids if j is not None for i in indicator_ids}


def _upsert_source(session: Session, entry: SourceEntry, organisation_id: int) -> str:
    values: dict[str, Any] = {
        "name": entry.name,
        "kind": entry.kind,
        "config": entry.config,
        "schedule": entry.schedule,
        "organisation_id": organisation_id,
        "active": entry.active,
    }
    source = session.exec(select(Source).where(Source.code == entry.code)).first()
    if source is None:
        source = Source(code=entry.code, **values)
        session.add(source)
        session.flush()
        assert source.id is not None  # just flushed
        _audit(session, "source.created", "source", source.id, None, _plain(values))
        return "created"
    before = {k: getattr(source, k) for k in values}
    if before == values:
        return "unchanged"
    for key, value in values.items():
        setattr(source, key, value)
    source.updated_at = utcnow()
    assert source.id is not None  # loaded from the database
    _audit(session, "source.updated", "source", source.id, _plain(before), _plain(values))
    return "updated"


def _upsert_obligation(
    session: Session,
    entry: ObligationEntry,
    organisation_id: int,
    indicator_id: int,
    jurisdiction_ids: list[int],
) -> str:
    values: dict[str, Any] = {
        "due_days": entry.due_days,
        "first_period": entry.first_period,
        "last_period": entry.last_period,
        "contact_email": entry.contact_email,
        "active": entry.active,
    }
    obligation = session.exec(
        select(ReportingObligation).where(
            ReportingObligation.organisation_id == organisation_id,
            ReportingObligation.indicator_id == indicator_id,
            ReportingObligation.frequency == entry.frequency,
        )
    ).first()
    outcome = "unchanged"
    if obligation is None:
        obligation = ReportingObligation(
            organisation_id=organisation_id,
            indicator_id=indicator_id,
            frequency=entry.frequency,
            **values,
        )
        session.add(obligation)
        session.flush()
        outcome = "created"
    elif {k: getattr(obligation, k) for k in values} != values:
        for key, value in values.items():
            setattr(obligation, key, value)
        outcome = "updated"
    assert obligation.id is not None  # stored or just flushed
    links = {
        link.jurisdiction_id: link
        for link in session.exec(
            select(ReportingObligationJurisdiction).where(
                ReportingObligationJurisdiction.obligation_id == obligation.id
            )
        )
    }
    for jurisdiction_id in set(jurisdiction_ids) - set(links):
        session.add(
            ReportingObligationJurisdiction(
                obligation_id=obligation.id,
                jurisdiction_id=jurisdiction_id,
            )
        )
    for jurisdiction_id in set(links) - set(jurisdiction_ids):
        session.delete(links[jurisdiction_id])
    if set(links) != set(jurisdiction_ids) and outcome == "unchanged":
        outcome = "updated"
    return outcome


def _audit(
    session: Session,
    action: str,
    object_type: str,
    object_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session, None, action, object_type, object_id, before=before, after=after, actor_label=ACTOR
    )


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in values.items()}

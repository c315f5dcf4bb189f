"""Writing a checked dataset into the database: idempotent, one transaction, every change audited.

Rows are matched on their natural keys. A new entry is created, a changed one updated (the audit
trail keeps before and after), an unchanged one left alone, so loading twice changes nothing.
A changed document figure (observation) becomes a new version that supersedes the old one.
A measure's status is taken from the file only when the measure is created: after that it is
reported through the API and the file no longer overrides it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol, TypeVar

from sqlmodel import Session, SQLModel, col, select

from core.clock import utcnow
from core.enums import DocumentStatus, JurisdictionKind, OrganisationKind, PartnerRole
from db.models import (
    ActionLine,
    DistributionRule,
    DistributionShare,
    HousingType,
    Indicator,
    Jurisdiction,
    Measure,
    MeasurePartner,
    Observation,
    Organisation,
    OrganisationScope,
    PolicyDocument,
    Project,
    ProjectPhaseChange,
    ProjectUnits,
    RegionMembership,
    ReportingObligation,
    ReportingObligationJurisdiction,
    Target,
    TargetGroup,
    cell_key,
)
from ingest.periods import Period
from ingest.reference.dataset import Dataset, Located
from ingest.reference.entries import Citation
from services import audit

ACTOR = "reference-data"
Row = TypeVar("Row", bound=SQLModel)


class _Stored(Protocol):
    id: int | None


def _flushed_id(row: _Stored) -> int:
    """The id of a row ``upsert`` returned (stored before, or flushed when created)."""
    assert row.id is not None
    return row.id


@dataclass
class LoadSummary:
    """Per file: how many entries were created, updated and left unchanged."""

    per_file: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def count(self, file: str, outcome: str) -> None:
        self.per_file[file][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counts[outcome] for counts in self.per_file.values())

    @property
    def changed(self) -> bool:
        return self.total("created") + self.total("updated") > 0


def publication_code(document_code: str) -> str:
    """The organisation that stands as the source of a document's own figures."""
    return f"publicatie-{document_code}"


class _Loader:
    def __init__(self, session: Session, dataset: Dataset) -> None:
        self.session = session
        self.dataset = dataset
        self.summary = LoadSummary()
        self.ids: dict[type[SQLModel], dict[Any, int]] = defaultdict(dict)

    # --- generic machinery ----------------------------------------------------------------

    def existing(self, model: type[Row], key: Callable[[Row], Any]) -> dict[Any, Row]:
        return {key(row): row for row in self.session.exec(select(model))}

    def upsert(
        self,
        model: type[Row],
        rows: dict[Any, Row],
        key: Any,
        values: dict[str, Any],
        *,
        file: str | None,
        label: str,
        create_only: Iterable[str] = (),
    ) -> Row:
        row = rows.get(key)
        if row is None:
            row = model(**values)
            self.session.add(row)
            self.session.flush()
            rows[key] = row
            self._audit("create", row, label, None, _jsonable(values))
            outcome = "created"
        else:
            changes = {
                name: value
                for name, value in values.items()
                if name not in create_only and not _same(getattr(row, name), value)
            }
            if changes:
                before = {name: _jsonable(getattr(row, name)) for name in changes}
                for name, value in changes.items():
                    setattr(row, name, value)
                if hasattr(row, "updated_at"):
                    row.updated_at = utcnow()
                self.session.flush()
                self._audit("update", row, label, before, _jsonable(changes))
                outcome = "updated"
            else:
                outcome = "unchanged"
        if file is not None:
            self.summary.count(file, outcome)
        return row

    def _audit(self, action: str, row: SQLModel, label: str, before: Any, after: Any) -> None:
        table = row.__tablename__
        assert isinstance(table, str)  # typed with its class-level declared_attr form too
        audit.record(
            self.session,
            None,
            f"reference.{action}",
            table,
            label,
            before=before,
            after=after,
            actor_label=ACTOR,
        )

    def id_of(self, model: type[SQLModel], code: str | None) -> int | None:
        return None if code is None else self.ids[model][code]

    def breakdown(self, entry: Any) -> dict[str, Any]:
        """The target group, housing type and price segment columns of an entry."""
        return dict(
            target_group_id=self.id_of(TargetGroup, entry.target_group),
            housing_type_id=self.id_of(HousingType, entry.housing_type),
            price_segment=entry.price_segment,
        )

    # --- the dataset, in dependency order ----------------------------------------------------

    def run(self) -> LoadSummary:
        self.jurisdictions()
        self.regions()
        self.organisations()
        self.reporting_scopes()
        self.vocabulary(TargetGroup, "target_groups", statutory=True)
        self.vocabulary(HousingType, "housing_types", statutory=False)
        self.indicators()
        self.reported_indicators()
        self.documents()
        self.action_lines_and_measures()
        self.distribution_rules()
        self.targets()
        self.observations()
        self.projects()
        return self.summary

    def jurisdictions(self) -> None:
        rows = self.existing(Jurisdiction, lambda r: r.code)
        rank = {
            JurisdictionKind.COUNTRY: 0,
            JurisdictionKind.PROVINCE: 1,
            JurisdictionKind.MUNICIPALITY: 2,
        }
        ordered = sorted(
            self.dataset.of("jurisdictions"),
            key=lambda loc: (rank.get(loc.entry.kind, 3), loc.entry.successor is None),
            reverse=False,
        )
        # Successors are created before the jurisdictions they replace.
        ordered.sort(key=lambda loc: (rank.get(loc.entry.kind, 3), loc.entry.successor is not None))
        for loc in ordered:
            e = loc.entry
            row = self.upsert(
                Jurisdiction,
                rows,
                e.code,
                dict(
                    code=e.code,
                    name=e.name,
                    kind=e.kind,
                    region_type=None,
                    parent_id=self.ids[Jurisdiction].get(e.parent) if e.parent else None,
                    successor_id=self.ids[Jurisdiction].get(e.successor) if e.successor else None,
                    valid_from=e.valid_from,
                    valid_to=e.valid_to,
                    notes=_notes(e),
                    source=_citation(e.source, loc),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[Jurisdiction][e.code] = _flushed_id(row)

    def regions(self) -> None:
        rows = self.existing(Jurisdiction, lambda r: r.code)
        memberships = self.existing(RegionMembership, lambda r: (r.region_id, r.member_id))
        listed: set[tuple[int, int]] = set()
        for loc in self.dataset.of("regions"):
            e = loc.entry
            region = self.upsert(
                Jurisdiction,
                rows,
                e.code,
                dict(
                    code=e.code,
                    name=e.name,
                    kind=JurisdictionKind.REGION,
                    region_type=e.region_type,
                    notes=_notes(e),
                    source=_citation(e.source, loc),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[Jurisdiction][e.code] = _flushed_id(region)
        for loc in self.dataset.of("regions"):  # members may be regions defined further down
            region_id = self.ids[Jurisdiction][loc.entry.code]
            for member in loc.entry.members:
                key = (region_id, self.ids[Jurisdiction][member.code])
                listed.add(key)
                self.upsert(
                    RegionMembership,
                    memberships,
                    key,
                    dict(
                        region_id=key[0],
                        member_id=key[1],
                        valid_from=member.valid_from,
                        valid_to=member.valid_to,
                        notes=member.notes,
                    ),
                    file=None,
                    label=f"{loc.entry.code}/{member.code}",
                )
        for key, row in memberships.items():
            if key not in listed:
                self._audit("delete", row, f"membership {key}", _jsonable(row.model_dump()), None)
                self.session.delete(row)

    def organisations(self) -> None:
        rows = self.existing(Organisation, lambda r: r.code)
        for loc in self.dataset.of("organisations"):
            e = loc.entry
            row = self.upsert(
                Organisation,
                rows,
                e.code,
                dict(
                    code=e.code,
                    name=e.name,
                    kind=e.kind,
                    jurisdiction_id=self.id_of(Jurisdiction, e.jurisdiction),
                    notes=_notes(e),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[Organisation][e.code] = _flushed_id(row)
        for loc in self.dataset.documents:
            e = loc.entry
            code = publication_code(e.code)
            row = self.upsert(
                Organisation,
                rows,
                code,
                dict(
                    code=code,
                    name=f"Publicatie: {e.title}"[:200],
                    kind=OrganisationKind.PUBLICATION,
                    jurisdiction_id=self.id_of(Jurisdiction, e.jurisdiction),
                    notes="Source of the figures the document itself reports.",
                ),
                file=None,
                label=code,
            )
            self.ids[Organisation][code] = _flushed_id(row)

    def reporting_scopes(self) -> None:
        """Each organisation reports for what its ``reports:`` lists (a task force: the area it
        covers); a municipality with a home jurisdiction reports for it when nothing is listed.
        Only adds: scopes granted through the API or the CLI are kept (revoking is theirs)."""
        existing = {
            (r.organisation_id, r.jurisdiction_id, r.indicator_id)
            for r in self.session.exec(select(OrganisationScope))
        }
        for loc in self.dataset.of("organisations"):
            e = loc.entry
            codes = e.reports
            if codes is None and e.kind is OrganisationKind.MUNICIPALITY and e.jurisdiction:
                codes = [e.jurisdiction]
            organisation_id = self.ids[Organisation][e.code]
            for code in codes or []:
                key = (organisation_id, self.ids[Jurisdiction][code], None)
                if key in existing:
                    continue
                row = OrganisationScope(
                    organisation_id=organisation_id, jurisdiction_id=key[1], indicator_id=None
                )
                self.session.add(row)
                self.session.flush()
                existing.add(key)
                self._audit("create", row, f"{e.code}/scope {code}", None, {"jurisdiction": code})

    def reported_indicators(self) -> None:
        """``reporting:`` entries: the organisation may report those indicators for those
        jurisdictions (scope rows per indicator), and owes them when an ``obligation`` is given.
        Entries without an organisation only record (in their flag) that the document names no
        one: nothing is stored for them. Like the scopes above this only adds: an obligation that
        exists is left as the API or the CLI set it."""
        scopes = {
            (r.organisation_id, r.jurisdiction_id, r.indicator_id)
            for r in self.session.exec(select(OrganisationScope))
        }
        for loc in self.dataset.of("reporting"):
            e = loc.entry
            created = False
            if e.organisation is not None:
                organisation_id = self.ids[Organisation][e.organisation]
                for indicator in e.indicators:
                    indicator_id = self.ids[Indicator][indicator]
                    for code in e.jurisdictions:
                        key = (organisation_id, self.ids[Jurisdiction][code], indicator_id)
                        if key not in scopes:
                            self._add_scope(key, f"{e.organisation}/scope {code} {indicator}")
                            scopes.add(key)
                            created = True
                    if e.obligation is not None:
                        created |= self._add_obligation(e, organisation_id, indicator, indicator_id)
            self.summary.count(loc.file, "created" if created else "unchanged")

    def _add_scope(self, key: tuple[int, int, int | None], label: str) -> None:
        row = OrganisationScope(organisation_id=key[0], jurisdiction_id=key[1], indicator_id=key[2])
        self.session.add(row)
        self.session.flush()
        self._audit("create", row, label, None, {"scope": label})

    def _add_obligation(
        self, e: Any, organisation_id: int, indicator: str, indicator_id: int
    ) -> bool:
        terms = e.obligation
        exists = self.session.exec(
            select(ReportingObligation.id).where(
                ReportingObligation.organisation_id == organisation_id,
                ReportingObligation.indicator_id == indicator_id,
                ReportingObligation.frequency == terms.frequency,
            )
        ).first()
        if exists is not None:
            return False
        obligation = ReportingObligation(
            organisation_id=organisation_id,
            indicator_id=indicator_id,
            frequency=terms.frequency,
            due_days=terms.due_days,
            first_period=terms.first_period,
        )
        self.session.add(obligation)
        self.session.flush()
        for code in e.jurisdictions:
            self.session.add(
                ReportingObligationJurisdiction(
                    obligation_id=_flushed_id(obligation),
                    jurisdiction_id=self.ids[Jurisdiction][code],
                )
            )
        self.session.flush()
        self._audit(
            "create",
            obligation,
            f"{e.organisation}/{indicator}/{terms.frequency.value}",
            None,
            {
                "frequency": terms.frequency.value,
                "due_days": terms.due_days,
                "first_period": terms.first_period,
                "jurisdictions": sorted(e.jurisdictions),
            },
        )
        return True

    def vocabulary(
        self, model: type[TargetGroup] | type[HousingType], kind: str, *, statutory: bool
    ) -> None:
        rows = self.existing(model, lambda r: r.code)
        for loc in _parents_first(self.dataset.of(kind), lambda e: [e.parent]):
            e = loc.entry
            values: dict[str, Any] = dict(
                code=e.code,
                name_nl=e.name_nl,
                name_en=e.name_en,
                parent_id=self.id_of(model, e.parent),
                definition=e.definition,
                counting_rule=e.counting_rule,
                notes=_notes(e),
                source=_citation(e.source, loc),
            )
            if statutory:
                values["statutory"] = e.statutory
            row = self.upsert(model, rows, e.code, values, file=loc.file, label=e.code)
            self.ids[model][e.code] = _flushed_id(row)

    def indicators(self) -> None:
        rows = self.existing(Indicator, lambda r: r.code)
        for loc in _parents_first(
            self.dataset.of("indicators"), lambda e: [e.numerator, e.denominator]
        ):
            e = loc.entry
            row = self.upsert(
                Indicator,
                rows,
                e.code,
                dict(
                    code=e.code,
                    name_nl=e.name_nl,
                    name_en=e.name_en,
                    unit=e.unit,
                    kind=e.kind,
                    direction=e.direction,
                    numerator_id=self.id_of(Indicator, e.numerator),
                    denominator_id=self.id_of(Indicator, e.denominator),
                    dimensions=list(e.dimensions),
                    description=_join(e.description, _notes(e)),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[Indicator][e.code] = _flushed_id(row)

    def documents(self) -> None:
        rows = self.existing(PolicyDocument, lambda r: r.code)
        for loc in self.dataset.documents:
            e = loc.entry
            row = self.upsert(
                PolicyDocument,
                rows,
                e.code,
                dict(
                    code=e.code,
                    title=e.title,
                    issuer_id=self.id_of(Organisation, e.issuer),
                    jurisdiction_id=self.id_of(Jurisdiction, e.jurisdiction),
                    published_on=e.published_on,
                    status=e.status,
                    horizon_year=e.horizon_year,
                    source_file=e.source_file,
                    notes=_notes(e),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[PolicyDocument][e.code] = _flushed_id(row)

    def action_lines_and_measures(self) -> None:
        lines = self.existing(ActionLine, lambda r: (r.document_id, r.code))
        line_ids: dict[tuple[int, str], int] = {}
        located = self.dataset.of("action_lines")
        for loc in _parents_first(located, lambda e: [e.parent], per_document=True):
            e = loc.entry
            document_id = self.ids[PolicyDocument][loc.document]
            row = self.upsert(
                ActionLine,
                lines,
                (document_id, e.code),
                dict(
                    document_id=document_id,
                    code=e.code,
                    title=e.title,
                    parent_id=line_ids.get((document_id, e.parent)) if e.parent else None,
                    description=_join(e.description, _notes(e)),
                    position=e.position if e.position is not None else located.index(loc) + 1,
                    source=_citation(e.source, loc),
                ),
                file=loc.file,
                label=f"{loc.document}/{e.code}",
            )
            line_ids[(document_id, e.code)] = _flushed_id(row)
        measures = self.existing(Measure, lambda r: (r.document_id, r.code))
        partners = self.existing(MeasurePartner, lambda r: (r.measure_id, r.organisation_id))
        for loc in self.dataset.of("measures"):
            e = loc.entry
            document_id = self.ids[PolicyDocument][loc.document]
            measure = self.upsert(
                Measure,
                measures,
                (document_id, e.code),
                dict(
                    document_id=document_id,
                    code=e.code,
                    title=e.title,
                    action_line_id=line_ids.get((document_id, e.action_line))
                    if e.action_line
                    else None,
                    description=e.description,
                    owner_id=self.id_of(Organisation, e.owner),
                    planned_start=e.planned_start,
                    due=e.due,
                    status=e.status,
                    source=_citation(e.source, loc),
                    notes=_notes(e),
                ),
                file=loc.file,
                label=f"{loc.document}/{e.code}",
                create_only=("status",),
            )
            wanted = {self.ids[Organisation][code]: PartnerRole.PARTNER for code in e.partners}
            if e.owner:
                wanted[self.ids[Organisation][e.owner]] = PartnerRole.LEAD
            self._sync_partners(measure, wanted, partners, f"{loc.document}/{e.code}")

    def _sync_partners(
        self,
        measure: Measure,
        wanted: dict[int, PartnerRole],
        partners: dict[tuple[int, int], MeasurePartner],
        label: str,
    ) -> None:
        for organisation_id, role in wanted.items():
            key = (measure.id, organisation_id)
            self.upsert(
                MeasurePartner,
                partners,
                key,
                dict(measure_id=measure.id, organisation_id=organisation_id, role=role),
                file=None,
                label=f"{label}/partner {organisation_id}",
            )
        for (measure_id, organisation_id), row in list(partners.items()):
            if measure_id == measure.id and organisation_id not in wanted:
                self._audit(
                    "delete",
                    row,
                    f"{label}/partner {organisation_id}",
                    _jsonable(row.model_dump()),
                    None,
                )
                self.session.delete(row)
                del partners[(measure_id, organisation_id)]

    def distribution_rules(self) -> None:
        rules = self.existing(DistributionRule, lambda r: r.code)
        shares = self.existing(DistributionShare, lambda r: (r.rule_id, r.jurisdiction_id))
        for loc in self.dataset.of("distribution_rules"):
            e = loc.entry
            rule = self.upsert(
                DistributionRule,
                rules,
                e.code,
                dict(
                    code=e.code,
                    name=e.name,
                    method=e.method,
                    region_id=self.id_of(Jurisdiction, e.region),
                    indicator_id=self.id_of(Indicator, e.indicator),
                    **self.breakdown(e),
                    target_kind=e.target_kind,
                    input_indicator_id=self.id_of(Indicator, e.input_indicator),
                    input_price_segment=e.input_price_segment,
                    input_period_from=e.input_period_from,
                    input_period_to=e.input_period_to,
                    percentage=e.percentage,
                    regional_total=e.regional_total,
                    recurrence=e.recurrence,
                    carry_over=e.carry_over,
                    rounding=e.rounding,
                    document_id=self.id_of(PolicyDocument, loc.document),
                    source=_citation(e.source, loc),
                    notes=_notes(e),
                ),
                file=loc.file,
                label=e.code,
            )
            self.ids[DistributionRule][e.code] = _flushed_id(rule)
            for share in e.shares:
                key = (rule.id, self.ids[Jurisdiction][share.jurisdiction])
                self.upsert(
                    DistributionShare,
                    shares,
                    key,
                    dict(
                        rule_id=key[0],
                        jurisdiction_id=key[1],
                        value=share.value,
                        source=_citation(share.source, loc),
                        flag=_join(share.flag, share.notes),
                    ),
                    file=None,
                    label=f"{e.code}/{share.jurisdiction}",
                )

    def targets(self) -> None:
        rows = self.existing(Target, lambda r: r.code)
        statuses: dict[str | None, DocumentStatus] = {
            loc.entry.code: loc.entry.status for loc in self.dataset.documents
        }
        for loc in self.dataset.of("targets"):
            e = loc.entry
            deadline = Period.parse(e.deadline) if e.deadline else None
            self.upsert(
                Target,
                rows,
                e.code,
                dict(
                    code=e.code,
                    indicator_id=self.id_of(Indicator, e.indicator),
                    jurisdiction_id=self.id_of(Jurisdiction, e.jurisdiction),
                    **self.breakdown(e),
                    kind=e.kind,
                    value=e.value,
                    value_low=e.low,
                    value_high=e.high,
                    baseline_period=e.baseline.period if e.baseline else None,
                    baseline_value=e.baseline.value if e.baseline else None,
                    start_period=e.start,
                    deadline=e.deadline,
                    deadline_year=deadline.end.year if deadline else None,
                    recurrence=e.recurrence,
                    carry_over=e.carry_over,
                    status=e.status or statuses[loc.document],
                    document_id=self.id_of(PolicyDocument, loc.document),
                    source=_citation(e.source, loc),
                    flag=e.flag,
                    notes=e.notes,
                    distribution_rule_id=self.id_of(DistributionRule, e.distribution_rule),
                ),
                file=loc.file,
                label=e.code,
            )

    def observations(self) -> None:
        current = {
            (row.cell_key, row.source_organisation_id): row
            for row in self.session.exec(
                select(Observation).where(col(Observation.superseded_at).is_(None))
            )
        }
        for loc in self.dataset.of("observations"):
            e = loc.entry
            period = Period.parse(e.period)
            indicator_id = self.ids[Indicator][e.indicator]
            jurisdiction_id = self.ids[Jurisdiction][e.jurisdiction]
            tg, ht = (
                self.id_of(TargetGroup, e.target_group),
                self.id_of(HousingType, e.housing_type),
            )
            key = cell_key(
                indicator_id, jurisdiction_id, str(period), tg, ht, e.price_segment, e.per_year
            )
            if loc.document is None:  # no publication stands as the source of figures in common/
                raise KeyError(f"{loc.file}: {loc.label}: figures belong in a document folder")
            source_id = self.ids[Organisation][publication_code(loc.document)]
            metadata = dict(source=_citation(e.source, loc), flag=e.flag, notes=e.notes)
            existing = current.get((key, source_id))
            if existing is not None and _same(existing.value, e.value):
                self.upsert(
                    Observation, {key: existing}, key, metadata, file=loc.file, label=loc.label
                )
                continue
            row = Observation(
                indicator_id=indicator_id,
                jurisdiction_id=jurisdiction_id,
                period=str(period),
                period_start=period.start,
                period_end=period.end,
                target_group_id=tg,
                housing_type_id=ht,
                price_segment=e.price_segment,
                cell_key=key,
                value=e.value,
                per_year=e.per_year,
                source_organisation_id=source_id,
                version=existing.version + 1 if existing else 1,
                change_reason="reference data changed" if existing else None,
                **metadata,
            )
            self.session.add(row)
            self.session.flush()
            if existing is not None:
                existing.superseded_at = row.recorded_at
                existing.superseded_by_id = row.id
                self._audit(
                    "update",
                    row,
                    loc.label,
                    {"value": str(existing.value)},
                    {"value": str(e.value)},
                )
                self.summary.count(loc.file, "updated")
            else:
                self._audit("create", row, loc.label, None, {"value": str(e.value)})
                self.summary.count(loc.file, "created")
            current[(key, source_id)] = row

    def _municipal_organisations(self) -> dict[str, int]:
        return {
            municipality: self.ids[Organisation][code]
            for municipality, code in municipal_organisations(self.dataset).items()
        }

    def projects(self) -> None:
        rows = self.existing(Project, lambda r: (r.owner_id, r.external_key))
        units = self.existing(ProjectUnits, lambda r: (r.project_id, r.breakdown_key))
        registrars = self._municipal_organisations()
        for loc in self.dataset.of("projects"):
            e = loc.entry
            owner_id = self.ids[Organisation][e.owner] if e.owner else registrars[e.municipality]
            previous = rows.get((owner_id, e.code))
            previous_phase = previous.phase if previous else None
            completion = Period.parse(e.expected_completion).end if e.expected_completion else None
            project = self.upsert(
                Project,
                rows,
                (owner_id, e.code),
                dict(
                    external_key=e.code,
                    name=e.name,
                    municipality_id=self.id_of(Jurisdiction, e.municipality),
                    district_id=self.id_of(Jurisdiction, e.district),
                    owner_id=owner_id,
                    location=e.location,
                    phase=e.phase,
                    expected_completion=completion,
                    source=_citation(e.source, loc),
                    notes=_notes(e),
                ),
                file=loc.file,
                label=e.code,
            )
            if previous_phase != e.phase:
                self.session.add(
                    ProjectPhaseChange(
                        project_id=_flushed_id(project),
                        from_phase=previous_phase,
                        to_phase=e.phase,
                        changed_on=date.today(),
                        note=f"reference data ({loc.file})",
                    )
                )
            for item in e.units:
                tg, ht = (
                    self.id_of(TargetGroup, item.target_group),
                    self.id_of(HousingType, item.housing_type),
                )
                breakdown = f"{ht or ''}|{tg or ''}"
                self.upsert(
                    ProjectUnits,
                    units,
                    (project.id, breakdown),
                    dict(
                        project_id=project.id,
                        housing_type_id=ht,
                        target_group_id=tg,
                        breakdown_key=breakdown,
                        units=item.units,
                    ),
                    file=None,
                    label=f"{e.code}/{breakdown}",
                )


def municipal_organisations(dataset: Dataset) -> dict[str, str]:
    """Municipality code → code of its own organisation (registers projects without an owner)."""
    return {
        loc.entry.jurisdiction: loc.entry.code
        for loc in dataset.of("organisations")
        if loc.entry.kind == OrganisationKind.MUNICIPALITY and loc.entry.jurisdiction
    }


def load_dataset(session: Session, dataset: Dataset) -> LoadSummary:
    """Write ``dataset`` in the session's transaction; the caller commits (or rolls back)."""
    return _Loader(session, dataset).run()


# --- helpers ----------------------------------------------------------------------------


def _parents_first(
    located: list[Located[Any]],
    parents: Callable[[Any], list[str | None]],
    *,
    per_document: bool = False,
) -> list[Located[Any]]:
    """Order entries so that every entry comes after the entries it refers to.

    Codes are unique in the whole dataset, or within a document when ``per_document``.
    """

    def key(loc: Located[Any], code: str | None) -> tuple[str | None, str | None]:
        return (loc.document if per_document else None, code)

    by_key = {key(loc, loc.entry.code): loc for loc in located}
    ordered: list[Located[Any]] = []
    done: set[tuple[str | None, str | None]] = set()

    def visit(loc: Located[Any], path: tuple[tuple[str | None, str | None], ...]) -> None:
        own = key(loc, loc.entry.code)
        if own in done or own in path:
            return
        for parent in parents(loc.entry):
            if key(loc, parent) in by_key:
                visit(by_key[key(loc, parent)], (*path, own))
        done.add(own)
        ordered.append(loc)

    for loc in located:
        visit(loc, ())
    return ordered


def _citation(citation: Citation | None, loc: Located[Any]) -> dict[str, Any] | None:
    if citation is None:
        return None
    data = citation.model_dump(exclude_none=True)
    data.setdefault("document", loc.document)
    if data["document"] is None:
        del data["document"]
    return data


def _notes(entry: Any) -> str | None:
    return _join(
        getattr(entry, "notes", None),
        f"FLAG: {entry.flag}" if getattr(entry, "flag", None) else None,
    )


def _join(*parts: str | None) -> str | None:
    text = "\n".join(p for p in parts if p)
    return text or None


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return old == new


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value

"""Policy content changed through the API, written back in the reference YAML format
(``data/reference/FORMAT.md``), so a policy officer can take it into ``data/reference/`` by a
reviewed pull request.

What was changed through the API is what the audit trail records as ``policy.*`` events (since a
moment, if given). Each changed entity is written in full, under its document's folder with that
document's ``document.yaml`` (a folder without one does not load); targets and rules without a
document go to ``common/``. Targets a distribution rule derived are not written: loading the rule
derives them again. With ``with_common`` the vocabularies the content can refer to (jurisdictions,
regions, organisations, target groups, housing types, indicators) are written to ``common/`` as
well, so the folder loads on its own into an empty database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import yaml
from sqlmodel import Session, col, select

from core.enums import JurisdictionKind, OrganisationKind, PartnerRole
from db.models import (
    ActionLine,
    AuditEvent,
    DistributionRule,
    DistributionShare,
    HousingType,
    Indicator,
    Jurisdiction,
    Measure,
    MeasurePartner,
    Organisation,
    PolicyDocument,
    RegionMembership,
    Target,
    TargetGroup,
)

COMMON = "common"
NO_CITATION = {"reason": "exported without a citation: add one before committing"}


@dataclass
class Export:
    """File path (relative to a dataset folder) → entries; ``files()`` renders them."""

    entries: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, folder: str, kind: str, key: str, entry: dict[str, Any]) -> None:
        self.entries[f"{folder}/{kind}.yaml"].setdefault(kind, {})[key] = entry

    def files(self) -> dict[str, str]:
        rendered = {}
        for path, kinds in sorted(self.entries.items()):
            ((kind, by_key),) = kinds.items()
            body: Any = next(iter(by_key.values())) if kind == "document" else list(by_key.values())
            rendered[path] = yaml.safe_dump(
                {kind: body}, allow_unicode=True, sort_keys=False, width=100
            )
        return rendered


def changed_through_api(session: Session, since: datetime | None = None) -> dict[str, set[str]]:
    """Per object type, the labels (codes; ``document/code`` for lines and measures) of the
    policy content the API created, changed or retired."""
    query = select(AuditEvent.object_type, AuditEvent.object_id).where(
        col(AuditEvent.action).like("policy.%")
    )
    if since is not None:
        query = query.where(col(AuditEvent.occurred_at) >= since)
    changed: dict[str, set[str]] = defaultdict(set)
    for object_type, label in session.exec(query):
        changed[object_type].add(label)
    return changed


def export_policy_content(
    session: Session, since: datetime | None = None, *, with_common: bool = False
) -> dict[str, str]:
    """The YAML files (relative path → text) of what the API changed."""
    return _Writer(session).run(changed_through_api(session, since), with_common)


class _Writer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.out = Export()
        self.codes: dict[type[Any], dict[int, str]] = {}

    def code(self, model: type[Any], row_id: int | None) -> str | None:
        if row_id is None:
            return None
        if model not in self.codes:
            self.codes[model] = dict(self.session.exec(select(model.id, model.code)).all())
        return self.codes[model][row_id]

    def run(self, changed: dict[str, set[str]], with_common: bool) -> dict[str, str]:
        documents = {row.id: row for row in self.session.exec(select(PolicyDocument))}
        by_code = {row.code: row for row in documents.values()}
        for code in changed.get("policy_document", set()):
            self.document(by_code[code])
        for label in changed.get("action_line", set()):
            document_code, code = label.split("/", 1)
            document = by_code[document_code]
            row = self.session.exec(
                select(ActionLine).where(
                    ActionLine.document_id == document.id, ActionLine.code == code
                )
            ).one()
            self.document(document)
            self.action_line(document, row)
        for label in changed.get("measure", set()):
            document_code, code = label.split("/", 1)
            document = by_code[document_code]
            measure = self.session.exec(
                select(Measure).where(Measure.document_id == document.id, Measure.code == code)
            ).one()
            self.document(document)
            self.measure(document, measure)
        for code in changed.get("distribution_rule", set()):
            rule = self.session.exec(
                select(DistributionRule).where(DistributionRule.code == code)
            ).one()
            self.rule(documents.get(rule.document_id), rule)
        for code in changed.get("target", set()):
            target = self.session.exec(select(Target).where(Target.code == code)).one()
            if (target.derivation or {}).get("derived_target"):
                continue
            self.target(documents.get(target.document_id), target)
        if with_common:
            self.common()
        return self.out.files()

    # --- policy content ----------------------------------------------------------------------

    def document(self, row: PolicyDocument) -> None:
        self.out.add(
            row.code,
            "document",
            row.code,
            _entry(
                code=row.code,
                title=row.title,
                issuer=self.code(Organisation, row.issuer_id),
                jurisdiction=self.code(Jurisdiction, row.jurisdiction_id),
                published_on=row.published_on,
                status=row.status,
                horizon_year=row.horizon_year,
                source_file=row.source_file,
                notes=row.notes,
                retired_on=row.retired_on,
            ),
        )

    def action_line(self, document: PolicyDocument, row: ActionLine) -> None:
        parent = self.session.get(ActionLine, row.parent_id) if row.parent_id else None
        if parent is not None:
            self.action_line(document, parent)  # a parent must be in the file too
        self.out.add(
            document.code,
            "action_lines",
            row.code,
            _entry(
                code=row.code,
                title=row.title,
                parent=parent.code if parent else None,
                description=row.description,
                position=row.position,
                source=_source(row.source, document.code, required=False),
                retired_on=row.retired_on,
            ),
        )

    def measure(self, document: PolicyDocument, row: Measure) -> None:
        line = self.session.get(ActionLine, row.action_line_id) if row.action_line_id else None
        if line is not None:
            self.action_line(document, line)
        partners = sorted(
            self.code(Organisation, p.organisation_id) or ""
            for p in self.session.exec(
                select(MeasurePartner).where(MeasurePartner.measure_id == row.id)
            )
            if p.role is PartnerRole.PARTNER
        )
        self.out.add(
            document.code,
            "measures",
            row.code,
            _entry(
                code=row.code,
                action_line=line.code if line else None,
                title=row.title,
                description=row.description,
                owner=self.code(Organisation, row.owner_id),
                partners=partners or None,
                planned_start=row.planned_start,
                due=row.due,
                status=row.status,
                source=_source(row.source, document.code),
                notes=row.notes,
                retired_on=row.retired_on,
            ),
        )

    def target(self, document: PolicyDocument | None, row: Target) -> None:
        folder = document.code if document else COMMON
        if document is not None:
            self.document(document)
        rule = (
            self.session.get(DistributionRule, row.distribution_rule_id)
            if row.distribution_rule_id is not None
            else None
        )
        if rule is not None:
            self.rule(document, rule)
        baseline = (
            {"period": row.baseline_period, "value": _number(row.baseline_value)}
            if row.baseline_period is not None and row.baseline_value is not None
            else None
        )
        self.out.add(
            folder,
            "targets",
            row.code,
            _entry(
                code=row.code,
                indicator=self.code(Indicator, row.indicator_id),
                jurisdiction=self.code(Jurisdiction, row.jurisdiction_id),
                target_group=self.code(TargetGroup, row.target_group_id),
                housing_type=self.code(HousingType, row.housing_type_id),
                price_segment=row.price_segment,
                kind=row.kind,
                value=_number(row.value),
                low=_number(row.value_low),
                high=_number(row.value_high),
                baseline=baseline,
                start=row.start_period,
                deadline=row.deadline,
                recurrence=row.recurrence,
                carry_over=row.carry_over or None,
                status=row.status,
                distribution_rule=rule.code if rule else None,
                source=_source(row.source, document.code if document else None),
                flag=row.flag,
                notes=row.notes,
                retired_on=row.retired_on,
            ),
        )

    def rule(self, document: PolicyDocument | None, row: DistributionRule) -> None:
        folder = document.code if document else COMMON
        if document is not None:
            self.document(document)
        here = document.code if document else None
        shares = [
            _entry(
                jurisdiction=self.code(Jurisdiction, share.jurisdiction_id),
                value=_number(share.value),
                source=_source(share.source, here, required=False),
                flag=share.flag,
            )
            for share in self.session.exec(
                select(DistributionShare)
                .where(DistributionShare.rule_id == row.id)
                .order_by(col(DistributionShare.id))
            )
        ]
        self.out.add(
            folder,
            "distribution_rules",
            row.code,
            _entry(
                code=row.code,
                name=row.name,
                method=row.method,
                region=self.code(Jurisdiction, row.region_id),
                indicator=self.code(Indicator, row.indicator_id),
                target_group=self.code(TargetGroup, row.target_group_id),
                housing_type=self.code(HousingType, row.housing_type_id),
                price_segment=row.price_segment,
                target_kind=row.target_kind,
                input_indicator=self.code(Indicator, row.input_indicator_id),
                input_price_segment=row.input_price_segment,
                input_period_from=row.input_period_from,
                input_period_to=row.input_period_to,
                percentage=_number(row.percentage),
                regional_total=_number(row.regional_total),
                shares=shares or None,
                recurrence=row.recurrence,
                carry_over=row.carry_over or None,
                rounding=row.rounding,
                source=_source(row.source, here),
                notes=row.notes,
                retired_on=row.retired_on,
            ),
        )

    # --- the vocabularies, for a folder that loads on its own ---------------------------------

    def common(self) -> None:
        places = list(self.session.exec(select(Jurisdiction).order_by(col(Jurisdiction.id))))
        members: dict[int, list[RegionMembership]] = defaultdict(list)
        for membership in self.session.exec(select(RegionMembership)):
            members[membership.region_id].append(membership)
        for row in places:
            if row.kind is JurisdictionKind.REGION:
                self.out.add(
                    COMMON,
                    "regions",
                    row.code,
                    _entry(
                        code=row.code,
                        name=row.name,
                        region_type=row.region_type,
                        members=[
                            _entry(
                                code=self.code(Jurisdiction, m.member_id),
                                valid_from=m.valid_from,
                                valid_to=m.valid_to,
                                notes=m.notes,
                            )
                            for m in members[row.id or 0]
                        ],
                        source=row.source or NO_CITATION,
                        notes=row.notes,
                    ),
                )
            else:
                self.out.add(
                    COMMON,
                    "jurisdictions",
                    row.code,
                    _entry(
                        code=row.code,
                        name=row.name,
                        kind=row.kind,
                        parent=self.code(Jurisdiction, row.parent_id),
                        successor=self.code(Jurisdiction, row.successor_id),
                        valid_from=row.valid_from,
                        valid_to=row.valid_to,
                        source=row.source,
                        notes=row.notes,
                    ),
                )
        for organisation in self.session.exec(select(Organisation).order_by(col(Organisation.id))):
            if organisation.kind is OrganisationKind.PUBLICATION:
                continue  # the loader makes a document's publication itself
            self.out.add(
                COMMON,
                "organisations",
                organisation.code,
                _entry(
                    code=organisation.code,
                    name=organisation.name,
                    kind=organisation.kind,
                    jurisdiction=self.code(Jurisdiction, organisation.jurisdiction_id),
                    notes=organisation.notes,
                ),
            )
        vocabularies: tuple[tuple[type[TargetGroup] | type[HousingType], str], ...] = (
            (TargetGroup, "target_groups"),
            (HousingType, "housing_types"),
        )
        for model, kind in vocabularies:
            terms: list[Any] = list(self.session.exec(select(model).order_by(col(model.id))))
            for term in terms:
                self.out.add(
                    COMMON,
                    kind,
                    term.code,
                    _entry(
                        code=term.code,
                        name_nl=term.name_nl,
                        name_en=term.name_en,
                        parent=self.code(model, term.parent_id),
                        statutory=getattr(row, "statutory", None) or None,
                        definition=term.definition,
                        counting_rule=term.counting_rule,
                        source=term.source or NO_CITATION,
                        notes=term.notes,
                    ),
                )
        for indicator in self.session.exec(select(Indicator).order_by(col(Indicator.id))):
            self.out.add(
                COMMON,
                "indicators",
                indicator.code,
                _entry(
                    code=indicator.code,
                    name_nl=indicator.name_nl,
                    name_en=indicator.name_en,
                    unit=indicator.unit,
                    kind=indicator.kind,
                    direction=indicator.direction,
                    numerator=self.code(Indicator, indicator.numerator_id),
                    denominator=self.code(Indicator, indicator.denominator_id),
                    dimensions=list(indicator.dimensions) or None,
                    description=indicator.description,
                ),
            )


def _entry(**fields: Any) -> dict[str, Any]:
    """The fields that have a value, as YAML scalars (enums as their text)."""
    return {
        name: value.value if isinstance(value, Enum) else value
        for name, value in fields.items()
        if value is not None
    }


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def _source(
    source: dict[str, Any] | None, document: str | None, *, required: bool = True
) -> dict[str, Any] | None:
    """The stored citation, without the document when it is the folder's own."""
    if not source:
        return dict(NO_CITATION) if required else None
    return {k: v for k, v in source.items() if not (k == "document" and v == document)}

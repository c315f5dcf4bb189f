"""Deriving per-member commitments from a distribution rule's inputs in the database.

A member's target linked to the rule that a document prints keeps its printed value: the
derivation is stored next to it (computed value, unrounded value, inputs) with whether the two
agree, so a doubt is visible and nothing is silently corrected. A member without a printed target
gets a derived one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from core.enums import DistributionMethod, DocumentStatus
from db.models import (
    DistributionRule,
    DistributionShare,
    Jurisdiction,
    Observation,
    PolicyDocument,
    RegionMembership,
    Target,
)
from ingest.periods import Period
from progress_engine import distribution as keys
from progress_engine.distribution import Distribution

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DerivedCommitment:
    member: str
    value: Decimal
    unrounded: Decimal
    printed: Decimal | None  # what the document prints, when it does

    @property
    def matches_printed(self) -> bool | None:
        return None if self.printed is None else self.printed == self.value


@dataclass(frozen=True)
class Derivation:
    rule: str
    commitments: list[DerivedCommitment]
    regional_total: Decimal | None
    missing_inputs: list[str]


class _Inputs:
    """Current figures of one indicator cell for the rule's jurisdictions."""

    def __init__(self, session: Session, rule: DistributionRule) -> None:
        self.session = session
        self.rule = rule

    def figures(self, jurisdiction_id: int) -> list[Observation]:
        return list(
            self.session.exec(
                select(Observation).where(
                    Observation.indicator_id == self.rule.input_indicator_id,
                    Observation.jurisdiction_id == jurisdiction_id,
                    Observation.target_group_id.is_(None),  # type: ignore[union-attr]
                    Observation.housing_type_id.is_(None),  # type: ignore[union-attr]
                    Observation.price_segment == self.rule.input_price_segment,
                    Observation.superseded_at.is_(None),  # type: ignore[union-attr]
                )
            )
        )

    def yearly_average(self, jurisdiction_id: int) -> Decimal | None:
        """The average per year over the reference period: a printed average, or the years."""
        first = Period.parse(self.rule.input_period_from or "").start.year
        last = Period.parse(self.rule.input_period_to or "").end.year
        figures = self.figures(jurisdiction_id)
        for figure in figures:
            if figure.per_year and figure.period == f"{first}/{last}":
                return Decimal(figure.value)
        yearly = {
            Period.parse(f.period).start.year: Decimal(f.value)
            for f in figures
            if not f.per_year and Period.parse(f.period).kind.value == "year"
        }
        try:
            return keys.yearly_average(yearly, first, last)
        except ValueError:
            return None

    def latest(self, jurisdiction_id: int) -> Decimal | None:
        figures = sorted(self.figures(jurisdiction_id), key=lambda f: (f.period_end, f.recorded_at))
        return Decimal(figures[-1].value) if figures else None


def _members(session: Session, region_id: int, today: date) -> dict[str, int]:
    rows = session.exec(
        select(col(Jurisdiction.code), col(Jurisdiction.id), col(RegionMembership.valid_to))
        .join(RegionMembership, col(RegionMembership.member_id) == col(Jurisdiction.id))
        .where(RegionMembership.region_id == region_id)
    )
    return {
        code: id_
        for code, id_, valid_to in rows
        if id_ is not None and (valid_to is None or valid_to >= today)
    }


def compute(
    session: Session, rule: DistributionRule, today: date
) -> tuple[Distribution | None, list[str]]:
    members = _members(session, rule.region_id, today)
    places = 0 if rule.rounding == "half_up" else None
    inputs = _Inputs(session, rule)
    missing: list[str] = []
    if rule.method is DistributionMethod.FIXED:
        shares = session.exec(select(DistributionShare).where(DistributionShare.rule_id == rule.id))
        codes = {id_: code for code, id_ in members.items()}
        return keys.fixed(
            {
                codes[s.jurisdiction_id]: Decimal(s.value)
                for s in shares
                if s.jurisdiction_id in codes
            }
        ), []
    if rule.method is DistributionMethod.SHARE_OF_INDICATOR:
        bases = {}
        for code, id_ in members.items():
            base = inputs.yearly_average(id_)
            if base is None:
                missing.append(code)
            else:
                bases[code] = base
        share = Decimal(rule.percentage or 0) / HUNDRED
        regional = inputs.yearly_average(rule.region_id)
        if not bases:
            return None, missing
        return keys.share_of_indicator(
            share,
            bases,
            regional_base=regional,
            base_name="yearly_average",
            places=places,
            rounding=ROUND_HALF_UP,
        ), missing
    populations = {}
    for code, id_ in members.items():
        population = inputs.latest(id_)
        if population is None:
            missing.append(code)
        else:
            populations[code] = population
    if missing:  # a population key needs every member's population
        return None, missing
    return keys.population_share(
        Decimal(rule.regional_total or 0),
        populations,
        regional_population=inputs.latest(rule.region_id),
        places=places,
    ), missing


def derive_rule(session: Session, rule_id: int, today: date) -> Derivation:
    rule = session.get(DistributionRule, rule_id)
    if rule is None:
        raise LookupError(f"no distribution rule with id {rule_id}")
    result, missing = compute(session, rule, today)
    if result is None:
        return Derivation(rule.code, [], None, missing)
    linked = {
        t.jurisdiction_id: t
        for t in session.exec(select(Target).where(Target.distribution_rule_id == rule.id))
    }
    codes = {
        code: id_
        for code, id_ in session.exec(select(col(Jurisdiction.code), col(Jurisdiction.id)))
        if id_ is not None
    }
    commitments = []
    for member, derived in sorted(result.members.items()):
        jurisdiction_id = codes[member]
        derivation: dict[str, object] = {
            "rule": rule.code,
            "method": rule.method.value,
            "computed": _text(derived.value),
            "unrounded": _text(derived.unrounded),
            "inputs": {name: _text(value) for name, value in derived.inputs.items()},
            "computed_on": today.isoformat(),
        }
        target = linked.get(jurisdiction_id)
        printed = None
        if (
            target is not None
            and target.source
            and target.source.get("quote")
            and target.value is not None
            and not (target.derivation or {}).get("derived_target")
        ):
            printed = Decimal(target.value)
            derivation["matches_printed"] = printed == derived.value
        else:
            derivation["derived_target"] = True
            target = target or _new_target(session, rule, member, jurisdiction_id)
            target.value = derived.value
        target.derivation = derivation
        commitments.append(DerivedCommitment(member, derived.value, derived.unrounded, printed))
    return Derivation(rule.code, commitments, result.regional_total, missing)


def _new_target(
    session: Session, rule: DistributionRule, member: str, jurisdiction_id: int
) -> Target:
    document = session.get(PolicyDocument, rule.document_id) if rule.document_id else None
    target = Target(
        code=f"{rule.code}--{member}"[:128],
        indicator_id=rule.indicator_id,
        jurisdiction_id=jurisdiction_id,
        target_group_id=rule.target_group_id,
        housing_type_id=rule.housing_type_id,
        price_segment=rule.price_segment,
        kind=rule.target_kind,
        value=Decimal(0),
        recurrence=rule.recurrence,
        carry_over=rule.carry_over,
        status=document.status if document else DocumentStatus.ADOPTED,
        document_id=rule.document_id,
        source=rule.source,
        distribution_rule_id=rule.id,
        notes=f"Derived by distribution rule {rule.code}.",
    )
    session.add(target)
    session.flush()
    return target


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")

"""Creating, changing and retiring policy content through the API: documents, action lines,
measures, targets and distribution rules (``services.policy.authoring`` has who may and how a
change is grounded and audited).

Fields are named and valued as in the reference YAML (``data/reference/FORMAT.md``): references
are codes, periods are period text. Retiring sets ``retired_on``; nothing is deleted. A document
or target goes from draft to adopted, never back. A change queues the recompute of the progress
it affects through the outbox: a target's own; a document's targets (its horizon and date
bound them); a rule is derived again at once and its targets recomputed. Action lines and
measures feed no stored figure, so their changes queue nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from core.enums import (
    DistributionMethod,
    DocumentStatus,
    MeasureStatus,
    PartnerRole,
    Recurrence,
    TargetKind,
)
from core.principal import Actor
from db.models import (
    ActionLine,
    DistributionRule,
    DistributionShare,
    HousingType,
    Indicator,
    Jurisdiction,
    Measure,
    MeasurePartner,
    Organisation,
    PolicyDocument,
    Target,
    TargetGroup,
)
from ingest.periods import Period, PeriodError
from services.jobs import enqueue_job
from services.policy.authoring import (
    Citation,
    PolicyError,
    check_author,
    check_retired_on,
    check_role,
    grounds,
    invalid,
    jsonable,
    record_change,
    source_of,
)
from services.progress.distribution import derive_rule

Values = dict[str, Any]
Convert = Callable[[Session, "Context", str, Any], Any]


@dataclass
class Context:
    """What a field's conversion may need: the document the entity belongs to."""

    document_id: int | None = None


def _plain(_: Session, __: Context, ___: str, value: Any) -> Any:
    return value


def _period(_: Session, __: Context, field: str, value: Any) -> Any:
    try:
        return str(Period.parse(str(value)))
    except PeriodError as exc:
        raise invalid(
            "invalid_period",
            field,
            f"{field}: '{value}' is not a period ({exc}).",
            f"{field}: '{value}' is geen periode (zoals 2026, 2026-Q2, 2026-07).",
        ) from None


def _code_of(model: type[SQLModel]) -> Convert:
    def convert(session: Session, _: Context, field: str, code: Any) -> int:
        found = session.exec(select(model.id).where(model.code == code)).first()  # type: ignore[attr-defined]
        if found is None:
            raise invalid(
                "unknown_code",
                field,
                f"{field}: there is no {model.__tablename__} with code '{code}'.",
                f"{field}: er is geen {model.__tablename__} met code '{code}'.",
            )
        return int(found)

    return convert


def _line_of_document(session: Session, context: Context, field: str, code: Any) -> int:
    found = session.exec(
        select(ActionLine.id).where(
            ActionLine.document_id == context.document_id, ActionLine.code == code
        )
    ).first()
    if found is None:
        raise invalid(
            "unknown_code",
            field,
            f"{field}: the document has no action line '{code}'.",
            f"{field}: het document heeft geen actielijn '{code}'.",
        )
    return int(found)


def _percentage(_: Session, __: Context, field: str, value: Any) -> Any:
    if not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise invalid(
            "percentage_range",
            field,
            f"{field}: {value} is not between 0 and 100.",
            f"{field}: {value} ligt niet tussen 0 en 100.",
        )
    return value


def _enum(vocabulary: type[StrEnum]) -> Convert:
    def convert(_: Session, __: Context, field: str, value: Any) -> Any:
        try:
            return vocabulary(value)
        except ValueError:
            allowed = ", ".join(m.value for m in vocabulary)
            raise invalid(
                "unknown_value",
                field,
                f"{field}: '{value}' is not one of {allowed}.",
                f"{field}: '{value}' is niet een van {allowed}.",
            ) from None

    return convert


JURISDICTION = _code_of(Jurisdiction)
ORGANISATION = _code_of(Organisation)
INDICATOR = _code_of(Indicator)


@dataclass(frozen=True)
class Spec:
    """One kind of policy content: its table, how the audit trail and messages name it, its
    fields (input name → column and conversion) and which are required on creation."""

    model: type[Any]
    object_type: str
    what: tuple[str, str]  # English, Dutch (plural, for refusals)
    fields: dict[str, tuple[str, Convert]]
    required: tuple[str, ...]
    fixed: tuple[str, ...] = ("code",)  # set on creation only


DOCUMENT = Spec(
    PolicyDocument,
    "policy_document",
    ("policy documents", "beleidsdocumenten"),
    {
        "code": ("code", _plain),
        "title": ("title", _plain),
        "issuer": ("issuer_id", ORGANISATION),
        "jurisdiction": ("jurisdiction_id", JURISDICTION),
        "published_on": ("published_on", _plain),
        "status": ("status", _enum(DocumentStatus)),
        "horizon_year": ("horizon_year", _plain),
        "source_file": ("source_file", _plain),
        "notes": ("notes", _plain),
    },
    ("code", "title", "jurisdiction", "status"),
)
ACTION_LINE = Spec(
    ActionLine,
    "action_line",
    ("action lines", "actielijnen"),
    {
        "code": ("code", _plain),
        "title": ("title", _plain),
        "parent": ("parent_id", _line_of_document),
        "description": ("description", _plain),
        "position": ("position", _plain),
    },
    ("code", "title"),
)
MEASURE = Spec(
    Measure,
    "measure",
    ("measures", "maatregelen"),
    {
        "code": ("code", _plain),
        "title": ("title", _plain),
        "action_line": ("action_line_id", _line_of_document),
        "description": ("description", _plain),
        "owner": ("owner_id", ORGANISATION),
        "planned_start": ("planned_start", _period),
        "due": ("due", _period),
        "status": ("status", _enum(MeasureStatus)),
        "notes": ("notes", _plain),
    },
    ("code", "title"),
    fixed=("code", "status"),  # later statuses are reported (reportMeasureStatus)
)
TARGET = Spec(
    Target,
    "target",
    ("targets", "doelen"),
    {
        "code": ("code", _plain),
        "indicator": ("indicator_id", INDICATOR),
        "jurisdiction": ("jurisdiction_id", JURISDICTION),
        "target_group": ("target_group_id", _code_of(TargetGroup)),
        "housing_type": ("housing_type_id", _code_of(HousingType)),
        "price_segment": ("price_segment", _plain),
        "kind": ("kind", _enum(TargetKind)),
        "value": ("value", _plain),
        "low": ("value_low", _plain),
        "high": ("value_high", _plain),
        "baseline_period": ("baseline_period", _period),
        "baseline_value": ("baseline_value", _plain),
        "start": ("start_period", _period),
        "deadline": ("deadline", _period),
        "recurrence": ("recurrence", _enum(Recurrence)),
        "carry_over": ("carry_over", _plain),
        "status": ("status", _enum(DocumentStatus)),
        "document": ("document_id", _code_of(PolicyDocument)),
        "flag": ("flag", _plain),
        "notes": ("notes", _plain),
    },
    ("code", "indicator", "jurisdiction", "kind"),
)
RULE = Spec(
    DistributionRule,
    "distribution_rule",
    ("distribution rules", "verdeelsleutels"),
    {
        "code": ("code", _plain),
        "name": ("name", _plain),
        "method": ("method", _enum(DistributionMethod)),
        "region": ("region_id", JURISDICTION),
        "indicator": ("indicator_id", INDICATOR),
        "target_group": ("target_group_id", _code_of(TargetGroup)),
        "housing_type": ("housing_type_id", _code_of(HousingType)),
        "price_segment": ("price_segment", _plain),
        "target_kind": ("target_kind", _enum(TargetKind)),
        "input_indicator": ("input_indicator_id", INDICATOR),
        "input_price_segment": ("input_price_segment", _plain),
        "input_period_from": ("input_period_from", _period),
        "input_period_to": ("input_period_to", _period),
        "percentage": ("percentage", _percentage),
        "regional_total": ("regional_total", _plain),
        "recurrence": ("recurrence", _enum(Recurrence)),
        "carry_over": ("carry_over", _plain),
        "rounding": ("rounding", _plain),
        "document": ("document_id", _code_of(PolicyDocument)),
        "notes": ("notes", _plain),
    },
    ("code", "name", "method", "region", "indicator", "target_kind"),
)


# --- the generic steps --------------------------------------------------------------------


def _columns(session: Session, spec: Spec, context: Context, values: Values) -> Values:
    unknown = sorted(set(values) - set(spec.fields))
    if unknown:
        raise invalid(
            "unknown_field",
            unknown[0],
            f"{', '.join(unknown)}: not a field of {spec.object_type}.",
            f"{', '.join(unknown)}: geen veld van {spec.object_type}.",
        )
    columns = {}
    for name, value in values.items():
        column, convert = spec.fields[name]
        columns[column] = None if value is None else convert(session, context, name, value)
    return columns


def _state(spec: Spec, row: Any) -> Values:
    columns = [column for column, _ in spec.fields.values()]
    return {column: jsonable(getattr(row, column)) for column in [*columns, "retired_on"]}


def _status_forward(old: DocumentStatus | None, new: DocumentStatus | None) -> None:
    if old is DocumentStatus.ADOPTED and new is DocumentStatus.DRAFT:
        raise PolicyError(
            "invalid_state",
            "adopted_stays_adopted",
            "Adopted content does not go back to draft; retire it and create a new draft.",
            "Vastgestelde inhoud gaat niet terug naar concept; trek het in en maak een nieuw "
            "concept.",
        )


def _create(
    session: Session,
    actor: Actor,
    spec: Spec,
    values: Values,
    context: Context,
    citation: Citation | None,
    reason: str | None,
    **extra: Any,
) -> Any:
    grounds(citation, reason)
    missing = [name for name in spec.required if values.get(name) is None]
    if missing:
        raise invalid(
            "required",
            missing[0],
            f"A new {spec.object_type} needs {', '.join(missing)}.",
            f"Een nieuw(e) {spec.object_type} heeft {', '.join(missing)} nodig.",
        )
    columns = _columns(session, spec, context, {k: v for k, v in values.items() if v is not None})
    existing = _find(session, spec, values["code"], context)
    if existing is not None:
        raise invalid(
            "code_taken",
            "code",
            f"There is already a {spec.object_type} with code '{values['code']}'.",
            f"Er is al een {spec.object_type} met code '{values['code']}'.",
        )
    row = spec.model(**columns, **extra)
    if hasattr(row, "source"):
        row.source = source_of(citation, reason, _document_code(session, row))
    return row


def _document_code(session: Session, row: Any) -> str | None:
    document_id = getattr(row, "document_id", None)
    document = session.get(PolicyDocument, document_id) if document_id is not None else None
    return document.code if document is not None else None


def _find(session: Session, spec: Spec, code: str, context: Context) -> Any:
    query = select(spec.model).where(spec.model.code == code)
    if spec.model in (ActionLine, Measure):
        query = query.where(spec.model.document_id == context.document_id)
    return session.exec(query).first()


def _apply(
    session: Session, spec: Spec, row: Any, values: Values, context: Context
) -> tuple[Values, Values]:
    """Set the given fields; the columns' values before and after (only those that change)."""
    if getattr(row, "retired_on", None) is not None:
        raise PolicyError(
            "invalid_state",
            "retired",
            f"{spec.object_type} {row.code} was retired on {row.retired_on}; it changes no more.",
            f"{spec.object_type} {row.code} is op {row.retired_on} ingetrokken en verandert "
            "niet meer.",
        )
    fixed = [name for name in spec.fixed if values.get(name) is not None]
    if fixed:
        raise invalid(
            "not_changeable",
            fixed[0],
            f"{fixed[0]} is set when the {spec.object_type} is created"
            + (
                " (report a measure's status with reportMeasureStatus)."
                if "status" in fixed
                else "."
            ),
            f"{fixed[0]} wordt bij het aanmaken vastgelegd"
            + (" (meld de status met reportMeasureStatus)." if "status" in fixed else "."),
        )
    columns = _columns(session, spec, context, {k: v for k, v in values.items() if v is not None})
    before, after = {}, {}
    for column, value in columns.items():
        if getattr(row, column) != value:
            before[column] = getattr(row, column)
            after[column] = value
    if "status" in after:
        _status_forward(before["status"], after["status"])
    for column, value in after.items():
        setattr(row, column, value)
    return before, after


def _grounded_source(
    session: Session, row: Any, citation: Citation | None, reason: str | None
) -> None:
    """A change with a new citation cites it from now on."""
    if citation is not None and hasattr(row, "source"):
        row.source = source_of(citation, reason, _document_code(session, row))


def _label(spec: Spec, row: Any, document_code: str | None = None) -> str:
    return f"{document_code}/{row.code}" if document_code else str(row.code)


def _retire(
    session: Session,
    actor: Actor,
    spec: Spec,
    row: Any,
    on: date,
    citation: Citation | None,
    reason: str | None,
    label: str,
) -> None:
    grounds(citation, reason)
    check_retired_on(on)
    if row.retired_on is not None:
        raise PolicyError(
            "invalid_state",
            "already_retired",
            f"{spec.object_type} {row.code} was already retired on {row.retired_on}.",
            f"{spec.object_type} {row.code} is al op {row.retired_on} ingetrokken.",
        )
    row.retired_on = on
    session.add(row)
    session.flush()
    record_change(
        session,
        actor,
        "policy.retire",
        spec.object_type,
        label,
        {"retired_on": None},
        {"retired_on": on},
        citation,
        reason,
    )


def _not_found(spec: Spec, code: str) -> PolicyError:
    return PolicyError(
        "not_found",
        "not_found",
        f"There is no {spec.object_type} with code '{code}'.",
        f"Er is geen {spec.object_type} met code '{code}'.",
        "code",
    )


def _document(session: Session, code: str) -> PolicyDocument:
    row = session.exec(select(PolicyDocument).where(PolicyDocument.code == code)).first()
    if row is None:
        raise _not_found(DOCUMENT, code)
    return row


def _queue_targets(session: Session, target_ids: list[int]) -> None:
    if target_ids:
        enqueue_job(session, "recompute_progress", target_ids=sorted(set(target_ids)))


# --- policy documents ---------------------------------------------------------------------


def create_policy_document(
    session: Session, actor: Actor, values: Values, citation: Citation | None, reason: str | None
) -> PolicyDocument:
    check_role(actor, DOCUMENT.what[0])
    context = Context()
    row = _create(session, actor, DOCUMENT, values, context, citation, reason)
    check_author(session, actor, {row.jurisdiction_id}, DOCUMENT.what[0])
    session.add(row)
    session.flush()
    record_change(
        session, actor, "policy.create", "policy_document", row.code, None,
        _state(DOCUMENT, row), citation, reason,
    )  # fmt: skip
    return row


def update_policy_document(
    session: Session,
    actor: Actor,
    code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
) -> PolicyDocument:
    check_role(actor, DOCUMENT.what[0])
    grounds(citation, reason)
    row = _document(session, code)
    check_author(session, actor, {row.jurisdiction_id}, DOCUMENT.what[0])
    before, after = _apply(session, DOCUMENT, row, values, Context(row.id))
    check_author(session, actor, {row.jurisdiction_id}, DOCUMENT.what[0])
    session.add(row)
    session.flush()
    if after:
        record_change(
            session, actor, "policy.update", "policy_document", row.code, before, after,
            citation, reason,
        )  # fmt: skip
        _queue_targets(session, _targets_of_document(session, row.id))
    return row


def retire_policy_document(
    session: Session,
    actor: Actor,
    code: str,
    on: date,
    citation: Citation | None,
    reason: str | None,
) -> PolicyDocument:
    check_role(actor, DOCUMENT.what[0])
    row = _document(session, code)
    check_author(session, actor, {row.jurisdiction_id}, DOCUMENT.what[0])
    _retire(session, actor, DOCUMENT, row, on, citation, reason, row.code)
    _queue_targets(session, _targets_of_document(session, row.id))
    return row


def _targets_of_document(session: Session, document_id: int | None) -> list[int]:
    return [
        i
        for i in session.exec(select(Target.id).where(Target.document_id == document_id))
        if i is not None
    ]


# --- action lines and measures (parts of a document: its place decides who may) -----------


def _part(session: Session, actor: Actor, spec: Spec, document_code: str, code: str) -> Any:
    document = _document(session, document_code)
    check_author(session, actor, {document.jurisdiction_id}, spec.what[0])
    row = _find(session, spec, code, Context(document.id))
    if row is None:
        raise _not_found(spec, f"{document_code}/{code}")
    return row


def create_action_line(
    session: Session,
    actor: Actor,
    document_code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
) -> ActionLine:
    check_role(actor, ACTION_LINE.what[0])
    document = _document(session, document_code)
    check_author(session, actor, {document.jurisdiction_id}, ACTION_LINE.what[0])
    context = Context(document.id)
    row = _create(
        session, actor, ACTION_LINE, values, context, citation, reason, document_id=document.id
    )
    session.add(row)
    session.flush()
    record_change(
        session, actor, "policy.create", "action_line", _label(ACTION_LINE, row, document_code),
        None, _state(ACTION_LINE, row), citation, reason,
    )  # fmt: skip
    return row


def update_action_line(
    session: Session,
    actor: Actor,
    document_code: str,
    code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
) -> ActionLine:
    check_role(actor, ACTION_LINE.what[0])
    grounds(citation, reason)
    row = _part(session, actor, ACTION_LINE, document_code, code)
    before, after = _apply(session, ACTION_LINE, row, values, Context(row.document_id))
    if row.parent_id == row.id:
        raise invalid(
            "own_parent",
            "parent",
            "An action line cannot be its own parent.",
            "Een actielijn kan niet haar eigen ouder zijn.",
        )
    _grounded_source(session, row, citation, reason)
    session.add(row)
    session.flush()
    if after:
        record_change(
            session, actor, "policy.update", "action_line", f"{document_code}/{code}", before,
            after, citation, reason,
        )  # fmt: skip
    return row


def retire_action_line(
    session: Session,
    actor: Actor,
    document_code: str,
    code: str,
    on: date,
    citation: Citation | None,
    reason: str | None,
) -> ActionLine:
    check_role(actor, ACTION_LINE.what[0])
    row = _part(session, actor, ACTION_LINE, document_code, code)
    _retire(session, actor, ACTION_LINE, row, on, citation, reason, f"{document_code}/{code}")
    return row


def create_measure(
    session: Session,
    actor: Actor,
    document_code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
    partners: list[str] | None = None,
) -> Measure:
    check_role(actor, MEASURE.what[0])
    document = _document(session, document_code)
    check_author(session, actor, {document.jurisdiction_id}, MEASURE.what[0])
    context = Context(document.id)
    row = _create(
        session, actor, MEASURE, values, context, citation, reason, document_id=document.id
    )
    session.add(row)
    session.flush()
    after = _state(MEASURE, row)
    after["partners"] = _sync_partners(session, row, partners or [])
    record_change(
        session, actor, "policy.create", "measure", f"{document_code}/{row.code}", None, after,
        citation, reason,
    )  # fmt: skip
    return row


def update_measure(
    session: Session,
    actor: Actor,
    document_code: str,
    code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
    partners: list[str] | None = None,
) -> Measure:
    check_role(actor, MEASURE.what[0])
    grounds(citation, reason)
    row = _part(session, actor, MEASURE, document_code, code)
    old_partners = _partner_codes(session, row)
    before, after = _apply(session, MEASURE, row, values, Context(row.document_id))
    _grounded_source(session, row, citation, reason)
    session.add(row)
    session.flush()
    if partners is not None or "owner_id" in after:
        wanted = partners if partners is not None else _partner_codes(session, row, lead=False)
        new_partners = _sync_partners(session, row, wanted)
        if new_partners != old_partners:
            before["partners"], after["partners"] = old_partners, new_partners
    if after:
        record_change(
            session, actor, "policy.update", "measure", f"{document_code}/{code}", before, after,
            citation, reason,
        )  # fmt: skip
    return row


def retire_measure(
    session: Session,
    actor: Actor,
    document_code: str,
    code: str,
    on: date,
    citation: Citation | None,
    reason: str | None,
) -> Measure:
    check_role(actor, MEASURE.what[0])
    row = _part(session, actor, MEASURE, document_code, code)
    _retire(session, actor, MEASURE, row, on, citation, reason, f"{document_code}/{code}")
    return row


def _partner_codes(session: Session, measure: Measure, lead: bool = True) -> list[str]:
    rows = session.exec(
        select(Organisation.code, MeasurePartner.role)
        .join(MeasurePartner, col(MeasurePartner.organisation_id) == col(Organisation.id))
        .where(MeasurePartner.measure_id == measure.id)
    ).all()
    return sorted(code for code, role in rows if lead or role is PartnerRole.PARTNER)


def _sync_partners(session: Session, measure: Measure, codes: list[str]) -> list[str]:
    """The partners are the organisations named, and the owner as the lead (as the loader has
    it); the codes of all of them, sorted."""
    convert = ORGANISATION
    wanted = {convert(session, Context(), "partners", code): PartnerRole.PARTNER for code in codes}
    if measure.owner_id is not None:
        wanted[measure.owner_id] = PartnerRole.LEAD
    current = {
        row.organisation_id: row
        for row in session.exec(
            select(MeasurePartner).where(MeasurePartner.measure_id == measure.id)
        )
    }
    assert measure.id is not None
    for organisation_id, role in wanted.items():
        row = current.pop(organisation_id, None)
        if row is None:
            session.add(
                MeasurePartner(measure_id=measure.id, organisation_id=organisation_id, role=role)
            )
        elif row.role is not role:
            row.role = role
            session.add(row)
    for row in current.values():
        session.delete(row)
    session.flush()
    return _partner_codes(session, measure)


# --- targets ------------------------------------------------------------------------------


def _target(session: Session, code: str) -> Target:
    row = session.exec(select(Target).where(Target.code == code)).first()
    if row is None:
        raise _not_found(TARGET, code)
    return row


def _target_places(session: Session, row: Target) -> set[int]:
    places = {row.jurisdiction_id}
    if row.document_id is not None:
        document = session.get(PolicyDocument, row.document_id)
        if document is not None:
            places.add(document.jurisdiction_id)
    return places


def _check_target(row: Target) -> None:
    has_range = row.value_low is not None or row.value_high is not None
    if (row.value is None) == (not has_range):
        raise invalid(
            "value_or_range",
            "value",
            f"Target {row.code}: give either value, or low and/or high (a range).",
            f"Doel {row.code}: geef een waarde, of een ondergrens en/of bovengrens.",
        )
    if row.value_low is not None and row.value_high is not None and row.value_low > row.value_high:
        raise invalid(
            "range_ordered",
            "low",
            f"Target {row.code}: low {row.value_low} is above high {row.value_high}.",
            f"Doel {row.code}: ondergrens {row.value_low} ligt boven bovengrens {row.value_high}.",
        )
    row.deadline_year = Period.parse(row.deadline).end.year if row.deadline else None


def create_target(
    session: Session, actor: Actor, values: Values, citation: Citation | None, reason: str | None
) -> Target:
    check_role(actor, TARGET.what[0])
    row = _create(session, actor, TARGET, values, Context(), citation, reason)
    if values.get("status") is None:  # as in the reference YAML: the document's status
        document = session.get(PolicyDocument, row.document_id) if row.document_id else None
        row.status = document.status if document is not None else DocumentStatus.DRAFT
    check_author(session, actor, _target_places(session, row), TARGET.what[0])
    _check_target(row)
    session.add(row)
    session.flush()
    record_change(
        session, actor, "policy.create", "target", row.code, None, _state(TARGET, row),
        citation, reason,
    )  # fmt: skip
    assert row.id is not None
    _queue_targets(session, [row.id])
    return row


def update_target(
    session: Session,
    actor: Actor,
    code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
) -> Target:
    check_role(actor, TARGET.what[0])
    grounds(citation, reason)
    row = _target(session, code)
    check_author(session, actor, _target_places(session, row), TARGET.what[0])
    before, after = _apply(session, TARGET, row, values, Context())
    check_author(session, actor, _target_places(session, row), TARGET.what[0])
    _check_target(row)
    _grounded_source(session, row, citation, reason)
    session.add(row)
    session.flush()
    if after:
        record_change(
            session, actor, "policy.update", "target", row.code, before, after, citation, reason
        )
        assert row.id is not None
        _queue_targets(session, [row.id])
    return row


def retire_target(
    session: Session,
    actor: Actor,
    code: str,
    on: date,
    citation: Citation | None,
    reason: str | None,
) -> Target:
    check_role(actor, TARGET.what[0])
    row = _target(session, code)
    check_author(session, actor, _target_places(session, row), TARGET.what[0])
    _retire(session, actor, TARGET, row, on, citation, reason, row.code)
    assert row.id is not None
    _queue_targets(session, [row.id])
    return row


# --- distribution rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A fixed rule's value for one member (e.g. a covenant quota)."""

    jurisdiction: str
    value: Decimal


def _rule(session: Session, code: str) -> DistributionRule:
    row = session.exec(select(DistributionRule).where(DistributionRule.code == code)).first()
    if row is None:
        raise _not_found(RULE, code)
    return row


def _check_rule(row: DistributionRule, shares: int) -> None:
    needs = {
        DistributionMethod.SHARE_OF_INDICATOR: (
            "input_indicator_id", "input_period_from", "input_period_to", "percentage",
        ),
        DistributionMethod.POPULATION_SHARE: ("input_indicator_id", "regional_total"),
        DistributionMethod.FIXED: (),
    }[row.method]  # fmt: skip
    missing = [column.removesuffix("_id") for column in needs if getattr(row, column) is None]
    if row.method is DistributionMethod.FIXED and not shares:
        missing.append("shares")
    if missing:
        raise invalid(
            "method_inputs",
            missing[0],
            f"Rule {row.code}: method {row.method.value} needs {', '.join(missing)}.",
            f"Verdeelsleutel {row.code}: methode {row.method.value} vraagt {', '.join(missing)}.",
        )
    if row.rounding not in ("half_up", "none"):
        raise invalid(
            "invalid_rounding",
            "rounding",
            f"Rule {row.code}: rounding is half_up or none, not '{row.rounding}'.",
            f"Verdeelsleutel {row.code}: afronding is half_up of none, niet '{row.rounding}'.",
        )


def _sync_shares(
    session: Session, rule: DistributionRule, shares: list[Share], source: dict[str, str] | None
) -> list[dict[str, Any]]:
    current = {
        row.jurisdiction_id: row
        for row in session.exec(
            select(DistributionShare).where(DistributionShare.rule_id == rule.id)
        )
    }
    assert rule.id is not None
    for share in shares:
        place = JURISDICTION(session, Context(), "shares.jurisdiction", share.jurisdiction)
        row = current.pop(place, None)
        if row is None:
            session.add(
                DistributionShare(
                    rule_id=rule.id, jurisdiction_id=place, value=share.value, source=source
                )
            )
        elif row.value != share.value:
            row.value, row.source = share.value, source
            session.add(row)
    for row in current.values():
        session.delete(row)
    session.flush()
    return [{"jurisdiction": s.jurisdiction, "value": s.value} for s in shares]


def _share_count(session: Session, rule: DistributionRule) -> int:
    return len(
        session.exec(select(DistributionShare.id).where(DistributionShare.rule_id == rule.id)).all()
    )


def _derive_and_queue(session: Session, rule: DistributionRule) -> None:
    assert rule.id is not None
    try:
        derive_rule(session, rule.id, date.today())
    except ValueError as exc:  # e.g. a population key whose region counts no population
        raise invalid(
            "not_derivable",
            "method",
            f"Rule {rule.code} derives no targets from its inputs: {exc}.",
            f"Verdeelsleutel {rule.code} levert met deze invoer geen doelen op: {exc}.",
        ) from None
    session.flush()
    _queue_targets(session, _derived_targets(session, rule.id))


def _derived_targets(session: Session, rule_id: int) -> list[int]:
    return [
        i
        for i in session.exec(select(Target.id).where(Target.distribution_rule_id == rule_id))
        if i is not None
    ]


def create_distribution_rule(
    session: Session,
    actor: Actor,
    values: Values,
    citation: Citation | None,
    reason: str | None,
    shares: list[Share] | None = None,
) -> DistributionRule:
    check_role(actor, RULE.what[0])
    row = _create(session, actor, RULE, values, Context(), citation, reason)
    check_author(session, actor, {row.region_id}, RULE.what[0])
    _check_rule(row, len(shares or []))
    session.add(row)
    session.flush()
    after = _state(RULE, row)
    after["shares"] = _sync_shares(session, row, shares or [], row.source)
    record_change(
        session, actor, "policy.create", "distribution_rule", row.code, None, after, citation,
        reason,
    )  # fmt: skip
    _derive_and_queue(session, row)
    return row


def update_distribution_rule(
    session: Session,
    actor: Actor,
    code: str,
    values: Values,
    citation: Citation | None,
    reason: str | None,
    shares: list[Share] | None = None,
) -> DistributionRule:
    check_role(actor, RULE.what[0])
    grounds(citation, reason)
    row = _rule(session, code)
    check_author(session, actor, {row.region_id}, RULE.what[0])
    before, after = _apply(session, RULE, row, values, Context())
    check_author(session, actor, {row.region_id}, RULE.what[0])
    _grounded_source(session, row, citation, reason)
    session.add(row)
    session.flush()
    if shares is not None:
        after["shares"] = _sync_shares(session, row, shares, row.source)
    _check_rule(row, _share_count(session, row))
    if after:
        record_change(
            session, actor, "policy.update", "distribution_rule", row.code, before, after,
            citation, reason,
        )  # fmt: skip
        _derive_and_queue(session, row)
    return row


def retire_distribution_rule(
    session: Session,
    actor: Actor,
    code: str,
    on: date,
    citation: Citation | None,
    reason: str | None,
) -> DistributionRule:
    """Retire the rule and the targets it derived (from the same day)."""
    check_role(actor, RULE.what[0])
    row = _rule(session, code)
    check_author(session, actor, {row.region_id}, RULE.what[0])
    _retire(session, actor, RULE, row, on, citation, reason, row.code)
    assert row.id is not None
    derived = _derived_targets(session, row.id)
    for target in session.exec(select(Target).where(col(Target.id).in_(derived))):
        if target.retired_on is None:
            _retire(
                session, actor, TARGET, target, on, citation, reason or "rule retired", target.code
            )
    _queue_targets(session, derived)
    return row

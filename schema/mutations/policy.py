"""Creating, changing and retiring policy content (services/policy/content.py): documents, action
lines, measures, targets and distribution rules. Administrators everywhere; a task force for
content about its area; partners and viewers never."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from core.principal import Actor
from db.engine import session_scope
from db.models import ActionLine as ActionLineRow
from db.models import DistributionRule as DistributionRuleRow
from db.models import Measure as MeasureRow
from db.models import PolicyDocument as PolicyDocumentRow
from db.models import Target as TargetRow
from schema.context import Info
from schema.enums import DistributionMethod, DocumentStatus, MeasureStatus, Recurrence, TargetKind
from schema.mutations.errors import (
    InvalidInput,
    InvalidState,
    NotAllowed,
    NotFound,
    RateLimited,
    rate_limited,
)
from schema.mutations.projects import actor_of
from schema.policy import ActionLine, Measure, PolicyDocument
from schema.targets import DistributionRule, Target
from services.policy import content
from services.policy.authoring import Citation, PolicyError

Refusal = NotFound | NotAllowed | InvalidInput | InvalidState


@strawberry.input(
    description="Where the content stands in a document: lines (L120-135) or a page, and a "
    "short verbatim quote."
)
class CitationInput:
    quote: str = strawberry.field(description="The words of the document, verbatim.")
    lines: str | None = strawberry.field(
        default=None, description="Line range in the document's text file, e.g. L120-135."
    )
    page: str | None = strawberry.field(default=None, description="Page, when lines are unknown.")
    document: str | None = strawberry.field(
        default=None, description="Code of the cited document (default: the content's own)."
    )


Grounds = Annotated[
    CitationInput | None,
    strawberry.argument(description="The citation of the change (or give a reason)."),
]
Reason = Annotated[
    str | None,
    strawberry.argument(description="Why (kept in the audit trail); required without citation."),
]
On = Annotated[date, strawberry.argument(description="The first day it no longer applies.")]
Code = Annotated[str, strawberry.argument(description="The code of the content to change.")]
DocumentCode = Annotated[str, strawberry.argument(description="The policy document's code.")]


@strawberry.input(
    description="A policy document's fields as in the reference YAML. On create, code, title, "
    "jurisdiction and status are required; on update, an omitted field stays as it is."
)
class PolicyDocumentInput:
    code: str | None = strawberry.field(default=None, description="Stable slug (create only).")
    title: str | None = strawberry.field(default=None, description="Title as published.")
    issuer: str | None = strawberry.field(default=None, description="Organisation code.")
    jurisdiction: str | None = strawberry.field(
        default=None, description="Code of the municipality or region it covers."
    )
    published_on: date | None = strawberry.field(default=None, description="Publication date.")
    status: DocumentStatus | None = strawberry.field(
        default=None, description="DRAFT or ADOPTED (adopted never goes back to draft)."
    )
    horizon_year: int | None = strawberry.field(default=None, description="Last year in view.")
    source_file: str | None = strawberry.field(default=None, description="Text file name.")
    notes: str | None = strawberry.field(default=None, description="Remarks.")


@strawberry.input(
    description="An action line's fields. On create, code and title are required; on update, an "
    "omitted field stays as it is."
)
class ActionLineInput:
    code: str | None = strawberry.field(default=None, description="Code within the document.")
    title: str | None = strawberry.field(default=None, description="Title as printed.")
    parent: str | None = strawberry.field(
        default=None, description="Code of the enclosing action line of the same document."
    )
    description: str | None = strawberry.field(default=None, description="Description.")
    position: int | None = strawberry.field(default=None, description="Order in the document.")


@strawberry.input(
    description="A measure's fields. On create, code and title are required; on update, an "
    "omitted field stays as it is (the status is reported with reportMeasureStatus)."
)
class MeasureInput:
    code: str | None = strawberry.field(default=None, description="Code within the document.")
    title: str | None = strawberry.field(default=None, description="Title as printed (Dutch).")
    action_line: str | None = strawberry.field(default=None, description="Action line code.")
    description: str | None = strawberry.field(default=None, description="Description.")
    owner: str | None = strawberry.field(default=None, description="Lead organisation's code.")
    partners: list[str] | None = strawberry.field(
        default=None, description="Partner organisations' codes (replaces the list)."
    )
    planned_start: str | None = strawberry.field(default=None, description="Period, e.g. 2026-Q3.")
    due: str | None = strawberry.field(default=None, description="Period, e.g. 2027.")
    status: MeasureStatus | None = strawberry.field(
        default=None, description="Initial status (create only; default PLANNED)."
    )
    notes: str | None = strawberry.field(default=None, description="Remarks.")


@strawberry.input(
    description="A target's fields as in the reference YAML. On create, code, indicator, "
    "jurisdiction, kind and a value or range are required; on update, an omitted field stays."
)
class TargetInput:
    code: str | None = strawberry.field(default=None, description="Stable slug (create only).")
    indicator: str | None = strawberry.field(default=None, description="Indicator code.")
    jurisdiction: str | None = strawberry.field(default=None, description="Jurisdiction code.")
    target_group: str | None = strawberry.field(default=None, description="Target group code.")
    housing_type: str | None = strawberry.field(default=None, description="Housing type code.")
    price_segment: str | None = strawberry.field(default=None, description="Price segment.")
    kind: TargetKind | None = strawberry.field(default=None, description="What kind of target.")
    value: Decimal | None = strawberry.field(default=None, description="The value.")
    low: Decimal | None = strawberry.field(default=None, description="Low end of a range.")
    high: Decimal | None = strawberry.field(default=None, description="High end of a range.")
    baseline_period: str | None = strawberry.field(default=None, description="Baseline period.")
    baseline_value: Decimal | None = strawberry.field(default=None, description="Baseline value.")
    start: str | None = strawberry.field(default=None, description="Period the window starts.")
    deadline: str | None = strawberry.field(default=None, description="Period by which.")
    recurrence: Recurrence | None = strawberry.field(default=None, description="NONE or YEARLY.")
    carry_over: bool | None = strawberry.field(
        default=None, description="A yearly shortfall is added to the next year."
    )
    status: DocumentStatus | None = strawberry.field(
        default=None, description="DRAFT or ADOPTED (default: its document's status)."
    )
    document: str | None = strawberry.field(default=None, description="Policy document code.")
    flag: str | None = strawberry.field(default=None, description="A known doubt in the source.")
    notes: str | None = strawberry.field(default=None, description="Remarks.")


@strawberry.input(description="A fixed rule's value for one member.")
class DistributionShareInput:
    jurisdiction: str = strawberry.field(description="Member jurisdiction code.")
    value: Decimal = strawberry.field(description="Its value (e.g. a covenant quota).")


@strawberry.input(
    description="A distribution rule's fields as in the reference YAML. On create, code, name, "
    "method, region, indicator and targetKind are required, with the method's inputs."
)
class DistributionRuleInput:
    code: str | None = strawberry.field(default=None, description="Stable slug (create only).")
    name: str | None = strawberry.field(default=None, description="Name.")
    method: DistributionMethod | None = strawberry.field(default=None, description="Method.")
    region: str | None = strawberry.field(default=None, description="Region code.")
    indicator: str | None = strawberry.field(default=None, description="Derived indicator.")
    target_group: str | None = strawberry.field(default=None, description="Target group code.")
    housing_type: str | None = strawberry.field(default=None, description="Housing type code.")
    price_segment: str | None = strawberry.field(default=None, description="Price segment.")
    target_kind: TargetKind | None = strawberry.field(default=None, description="Derived kind.")
    input_indicator: str | None = strawberry.field(default=None, description="Input indicator.")
    input_price_segment: str | None = strawberry.field(default=None, description="Input segment.")
    input_period_from: str | None = strawberry.field(default=None, description="Reference from.")
    input_period_to: str | None = strawberry.field(default=None, description="Reference to.")
    percentage: Decimal | None = strawberry.field(default=None, description="e.g. 30.")
    regional_total: Decimal | None = strawberry.field(default=None, description="Total to share.")
    recurrence: Recurrence | None = strawberry.field(default=None, description="NONE or YEARLY.")
    carry_over: bool | None = strawberry.field(default=None, description="Carry shortfalls over.")
    rounding: str | None = strawberry.field(default=None, description="half_up or none.")
    document: str | None = strawberry.field(default=None, description="Policy document code.")
    notes: str | None = strawberry.field(default=None, description="Remarks.")
    shares: list[DistributionShareInput] | None = strawberry.field(
        default=None, description="A fixed rule's values per member (replaces the list)."
    )


@strawberry.type(description="The policy document as it is now.")
class PolicyDocumentSaved:
    policy_document: PolicyDocument = strawberry.field(description="The document.")


@strawberry.type(description="The action line as it is now.")
class ActionLineSaved:
    action_line: ActionLine = strawberry.field(description="The action line.")


@strawberry.type(description="The measure as it is now.")
class MeasureSaved:
    measure: Measure = strawberry.field(description="The measure.")


@strawberry.type(description="The target as it is now; its progress is recomputed by the workers.")
class TargetSaved:
    target: Target = strawberry.field(description="The target.")


@strawberry.type(
    description="The distribution rule as it is now; its targets are derived again and recomputed."
)
class DistributionRuleSaved:
    distribution_rule: DistributionRule = strawberry.field(description="The rule.")


PolicyDocumentResult = Annotated[
    PolicyDocumentSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("PolicyDocumentResult", description="The document, or why not."),
]
ActionLineResult = Annotated[
    ActionLineSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("ActionLineResult", description="The action line, or why not."),
]
MeasureResult = Annotated[
    MeasureSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("MeasureResult", description="The measure, or why not."),
]
TargetResult = Annotated[
    TargetSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("TargetResult", description="The target, or why not."),
]
DistributionRuleResult = Annotated[
    DistributionRuleSaved | NotFound | NotAllowed | InvalidInput | InvalidState | RateLimited,
    strawberry.union("DistributionRuleResult", description="The rule, or why not."),
]


def _citation(given: CitationInput | None) -> Citation | None:
    if given is None:
        return None
    return Citation(quote=given.quote, lines=given.lines, page=given.page, document=given.document)


def _values(given: Any, *apart: str) -> dict[str, Any]:
    """The input's fields as the service names them (the reference YAML's), lists apart."""
    return {
        f.name: getattr(given, f.name) for f in dataclasses.fields(given) if f.name not in apart
    }


def _camel(name: str) -> str:
    head, *rest = name.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def _refusal(error: PolicyError) -> Refusal:
    said: dict[str, Any] = {
        "message": error.message,
        "message_nl": error.message_nl,
        "code": error.code,
    }
    if error.kind == "not_allowed":
        return NotAllowed(**said)
    if error.kind == "not_found":
        return NotFound(**said)
    if error.kind == "invalid_state":
        return InvalidState(**said)
    return InvalidInput(**said, field=_camel(error.field) if error.field else None)


async def _save(
    info: Info, work: Callable[[Session, Actor], Any], model: type[Any]
) -> tuple[Any, Refusal | RateLimited | None]:
    """Run the service in its own transaction; the stored row (read again), or the refusal."""
    if (limited := rate_limited(info)) is not None:
        return None, limited
    actor = actor_of(info)

    def run() -> int:
        with session_scope(info.context.engine) as session:
            row = work(session, actor)
            assert row.id is not None
            return int(row.id)

    try:
        row_id = await run_in_threadpool(run)
    except PolicyError as error:
        return None, _refusal(error)
    info.context.session.expire_all()
    return info.context.session.get(model, row_id), None


def _shares(given: list[DistributionShareInput] | None) -> list[content.Share] | None:
    if given is None:
        return None
    return [content.Share(s.jurisdiction, s.value) for s in given]


ROLES = (
    " Administrators everywhere; a task force for content about a jurisdiction of its area "
    "(NotAllowed outside_area elsewhere); partners and viewers never (NotAllowed "
    "policy_editors_only). Needs a citation or a reason; audited with before and after."
)


@strawberry.type
class PolicyMutation:
    @strawberry.mutation(description="Add a policy document." + ROLES)
    async def create_policy_document(
        self,
        info: Info,
        input: PolicyDocumentInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> PolicyDocumentResult:
        row, refused = await _save(
            info,
            lambda s, a: content.create_policy_document(
                s, a, _values(input), _citation(citation), reason
            ),
            PolicyDocumentRow,
        )
        return refused or PolicyDocumentSaved(policy_document=PolicyDocument.from_row(row))

    @strawberry.mutation(
        description="Change a policy document (e.g. adopt a draft); its targets are recomputed."
        + ROLES
    )
    async def update_policy_document(
        self,
        info: Info,
        code: DocumentCode,
        input: PolicyDocumentInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> PolicyDocumentResult:
        row, refused = await _save(
            info,
            lambda s, a: content.update_policy_document(
                s, a, code, _values(input), _citation(citation), reason
            ),
            PolicyDocumentRow,
        )
        return refused or PolicyDocumentSaved(policy_document=PolicyDocument.from_row(row))

    @strawberry.mutation(
        description="Retire a policy document from a day (nothing is deleted)." + ROLES
    )
    async def retire_policy_document(
        self,
        info: Info,
        code: DocumentCode,
        on: On,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> PolicyDocumentResult:
        row, refused = await _save(
            info,
            lambda s, a: content.retire_policy_document(
                s, a, code, on, _citation(citation), reason
            ),
            PolicyDocumentRow,
        )
        return refused or PolicyDocumentSaved(policy_document=PolicyDocument.from_row(row))

    @strawberry.mutation(description="Add an action line to a policy document." + ROLES)
    async def create_action_line(
        self,
        info: Info,
        document: DocumentCode,
        input: ActionLineInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> ActionLineResult:
        row, refused = await _save(
            info,
            lambda s, a: content.create_action_line(
                s, a, document, _values(input), _citation(citation), reason
            ),
            ActionLineRow,
        )
        return refused or ActionLineSaved(action_line=ActionLine.from_row(row))

    @strawberry.mutation(description="Change an action line." + ROLES)
    async def update_action_line(
        self,
        info: Info,
        document: DocumentCode,
        code: Code,
        input: ActionLineInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> ActionLineResult:
        row, refused = await _save(
            info,
            lambda s, a: content.update_action_line(
                s, a, document, code, _values(input), _citation(citation), reason
            ),
            ActionLineRow,
        )
        return refused or ActionLineSaved(action_line=ActionLine.from_row(row))

    @strawberry.mutation(
        description="Retire an action line (finished or dropped) from a day." + ROLES
    )
    async def retire_action_line(
        self,
        info: Info,
        document: DocumentCode,
        code: Code,
        on: On,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> ActionLineResult:
        row, refused = await _save(
            info,
            lambda s, a: content.retire_action_line(
                s, a, document, code, on, _citation(citation), reason
            ),
            ActionLineRow,
        )
        return refused or ActionLineSaved(action_line=ActionLine.from_row(row))

    @strawberry.mutation(description="Add a measure to a policy document." + ROLES)
    async def create_measure(
        self,
        info: Info,
        document: DocumentCode,
        input: MeasureInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> MeasureResult:
        row, refused = await _save(
            info,
            lambda s, a: content.create_measure(
                s,
                a,
                document,
                _values(input, "partners"),
                _citation(citation),
                reason,
                partners=input.partners,
            ),
            MeasureRow,
        )
        return refused or MeasureSaved(measure=Measure.from_row(row))

    @strawberry.mutation(
        description="Change a measure (not its status: reportMeasureStatus)." + ROLES
    )
    async def update_measure(
        self,
        info: Info,
        document: DocumentCode,
        code: Code,
        input: MeasureInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> MeasureResult:
        row, refused = await _save(
            info,
            lambda s, a: content.update_measure(
                s,
                a,
                document,
                code,
                _values(input, "partners"),
                _citation(citation),
                reason,
                partners=input.partners,
            ),
            MeasureRow,
        )
        return refused or MeasureSaved(measure=Measure.from_row(row))

    @strawberry.mutation(description="Retire a measure (no longer pursued) from a day." + ROLES)
    async def retire_measure(
        self,
        info: Info,
        document: DocumentCode,
        code: Code,
        on: On,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> MeasureResult:
        row, refused = await _save(
            info,
            lambda s, a: content.retire_measure(
                s, a, document, code, on, _citation(citation), reason
            ),
            MeasureRow,
        )
        return refused or MeasureSaved(measure=Measure.from_row(row))

    @strawberry.mutation(
        description="Add a target; its progress is computed by the workers." + ROLES
    )
    async def create_target(
        self, info: Info, input: TargetInput, citation: Grounds = None, reason: Reason = None
    ) -> TargetResult:
        row, refused = await _save(
            info,
            lambda s, a: content.create_target(s, a, _values(input), _citation(citation), reason),
            TargetRow,
        )
        return refused or TargetSaved(target=Target.from_row(row))

    @strawberry.mutation(
        description="Change a target (e.g. adopt a draft); its progress is recomputed." + ROLES
    )
    async def update_target(
        self,
        info: Info,
        code: Code,
        input: TargetInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> TargetResult:
        row, refused = await _save(
            info,
            lambda s, a: content.update_target(
                s, a, code, _values(input), _citation(citation), reason
            ),
            TargetRow,
        )
        return refused or TargetSaved(target=Target.from_row(row))

    @strawberry.mutation(description="Retire a target from a day (its history stays)." + ROLES)
    async def retire_target(
        self, info: Info, code: Code, on: On, citation: Grounds = None, reason: Reason = None
    ) -> TargetResult:
        row, refused = await _save(
            info,
            lambda s, a: content.retire_target(s, a, code, on, _citation(citation), reason),
            TargetRow,
        )
        return refused or TargetSaved(target=Target.from_row(row))

    @strawberry.mutation(
        description="Add a distribution rule; its targets are derived and computed." + ROLES
    )
    async def create_distribution_rule(
        self,
        info: Info,
        input: DistributionRuleInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> DistributionRuleResult:
        row, refused = await _save(
            info,
            lambda s, a: content.create_distribution_rule(
                s,
                a,
                _values(input, "shares"),
                _citation(citation),
                reason,
                shares=_shares(input.shares),
            ),
            DistributionRuleRow,
        )
        return refused or DistributionRuleSaved(distribution_rule=DistributionRule.from_row(row))

    @strawberry.mutation(
        description="Change a distribution rule; its targets are derived again." + ROLES
    )
    async def update_distribution_rule(
        self,
        info: Info,
        code: Code,
        input: DistributionRuleInput,
        citation: Grounds = None,
        reason: Reason = None,
    ) -> DistributionRuleResult:
        row, refused = await _save(
            info,
            lambda s, a: content.update_distribution_rule(
                s,
                a,
                code,
                _values(input, "shares"),
                _citation(citation),
                reason,
                shares=_shares(input.shares),
            ),
            DistributionRuleRow,
        )
        return refused or DistributionRuleSaved(distribution_rule=DistributionRule.from_row(row))

    @strawberry.mutation(
        description="Retire a distribution rule and the targets it derived, from a day." + ROLES
    )
    async def retire_distribution_rule(
        self, info: Info, code: Code, on: On, citation: Grounds = None, reason: Reason = None
    ) -> DistributionRuleResult:
        row, refused = await _save(
            info,
            lambda s, a: content.retire_distribution_rule(
                s, a, code, on, _citation(citation), reason
            ),
            DistributionRuleRow,
        )
        return refused or DistributionRuleSaved(distribution_rule=DistributionRule.from_row(row))

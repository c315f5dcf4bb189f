"""Submitting figures (rows or a file) and deciding on submissions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from strawberry import relay
from strawberry.file_uploads import Upload

from core.enums import Role, SubmissionChannel
from core.principal import Actor
from db.engine import session_scope
from db.models import Organisation
from db.models import Submission as SubmissionRow
from ingest.submitted_rows import SubmittedRow
from schema.context import Info
from schema.mutations.errors import (
    InvalidInput,
    InvalidState,
    NotAllowed,
    NotFound,
    RateLimited,
    rate_limited,
)
from schema.submissions import Submission, submission_row_id
from services.submissions.intake import IdempotencyConflict, Intake, IntakeRequest
from services.submissions.lifecycle import DecisionNotAllowed, SubmissionStateError
from services.submissions.service import approve, return_for_correction, submit_file, submit_rows

MAX_ROWS = 10_000
FILE_CHANNELS = {
    ".csv": SubmissionChannel.CSV,
    ".txt": SubmissionChannel.CSV,
    ".xlsx": SubmissionChannel.XLSX,
}


@strawberry.input(
    description="One figure: a cell (indicator × jurisdiction × period × breakdowns) and its value."
)
class ObservationRowInput:
    indicator: str = strawberry.field(description="Indicator code, e.g. dwellings-added.")
    jurisdiction: str = strawberry.field(description="CBS code (GM0546) or region code.")
    period: str = strawberry.field(
        description="2025, 2025-H1, 2025-Q3, 2025-07 or a date (checked per row)."
    )
    value: Decimal = strawberry.field(description="The figure.")
    target_group: str | None = strawberry.field(default=None, description="Target group code.")
    housing_type: str | None = strawberry.field(default=None, description="Housing type code.")
    price_segment: str | None = strawberry.field(default=None, description="Price segment.")
    note: str | None = strawberry.field(default=None, description="A remark kept with the figure.")


@strawberry.input(description="A batch of figures from one organisation.")
class SubmitObservationsInput:
    rows: list[ObservationRowInput] = strawberry.field(
        description=f"The figures (at most {MAX_ROWS})."
    )
    organisation: str | None = strawberry.field(
        default=None, description="The reporting organisation's code; only administrators name one."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Your key for this batch: sending it again returns the first submission.",
    )
    dry_run: bool = strawberry.field(default=False, description="Only validate; store no figures.")
    correction_reason: str | None = strawberry.field(
        default=None, description="Why figures reported before change (required for corrections)."
    )


@strawberry.type(description="The submission was received (or had been: the same content or key).")
class SubmissionReceived:
    submission: Submission = strawberry.field(
        description="Follow its status: validation runs in the background."
    )
    created: bool = strawberry.field(description="False when this is a submission received before.")


@strawberry.type(description="The submission was approved or returned.")
class SubmissionDecided:
    submission: Submission = strawberry.field(description="The submission in its new state.")


SubmitResult = Annotated[
    SubmissionReceived | NotAllowed | InvalidInput | RateLimited,
    strawberry.union("SubmitResult", description="The submission, or why it was not received."),
]
DecisionResult = Annotated[
    SubmissionDecided | NotFound | NotAllowed | InvalidState | RateLimited,
    strawberry.union("SubmissionDecisionResult", description="The decided submission, or why not."),
]


def _organisation_for(info: Info, named: str | None) -> Organisation | NotAllowed | InvalidInput:
    principal = info.context.principal
    assert principal is not None  # the SignedIn permission guards every mutation
    if principal.role not in (Role.PARTNER, Role.ADMIN):
        return NotAllowed(
            message=f"A {principal.role.value} token cannot submit figures.",
            code="role_cannot_submit",
            message_nl=f"Met de rol {principal.role.value} levert u geen cijfers aan.",
        )
    code = named or principal.organisation_code
    if principal.role is Role.PARTNER and code != principal.organisation_code:
        return NotAllowed(
            message=f"This token submits for '{principal.organisation_code}' only.",
            code="other_organisation",
            message_nl=f"U levert alleen aan voor '{principal.organisation_code}'.",
        )
    organisation = info.context.session.exec(
        select(Organisation).where(Organisation.code == code)
    ).first()
    if organisation is None:
        return InvalidInput(
            message=f"No organisation with code '{code}'.",
            field="organisation",
            code="unknown_organisation",
            message_nl=f"Er is geen organisatie met code '{code}'.",
        )
    return organisation


def _received(info: Info, intake: Intake) -> SubmissionReceived:
    row = info.context.session.get(SubmissionRow, intake.submission.id)
    return SubmissionReceived(submission=Submission.from_row(row), created=intake.created)


def _receive(
    info: Info, organisation: Organisation, make: Callable[[Session, Organisation], Intake]
) -> Intake | InvalidInput:
    """Run an intake in a transaction of its own (its job is sent after the commit)."""

    def run() -> Intake:
        with session_scope(info.context.engine) as session:
            own = session.get(Organisation, organisation.id)
            assert own is not None
            return make(session, own)

    try:
        return run()
    except IdempotencyConflict as conflict:
        return InvalidInput(
            message=str(conflict),
            field="idempotencyKey",
            code="idempotency_conflict",
            message_nl="Deze idempotency-sleutel is al gebruikt voor een andere inhoud.",
        )


@strawberry.type
class SubmissionMutation:
    @strawberry.mutation(description="Send figures as rows; they are validated in the background.")
    async def submit_observations(self, info: Info, input: SubmitObservationsInput) -> SubmitResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        if not input.rows or len(input.rows) > MAX_ROWS:
            return InvalidInput(
                message=f"Send between 1 and {MAX_ROWS} rows.",
                field="rows",
                code="row_count",
                message_nl=f"Stuur tussen 1 en {MAX_ROWS} rijen.",
            )
        organisation = _organisation_for(info, input.organisation)
        if not isinstance(organisation, Organisation):
            return organisation
        principal = info.context.principal
        assert principal is not None  # checked by _organisation_for
        request = IntakeRequest(
            organisation,
            SubmissionChannel.API,
            dry_run=input.dry_run,
            idempotency_key=input.idempotency_key,
            correction_reason=input.correction_reason,
            user_id=principal.user_id,
        )
        rows = [
            SubmittedRow(
                r.indicator,
                r.jurisdiction,
                r.period,
                r.value,
                r.target_group,
                r.housing_type,
                r.price_segment,
                r.note,
            )
            for r in input.rows
        ]
        result = await run_in_threadpool(
            _receive,
            info,
            organisation,
            lambda session, org: submit_rows(session, _with(request, org), rows),
        )
        return _received(info, result) if isinstance(result, Intake) else result

    @strawberry.mutation(
        description="Send a CSV or XLSX file (GraphQL multipart request); validated in the background."
    )
    async def upload_submission(
        self,
        info: Info,
        file: Upload,
        organisation: str | None = None,
        idempotency_key: str | None = None,
        dry_run: bool = False,
        correction_reason: str | None = None,
    ) -> SubmitResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        name = getattr(file, "filename", None) or ""
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in FILE_CHANNELS:
            return InvalidInput(
                message=f"'{name}': send a .csv or .xlsx file.",
                field="file",
                code="unsupported_format",
                message_nl=f"'{name}': stuur een .csv- of .xlsx-bestand.",
            )
        found = _organisation_for(info, organisation)
        if not isinstance(found, Organisation):
            return found
        principal = info.context.principal
        assert principal is not None  # checked by _organisation_for
        request = IntakeRequest(
            found,
            FILE_CHANNELS[suffix],
            filename=name,
            dry_run=dry_run,
            idempotency_key=idempotency_key,
            correction_reason=correction_reason,
            user_id=principal.user_id,
        )
        # strawberry types Upload as bytes; the multipart request hands a starlette UploadFile.
        stream = file.file  # type: ignore[attr-defined]
        result = await run_in_threadpool(
            _receive,
            info,
            found,
            lambda session, org: submit_file(session, _with(request, org), stream),
        )
        return _received(info, result) if isinstance(result, Intake) else result

    @strawberry.mutation(
        description="Approve a validated submission: its figures are applied in the background."
    )
    async def approve_submission(
        self, info: Info, id: relay.GlobalID, reason: str | None = None
    ) -> DecisionResult:
        return await _decide(
            info,
            id,
            lambda session, row_id, actor: approve(session, row_id, actor=actor, reason=reason),
        )

    @strawberry.mutation(
        description="Return a validated submission to its organisation, saying what to fix."
    )
    async def return_submission(
        self, info: Info, id: relay.GlobalID, reason: str
    ) -> DecisionResult:
        return await _decide(
            info,
            id,
            lambda session, row_id, actor: return_for_correction(
                session, row_id, actor=actor, reason=reason
            ),
        )


def _with(request: IntakeRequest, organisation: Organisation) -> IntakeRequest:
    from dataclasses import replace

    return replace(request, organisation=organisation)


Decision = Callable[[Session, int, Actor], object]


async def _decide(info: Info, global_id: relay.GlobalID, step: Decision) -> DecisionResult:
    if (limited := rate_limited(info)) is not None:
        return limited
    row_id = submission_row_id(global_id)
    row = info.context.session.get(SubmissionRow, row_id)
    access = info.context.access
    if row is None or not access.sees_submission_of(row.organisation_id):
        return NotFound(
            message=f"No submission {global_id}.",
            code="unknown_submission",
            message_nl=f"Geen aanlevering {global_id}.",
        )
    principal = info.context.principal
    assert principal is not None

    def run() -> None:
        with session_scope(info.context.engine) as session:
            step(session, row_id, principal.actor)

    try:
        await run_in_threadpool(run)
    except DecisionNotAllowed:
        return NotAllowed(
            message="Only administrators and the task force of its area approve or return submissions.",
            code="not_taskforce_of_area",
            message_nl="Alleen beheerders en de taskforce van het gebied keuren aanleveringen goed "
            "of sturen ze terug.",
        )
    except SubmissionStateError as error:
        return InvalidState(
            message=str(error),
            code="submission_state",
            message_nl="De aanlevering is niet in een stand die deze stap toelaat.",
        )
    info.context.session.expire_all()
    return SubmissionDecided(
        submission=Submission.from_row(info.context.session.get(SubmissionRow, row_id))
    )

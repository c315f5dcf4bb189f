"""Submissions (batches of figures from one organisation) and their row-level errors."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from db.models import Submission as SubmissionRow
from db.models import SubmissionError as SubmissionErrorRow
from db.queries import observations, submissions
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    nested_page,
    paginate,
)
from schema.context import Info
from schema.enums import SubmissionChannel, SubmissionStatus
from schema.errors import bad_input
from schema.nodes import RowNode, load_one

if TYPE_CHECKING:
    from schema.observations import Observation
    from schema.organisations import Organisation


@strawberry.type(description="A batch of figures from one organisation and where it stands.")
class Submission(RowNode):
    model = SubmissionRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    channel: SubmissionChannel = strawberry.field(description="How it arrived.")
    status: SubmissionStatus = strawberry.field(description="Where it stands.")
    checksum: str = strawberry.field(description="SHA-256 of the content as received.")
    idempotency_key: str | None = strawberry.field(
        description="The sender's key: re-sending changes nothing."
    )
    filename: str | None = strawberry.field(description="Name of the uploaded file.")
    dry_run: bool = strawberry.field(description="Only validated, never applied.")
    row_count: int | None = strawberry.field(description="Rows read.")
    error_count: int = strawberry.field(description="Errors found.")
    received_at: datetime = strawberry.field(description="When it arrived.")
    validated_at: datetime | None = strawberry.field(description="When validation finished.")
    decided_at: datetime | None = strawberry.field(description="When it was approved or returned.")
    decision_reason: str | None = strawberry.field(description="Why it was approved or returned.")
    applied_at: datetime | None = strawberry.field(description="When its figures were applied.")
    failure_reason: str | None = strawberry.field(
        description="Status FAILED: why processing stopped after its retries (the last error, in "
        "English); send the file again or ask the operators, who have the details."
    )

    @strawberry.field(description="The organisation that sent it.")
    async def organisation(
        self, info: Info
    ) -> Annotated[Organisation, strawberry.lazy("schema.organisations")]:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.organisation_id)

    @strawberry.field(
        description="What is wrong with its rows, in row order (the whole file's errors first); "
        "at most 1000 are kept, `errorCount` counts them all."
    )
    async def errors(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[SubmissionError]:
        return await nested_page(
            info,
            self.id,
            first,
            after,
            SubmissionError.from_rows,
            submissions.ERRORS_OF_SUBMISSIONS.pages,
            submissions.ERRORS_OF_SUBMISSIONS.counts,
        )

    @strawberry.field(description="The observations it added (all versions).")
    async def observations(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Annotated[Observation, strawberry.lazy("schema.observations")]]:
        from schema.observations import Observation

        return await nested_page(
            info,
            self.id,
            first,
            after,
            Observation.from_rows,
            observations.OBSERVATIONS_OF_SUBMISSIONS.pages,
            observations.OBSERVATIONS_OF_SUBMISSIONS.counts,
        )


@strawberry.type(description="What is wrong with one row of a submission (or the whole file).")
class SubmissionError:
    row_number: int | None = strawberry.field(
        description="Row in the file (1 = first data row); null: the whole file."
    )
    column: str | None = strawberry.field(description="Column name.")
    value: str | None = strawberry.field(description="The value found.")
    code: str = strawberry.field(description="Machine-readable error code.")
    message_en: str = strawberry.field(description="Explanation in English.")
    message_nl: str = strawberry.field(description="Explanation in Dutch.")

    @classmethod
    def from_rows(cls, rows: list[SubmissionErrorRow]) -> list[SubmissionError]:
        return [
            cls(
                row_number=r.row_number,
                column=r.column,
                value=r.value,
                code=r.code,
                message_en=r.message_en,
                message_nl=r.message_nl,
            )
            for r in rows
        ]


@strawberry.input(description="Which submissions to list; all given conditions must hold.")
class SubmissionFilter:
    organisation: str | None = strawberry.field(
        default=None, description="Only from this organisation (code)."
    )
    statuses: list[SubmissionStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    channels: list[SubmissionChannel] | None = strawberry.field(
        default=None, description="Only these channels."
    )
    received_from: datetime | None = strawberry.field(
        default=None, description="Received at or after."
    )
    received_to: datetime | None = strawberry.field(
        default=None, description="Received at or before."
    )
    dry_run: bool | None = strawberry.field(
        default=None, description="Only dry runs (true) or real ones (false)."
    )
    with_errors: bool | None = strawberry.field(
        default=None, description="Only with (true) or without (false) errors."
    )


def submission_row_id(global_id: relay.GlobalID) -> int:
    if global_id.type_name != "Submission" or not global_id.node_id.isdigit():
        raise bad_input(f"'{global_id}' is not the id of a Submission", "id")
    return int(global_id.node_id)


@strawberry.type
class SubmissionQuery:
    @strawberry.field(description="Submissions, newest first.")
    def submissions(
        self,
        info: Info,
        filter: Annotated[
            SubmissionFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Submission]:
        f = filter or SubmissionFilter()
        criteria = submissions.SubmissionCriteria(
            organisations=[f.organisation] if f.organisation else None,
            statuses=f.statuses,
            channels=f.channels,
            received_from=f.received_from,
            received_to=f.received_to,
            dry_run=f.dry_run,
            with_errors=f.with_errors,
            visible_to=info.context.access.submission_organisations,
        )
        return paginate(info, submissions.submissions(criteria), first, after, Submission.from_row)

    @strawberry.field(description="One submission by its id, or null when there is none.")
    async def submission(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="Global id of the submission.")
        ],
    ) -> Submission | None:
        return await load_one(info, Submission, submission_row_id(id))

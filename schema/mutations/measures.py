"""Reporting the status of a measure (workers/periodic/measures.report_measure_status)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry import relay

from db.engine import session_scope
from db.models import Measure as MeasureRow
from db.models import MeasureStatusUpdate as MeasureStatusUpdateRow
from schema.context import Info
from schema.enums import MeasureStatus
from schema.errors import bad_input
from schema.mutations.errors import InvalidInput, NotAllowed, NotFound, RateLimited, rate_limited
from schema.mutations.projects import actor_of
from schema.policy import Measure, MeasureStatusUpdate
from services.policy.measures import MeasureStatusError, report_measure_status


@strawberry.type(description="The status report was recorded.")
class MeasureStatusReported:
    measure: Measure = strawberry.field(
        description="The measure: its status follows the latest report by date."
    )
    update: MeasureStatusUpdate = strawberry.field(description="The report as recorded.")


MeasureStatusResult = Annotated[
    MeasureStatusReported | NotFound | NotAllowed | InvalidInput | RateLimited,
    strawberry.union(
        "MeasureStatusResult", description="The recorded report, or why it was not recorded."
    ),
]


def measure_row_id(global_id: relay.GlobalID) -> int:
    if global_id.type_name != "Measure" or not global_id.node_id.isdigit():
        raise bad_input(f"'{global_id}' is not the id of a Measure", "measureId")
    return int(global_id.node_id)


@strawberry.type
class MeasureMutation:
    @strawberry.mutation(
        description=(
            "Report where a measure stands on a day: for its owner organisation (not as a viewer), "
            "the task force of its area (the measure's policy document is about a jurisdiction "
            "of its regions; otherwise NotAllowed with code outside_area) and administrators. "
            "Every report is kept; a report dated before the latest one is history and does not "
            "change the current status."
        )
    )
    async def report_measure_status(
        self,
        info: Info,
        measure_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The measure's global id.")
        ],
        status: Annotated[MeasureStatus, strawberry.argument(description="Where it stands.")],
        on: Annotated[date, strawberry.argument(description="The day the status applies to.")],
        note: Annotated[str | None, strawberry.argument(description="Explanation.")] = None,
        percent_complete: Annotated[
            Decimal | None, strawberry.argument(description="Completion, 0-100.")
        ] = None,
    ) -> MeasureStatusResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        row_id = measure_row_id(measure_id)
        actor = actor_of(info)

        def run() -> int:
            with session_scope(info.context.engine) as session:
                update = report_measure_status(
                    session,
                    actor,
                    row_id,
                    MeasureStatus(status),
                    on,
                    note,
                    percent_complete,
                )
                session.flush()
                assert update.id is not None  # flushed
                return update.id

        try:
            update_id = await run_in_threadpool(run)
        except MeasureStatusError as error:
            if error.code == "not_found":
                return NotFound(
                    message=str(error), code=error.code, message_nl="Die maatregel bestaat niet."
                )
            if error.code in ("not_allowed", "outside_area"):
                return NotAllowed(
                    message=str(error),
                    code=error.code,
                    message_nl="Alleen de eigenaar van de maatregel of de taskforce van het gebied "
                    "meldt de stand ervan.",
                )
            return InvalidInput(
                message=str(error),
                code=error.code,
                message_nl="Het percentage gereed ligt tussen 0 en 100.",
                field="percentComplete" if error.field == "percent_complete" else error.field,
            )
        session = info.context.session
        session.expire_all()
        update = session.get(MeasureStatusUpdateRow, update_id)
        assert update is not None  # committed by run()
        measure = session.get(MeasureRow, row_id)
        return MeasureStatusReported(
            measure=Measure.from_row(measure),
            update=MeasureStatusUpdate.from_row(update),
        )

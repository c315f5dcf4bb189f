"""``GET /exports/<list>.csv|.xlsx``: a list with the GraphQL query's filters (as query parameters)
and visibility, streamed.

``<list>``: ``progress``, ``observations``, ``measures``, ``projects``, ``submissions``. CSV is
RFC 4180 unless ``dialect=nl`` asks for the Dutch one (BOM, ``;``, decimal comma). Parameters a
list does not take are refused (400) with the accepted ones, so a typo never exports everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from core.settings import get_settings
from ingest.exports import About, Dialect, csv_stream, xlsx_stream
from schema.progress import recompute
from services.access.authentication import Principal
from services.access.visibility import Access
from services.exports.lists import LISTS, PUBLISHED, BadParameter, Params

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMAT_PARAMETERS = {"dialect"}


def _problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def export_list(request: Request) -> Response:
    name = request.path_params["name"]
    kind = request.path_params["format"]
    if name not in LISTS or kind not in MEDIA:
        return _problem(
            404,
            "unknown_export",
            f"exports are /exports/<{'|'.join(LISTS)}>.<csv|xlsx>",
        )
    principal: Principal | None = getattr(request.state, "principal", None)
    engine: sa.Engine = request.app.state.engine
    session = Session(engine, expire_on_commit=False)
    access = Access(principal, get_settings().public_read, session)
    if not access.reads_published or (name not in PUBLISHED and principal is None):
        session.close()
        return _problem(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():  # a repeated parameter: a list
        if key not in FORMAT_PARAMETERS:
            values[key] = f"{values[key]},{value}" if key in values else value
    dialect_text = request.query_params.get("dialect", Dialect.RFC4180.value)
    params = Params(values)
    try:
        dialect = Dialect(dialect_text)
        # the builder reads the small tables and the token's scope: off the event loop
        export = await run_in_threadpool(
            LISTS[name], session, access, params, time_travel=recompute
        )
        unknown = params.unknown()
        if unknown:
            raise BadParameter(
                f"{name} takes no parameter {', '.join(unknown)}; it takes "
                f"{', '.join(sorted(params.used | FORMAT_PARAMETERS))}"
            )
    except (BadParameter, ValueError) as error:
        session.close()
        return _problem(400, "bad_parameter", str(error))
    except BaseException:
        session.close()
        raise
    now = datetime.now(UTC)
    if kind == "csv":
        chunks = csv_stream(export.columns, export.rows, dialect)
    else:
        about = About(
            title=f"{name} ({request.url.path})",
            exported_at=now,
            exported_by=principal.label if principal else "public read (no token)",
            filters=params.given(),
            as_known_on=export.as_known_on,
            notes=export.notes,
        )
        chunks = xlsx_stream(
            export.columns, export.rows, sheet_name=name, about=about, cited=export.cited
        )

    def closing() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            session.close()

    filename = f"woonzorgmonitor-{name}-{now:%Y%m%d-%H%M%S}.{kind}"
    return StreamingResponse(
        closing(),
        media_type=MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

"""HTTP routes for scripts: upload a file as a submission, download a reporting template.

The organisation is the token's: a partner submits for its own organisation; an admin names the
organisation (form field or query parameter ``organisation``). Uploads count against the token's
rate limit and, by their bytes, against its upload volume; a file part larger than
``WOONZORG_MAX_UPLOAD_FILE_BYTES`` is refused (413) and not kept.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry import relay

from core.enums import Role, SubmissionChannel
from core.settings import get_settings
from db.engine import session_scope
from db.models import Organisation
from db.queries.access import taskforce_organisations
from ingest.periods import Period, PeriodError
from ingest.templates import template_csv, template_xlsx
from schema.errors import HTTP_ERRORS
from services.access.authentication import Principal
from services.access.rate_limit import rate_limiter
from services.access.upload_volume import VolumeDecision, upload_volume
from services.submissions.expected_cells import expected_cells
from services.submissions.intake import IdempotencyConflict, IntakeRequest
from services.submissions.service import submit_file

CHANNELS = {
    ".csv": SubmissionChannel.CSV,
    ".txt": SubmissionChannel.CSV,
    ".xlsx": SubmissionChannel.XLSX,
}
MAX_FIELD_BYTES = 64 * 1024  # a form field other than the file (whose size api.body_limit caps)


def problem(status: int, code: str, message: str) -> JSONResponse:
    error = {"code": code, "message": message}
    if code in HTTP_ERRORS:
        error["messageNl"] = HTTP_ERRORS[code].nl
    return JSONResponse({"error": error}, status_code=status)


def _acting_organisation(
    principal: Principal | None, named: str, *, readers: tuple[Role, ...] = ()
) -> tuple[str | None, Response | None]:
    """The organisation the request acts for, or the response that refuses it."""
    if principal is None:
        return None, problem(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    if principal.role is Role.ADMIN or principal.role in readers:
        code = named or principal.organisation_code
        return code, None
    if principal.role is not Role.PARTNER:
        return None, problem(403, "forbidden", f"a {principal.role.value} token cannot do this")
    if named and named != principal.organisation_code:
        return None, problem(
            403, "forbidden", f"this token acts for '{principal.organisation_code}' only"
        )
    return principal.organisation_code, None


def _volume_exceeded(decision: VolumeDecision) -> JSONResponse:
    minutes = get_settings().upload_volume_window_minutes
    return JSONResponse(
        {
            "error": {
                "code": "upload_volume_exceeded",
                "messageNl": HTTP_ERRORS["upload_volume_exceeded"].nl,
                "message": f"this token may upload {decision.limit} bytes in {minutes} minutes "
                f"and has uploaded {decision.used}; try again in {decision.retry_after} s",
            }
        },
        status_code=429,
        headers={"Retry-After": str(decision.retry_after)},
    )


def _principal(request: Request) -> Principal | None:
    return getattr(request.state, "principal", None)


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "ja"}


async def upload_submission(request: Request) -> Response:
    """``POST /submissions`` (multipart: ``file``, ``organisation``, optional ``dry_run``,
    ``idempotency_key``, ``correction_reason``, ``kind``: ``figures`` (default) or ``projects``):
    202 with the submission id, at once."""

    principal = _principal(request)
    # Who asks is decided before a byte of the body is read (its size is capped by
    # api.body_limit); the organisation named in the form is checked after parsing.
    if principal is None:
        return problem(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    if principal.role not in (Role.ADMIN, Role.PARTNER):
        return problem(403, "forbidden", f"a {principal.role.value} token cannot do this")
    decision = rate_limiter().hit(principal.rate_key)
    if not decision.allowed:
        return JSONResponse(
            {
                "error": {
                    "code": "rate_limited",
                    "messageNl": HTTP_ERRORS["rate_limited"].nl,
                    "message": f"more than {decision.limit} writes a minute; "
                    f"try again in {decision.retry_after} s",
                }
            },
            status_code=429,
            headers={"Retry-After": str(decision.retry_after)},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit():  # refused before a byte is read when it cannot fit
        ahead = upload_volume().fits(principal.rate_key, int(declared))
        if not ahead.allowed:
            return _volume_exceeded(ahead)
    form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_FIELD_BYTES)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return problem(400, "missing_file", "send the file as multipart form field 'file'")
    size = upload.size if upload.size is not None else 0
    largest = get_settings().max_upload_file_bytes
    if size > largest:
        await form.close()  # the spooled part is dropped, never stored
        return problem(
            413,
            "file_too_large",
            f"'{upload.filename}' is {size} bytes; a file may have at most {largest} bytes",
        )
    counted = upload_volume().add(principal.rate_key, size)
    if not counted.allowed:
        return _volume_exceeded(counted)
    suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if suffix not in CHANNELS:
        return problem(415, "unsupported_format", f"'{upload.filename}': send a .csv or .xlsx file")
    named = str(form.get("organisation") or request.query_params.get("organisation") or "")
    code, refusal = _acting_organisation(principal, named)
    if refusal is not None:
        return refusal
    with session_scope() as session:
        organisation = session.exec(select(Organisation).where(Organisation.code == code)).first()
        if organisation is None:
            return problem(404, "unknown_organisation", f"no organisation with code '{code}'")
        projects = str(form.get("kind") or "figures") == "projects"
        intake_request = IntakeRequest(
            organisation=organisation,
            channel=SubmissionChannel.PROJECT if projects else CHANNELS[suffix],
            filename=upload.filename,
            dry_run=_truthy(form.get("dry_run", "false")),
            idempotency_key=str(form["idempotency_key"]) if form.get("idempotency_key") else None,
            correction_reason=str(form["correction_reason"])
            if form.get("correction_reason")
            else None,
        )
        try:
            intake = submit_file(session, intake_request, upload.file)
        except IdempotencyConflict as conflict:
            return problem(409, "idempotency_conflict", str(conflict))
        assert intake.submission.id is not None  # stored
        body = {
            "id": relay.to_base64("Submission", intake.submission.id),  # for node / submission(id:)
            "number": intake.submission.id,
            "status": intake.submission.status.value,
            "created": intake.created,
        }
    return JSONResponse(body, status_code=202 if intake.created else 200)


async def download_template(request: Request) -> Response:
    """``GET /submissions/template?organisation=CODE&format=csv|xlsx&period=2025``."""
    code, refusal = _acting_organisation(
        _principal(request),
        request.query_params.get("organisation", ""),
        readers=(Role.TASKFORCE,),
    )
    if refusal is not None:
        return refusal
    kind = request.query_params.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        return problem(400, "unsupported_format", "format is csv or xlsx")
    try:
        period = Period.parse(request.query_params.get("period") or str(date.today().year - 1))
    except PeriodError as error:
        return problem(400, "malformed_period", str(error))
    with session_scope() as session:
        organisation = session.exec(select(Organisation).where(Organisation.code == code)).first()
        if organisation is None:
            return problem(404, "unknown_organisation", f"no organisation with code '{code}'")
        assert organisation.id is not None  # loaded from the database
        principal = _principal(request)
        if (
            principal is not None
            and principal.role is Role.TASKFORCE
            and organisation.id not in taskforce_organisations(session, principal.organisation_id)
        ):
            # what a task force may not see looks exactly like what does not exist
            return problem(404, "unknown_organisation", f"no organisation with code '{code}'")
        cells = expected_cells(session, organisation.id, period)
    content = template_csv(cells) if kind == "csv" else template_xlsx(cells)
    media = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    filename = f"woonzorgmonitor-{code}-{period}.{kind}"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

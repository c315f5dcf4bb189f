"""ASGI middleware: cap every request body by size before anything parses it.

The cap depends on who asks (the principal is resolved from the headers first, by
``AuthenticationMiddleware``, before any byte of the body is read) and on the route:

* ``/submissions`` (a file upload): ``max_upload_bytes``;
* any other request with a token: ``max_request_bytes`` (a GraphQL document with its variables);
* a request without a token: ``max_anonymous_request_bytes``, small.

A declared ``Content-Length`` above the cap is answered 413 at once, without reading; a body sent
without one (chunked) is counted while it is read and cut off with 413 at the cap. A query string
(GraphQL over GET) is capped at ``max_query_string_bytes`` (414).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings, get_settings

UPLOAD_PATHS = ("/submissions",)


class _TooLarge(Exception):
    pass


def body_limit(scope: Scope, settings: Settings) -> int:
    """The most bytes this request's body may have."""
    if scope.get("state", {}).get("principal") is None:
        return settings.max_anonymous_request_bytes
    if scope["path"] in UPLOAD_PATHS:
        return settings.max_upload_bytes
    return settings.max_request_bytes


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status_code=status,
        headers={"Connection": "close"},
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        if len(scope.get("query_string", b"")) > settings.max_query_string_bytes:
            response = _refusal(
                414,
                "uri_too_long",
                f"the query string is longer than {settings.max_query_string_bytes} bytes; "
                "send the operation with POST",
            )
            await response(scope, receive, send)
            return
        limit = body_limit(scope, settings)
        declared = Headers(scope=scope).get("content-length")
        anonymous = scope.get("state", {}).get("principal") is None
        too_large = _refusal(
            413,
            "request_too_large",
            f"the request body is larger than {limit} bytes"
            + ("; a request with a token may send more" if anonymous else ""),
        )
        anonymous_upload = anonymous and scope["path"] in UPLOAD_PATHS
        if declared is not None and not anonymous_upload:  # the route answers 401 unread
            try:
                if int(declared) > limit:
                    await too_large(scope, receive, send)
                    return
            except ValueError:
                await _refusal(400, "bad_request", "Content-Length is not a number")(
                    scope, receive, send
                )
                return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await too_large(scope, receive, send)

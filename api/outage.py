"""Outages are answered, not crashed on: 503 with ``Retry-After`` and a JSON error.

Any request that fails because PostgreSQL or Redis cannot be reached (a connection refused or
dropped, a pool that cannot hand out a connection) gets ``503 Service Unavailable`` with
``Retry-After`` and ``{"error": {"code": "service_unavailable", "service": …, "message": …}}``
instead of a bare 500. Writes need only PostgreSQL: the rate limiter allows when Redis is down.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.outages import unavailable_service

log = logging.getLogger(__name__)

__all__ = ["OutageMiddleware", "unavailable_response", "unavailable_service"]


def unavailable_response(service: str, retry_after: int) -> JSONResponse:
    name = "the database" if service == "database" else "the message broker (Redis)"
    return JSONResponse(
        {
            "error": {
                "code": "service_unavailable",
                "service": service,
                "message": f"{name} is unavailable; nothing was changed, try again shortly",
                "retryAfterSeconds": retry_after,
            }
        },
        status_code=503,
        headers={"Retry-After": str(retry_after)},
    )


class OutageMiddleware:
    """Outermost middleware: turns an outage raised anywhere below into a 503 (if nothing of the
    response went out yet)."""

    def __init__(self, app: ASGIApp, retry_after: int = 5) -> None:
        self.app = app
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            service = unavailable_service(exc)
            if service is None or started:
                raise
            log.warning(
                "%s %s: %s unavailable (%s)",
                scope.get("method"),
                scope.get("path"),
                service,
                type(exc).__name__,
            )
            await unavailable_response(service, self.retry_after)(scope, receive, send)

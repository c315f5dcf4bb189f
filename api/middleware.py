"""ASGI middleware: resolve the bearer token of every HTTP request into ``request.state``; CORS
for the listed origins only."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from schema.errors import HTTP_ERRORS
from services.access.authentication import AuthenticationError, authenticate


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            authorization = Headers(scope=scope).get("authorization")
            engine = getattr(scope["app"].state, "engine", None)  # the app's own database
            try:
                principal = (
                    await run_in_threadpool(authenticate, authorization, engine)
                    if authorization
                    else None
                )
            except AuthenticationError as error:
                response = JSONResponse(
                    {
                        "error": {
                            "code": "unauthenticated",
                            "message": str(error),
                            "messageNl": HTTP_ERRORS["unauthenticated"].nl,
                        }
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="woonzorgmonitor"'},
                )
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


class ListedOriginsCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, except that a preflight from an origin that is not listed gets
    no ``Access-Control-*`` header at all (Starlette still sends the allowed methods and headers
    there, which tells another site what the API accepts)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if not self.is_allowed_origin(request_headers["origin"]):
            for name in [n for n in response.headers if n.lower().startswith("access-control-")]:
                del response.headers[name]
        return response

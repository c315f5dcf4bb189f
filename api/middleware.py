"""ASGI middleware: resolve the bearer token or the session cookie of every HTTP request into
``request.state``, and refuse cookie-authenticated writes without the CSRF header; CORS for the
listed origins only.

CSRF rule: a request authenticated by the session cookie whose method is not GET, HEAD or
OPTIONS must send the header ``X-CSRF-Token`` with the session's CSRF token (given by sign-in,
by ``GET /auth/session`` and in the readable cookie ``woonzorg_csrf``); otherwise it is refused
with 403 ``csrf_failed``. A cross-site page can make a browser send the cookie but cannot read the
token, so it cannot forge the header. Requests with a bearer token do not need it (a browser
never adds that header on its own). GraphQL over GET runs only queries, never mutations.
Sign-in, password reset and set-password are exempt: they authenticate by what they are sent.

WebSocket (GraphQL subscriptions): a browser sends the session cookie with the handshake of any
page's socket, and the same-origin policy does not stop a foreign page from opening one
(cross-site WebSocket hijacking). So a handshake with an ``Origin`` that is neither the API's own
nor one of ``WOONZORG_CORS_ORIGINS`` is refused (closed with 4403 before it is accepted: HTTP 403), and the
cookie is used only on a handshake whose ``Origin`` passed that check. A client without a browser
sends no ``Origin``: it authenticates with a bearer token in ``connection_init`` (the cookie is
not read for it).
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from schema.errors import HTTP_ERRORS
from schema.http import websocket_origin_allowed
from services.access.authentication import AuthenticationError, authenticate

SESSION_COOKIE = "woonzorg_session"
CSRF_COOKIE = "woonzorg_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes that authenticate by what they are sent (a password, a one-time link), not the cookie.
CREDENTIAL_ROUTES = frozenset({"/auth/sign-in", "/auth/password-reset", "/auth/set-password"})


def session_cookie(headers: Headers) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is no session
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


ORIGIN_REFUSED = 4403  # a WebSocket close code of the application range (4000-4999)


class AuthenticationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and not websocket_origin_allowed(origin, headers):
                await WebSocketClose(ORIGIN_REFUSED, "origin not allowed")(scope, receive, send)
                return
            cookie = session_cookie(headers) if origin is not None else None
            engine = getattr(scope["app"].state, "engine", None)
            principal = (
                await run_in_threadpool(authenticate, None, engine, cookie) if cookie else None
            )
            scope.setdefault("state", {})["principal"] = principal
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            authorization = headers.get("authorization")
            cookie = None if authorization else session_cookie(headers)
            engine = getattr(scope["app"].state, "engine", None)  # the app's own database
            try:
                principal = (
                    await run_in_threadpool(authenticate, authorization, engine, cookie)
                    if authorization or cookie
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
            if (
                principal is not None
                and principal.session_id is not None
                and scope["method"] not in SAFE_METHODS
                and scope["path"] not in CREDENTIAL_ROUTES
                and not hmac.compare_digest(
                    (headers.get(CSRF_HEADER) or "").encode(),
                    (principal.csrf_token or "").encode(),
                )
            ):
                response = JSONResponse(
                    {
                        "error": {
                            "code": "csrf_failed",
                            "message": "Send the header X-CSRF-Token with this session's token "
                            "(from sign-in, GET /auth/session or the cookie woonzorg_csrf).",
                            "messageNl": "Stuur de header X-CSRF-Token mee met het token van "
                            "deze sessie (van het inloggen, GET /auth/session of de cookie "
                            "woonzorg_csrf).",
                        }
                    },
                    status_code=403,
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

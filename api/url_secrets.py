"""Credentials never travel in a URL: URLs end up in access logs, proxies and browser history.

``SecretsInUrlMiddleware`` refuses a request whose query string carries a token (``access_token``,
``token``, ``api_key``…, or any value shaped like an API token) with 400 ``token_in_url``;
``RedactSecretsFilter`` blanks such values in the access log all the same, for the requests that
are refused and for one-time links (``/auth/set-password?token=…``), which are URLs by design.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SECRET_PARAMETERS = frozenset(
    {"access_token", "token", "api_key", "apikey", "secret", "password", "authorization", "bearer"}
)
TOKEN_SHAPE = re.compile(r"wz_[A-Za-z0-9_\-]{8,}")
# One-time links (invitations, password resets, the first administrator's) are URLs by design:
# e-mailed, used once, short-lived. Their token is still blanked in the access log.
ONE_TIME_LINK_PATHS = frozenset({"/auth/set-password"})
REDACTED = "REDACTED"


def _is_secret(name: str, value: str) -> bool:
    return name.lower() in SECRET_PARAMETERS or TOKEN_SHAPE.search(value) is not None


def has_secret(query_string: str) -> bool:
    return any(_is_secret(n, v) for n, v in parse_qsl(query_string, keep_blank_values=True))


def redact(path: str) -> str:
    """``path?query`` with the values of secret parameters blanked."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(_is_secret(n, v) for n, v in pairs):
        return path
    return base + "?" + urlencode([(n, REDACTED if _is_secret(n, v) else v) for n, v in pairs])


class SecretsInUrlMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            query = scope.get("query_string", b"").decode("latin-1")
            if query and scope.get("path") not in ONE_TIME_LINK_PATHS and has_secret(query):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                response = JSONResponse(
                    {
                        "error": {
                            "code": "token_in_url",
                            "message": "never put a token in a URL (it is logged on the way); "
                            "send it as 'Authorization: Bearer <token>'",
                        }
                    },
                    status_code=400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RedactSecretsFilter(logging.Filter):
    """Blank secrets in the path of uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecretsFilter) for f in access.filters):
        access.addFilter(RedactSecretsFilter())

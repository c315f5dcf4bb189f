"""Sign-in for people: ``/auth/...`` HTTP routes (README "Roles, scopes and tokens").

Why HTTP routes and not GraphQL mutations: signing in and out sets and clears cookies, which is
the business of an HTTP response, not of a GraphQL result (GraphQL-over-HTTP says nothing about
cookies, and a mutation would have to reach past the schema into the response). The GraphQL API
stays free of credentials; ``me`` tells who is signed in.

* ``POST /auth/sign-in`` — JSON ``{"email", "password"}`` (JSON only: a cross-site form cannot
  send it, so nobody can sign a browser in to an account of theirs). 200 with the user and the
  ``csrfToken``; sets ``woonzorg_session`` (HttpOnly, SameSite=Lax, Secure outside local
  development) and ``woonzorg_csrf`` (readable by the web app). Wrong e-mail and wrong password get
  the same 401 ``sign_in_failed`` after the same work; after too many failures per account or per
  address 429 ``too_many_attempts`` with ``Retry-After``.
* ``POST /auth/sign-out`` — ends the session on the server and clears both cookies (needs the
  ``X-CSRF-Token`` header like every cookie-authenticated write).
* ``GET /auth/session`` — who is signed in and the CSRF token, or ``{"signedIn": false}``.
* ``POST /auth/password-reset`` — JSON ``{"email"}``; always 202. The link is e-mailed when SMTP
  is configured, else written to the server log (an operator can also print one with
  ``woonzorg user reset-link``).
* ``GET /auth/set-password?token=…`` — a small page to choose a password with a one-time link;
  ``POST /auth/set-password`` (JSON or form: ``token``, ``password``, optional ``email`` for the
  first administrator) spends the link.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from api.middleware import CSRF_COOKIE, SESSION_COOKIE
from core.settings import get_settings
from db.engine import session_scope
from db.models import Organisation
from services.access import people
from services.access.errors import AccessError
from services.access.throttle import sign_in_throttle

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, message_nl: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "messageNl": message_nl}},
        status_code=status,
        headers=headers or None,
    )


def _set_cookies(response: Response, secret: str, csrf: str) -> None:
    settings = get_settings()
    max_age = settings.session_hours * 3600
    secure = settings.cookies_secure
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=max_age, httponly=True, secure=secure, samesite="lax"
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, secure=secure, samesite="lax"
    )


def _clear_cookies(response: Response) -> None:
    secure = get_settings().cookies_secure
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, httponly=httponly, secure=secure, samesite="lax")


async def _json(request: Request) -> dict[str, Any] | None:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _user_json(session: Any, user: Any) -> dict[str, Any]:
    organisation = session.get(Organisation, user.organisation_id)
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "organisation": organisation.code if organisation else None,
    }


def _sign_in(email: str, password: str, address: str) -> tuple[str, str, dict[str, Any]] | None:
    with session_scope() as session:
        try:
            started = people.sign_in(session, email, password, address)
        except people.SignInFailed:
            return None
        return started.secret, started.row.csrf_token, _user_json(session, started.user)


async def sign_in(request: Request) -> Response:
    body = await _json(request)
    if (
        body is None
        or not isinstance(body.get("email"), str)
        or not isinstance(body.get("password"), str)
    ):
        return _error(
            400,
            "invalid_request",
            'Send JSON {"email": …, "password": …} with Content-Type: application/json.',
            'Stuur JSON {"email": …, "password": …} met Content-Type: application/json.',
        )
    email, password, address = body["email"], body["password"], _address(request)
    throttle = sign_in_throttle()
    wait = await run_in_threadpool(throttle.blocked, email, address)
    if wait is not None:
        return _error(
            429,
            "too_many_attempts",
            f"Too many failed sign-ins; try again in {wait} s.",
            f"Te veel mislukte inlogpogingen; probeer het over {wait} s opnieuw.",
            **{"Retry-After": str(wait)},
        )
    result = await run_in_threadpool(_sign_in, email, password, address)
    if result is None:
        await run_in_threadpool(throttle.failed, email, address)
        return _error(
            401,
            "sign_in_failed",
            "The e-mail address or the password is wrong.",
            "Het e-mailadres of het wachtwoord klopt niet.",
        )
    secret, csrf, user = result
    response = JSONResponse({"signedIn": True, "user": user, "csrfToken": csrf})
    _set_cookies(response, secret, csrf)
    return response


async def sign_out(request: Request) -> Response:
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.session_id is not None:
        session_id = principal.session_id

        def end() -> None:
            with session_scope() as session:
                people.sign_out(session, session_id)

        await run_in_threadpool(end)
    response = JSONResponse({"signedIn": False})
    _clear_cookies(response)
    return response


async def current_session(request: Request) -> Response:
    principal = getattr(request.state, "principal", None)
    if principal is None or principal.session_id is None:
        return JSONResponse({"signedIn": False})
    return JSONResponse(
        {
            "signedIn": True,
            "user": {
                "email": principal.user_email,
                "role": principal.role.value,
                "organisation": principal.organisation_code,
            },
            "csrfToken": principal.csrf_token,
        }
    )


async def password_reset(request: Request) -> Response:
    body = await _json(request)
    if body is None or not isinstance(body.get("email"), str):
        return _error(
            400,
            "invalid_request",
            'Send JSON {"email": …}.',
            'Stuur JSON {"email": …}.',
        )
    email = body["email"]
    address = _address(request)
    throttle = sign_in_throttle()
    if await run_in_threadpool(throttle.blocked, email, address) is None:
        await run_in_threadpool(throttle.failed, email, address)  # each request spends a try

        def request_link() -> None:
            with session_scope() as session:
                issued = people.request_password_reset(session, email)
                if issued is not None and not issued.emailed:
                    log.warning("password reset for %s (no SMTP): %s", email, issued.url)

        await run_in_threadpool(request_link)
    return JSONResponse(
        {
            "message": "If this address has an account, a link to choose a new password is on "
            "its way.",
            "messageNl": "Als dit adres een account heeft, is een link voor een nieuw wachtwoord "
            "onderweg.",
        },
        status_code=202,
    )


_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Woonzorgmonitor — wachtwoord kiezen</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem}}input{{width:100%;padding:.5rem;font-size:1rem}}
button{{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}}.error{{color:#b00020}}</style>
</head><body><main><h1>Woonzorgmonitor</h1>{body}</main></body></html>"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(body=body), status_code=status)


def _form(token: str, user_email: str, first_admin: bool, error: str = "") -> str:
    email_field = (
        f'<label for="email">E-mailadres (e-mail address)</label>'
        f'<input id="email" name="email" type="email" autocomplete="username" '
        f'value="{html.escape(user_email)}" required>'
        if first_admin
        else f"<p>Account: <strong>{html.escape(user_email)}</strong></p>"
    )
    return (
        "<h2>Kies een wachtwoord (choose a password)</h2>"
        + (f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "")
        + '<form method="post" action="/auth/set-password">'
        + f'<input type="hidden" name="token" value="{html.escape(token)}">'
        + email_field
        + '<label for="password">Wachtwoord, minstens 12 tekens (password, at least 12 characters)'
        + '</label><input id="password" name="password" type="password" minlength="12" '
        + 'autocomplete="new-password" required><button type="submit">Opslaan (save)</button></form>'
    )


_INVALID_PAGE = (
    "<p class='error' role='alert'>Deze link is niet (meer) geldig: al gebruikt, verlopen of "
    "vervangen. This link is not valid (any more): used, expired or replaced.</p>"
)


async def set_password_page(request: Request) -> Response:
    token = request.query_params.get("token", "")

    def look() -> tuple[str, bool] | None:
        with session_scope() as session:
            found = people.peek_link(session, token)
            if found is None:
                return None
            link, user = found
            return user.email, link.purpose == people.FIRST_ADMIN

    found = await run_in_threadpool(look) if token else None
    if found is None:
        return _page(_INVALID_PAGE, 400)
    headers = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    response = _page(_form(token, found[0], found[1]))
    response.headers.update(headers)
    return response


async def set_password(request: Request) -> Response:
    body = await _json(request)
    as_json = body is not None
    if body is None:
        form = await request.form()
        body = {k: v for k, v in form.items() if isinstance(v, str)}
    token, password = str(body.get("token") or ""), str(body.get("password") or "")
    email = body.get("email")

    def use() -> str:
        with session_scope() as session:
            user = people.use_link(
                session, token, password, email=email if isinstance(email, str) else None
            )
            return user.email

    try:
        signed_email = await run_in_threadpool(use)
    except AccessError as error:
        if as_json:
            return JSONResponse(
                {
                    "error": {
                        "code": error.code,
                        "message": error.message,
                        "messageNl": error.message_nl,
                        "field": error.field,
                    }
                },
                status_code=400,
            )
        if error.code == "invalid_link":
            return _page(_INVALID_PAGE, 400)
        return _page(
            _form(
                token,
                str(email or ""),
                isinstance(email, str),
                f"{error.message_nl} {error.message}",
            ),
            400,
        )
    if as_json:
        return JSONResponse({"email": signed_email, "passwordSet": True})
    return _page(
        f"<p role='status'>Uw wachtwoord is opgeslagen; log in als "
        f"<strong>{html.escape(signed_email)}</strong>. Your password is set; sign in.</p>"
        "<p><a href='/'>Naar de Woonzorgmonitor (to the monitor)</a></p>"
    )


def auth_routes() -> list[Route]:
    return [
        Route("/auth/sign-in", sign_in, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
        Route("/auth/session", current_session, methods=["GET"]),
        Route("/auth/password-reset", password_reset, methods=["POST"]),
        Route("/auth/set-password", set_password_page, methods=["GET"]),
        Route("/auth/set-password", set_password, methods=["POST"]),
    ]


__all__ = ["auth_routes"]

"""Sign-in for people: sessions in cookies, CSRF, throttling, one-time links, sign-out, and no
way for a partner to raise its own rights."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from api.app import create_app
from core.clock import utcnow
from core.enums import Role
from core.principal import Actor
from core.settings import get_settings
from db.models import AuditEvent, UserLink, UserSession
from services.access import people
from services.access.throttle import RedisCounter, sign_in_throttle
from tests.factories import Factory

PASSWORD = "correct horse battery staple"
ME = "{ me { role organisationCode via user { email role } } }"


def reset_throttle() -> None:
    throttle = sign_in_throttle()
    if isinstance(throttle.counter, RedisCounter):
        for key in throttle.counter.client.scan_iter(f"{throttle.counter.namespace}:signin:*"):
            throttle.counter.client.delete(key)
    sign_in_throttle.cache_clear()


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    reset_throttle()
    yield
    reset_throttle()


@pytest.fixture()
def client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(run_jobs=False, engine=clean_db)) as test_client:
        yield test_client


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/sign-in", json={"email": email, "password": password})


def graphql(client: TestClient, query: str, csrf: str | None = None) -> Any:
    """POST with the CSRF header when given; a read without it goes as GET (no header needed)."""
    if csrf is None and not query.startswith("mutation"):
        return client.get(
            "/graphql", params={"query": query}, headers={"Accept": "application/json"}
        )
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return client.post("/graphql", json={"query": query}, headers=headers)


def test_sign_in_sets_an_httponly_lax_session_cookie_and_me_says_who(
    session: Session, make: Factory, client: TestClient
) -> None:
    # given a partner user with a password
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    # when they sign in
    response = sign_in(client, "Data@Portaal.nl ")
    # then the session is a cookie the page's scripts cannot read, and the CSRF token is given
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"] == {
        "email": "data@portaal.nl",
        "name": body["user"]["name"],
        "role": "partner",
        "organisation": "portaal",
    }
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("woonzorg_session="))
    csrf_cookie = next(c for c in cookies if c.startswith("woonzorg_csrf="))
    assert "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower()
    assert "Secure" not in session_cookie  # local development (http://127.0.0.1)
    assert "HttpOnly" not in csrf_cookie and body["csrfToken"] in csrf_cookie
    # and GraphQL knows who is asking
    me = graphql(client, ME).json()["data"]["me"]
    assert me == {
        "role": "PARTNER",
        "organisationCode": "portaal",
        "via": "SESSION",
        "user": {"email": "data@portaal.nl", "role": "PARTNER"},
    }
    assert client.get("/auth/session").json()["csrfToken"] == body["csrfToken"]
    # and the session's secret is stored only as a keyed hash
    row = session.exec(select(UserSession)).one()
    assert client.cookies["woonzorg_session"] not in row.secret_hash


def test_the_session_cookie_is_secure_outside_local_development(
    session: Session, make: Factory, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    monkeypatch.setattr(get_settings(), "public_url", "https://monitor.example.nl")
    cookies = sign_in(client, "data@portaal.nl").headers.get_list("set-cookie")
    assert all("Secure" in c for c in cookies)


def test_nobody_signed_in_is_anonymous_and_me_is_null(clean_db, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    assert graphql(client, ME).json() == {"data": {"me": None}}
    assert client.get("/auth/session").json() == {"signedIn": False}


def test_wrong_password_and_unknown_email_get_the_same_answer_in_similar_time(
    session: Session, make: Factory, client: TestClient
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    wrong, unknown = [], []
    for _ in range(3):
        started = time.perf_counter()
        a = sign_in(client, "data@portaal.nl", "not the password at all")
        wrong.append(time.perf_counter() - started)
        started = time.perf_counter()
        b = sign_in(client, "nobody@portaal.nl", "not the password at all")
        unknown.append(time.perf_counter() - started)
        assert a.status_code == b.status_code == 401
        assert a.json() == b.json()
        assert a.json()["error"]["code"] == "sign_in_failed" and a.json()["error"]["messageNl"]
        assert "set-cookie" not in a.headers and "set-cookie" not in b.headers
    # both spend one argon2 verification: the medians lie within a factor of two
    ratio = statistics.median(wrong) / statistics.median(unknown)
    assert 0.5 < ratio < 2, (wrong, unknown)


def test_an_invitation_link_works_once_and_not_after_it_expires(
    session: Session, make: Factory, client: TestClient
) -> None:
    # given an invitation made by an administrator
    make.organisation(code="portaal")
    admin = Actor(None, None, Role.ADMIN, "cli")
    user, link = people.invite_user(
        session,
        admin,
        email="nieuw@portaal.nl",
        name="Nieuw",
        organisation_code="portaal",
        role=Role.PARTNER,
    )
    session.commit()
    token = link.url.split("token=")[1]
    # the page shows the form; a weak password is refused and does not spend the link
    page = client.get(f"/auth/set-password?token={token}")
    assert page.status_code == 200 and "nieuw@portaal.nl" in page.text
    weak = client.post("/auth/set-password", json={"token": token, "password": "kort"})
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
    # when it is used
    used = client.post("/auth/set-password", json={"token": token, "password": PASSWORD})
    assert used.status_code == 200, used.text
    assert sign_in(client, "nieuw@portaal.nl").status_code == 200
    # then it does not work a second time
    again = client.post("/auth/set-password", json={"token": token, "password": PASSWORD + "!"})
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_link"
    assert client.get(f"/auth/set-password?token={token}").status_code == 400
    # and a link past its expiry does not work at all
    reset = people.request_password_reset(session, "nieuw@portaal.nl")
    assert reset is not None
    session.exec(select(UserLink).where(UserLink.id == reset.row.id)).one().expires_at = (
        utcnow() - timedelta(seconds=1)
    )
    session.commit()
    expired = client.post(
        "/auth/set-password",
        json={"token": reset.url.split("token=")[1], "password": PASSWORD + "!"},
    )
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "invalid_link"
    assert sign_in(client, "nieuw@portaal.nl", PASSWORD + "!").status_code == 401
    del user


def test_a_cookie_authenticated_write_without_the_csrf_header_is_refused(
    session: Session, make: Factory, client: TestClient
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    csrf = sign_in(client, "data@portaal.nl").json()["csrfToken"]
    mutation = 'mutation { createToken(name: "sync", role: VIEWER) { __typename } }'
    # without the header, and with a wrong one: refused before anything runs
    for header in (None, "not-the-token"):
        refused = graphql(client, mutation, header)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert client.post("/auth/sign-out").status_code == 403  # sign-out too
    # with it: done
    done = graphql(client, mutation, csrf)
    assert done.json()["data"]["createToken"]["__typename"] == "TokenCreated"
    # reading needs no header
    assert graphql(client, ME).json()["data"]["me"]["via"] == "SESSION"


def test_repeated_failures_throttle_the_account_and_the_address(
    session: Session, make: Factory, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    limit = get_settings().sign_in_failures_per_account
    for _ in range(limit):
        assert sign_in(client, "data@portaal.nl", "guess").status_code == 401
    # then even the right password waits until the window ends
    blocked = sign_in(client, "data@portaal.nl")
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0
    # per address: failures over many accounts from one address block that address
    reset_throttle()
    monkeypatch.setattr(get_settings(), "sign_in_failures_per_address", 3)
    for n in range(3):
        assert sign_in(client, f"guess{n}@portaal.nl", "guess").status_code == 401
    assert sign_in(client, "data@portaal.nl").status_code == 429


def test_sign_out_ends_the_session_on_the_server(
    session: Session, make: Factory, client: TestClient
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    csrf = sign_in(client, "data@portaal.nl").json()["csrfToken"]
    stolen = client.cookies["woonzorg_session"]
    response = client.post("/auth/sign-out", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json() == {"signedIn": False}
    assert "woonzorg_session" not in client.cookies
    # the old cookie, sent again, is worth nothing
    client.cookies.set("woonzorg_session", stolen)
    assert graphql(client, ME).json()["data"]["me"] is None
    assert session.exec(select(UserSession)).one().ended_at is not None
    actions = set(session.exec(select(AuditEvent.action)))
    assert {"user.signed_in", "user.signed_out"} <= actions


def test_a_partner_cannot_raise_its_own_role_or_grant_itself_scope(
    session: Session, make: Factory, client: TestClient
) -> None:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    csrf = sign_in(client, "data@portaal.nl").json()["csrfToken"]
    attempts = {
        "updateUser": 'updateUser(email: "data@portaal.nl", role: ADMIN)',
        "grantScope": 'grantScope(organisation: "portaal", jurisdictions: ["GM0546"])',
        "createToken": 'createToken(name: "x", role: ADMIN)',
        "inviteUser": 'inviteUser(email: "x@portaal.nl", name: "X", organisation: "portaal", role: TASKFORCE)',
    }
    for name, call in attempts.items():
        body = graphql(
            client,
            f"mutation {{ r: {call} {{ __typename ... on NotAllowed {{ code message messageNl }} }} }}",
            csrf,
        ).json()
        result = body["data"]["r"]
        assert result["__typename"] == "NotAllowed", (name, body)
        assert result["code"] and result["message"] and result["messageNl"]
    me = graphql(client, ME).json()["data"]["me"]
    assert me["role"] == "PARTNER"
    from db.models import OrganisationScope

    assert session.exec(select(OrganisationScope)).all() == []
    del leiden


def test_a_deactivated_user_can_no_longer_sign_in_and_their_sessions_end(
    session: Session, make: Factory, client: TestClient
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    assert sign_in(client, "data@portaal.nl").status_code == 200
    people.update_user(
        session, Actor(None, None, Role.ADMIN, "cli"), "data@portaal.nl", active=False
    )
    session.commit()
    assert graphql(client, ME).json()["data"]["me"] is None
    assert sign_in(client, "data@portaal.nl").status_code == 401


def test_a_password_reset_answers_the_same_for_any_address_and_its_link_works_once(
    session: Session,
    make: Factory,
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make.organisation(code="portaal")
    make.user("portaal", "partner", PASSWORD, email="data@portaal.nl")
    with caplog.at_level("WARNING", logger="api.auth"):
        known = client.post("/auth/password-reset", json={"email": "data@portaal.nl"})
        unknown = client.post("/auth/password-reset", json={"email": "niemand@portaal.nl"})
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    # without SMTP the link goes to the server log (for the operator), never to the requester
    logged = [r.getMessage() for r in caplog.records if "password reset" in r.getMessage()]
    assert len(logged) == 1 and "data@portaal.nl" in logged[0]
    token = logged[0].split("token=", 1)[1]
    assert "token=" not in known.text
    done = client.post("/auth/set-password", json={"token": token, "password": PASSWORD + "?"})
    assert done.status_code == 200
    assert sign_in(client, "data@portaal.nl", PASSWORD + "?").status_code == 200
    again = client.post("/auth/set-password", json={"token": token, "password": PASSWORD})
    assert again.json()["error"]["code"] == "invalid_link"

"""Tokens: shown once, stored keyed-hashed, expiring and revocable; enforced on HTTP writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from core.clock import utcnow
from db.models import ApiToken, AuditEvent
from services.access.rate_limit import MemoryRateLimiter
from services.access.tokens import revoke_token, verify_token
from tests.factories import Factory
from tests.workers.submission_support import reporting_world

CSV = b"Indicator;Gemeente;Periode;Waarde\ndwellings-added;GM0546;2024;4\n"


@pytest.fixture()
def client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(run_jobs=False)) as test_client:
        yield test_client


def upload(client: TestClient, token: str | None, **data: str):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        "/submissions", headers=headers, data=data, files={"file": ("f.csv", CSV, "text/csv")}
    )


def test_a_token_is_stored_only_as_a_keyed_hash_and_verifies(
    session: Session, make: Factory
) -> None:
    reporting_world(session, make)
    token = make.token("portaal")
    row = session.exec(select(ApiToken)).one()
    assert (
        token.startswith(f"wz_{row.prefix}_")
        and token not in row.secret_hash
        and len(row.secret_hash) == 64
    )
    assert verify_token(session, token).id == row.id  # type: ignore[union-attr]
    assert verify_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert verify_token(session, "wz_notreal") is None


def test_expired_and_revoked_tokens_are_refused(
    session: Session, make: Factory, client: TestClient
) -> None:
    reporting_world(session, make)
    expired = make.token("portaal", expires_at=utcnow() + timedelta(seconds=1))
    session.exec(select(ApiToken)).one().expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    revoked = make.token("portaal")
    revoke_token(session, revoked.split("_")[1], reason="laptop lost")
    session.commit()
    for token in (expired, revoked, "wz_abcdefghij_not-a-real-secret-at-all"):
        response = upload(client, token)
        assert response.status_code == 401
        assert (
            response.json()["error"]["message"]
            == "the token is not valid, has expired or was revoked"
        )
    assert upload(client, None).status_code == 401
    assert client.post("/submissions", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_partner_submits_only_for_its_own_organisation(
    session: Session, make: Factory, client: TestClient
) -> None:
    reporting_world(session, make)
    partner = make.token("portaal")
    assert upload(client, partner).status_code == 202
    refused = upload(client, partner, organisation="cbs")
    assert (
        refused.status_code == 403
        and "acts for 'portaal' only" in refused.json()["error"]["message"]
    )
    assert upload(client, make.token("portaal", "viewer")).status_code == 403
    assert upload(client, make.token("cbs", "admin"), organisation="portaal").status_code in (
        200,
        202,
    )


def test_writes_are_rate_limited_per_token(
    session: Session, make: Factory, client: TestClient, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import api.submissions as routes

    monkeypatch.setattr(routes, "rate_limiter", lambda: limiter)
    limiter = MemoryRateLimiter(limit=2)
    reporting_world(session, make)
    partner = make.token("portaal")
    statuses = [upload(client, partner).status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    refused = upload(client, partner)
    assert (
        refused.json()["error"]["code"] == "rate_limited"
        and int(refused.headers["Retry-After"]) <= 60
    )
    assert (
        upload(client, make.token("portaal")).status_code != 429
    )  # another token has its own budget


def test_token_commands_create_list_and_revoke_with_an_audit_trail(
    session: Session, make: Factory
) -> None:
    reporting_world(session, make)
    runner = CliRunner()
    created = runner.invoke(
        cli,
        ["token", "create", "--organisation", "portaal", "--role", "partner", "--expires", "30d"],
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    prefix = token.split("_")[1]
    listed = runner.invoke(cli, ["token", "list", "--organisation", "portaal"])
    assert prefix in listed.output and "active" in listed.output and token not in listed.output
    assert runner.invoke(cli, ["token", "revoke", prefix, "--reason", "test"]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["token", "list"]).output
    assert runner.invoke(cli, ["token", "create", "-o", "nobody", "-r", "partner"]).exit_code == 2
    assert (
        runner.invoke(
            cli, ["token", "create", "-o", "portaal", "-r", "partner", "--expires", "soon"]
        ).exit_code
        == 2
    )
    session.expire_all()
    actions = [
        e.action
        for e in session.exec(select(AuditEvent).where(AuditEvent.object_type == "api_token"))
    ]
    assert actions == ["token.created", "token.revoked"]

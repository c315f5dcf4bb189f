"""The first administrator, scripted installs, invitations and scopes from the command line;
invitations by e-mail when SMTP is configured."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import _print_first_admin_link
from api.cli import app as cli
from core.enums import OrganisationKind, Role
from core.principal import Actor
from core.settings import get_settings
from db.models import OrganisationScope, User
from services.access import people
from tests.factories import Factory
from tests.workers.periodic.servers import smtp_server

PASSWORD = "een lang genoeg wachtwoord"


def token_of(url: str) -> str:
    return url.split("token=", 1)[1]


def test_serve_prints_a_one_time_link_while_no_administrator_can_sign_in(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a fresh installation: serve prints a link
    _print_first_admin_link()
    link = capsys.readouterr().out.strip()
    assert "/auth/set-password?token=" in link
    # a second start replaces it: the first link no longer works
    _print_first_admin_link()
    newer = capsys.readouterr().out.strip()
    assert newer != link
    with pytest.raises(people.AccessError):
        people.use_link(session, token_of(link), PASSWORD)
    # when the operator sets a password (and an address of their own) with the newer link
    user = people.use_link(session, token_of(newer), PASSWORD, email="ops@gemeente.nl")
    session.commit()
    assert (user.email, user.role) == ("ops@gemeente.nl", Role.ADMIN)
    # then serve prints nothing any more
    _print_first_admin_link()
    assert capsys.readouterr().out == ""


def test_admin_create_prints_a_link_for_scripted_installs(session: Session) -> None:
    result = CliRunner().invoke(cli, ["admin", "create", "--email", "Beheer@Example.nl"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[-1]
    user = people.use_link(session, token_of(link), PASSWORD)
    assert (user.email, user.role, user.active) == ("beheer@example.nl", Role.ADMIN, True)
    session.commit()
    started = people.sign_in(session, "beheer@example.nl", PASSWORD, "127.0.0.1")
    assert started.user.id == user.id


def test_invite_and_grant_scope_from_the_cli(session: Session, make: Factory) -> None:
    make.jurisdiction(code="GM0546", name="Leiden")
    make.organisation(code="gem-leiden", kind=OrganisationKind.MUNICIPALITY)
    session.commit()
    runner = CliRunner()
    invited = runner.invoke(
        cli, ["user", "invite", "-e", "data@leiden.nl", "-o", "gem-leiden", "-r", "partner"]
    )
    assert invited.exit_code == 0, invited.output
    assert "/auth/set-password?token=" in invited.stdout
    granted = runner.invoke(cli, ["scope", "grant", "-o", "gem-leiden", "-j", "GM0546"])
    assert granted.exit_code == 0 and "gem-leiden\tGM0546\t*" in granted.stdout
    assert len(session.exec(select(OrganisationScope)).all()) == 1
    refused = runner.invoke(cli, ["scope", "grant", "-o", "gem-leiden", "-j", "GM9999"])
    assert refused.exit_code == 2 and "GM9999" in refused.output


def test_an_invitation_is_e_mailed_when_smtp_is_configured(
    session: Session, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    make.organisation(code="portaal")
    with smtp_server() as (port, received):
        monkeypatch.setattr(get_settings(), "smtp_host", "127.0.0.1")
        monkeypatch.setattr(get_settings(), "smtp_port", port)
        user, link = people.invite_user(
            session,
            Actor(None, None, Role.ADMIN, "cli"),
            email="nieuw@portaal.nl",
            name="Nieuw",
            organisation_code="portaal",
            role=Role.PARTNER,
        )
    assert link.emailed and len(received) == 1
    envelope: Any = received[0]
    assert envelope.rcpt_tos == ["nieuw@portaal.nl"]
    message: Any = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert link.url in message.get_content()
    assert session.exec(select(User)).one().id == user.id

"""``woonzorg admin``, ``woonzorg user`` and ``woonzorg scope``: people and reporting scopes from
the command line (the operator acts as ``cli``, with an administrator's rights)."""

from __future__ import annotations

import typer
from rich.console import Console

from core.enums import OrganisationKind, ReportingFrequency, Role
from core.principal import Actor

admin_app = typer.Typer(
    help="Administrators: the first one, scripted installs.", no_args_is_help=True
)
user_app = typer.Typer(help="People: invite, change, password-reset links.", no_args_is_help=True)
scope_app = typer.Typer(
    help="Reporting scopes (and task-force areas): grant, revoke, show.", no_args_is_help=True
)
console = Console(stderr=True)
CLI_ACTOR = Actor(None, None, Role.ADMIN, "cli")


def _fail(error: Exception) -> typer.Exit:
    console.print(f"[red]{error}[/red]")
    return typer.Exit(2)


def _print_link(url: str, emailed: bool, what: str) -> None:
    if emailed:
        console.print(f"{what}: e-mailed.")
        return
    console.print(f"{what} (one-time; no SMTP configured, so pass it on yourself):")
    print(url)


@admin_app.command("create")
def create_admin(
    email: str = typer.Option(..., "--email", "-e", help="The administrator's e-mail address."),
    name: str = typer.Option("", "--name", "-n", help="Their name."),
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Organisation code (default: 'beheer', made if needed)."
    ),
) -> None:
    """Make (or promote) an administrator and print a one-time link to set the password."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.people import create_admin as create

    try:
        with session_scope() as session:
            link = create(session, email, name, organisation)
            url, emailed = link.url, link.emailed
    except AccessError as error:
        raise _fail(error) from None
    _print_link(url, emailed, f"administrator {email.strip().lower()}: set the password with")


@admin_app.command("link")
def first_admin_link() -> None:
    """Print the first administrator's one-time link (nothing when an administrator exists)."""
    from db.engine import session_scope
    from services.access.people import first_admin_link as issue

    with session_scope() as session:
        link = issue(session)
        url = link.url if link else None
    if url is None:
        console.print("An administrator exists already; use `woonzorg user reset-link`.")
        raise typer.Exit(1)
    print(url)


@user_app.command("invite")
def invite(
    email: str = typer.Option(..., "--email", "-e", help="Their e-mail address."),
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
    role: Role = typer.Option(..., "--role", "-r", help="admin, taskforce, partner or viewer."),
    name: str = typer.Option("", "--name", "-n", help="Their name."),
) -> None:
    """Invite a person: prints (or e-mails) a one-time link to choose a password."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.people import invite_user

    try:
        with session_scope() as session:
            _, link = invite_user(
                session,
                CLI_ACTOR,
                email=email,
                name=name,
                organisation_code=organisation,
                role=role,
            )
            url, emailed = link.url, link.emailed
    except AccessError as error:
        raise _fail(error) from None
    _print_link(url, emailed, f"invitation for {email.strip().lower()}")


@user_app.command("reset-link")
def reset_link(
    email: str = typer.Option(..., "--email", "-e", help="The user's e-mail address."),
) -> None:
    """A one-time link to choose a new password (printed, or e-mailed with SMTP)."""
    from db.engine import session_scope
    from services.access.people import request_password_reset

    with session_scope() as session:
        link = request_password_reset(session, email)
        found = (link.url, link.emailed) if link else None
    if found is None:
        raise _fail(ValueError(f"no active user '{email}'"))
    _print_link(found[0], found[1], f"password reset for {email.strip().lower()}")


@user_app.command("set")
def set_user(
    email: str = typer.Option(..., "--email", "-e", help="The user's e-mail address."),
    role: Role | None = typer.Option(None, "--role", "-r", help="A new role."),
    active: bool | None = typer.Option(None, "--active/--inactive", help="May they sign in."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Change a user's role, or (de)activate them (deactivating ends their sessions)."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.people import update_user

    try:
        with session_scope() as session:
            update_user(session, CLI_ACTOR, email, role=role, active=active, reason=reason)
    except AccessError as error:
        raise _fail(error) from None
    console.print(f"user {email} updated")


def _scope_change(
    grant: bool,
    organisation: str,
    jurisdictions: list[str],
    indicators: list[str],
    reason: str | None,
) -> None:
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.scopes import grant_scope, revoke_scope

    change = grant_scope if grant else revoke_scope
    try:
        with session_scope() as session:
            pairs = change(
                session, CLI_ACTOR, organisation, jurisdictions, indicators or None, reason=reason
            )
    except AccessError as error:
        raise _fail(error) from None
    for jurisdiction, indicator in pairs:
        print(f"{organisation}\t{jurisdiction}\t{indicator or '*'}")


@scope_app.command("grant")
def grant(
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
    jurisdiction: list[str] = typer.Option(..., "--jurisdiction", "-j", help="E.g. GM0546."),
    indicator: list[str] = typer.Option([], "--indicator", "-i", help="Only these indicators."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Let an organisation report for jurisdictions; prints its whole scope."""
    _scope_change(True, organisation, jurisdiction, indicator, reason)


@scope_app.command("revoke")
def revoke(
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
    jurisdiction: list[str] = typer.Option(..., "--jurisdiction", "-j", help="E.g. GM0546."),
    indicator: list[str] = typer.Option([], "--indicator", "-i", help="Only these indicators."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Take jurisdictions out of an organisation's scope; prints what is left."""
    _scope_change(False, organisation, jurisdiction, indicator, reason)


@scope_app.command("show")
def show(
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
) -> None:
    """Print an organisation's scope (jurisdiction, indicator or *)."""
    from sqlmodel import select

    from db.engine import session_scope
    from db.models import Organisation
    from services.access.scopes import scope_of

    with session_scope() as session:
        row = session.exec(select(Organisation).where(Organisation.code == organisation)).first()
        if row is None or row.id is None:
            raise _fail(ValueError(f"no organisation '{organisation}'"))
        pairs = scope_of(session, row.id)
    for jurisdiction, indicator in pairs:
        print(f"{organisation}\t{jurisdiction}\t{indicator or '*'}")


organisation_app = typer.Typer(
    help="Organisations: create, update, deactivate.", no_args_is_help=True
)
obligation_app = typer.Typer(
    help="Reporting obligations: set (create or change).", no_args_is_help=True
)


@organisation_app.command("create")
def create_organisation(
    code: str = typer.Option(..., "--code", "-c", help="A slug, e.g. woonstichting-x."),
    name: str = typer.Option(..., "--name", "-n", help="Its name."),
    kind: OrganisationKind = typer.Option(..., "--kind", "-k", help="municipality, corporation, …"),
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j", help="Home code."),
    trusted: bool = typer.Option(False, "--trusted", help="Apply its figures without approval."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Add an organisation."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.organisations import create_organisation as create

    try:
        with session_scope() as session:
            create(
                session,
                CLI_ACTOR,
                code=code,
                name=name,
                kind=kind,
                jurisdiction=jurisdiction,
                trusted_source=trusted,
                reason=reason,
            )
    except AccessError as error:
        raise _fail(error) from None
    console.print(f"organisation {code} created")


@organisation_app.command("update")
def update_organisation(
    code: str = typer.Option(..., "--code", "-c", help="The organisation's code."),
    name: str | None = typer.Option(None, "--name", "-n", help="A new name."),
    active: bool | None = typer.Option(
        None, "--active/--inactive", help="Reactivate, or deactivate (its users and tokens stop)."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Rename, deactivate or reactivate an organisation."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.access.organisations import update_organisation as update

    try:
        with session_scope() as session:
            update(session, CLI_ACTOR, code, name=name, active=active, reason=reason)
    except AccessError as error:
        raise _fail(error) from None
    console.print(f"organisation {code} updated")


@obligation_app.command("set")
def set_obligation(
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
    indicator: str = typer.Option(..., "--indicator", "-i", help="Indicator code."),
    jurisdiction: list[str] = typer.Option(..., "--jurisdiction", "-j", help="E.g. GM0546."),
    frequency: ReportingFrequency = typer.Option(..., "--frequency", "-f", help="How often."),
    due_days: int = typer.Option(..., "--due-days", help="Days after a period's end."),
    first_period: str = typer.Option(..., "--first-period", help="E.g. 2026-Q1."),
    last_period: str | None = typer.Option(None, "--last-period", help="The last period owed."),
    contact_email: str | None = typer.Option(None, "--contact-email", help="Reminder address."),
    active: bool = typer.Option(True, "--active/--inactive", help="Inactive: no longer owed."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Create or change the obligation organisation × indicator × frequency."""
    from db.engine import session_scope
    from services.access.errors import AccessError
    from services.periodic.obligations import set_obligation as set_one

    try:
        with session_scope() as session:
            set_one(
                session,
                CLI_ACTOR,
                organisation=organisation,
                indicator=indicator,
                jurisdictions=jurisdiction,
                frequency=frequency,
                due_days=due_days,
                first_period=first_period,
                last_period=last_period,
                contact_email=contact_email,
                active=active,
                reason=reason,
            )
    except AccessError as error:
        raise _fail(error) from None
    console.print(f"obligation {organisation}/{indicator}/{frequency.value} set")

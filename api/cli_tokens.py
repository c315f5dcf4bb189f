"""``woonzorg token``: create, revoke and list API tokens."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table

from core.clock import utcnow
from core.enums import Role

app = typer.Typer(help="API tokens: create (shown once), revoke, list.", no_args_is_help=True)
console = Console(stderr=True)


def parse_expiry(text: str | None) -> datetime | None:
    """``90d``, ``12w``, ``2027-01-31`` or none."""
    if not text:
        return None
    relative = re.fullmatch(r"(\d+)([dw])", text.strip())
    if relative:
        days = int(relative[1]) * (7 if relative[2] == "w" else 1)
        return utcnow() + timedelta(days=days)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"'{text}': use 90d, 12w or a date like 2027-01-31") from None
    return moment if moment.tzinfo else moment.astimezone()


@app.command("create")
def create(
    organisation: str = typer.Option(..., "--organisation", "-o", help="Organisation code."),
    role: Role = typer.Option(..., "--role", "-r", help="admin, taskforce, partner or viewer."),
    name: str = typer.Option("", "--name", "-n", help="What the token is for (default: role@org)."),
    expires: str | None = typer.Option(
        None, "--expires", help="90d, 12w or a date (default: never)."
    ),
) -> None:
    """Create a token; it is printed once and cannot be shown again."""
    from db.engine import session_scope
    from services.access.tokens import TokenError, issue_token

    try:
        with session_scope() as session:
            issued = issue_token(
                session,
                organisation,
                role,
                name=name or f"{role.value}@{organisation}",
                expires_at=parse_expiry(expires),
            )
            prefix = issued.row.prefix
    except TokenError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    console.print(
        f"token {prefix} for {organisation} ({role.value}); keep it safe, it is shown only now:"
    )
    print(issued.token)


@app.command("revoke")
def revoke(
    prefix: str = typer.Argument(..., help="The token's prefix (the part after wz_)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Revoke a token at once."""
    from db.engine import session_scope
    from services.access.tokens import TokenError, revoke_token

    try:
        with session_scope() as session:
            revoke_token(session, prefix, reason=reason)
    except TokenError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    console.print(f"token {prefix} revoked")


@app.command("list")
def list_tokens(
    organisation: str | None = typer.Option(
        None, "--organisation", "-o", help="Only this organisation."
    ),
) -> None:
    """List tokens (never their secrets)."""
    from sqlmodel import col, select

    from db.engine import session_scope
    from db.models import ApiToken, Organisation

    table = Table()
    for column in ("prefix", "organisation", "role", "name", "expires", "last used", "state"):
        table.add_column(column)
    now = utcnow()
    with session_scope() as session:
        query = select(ApiToken, Organisation.code).join(
            Organisation, col(Organisation.id) == col(ApiToken.organisation_id)
        )
        if organisation:
            query = query.where(Organisation.code == organisation)
        for token, code in session.exec(query.order_by(col(ApiToken.id))):
            state = (
                "revoked"
                if token.revoked_at
                else ("expired" if token.expires_at and token.expires_at <= now else "active")
            )
            table.add_row(
                token.prefix,
                code,
                token.role.value,
                token.name,
                token.expires_at.date().isoformat() if token.expires_at else "never",
                token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never",
                state,
            )
    # Piped output (scripts, logs) is not cut to a terminal's width.
    Console(width=None if sys.stdout.isatty() else 200).print(table)

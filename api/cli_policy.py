"""``woonzorg policy export``: policy content changed through the API, as reference YAML."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Policy content entered through the API.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the YAML files into."),
    since: datetime | None = typer.Option(
        None, "--since", help="Only changes from this moment (ISO 8601, e.g. 2026-04-01)."
    ),
    with_common: bool = typer.Option(
        False,
        "--with-common",
        help="Also write the vocabularies (common/), so the folder loads on its own.",
    ),
) -> None:
    """Write what was created, changed or retired through the API in the reference YAML format
    (data/reference/FORMAT.md), to review and take into data/reference/."""
    from datetime import UTC

    from db.engine import session_scope
    from services.policy.yaml_export import export_policy_content

    moment = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    with session_scope() as session:
        files = export_policy_content(session, moment, with_common=with_common)
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    console.print(f"{len(files)} file(s) written to {out}")

"""The ``woonzorg`` command line: set up, serve, run workers and the scheduler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer
from rich.console import Console

from api.cli_people import admin_app, obligation_app, organisation_app, scope_app, user_app
from api.cli_policy import app as policy_app
from api.cli_tokens import app as tokens
from core.settings import get_settings
from workers import boot

app = typer.Typer(
    help="Woonzorgmonitor: monitoring of Dutch 'wonen en zorg' policy (GraphQL API, workers).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


app.add_typer(tokens, name="token")
app.add_typer(admin_app, name="admin")
app.add_typer(user_app, name="user")
app.add_typer(scope_app, name="scope")
app.add_typer(organisation_app, name="organisation")
app.add_typer(obligation_app, name="obligation")
app.add_typer(policy_app, name="policy")


@app.callback()
def start_jobs() -> None:
    """Every command may queue jobs: they go out through the configured broker (or, embedded,
    wait in the outbox for the serving process)."""
    boot.start(get_settings())


def _configure_logging() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


@app.command()
def migrate(
    revision: str = typer.Argument("head", help="Target revision (default: the newest)."),
) -> None:
    """Bring the database schema up to REVISION (creates the SQLite file if needed)."""
    from db.engine import make_engine, wait_for_database
    from db.migrate import upgrade

    _configure_logging()
    settings = get_settings()
    url = settings.database_url
    if url.startswith("postgresql"):
        waiting = make_engine(url)
        wait_for_database(waiting, timeout_seconds=settings.service_wait_seconds)
        waiting.dispose()
    upgrade(url, revision)
    console.print(f"[green]database at {revision}[/green]")


def default_reference_path() -> Path:
    """``data/reference`` of the source tree, else of the working directory (installed copies)."""
    in_tree = Path(__file__).resolve().parents[1] / "data" / "reference"
    return in_tree if in_tree.is_dir() else Path.cwd() / "data" / "reference"


@app.command()
def seed(
    path: Path | None = typer.Option(None, help="Dataset folder (default: data/reference)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; store nothing."),
) -> None:
    """Load the reference dataset (documents, targets, measures, …) idempotently.

    The whole dataset is checked first; any problem is reported with file, line, entry and field,
    and nothing is loaded. Running it twice changes nothing; a changed value is updated and the
    change recorded in the audit trail.
    """
    from rich.table import Table

    from db.engine import session_scope
    from ingest.reference.dataset import DatasetError, read_dataset
    from services.policy.reference_load import load_dataset
    from services.progress.service import queue_recompute_everything

    folder = path or default_reference_path()
    try:
        dataset = read_dataset(folder)
    except DatasetError as exc:
        console.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    with console.status("loading the reference dataset"), session_scope() as session:
        summary = load_dataset(session, dataset)
        if dry_run:
            session.rollback()
        else:  # progress follows the new targets and figures (run by the next worker)
            queue_recompute_everything(session)
    table = Table(
        title=f"reference data from {folder}" + (" (dry run: nothing stored)" if dry_run else "")
    )
    for column in ("file", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for file in sorted(summary.per_file):
        counts = summary.per_file[file]
        table.add_row(
            file, str(counts["created"]), str(counts["updated"]), str(counts["unchanged"])
        )
    table.add_row(
        "total", *(str(summary.total(o)) for o in ("created", "updated", "unchanged")), style="bold"
    )
    Console().print(table)
    if not dry_run:
        _seed_source_registry(folder.parent / "sources.yaml")  # data/sources.yaml by default


def _seed_source_registry(path: Path) -> None:
    """Periodic figures: the registry beside the dataset folder (sources, publishers, obligations)."""
    from db.engine import session_scope
    from services.periodic.registry import RegistryError, load_registry, read_registry

    if not path.is_file():
        return
    with session_scope() as session:
        try:
            summary = load_registry(session, read_registry(session, path))
        except RegistryError as exc:
            console.print(f"[red]{exc}[/red]", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    for section, counts in summary.counts.items():
        console.print(
            f"{path.name} {section}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )


def _global_id(submission_id: int | None) -> str:
    """The submission's GraphQL global id (for ``submission(id:)`` and ``node(id:)``)."""
    from strawberry import relay

    return relay.to_base64("Submission", submission_id or 0)


@app.command()
def ingest(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A .csv or .xlsx file."),
    organisation: str = typer.Option(
        ..., "--organisation", "-o", help="Code of the reporting organisation."
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Validate and report; no figure is stored or applied. What it keeps: the submission "
        "record (marked dry run, never applied or approved), its row errors and the received file, "
        "so the check can be looked up later.",
    ),
    reason: str | None = typer.Option(
        None, "--reason", help="Why figures already reported change."
    ),
    projects: bool = typer.Option(
        False, "--projects", help="A project file (docs/file-format.md), not figures."
    ),
) -> None:
    """Submit a partner file: validate every row here, with a progress bar, and print the outcome.

    A trusted organisation's valid file is applied at once; others wait for approval by the task
    force. Any error rejects the whole file and is listed with row, column and what is wrong.
    """
    from datetime import date

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlmodel import col, select

    from core.enums import SubmissionChannel
    from db.engine import session_scope
    from db.models import Organisation, SubmissionError
    from services.submissions.intake import IntakeRequest
    from services.submissions.service import submit_file_and_validate

    channel = SubmissionChannel.XLSX if file.suffix.lower() == ".xlsx" else SubmissionChannel.CSV
    if projects:
        channel = SubmissionChannel.PROJECT
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} rows"),
        TimeElapsedColumn(),
        console=console,
    )
    with session_scope() as session:
        org = session.exec(select(Organisation).where(Organisation.code == organisation)).first()
        if org is None:
            console.print(f"[red]no organisation with code '{organisation}'[/red]")
            raise typer.Exit(2)
        request = IntakeRequest(org, channel, file.name, dry_run=dry_run, correction_reason=reason)
        with progress, file.open("rb") as stream:
            task = progress.add_task(f"checking {file.name}", total=None)
            intake, outcome = submit_file_and_validate(
                session,
                request,
                stream,
                date.today(),
                progress=lambda rows: progress.update(task, completed=rows),
            )
        submission = intake.submission
        if outcome is None:
            console.print(
                f"already received as submission {_global_id(submission.id)} "
                f"(number {submission.id}, {submission.status.value}): nothing new"
            )
            return
        errors = session.exec(
            select(SubmissionError)
            .where(SubmissionError.submission_id == submission.id)
            .order_by(col(SubmissionError.id))
        ).all()
    colour = "red" if outcome.errors else "green"
    console.print(
        f"[{colour}]submission {_global_id(outcome.submission_id)} (number {outcome.submission_id}): "
        f"{outcome.status.value}[/{colour}], {outcome.rows} rows, {outcome.errors} errors"
    )
    for error in errors[:50]:
        where = f"row {error.row_number}" if error.row_number else "file"
        column = f", column '{error.column}'" if error.column else ""
        console.print(f"  {where}{column}: {error.message_en}", highlight=False)
    if len(errors) > 50 or outcome.errors > len(errors):
        console.print(f"  … {outcome.errors - min(len(errors), 50)} more")
    if outcome.errors:
        raise typer.Exit(1)


@app.command()
def recompute(
    target: list[str] = typer.Option([], "--target", "-t", help="Target code (repeatable)."),
    jurisdiction: list[str] = typer.Option(
        [],
        "--jurisdiction",
        "-j",
        help="All targets of a jurisdiction or region code (repeatable).",
    ),
    everything: bool = typer.Option(
        False, "--all", help="Every target, after deriving every rule."
    ),
) -> None:
    """Recompute stored progress now, in this process, with a progress bar."""
    from datetime import date

    from rich.progress import Progress

    from db.engine import session_scope
    from services.progress import service

    if not (target or jurisdiction or everything):
        console.print(
            "[red]say what to recompute: --target CODE, --jurisdiction CODE or --all[/red]"
        )
        raise typer.Exit(2)
    with session_scope() as session, Progress(console=console) as bar:
        if everything:
            ids = service.all_target_ids(session)
        else:
            ids, unknown = service.target_ids_of(session, target, jurisdiction)
            if unknown:
                console.print(f"[red]unknown code(s): {', '.join(unknown)}[/red]")
                raise typer.Exit(2)
        task = bar.add_task("recomputing progress", total=len(ids))

        def advance(done: int) -> None:
            bar.update(task, completed=done)

        if everything:
            report = service.recompute_everything(session, date.today(), advance)
        else:
            report = service.recompute(session, ids, date.today(), advance)
    console.print(
        f"{report.targets} targets: {report.written} snapshots written, {report.unchanged} unchanged"
    )


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Bind address (WOONZORG_HOST, default 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (WOONZORG_PORT, default 8000)."),
) -> None:
    """Serve the API at /graphql (GraphiQL in a browser), /healthz and /readyz.

    With WOONZORG_BROKER_URL=memory:// (the default) the jobs run in this process: an in-process
    dramatiq worker and the scheduler thread start with the server.
    """
    import uvicorn

    from api.app import create_app
    from db.engine import wait_for_database

    _configure_logging()
    settings = get_settings()
    wait_for_database(timeout_seconds=settings.service_wait_seconds)
    _print_first_admin_link()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )


def _print_first_admin_link() -> None:
    """As long as no administrator can sign in, print a one-time link to set the first one's
    password (as Jupyter prints its token URL). Each start replaces the previous link."""
    from db.engine import session_scope
    from services.access.people import first_admin_link

    with session_scope() as session:
        link = first_admin_link(session)
        url = link.url if link else None
    if url is not None:
        console.print(
            "[yellow]No administrator yet. Open this one-time link to set the first "
            "administrator's password (valid "
            f"{get_settings().first_admin_hours} h; `woonzorg admin link` makes a new one):[/yellow]"
        )
        print(f"    {url}", flush=True)


@app.command()
def worker(
    queues: list[str] = typer.Option(
        [], "--queue", "-q", help="Consume only these queues (ingest, compute, maintenance)."
    ),
    processes: int = typer.Option(1, help="Worker processes."),
    threads: int = typer.Option(4, help="Threads per process."),
) -> None:
    """Run dramatiq workers against the Redis broker (production mode), supervised.

    Each of PROCESSES is a worker process of its own; one that dies (kill -9, out of memory) is
    restarted within a second, the others keep working. Each waits for PostgreSQL and Redis at
    start and refuses to start when it cannot read the API's payloads (WOONZORG_DATA_DIR).
    """
    if get_settings().embedded_broker:
        console.print(
            "[red]WOONZORG_BROKER_URL is memory://: jobs run inside `woonzorg serve`; "
            "set a redis:// URL to run separate workers.[/red]"
        )
        raise typer.Exit(2)
    from workers.supervisor import main as supervisor_main

    args = ["supervise", "--processes", str(processes), "--threads", str(threads)]
    for queue in queues:
        args += ["--queue", queue]
    raise typer.Exit(supervisor_main(args))


@app.command()
def scheduler() -> None:
    """Run the scheduler (exactly one in production): outbox re-sends, heartbeats, periodic jobs."""
    from db.engine import wait_for_database
    from workers.broker import wait_for_broker
    from workers.runtime import run_scheduler_forever

    _configure_logging()
    settings = get_settings()
    wait_for_database(timeout_seconds=settings.service_wait_seconds)
    wait_for_broker(timeout_seconds=settings.service_wait_seconds)
    run_scheduler_forever(settings)


@app.command("export-schema")
def export_schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here, not to stdout."),
) -> None:
    """Print the GraphQL SDL (the committed copy is schema/schema.graphql)."""
    from schema.root import sdl

    text = sdl()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")


if __name__ == "__main__":
    app()

"""The open-data package: the published figures and progress as a Frictionless Data Package.

``datapackage.json`` (resources with their table schemas, licence, sources: the policy documents)
beside ``observations.csv`` and ``progress.csv`` (RFC 4180, UTF-8), in
``<WOONZORG_DATA_DIR>/open-data``. Written by the ``refresh_open_data`` job after progress changes
(and on demand); each file is written next to its place and moved into it, so a reader never sees
half a file. Served at ``/open-data/<file>``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.enums import JobStatus
from core.settings import get_settings
from db.models import OutboxJob, PolicyDocument
from ingest.exports import Column, Dialect, Kind, csv_stream
from services.access.visibility import Access
from services.exports.lists import Export, Params, observations_export, progress_export
from services.jobs import enqueue_job

DIRECTORY = "open-data"
DESCRIPTOR = "datapackage.json"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
_TYPES = {
    Kind.TEXT: "string",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "number",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
    Kind.BOOLEAN: "boolean",
}
RESOURCES = {
    "observations": "Realisation counts in force: one row per cell, period and source.",
    "progress": "Progress per target: status, realised, expected by now, gap and forecasts.",
}


def open_data_directory() -> Path:
    return Path(get_settings().data_dir) / DIRECTORY


def _schema(columns: Iterable[Column]) -> dict[str, Any]:
    return {
        "fields": [
            {"name": c.name, "type": _TYPES[c.kind], "description": c.description} for c in columns
        ]
    }


def _write_atomically(target: Path, chunks: Iterator[bytes]) -> int:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    size = 0
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size


def write_package(session: Session, directory: Path | None = None) -> Path:
    """Write the package (published data only, as a reader without a token sees it)."""
    directory = directory or open_data_directory()
    directory.mkdir(parents=True, exist_ok=True)
    public = Access(None, True, session)
    exports: dict[str, Export] = {
        "observations": observations_export(session, public, Params({})),
        "progress": progress_export(session, public, Params({})),
    }
    resources = []
    for name, export in exports.items():
        path = directory / f"{name}.csv"
        _write_atomically(path, csv_stream(export.columns, export.rows, Dialect.RFC4180))
        resources.append(
            {
                "name": name,
                "path": path.name,
                "title": name.capitalize(),
                "description": RESOURCES[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": _schema(export.columns),
            }
        )
    documents = session.exec(select(PolicyDocument).order_by(col(PolicyDocument.code))).all()
    descriptor = {
        "profile": "tabular-data-package",
        "name": "woonzorgmonitor",
        "title": "Woonzorgmonitor: realisation and progress of Dutch housing-and-care policy",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "licenses": [LICENSE],
        "sources": [{"title": d.title, "path": d.source_file or d.code} for d in documents],
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2).encode()
    _write_atomically(directory / DESCRIPTOR, iter([text]))
    return directory / DESCRIPTOR


def queue_refresh(session: Session) -> None:
    """Queue the package's regeneration, unless one is already waiting to run."""
    waiting = session.exec(
        select(OutboxJob.id).where(
            OutboxJob.actor_name == "refresh_open_data",
            col(OutboxJob.status).in_([JobStatus.PENDING, JobStatus.SENT]),
        )
    ).first()
    if waiting is None:
        enqueue_job(session, "refresh_open_data")

"""Reading a source's current content, per kind, as one file for the intake."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from db.models import Source
from ingest.cbs.rows import submitted_rows
from ingest.cbs.statline import (
    StatLineError,
    StatLineReport,
    StatLineRow,
    iter_pages,
    parse_statline,
)
from ingest.errors import FileError
from ingest.feeds.config import (
    FolderConfig,
    SourceConfigError,
    StatLineConfig,
    UrlFileConfig,
    parse_source_config,
)
from ingest.limits import DEFAULT_LIMITS
from ingest.submitted_rows import canonical_csv
from ingest.tabular import read_table
from services.periodic.fetching import FetchError, download, fetch_json

KeepJurisdiction = Callable[[str], bool]


@dataclass(frozen=True)
class PulledContent:
    filename: str
    content: bytes
    rows: int | None
    note: str | None = None


def pull_content(
    source: Source, client: httpx.Client, keep: KeepJurisdiction = lambda code: True
) -> PulledContent:
    """The source's content now; ``FetchError`` when it cannot be had (``retryable`` or not).

    ``keep`` selects the jurisdictions of a statistical feed (CBS covers every municipality; the
    monitor keeps those its publisher reports for); partner-format files are taken whole.
    """
    try:
        config = parse_source_config(source.kind, source.config)
    except SourceConfigError as exc:
        raise FetchError(f"source {source.code}: {exc}", retryable=False) from exc
    if isinstance(config, StatLineConfig):
        return _statline(source, config, client, keep)
    if isinstance(config, UrlFileConfig):
        return _url_file(config, client)
    return _watched_folder(config)


def _statline(
    source: Source, config: StatLineConfig, client: httpx.Client, keep: KeepJurisdiction
) -> PulledContent:
    report = StatLineReport()
    pages = iter_pages(config.url, lambda url: fetch_json(client, url))
    left_out: list[StatLineRow] = []
    try:
        rows = list(_kept(parse_statline(pages, config.mapping, report=report), keep, left_out))
    except StatLineError as exc:
        raise FetchError(f"{config.table}: {exc}", retryable=False) from exc
    note = report.summary()
    if left_out:
        note += f"\nleft out {len(left_out)} figure(s) of jurisdictions outside the scope"
    if not rows:
        raise FetchError(f"{config.table}: no figures to keep ({note})", retryable=False)
    content = canonical_csv(submitted_rows(rows))
    return PulledContent(f"{source.code}.csv", content, len(rows), note)


def _kept(
    rows: Iterable[StatLineRow], keep: KeepJurisdiction, left_out: list[StatLineRow]
) -> Iterator[StatLineRow]:
    for row in rows:
        if keep(row.jurisdiction):
            yield row
        else:
            left_out.append(row)


def _url_file(config: UrlFileConfig, client: httpx.Client) -> PulledContent:
    content = download(client, config.url)
    return PulledContent(config.filename, content, _count_rows(content, config.filename))


def _watched_folder(config: FolderConfig) -> PulledContent:
    newest = newest_file(Path(config.path), config.pattern)
    if newest is None:
        raise FetchError(f"{config.path}: no file matches {config.pattern}", retryable=False)
    if newest.stat().st_size > DEFAULT_LIMITS.max_file_bytes:
        raise FetchError(f"{newest}: larger than the upload limit", retryable=False)
    content = newest.read_bytes()
    return PulledContent(newest.name, content, _count_rows(content, newest.name))


def newest_file(folder: Path, pattern: str) -> Path | None:
    """The most recently modified file in ``folder`` matching ``pattern`` (name breaks ties)."""
    if not folder.is_dir():
        raise FetchError(f"{folder}: not a folder", retryable=False)
    files = [p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith(".")]
    return max(files, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


def _count_rows(content: bytes, filename: str) -> int | None:
    """Rows in the file, or None when it cannot be read (validation will say why)."""
    try:
        return sum(1 for _ in read_table(content, filename))
    except FileError:
        return None

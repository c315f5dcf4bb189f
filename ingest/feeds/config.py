"""The ``config`` of a source, per kind, checked once: the registry refuses a bad entry and the
puller reads typed settings instead of a dict.

* ``cbs_statline``: ``table`` and ``mapping`` (see docs/sources-cbs.md); optional ``api``
  (``v3`` TypedDataSet, the default, or ``v4`` Observations) and ``url`` (the first page; default
  built from the table and the mapping's region and period kinds).
* ``url_file``: ``url`` of a CSV or XLSX in the partner template; optional ``filename`` (its
  extension picks the reader; default: the URL's last path segment).
* ``watched_folder``: ``path`` of a folder; the newest file matching ``pattern``
  (default ``*.csv``) is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from core.enums import SourceKind
from ingest.cbs.mapping import StatLineMapping, StatLineMappingError
from ingest.cbs.urls import observations_url, typed_dataset_url
from ingest.tabular import READERS


class SourceConfigError(ValueError):
    """A source configuration that cannot be pulled."""


@dataclass(frozen=True)
class StatLineConfig:
    mapping: StatLineMapping
    url: str

    @property
    def table(self) -> str:
        return self.mapping.table


@dataclass(frozen=True)
class UrlFileConfig:
    url: str
    filename: str


@dataclass(frozen=True)
class FolderConfig:
    path: str
    pattern: str


SourceConfig = StatLineConfig | UrlFileConfig | FolderConfig

_KEYS = {
    SourceKind.CBS_STATLINE: ({"table", "mapping"}, {"api", "url"}),
    SourceKind.URL_FILE: ({"url"}, {"filename"}),
    SourceKind.WATCHED_FOLDER: ({"path"}, {"pattern"}),
}


def parse_source_config(kind: SourceKind | str, config: Mapping[str, Any]) -> SourceConfig:
    try:
        kind = SourceKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in SourceKind)
        raise SourceConfigError(f"kind {kind!r} is not one of {known}") from None
    if not isinstance(config, Mapping):
        raise SourceConfigError("the source settings must be a mapping")
    required, optional = _KEYS[kind]
    missing = sorted(required - set(config))
    unknown = sorted(set(config) - required - optional)
    if missing:
        raise SourceConfigError(f"{kind.value} needs {', '.join(missing)}")
    if unknown:
        raise SourceConfigError(f"{kind.value}: unknown setting(s) {', '.join(unknown)}")
    if kind is SourceKind.CBS_STATLINE:
        return _statline(config)
    if kind is SourceKind.URL_FILE:
        url = _http_url(config["url"])
        filename = config.get("filename") or PurePosixPath(urlsplit(url).path).name
        return UrlFileConfig(url=url, filename=_tabular_name(filename))
    return FolderConfig(path=_text(config["path"], "path"), pattern=config.get("pattern", "*.csv"))


def _statline(config: Mapping[str, Any]) -> StatLineConfig:
    table = _text(config["table"], "table")
    try:
        mapping = StatLineMapping.from_config(table, config["mapping"])
    except StatLineMappingError as exc:
        raise SourceConfigError(str(exc)) from None
    api = config.get("api", "v3")
    if "url" in config:
        return StatLineConfig(mapping, _http_url(config["url"]))
    try:
        return StatLineConfig(mapping, _default_url(table, api, mapping))
    except ValueError as exc:
        raise SourceConfigError(f"{table}: {exc}") from None


def _default_url(table: str, api: str, mapping: StatLineMapping) -> str:
    if api == "v3":
        return typed_dataset_url(
            table,
            period_kinds=sorted(mapping.period_kinds or ()),
            region_prefixes=sorted(mapping.region_prefixes),
        )
    if api == "v4":
        return observations_url(table, measures=[name for name, _ in mapping.measure_items()])
    raise ValueError(f"api is v3 or v4, not {api!r}")


def _http_url(value: Any) -> str:
    text = _text(value, "url")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceConfigError(f"url {text!r} is not an http(s) URL")
    return text


def _tabular_name(name: str) -> str:
    suffix = PurePosixPath(name).suffix.casefold()
    if suffix not in READERS:
        raise SourceConfigError(
            f"file name {name!r}: set 'filename' ending in {', '.join(sorted(READERS))}"
        )
    return name


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceConfigError(f"'{key}' must be non-empty text, not {value!r}")
    return value.strip()

"""YAML reading that remembers the line of every mapping, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects


def pop_line(entry: dict[str, Any]) -> int | None:
    """Remove the line marks from an entry (recursively) and return the entry's own line."""
    line = entry.pop(LINE_KEY, None)
    for value in entry.values():
        _strip(value)
    return line


def _strip(value: Any) -> None:
    if isinstance(value, dict):
        value.pop(LINE_KEY, None)
        for item in value.values():
            _strip(item)
    elif isinstance(value, list):
        for item in value:
            _strip(item)

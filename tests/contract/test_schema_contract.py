"""The API contract: the breaking-change check of .ci/run, and every documented operation valid
against the committed SDL (schema/schema.graphql), which is what clients generate types from."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from graphql import build_schema, find_breaking_changes, parse, validate

ROOT = Path(__file__).parents[2]
OPERATIONS = sorted((ROOT / "docs" / "queries").glob("*.graphql"))


def _check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "schema_breaking_changes", ROOT / ".ci" / "schema_breaking_changes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda p: p.stem)
def test_documented_operation_is_valid_against_the_committed_sdl(operation: Path) -> None:
    schema = build_schema((ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"))
    errors = validate(schema, parse(operation.read_text(encoding="utf-8")))
    assert not errors, [e.message for e in errors]


def test_a_break_is_named_by_its_coordinate_and_marked_only_when_named() -> None:
    check = _check()
    old = build_schema("type Query { targets: [Target!]!, gone: Int } type Target { code: String }")
    new = build_schema("type Query { targets: TargetPage! } type TargetPage { total: Int }")
    names = set(old.type_map) | set(new.type_map)
    breaks = {check.coordinate(c.description, names) for c in find_breaking_changes(old, new)}
    assert breaks == {"Query.targets", "Query.gone", "Target"}
    lines = ["- BREAKING: `Query.targets` → `TargetPage!`"]
    assert check.is_marked("Query.targets", lines)
    assert not check.is_marked("Query.gone", lines)
    assert not check.is_marked("Query.target", lines)  # a prefix is not a name

"""The API contract: the breaking-change check of .ci/run, and every documented operation valid
against the committed SDL (schema/schema.graphql), which is what clients generate types from."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    build_schema,
    find_breaking_changes,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)

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


# Being turned into connections on another branch (issue 15's administration lists).
CONVERTED_ELSEWHERE = {"Query.apiTokens", "Query.users"}


def test_every_list_of_objects_is_a_connection_or_says_why_it_is_a_plain_list() -> None:
    """Lists of values (codes, flags, enum values) are attributes; a list of objects outside a
    connection's own edges/nodes must be a small closed set whose description says so."""
    schema = build_schema((ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"))
    unexplained = []
    for name, kind in schema.type_map.items():
        if not isinstance(kind, GraphQLObjectType) or name.startswith("__"):
            continue
        if name.endswith("Connection"):
            continue
        for field_name, field in kind.fields.items():
            of = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(of, GraphQLList) or is_leaf_type(get_named_type(of)):
                continue
            coordinate = f"{name}.{field_name}"
            if "plain list" not in (field.description or "") and (
                coordinate not in CONVERTED_ELSEWHERE
            ):
                unexplained.append(coordinate)
    assert unexplained == []


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

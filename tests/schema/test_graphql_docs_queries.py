"""The example operations in docs/queries/ run against the reference dataset and return data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.schema.conftest import GraphQL

DOCS = Path(__file__).parents[2] / "docs" / "queries"
OPERATIONS = sorted(DOCS.glob("*.graphql"))


def _has_items(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, dict):
        return any(_has_items(v) for v in value.values())
    return value is not None


def test_the_documented_operations_are_the_front_end_set() -> None:
    assert {p.stem for p in OPERATIONS} >= {
        "region-overview",
        "municipality-page",
        "measure-list",
        "pipeline",
        "submission-status",
        "progress-list",
    }


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda p: p.stem)
def test_documented_operation_returns_data(gql: GraphQL, operation: Path) -> None:
    # given an example operation with its default variables
    # when it runs against the reference dataset
    data = gql(operation.read_text(encoding="utf-8"))["data"]
    # then it answers without errors and with items
    assert _has_items(data), data

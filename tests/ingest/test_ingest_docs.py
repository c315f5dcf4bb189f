"""docs/file-format.md stays in step with the code."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import MESSAGES, ErrorCode
from ingest.headers import HEADER_ALIASES

DOC = (Path(__file__).parents[2] / "docs" / "file-format.md").read_text(encoding="utf-8")


def test_every_error_code_is_documented_with_both_messages() -> None:
    for code in ErrorCode:
        assert f"| `{code}` |" in DOC, code
        assert code in MESSAGES


def test_every_header_alias_is_documented() -> None:
    for aliases in HEADER_ALIASES.values():
        for alias in aliases:
            assert f"`{alias}`" in DOC, alias

"""Every code the policy content services answer with is in the table of docs/errors.md, with
the result type the API answers with."""

from __future__ import annotations

import ast
from pathlib import Path

from services.policy.authoring import CODES

ROOT = Path(__file__).parents[3]
KINDS = {
    "not_allowed": "NotAllowed",
    "not_found": "NotFound",
    "invalid_input": "InvalidInput",
    "invalid_state": "InvalidState",
}


def used_codes() -> dict[str, str]:
    """code → result type, from every ``PolicyError(kind, code, …)`` and ``invalid(code, …)``."""
    found = {}
    for name in ("authoring.py", "content.py"):
        tree = ast.parse((ROOT / "services" / "policy" / name).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "PolicyError" and len(texts) >= 2:
                found[texts[1]] = KINDS[texts[0]]
            elif node.func.id == "invalid" and texts:
                found[texts[0]] = "InvalidInput"
    return found


def test_every_code_is_documented_with_its_result_type() -> None:
    used = used_codes()
    assert len(used) > 15
    assert {code: kind for code, (kind, _, _) in CODES.items()} == used

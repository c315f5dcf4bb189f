"""The contract check: breaking changes of schema/schema.graphql against a previous commit's.

    .venv/bin/python .ci/schema_breaking_changes.py [BASE]   (BASE: a git revision, default HEAD~1)

graphql-core's ``find_breaking_changes`` compares the committed SDL of BASE with the one in the
work tree. Each break must be marked as intended, or the check fails (exit 1):

* in CHANGELOG.md, a line containing ``BREAKING`` that names the schema coordinate the break is
  about (``Jurisdiction.targets``, ``Target``, ``Query.progress(asOf:)`` is named as
  ``Query.progress``), or
* in a commit message between BASE and HEAD, a line starting ``BREAKING CHANGE:`` naming the
  coordinate, or the line ``BREAKING CHANGE: schema`` (every break of that range).

Dangerous changes (e.g. a new enum value, a changed default) are listed but never fail.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

ROOT = Path(__file__).resolve().parents[1]
SDL = "schema/schema.graphql"
COORDINATE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def coordinate(description: str, type_names: set[str]) -> str:
    """The schema coordinate a change is about: its first ``Type.field``, else the first word
    that names a type."""
    for token in COORDINATE.findall(description):
        if "." in token and token.split(".")[0] in type_names:
            return token
    for token in COORDINATE.findall(description):
        if token in type_names:
            return token
    return description


def marked_lines(base: str) -> tuple[list[str], bool]:
    """The lines that mark breaks as intended, and whether a commit marks every break."""
    changelog = ROOT / "CHANGELOG.md"
    lines = []
    if changelog.is_file():
        lines = [
            ln for ln in changelog.read_text(encoding="utf-8").splitlines() if "BREAKING" in ln
        ]
    messages = git("log", "--format=%B", f"{base}..HEAD")
    commits = [ln for ln in messages.splitlines() if ln.startswith("BREAKING CHANGE:")]
    everything = any(ln.strip() == "BREAKING CHANGE: schema" for ln in commits)
    return lines + commits, everything


def is_marked(where: str, lines: list[str]) -> bool:
    pattern = re.compile(rf"(?<![A-Za-z0-9_.]){re.escape(where)}(?![A-Za-z0-9_])")
    return any(pattern.search(line) for line in lines)


def main(argv: list[str]) -> int:
    base = argv[1] if len(argv) > 1 else "HEAD~1"
    try:
        old_sdl = git("show", f"{base}:{SDL}")
    except subprocess.CalledProcessError:
        print(f"schema check: {base} has no {SDL}; nothing to compare")
        return 0
    old = build_schema(old_sdl)
    new = build_schema((ROOT / SDL).read_text(encoding="utf-8"))
    breaking = find_breaking_changes(old, new)
    for change in find_dangerous_changes(old, new):
        print(f"dangerous (allowed): {change.description}")
    lines, everything = marked_lines(base)
    names = set(old.type_map) | set(new.type_map)
    unmarked = [
        change
        for change in breaking
        if not everything and not is_marked(coordinate(change.description, names), lines)
    ]
    for change in breaking:
        state = "UNMARKED" if change in unmarked else "marked"
        print(f"breaking ({state}): {change.type.name}: {change.description}")
    if unmarked:
        missing = sorted({coordinate(c.description, names) for c in unmarked})
        print(
            f"\nschema check: {len(unmarked)} breaking change(s) against {base} are not marked as "
            "intended. Name them in a CHANGELOG.md line with BREAKING (or a commit line "
            f"'BREAKING CHANGE: <coordinate>'): {', '.join(missing)}",
            file=sys.stderr,
        )
        return 1
    print(f"schema check: {len(breaking)} breaking change(s) against {base}, all marked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

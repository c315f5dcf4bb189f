"""Checking that a quoted phrase really stands at the cited lines of a source document."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Glyphs the PDF extraction left for ligatures, and typographic marks, in ordinary spelling.
_GLYPHS = {
    "Ɵ": "ti",
    "Ō": "ft",
    "ƫ": "tt",
    "Ʃ": "tt",
    "Ư": "ff",
    "ﬁ": "fi",
    "ﬂ": "fl",
    "ﬀ": "ff",
    "ﬃ": "ffi",
    "\u00ad": "",
}
_LINES = re.compile(r"L(\d+)(?:\s*[-–]\s*L?(\d+))?")
SLACK = 3
"""Lines of leeway either side of a cited range, for a printed value looked up near its entry's
citation (the spot checks); a quote itself must lie within its cited lines (``slack=0``)."""


def comparable(text: str) -> str:
    """Letters and digits only, lower case, ligatures restored, hyphenated line breaks joined."""
    for glyph, letters in _GLYPHS.items():
        text = text.replace(glyph, letters)
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.lower())


def parse_lines(spec: str) -> tuple[int, int]:
    match = _LINES.search(spec)
    if match is None:
        raise ValueError(f"'{spec}' is not a line reference like L120 or L120-135")
    first = int(match[1])
    return first, int(match[2] or first)


@lru_cache(maxsize=16)
def _document_lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def quote_is_at(path: Path, lines: str, quote: str, slack: int = SLACK) -> bool:
    """True when the quote stands at the lines (give or take ``slack`` lines either side); a quote
    elided with "…" must match in order."""
    first, last = parse_lines(lines)
    text = _document_lines(path)
    window = comparable(" ".join(text[max(0, first - 1 - slack) : last + slack]))
    position = 0
    for part in re.split(r"…|\.\.\.", quote):
        wanted = comparable(part)
        found = window.find(wanted, position)
        if found < 0:
            return False
        position = found + len(wanted)
    return True


def quote_is_within(path: Path, lines: str, quote: str) -> bool:
    """True when the whole quote lies within the cited lines, not a line outside them."""
    return quote_is_at(path, lines, quote, slack=0)

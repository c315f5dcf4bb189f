"""The phase machine: initiative → plan → permit → construction → completed, or cancelled.

* Forward moves need nothing, and may skip phases (a project often enters the monitor at
  ``permit``); a note is optional.
* Moving back (one phase or more) needs a reason.
* Cancelling needs a reason.
* ``completed`` and ``cancelled`` are final: leaving them is a correction and needs a reason.
* Moving to the phase a project already has changes nothing (a repeated request is harmless).
"""

from __future__ import annotations

from enum import StrEnum

from core.enums import ProjectPhase
from ingest.errors import ErrorCode
from ingest.projects.errors import ProjectError

ORDER: tuple[ProjectPhase, ...] = (
    ProjectPhase.INITIATIVE,
    ProjectPhase.PLAN,
    ProjectPhase.PERMIT,
    ProjectPhase.CONSTRUCTION,
    ProjectPhase.COMPLETED,
)
FINAL = frozenset({ProjectPhase.COMPLETED, ProjectPhase.CANCELLED})
OPEN = frozenset(ORDER) - FINAL
DUTCH_NAMES: dict[ProjectPhase, str] = {
    ProjectPhase.INITIATIVE: "initiatief",
    ProjectPhase.PLAN: "plan",
    ProjectPhase.PERMIT: "vergunning",
    ProjectPhase.CONSTRUCTION: "bouw",
    ProjectPhase.COMPLETED: "opgeleverd",
    ProjectPhase.CANCELLED: "geannuleerd",
}
_WRITTEN: dict[str, ProjectPhase] = {
    **{phase.value: phase for phase in ProjectPhase},
    **{name: phase for phase, name in DUTCH_NAMES.items()},
    "initiatieffase": ProjectPhase.INITIATIVE,
    "planfase": ProjectPhase.PLAN,
    "planvorming": ProjectPhase.PLAN,
    "vergund": ProjectPhase.PERMIT,
    "vergunningfase": ProjectPhase.PERMIT,
    "in aanbouw": ProjectPhase.CONSTRUCTION,
    "aanbouw": ProjectPhase.CONSTRUCTION,
    "realisatie": ProjectPhase.CONSTRUCTION,
    "gereed": ProjectPhase.COMPLETED,
    "opgeleverd": ProjectPhase.COMPLETED,
    "vervallen": ProjectPhase.CANCELLED,
    "afgeblazen": ProjectPhase.CANCELLED,
    "canceled": ProjectPhase.CANCELLED,
}


class MoveKind(StrEnum):
    START = "start"  # a new project's first phase
    UNCHANGED = "unchanged"
    FORWARD = "forward"
    SKIP_FORWARD = "skip_forward"
    BACKWARD = "backward"
    CANCEL = "cancel"
    CORRECTION = "correction"  # leaving a final phase


def parse_phase(text: str) -> ProjectPhase | None:
    """A phase as written in a file, in English or Dutch, any case; None when unknown."""
    return _WRITTEN.get(" ".join(text.split()).casefold())


def classify_move(current: ProjectPhase | None, target: ProjectPhase) -> MoveKind:
    if current is None:
        return MoveKind.CANCEL if target is ProjectPhase.CANCELLED else MoveKind.START
    if current is target:
        return MoveKind.UNCHANGED
    if current in FINAL:
        return MoveKind.CORRECTION
    if target is ProjectPhase.CANCELLED:
        return MoveKind.CANCEL
    step = ORDER.index(target) - ORDER.index(current)
    if step < 0:
        return MoveKind.BACKWARD
    return MoveKind.FORWARD if step == 1 else MoveKind.SKIP_FORWARD


def check_move(
    current: ProjectPhase | None, target: ProjectPhase, reason: str | None, project: str
) -> MoveKind:
    """The kind of move, or a ProjectError when it needs a reason that is not given."""
    kind = classify_move(current, target)
    if has_text(reason):
        return kind
    names = _names(current, target, project)
    if kind is MoveKind.CORRECTION:
        raise ProjectError(ErrorCode.FINAL_PHASE_WITHOUT_REASON, "reason", **names)
    if kind is MoveKind.CANCEL:
        raise ProjectError(ErrorCode.CANCEL_WITHOUT_REASON, "reason", **names)
    if kind is MoveKind.BACKWARD:
        raise ProjectError(ErrorCode.BACKWARD_PHASE_WITHOUT_REASON, "reason", **names)
    return kind


def require_reason_to_change_final(phase: ProjectPhase, reason: str | None, project: str) -> None:
    """A completed or cancelled project changes (details or phase) only with a reason."""
    if phase in FINAL and not has_text(reason):
        raise ProjectError(
            ErrorCode.FINAL_PHASE_WITHOUT_REASON, "reason", **_names(phase, phase, project)
        )


def has_text(reason: str | None) -> bool:
    return bool(reason and reason.strip())


def _names(current: ProjectPhase | None, target: ProjectPhase, project: str) -> dict[str, str]:
    return {
        "project": project,
        "from_en": current.value if current else "-",
        "from_nl": DUTCH_NAMES[current] if current else "-",
        "to_en": target.value,
        "to_nl": DUTCH_NAMES[target],
    }

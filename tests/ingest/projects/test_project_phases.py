"""The phase machine: forward (skips allowed), backward and cancel with a reason, final phases."""

from __future__ import annotations

import pytest

from core.enums import ProjectPhase as P
from ingest.errors import ErrorCode
from ingest.projects.errors import ProjectError
from ingest.projects.phases import MoveKind, check_move, parse_phase


@pytest.mark.parametrize(
    ("current", "target", "kind"),
    [
        (None, P.INITIATIVE, MoveKind.START),
        (None, P.PERMIT, MoveKind.START),
        (P.INITIATIVE, P.PLAN, MoveKind.FORWARD),
        (P.PLAN, P.CONSTRUCTION, MoveKind.SKIP_FORWARD),
        (P.INITIATIVE, P.COMPLETED, MoveKind.SKIP_FORWARD),
        (P.PERMIT, P.PERMIT, MoveKind.UNCHANGED),
        (P.COMPLETED, P.COMPLETED, MoveKind.UNCHANGED),
    ],
)
def test_forward_moves_need_no_reason(current: P | None, target: P, kind: MoveKind) -> None:
    assert check_move(current, target, None, "'Hofje' (P-1)") is kind


@pytest.mark.parametrize(
    ("current", "target", "code", "kind"),
    [
        (P.CONSTRUCTION, P.PERMIT, ErrorCode.BACKWARD_PHASE_WITHOUT_REASON, MoveKind.BACKWARD),
        (P.CONSTRUCTION, P.INITIATIVE, ErrorCode.BACKWARD_PHASE_WITHOUT_REASON, MoveKind.BACKWARD),
        (P.PLAN, P.CANCELLED, ErrorCode.CANCEL_WITHOUT_REASON, MoveKind.CANCEL),
        (None, P.CANCELLED, ErrorCode.CANCEL_WITHOUT_REASON, MoveKind.CANCEL),
        (P.COMPLETED, P.CONSTRUCTION, ErrorCode.FINAL_PHASE_WITHOUT_REASON, MoveKind.CORRECTION),
        (P.CANCELLED, P.PLAN, ErrorCode.FINAL_PHASE_WITHOUT_REASON, MoveKind.CORRECTION),
    ],
)
def test_moving_back_cancelling_and_leaving_a_final_phase_need_a_reason(
    current: P, target: P, code: ErrorCode, kind: MoveKind
) -> None:
    # when the move has no reason (or only blanks), it is refused, naming the project and phases
    for reason in (None, "  "):
        with pytest.raises(ProjectError) as refused:
            check_move(current, target, reason, "'Hofje' (P-1)")
        assert refused.value.code is code and refused.value.field == "reason"
        assert "'Hofje' (P-1)" in refused.value.message_en
        assert "'Hofje' (P-1)" in refused.value.message_nl
    # with a reason it is allowed
    assert check_move(current, target, "vergunning vernietigd", "'Hofje' (P-1)") is kind


def test_a_backward_move_names_both_phases_in_english_and_dutch() -> None:
    with pytest.raises(ProjectError) as refused:
        check_move(P.CONSTRUCTION, P.PERMIT, None, "'Hofje' (P-1)")
    assert "from construction to permit" in refused.value.message_en
    assert "van bouw naar vergunning" in refused.value.message_nl


@pytest.mark.parametrize(
    ("written", "phase"),
    [
        ("Initiatief", P.INITIATIVE),
        ("vergunning", P.PERMIT),
        ("In  aanbouw", P.CONSTRUCTION),
        ("CONSTRUCTION", P.CONSTRUCTION),
        ("opgeleverd", P.COMPLETED),
        ("vervallen", P.CANCELLED),
        ("bijna klaar", None),
    ],
)
def test_phases_are_read_in_dutch_and_english(written: str, phase: P | None) -> None:
    assert parse_phase(written) is phase

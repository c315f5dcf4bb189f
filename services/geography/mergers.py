"""Recording a municipal merger (herindeling): predecessors end the day before it, the successor
takes over their regions, and the progress of everything it touches is recomputed.

What a merger then means for progress is in ``services.progress.inputs``: the predecessors'
figures count for the successor's targets (flagged ``mapped_from_predecessors``); the
predecessors' own targets are judged as they stood when they ceased (``ended_at_merger``);
regions count predecessor or successor by their membership dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from core.enums import JurisdictionKind
from core.principal import Actor
from db.models import Jurisdiction, RegionMembership, Target
from services import audit
from services.jobs import enqueue_job
from services.progress.recompute import containing_regions


class MergerError(ValueError):
    """A merger that cannot be recorded: a stable code, the field at fault, English and Dutch."""

    def __init__(self, code: str, message: str, message_nl: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message_nl = message_nl
        self.field = field


@dataclass(frozen=True)
class MergerRecorded:
    successor: Jurisdiction
    predecessors: list[Jurisdiction]
    memberships_ended: int
    memberships_added: int
    targets_queued: int


def record_merger(
    session: Session,
    actor: Actor,
    successor_code: str,
    predecessor_codes: list[str],
    on: date,
    *,
    successor_name: str | None = None,
    reason: str | None = None,
) -> MergerRecorded:
    """From ``on`` the predecessors are one municipality, ``successor_code`` (created when
    ``successor_name`` is given and it does not exist yet). Administrators only."""
    if not actor.is_admin:
        raise MergerError(
            "not_allowed",
            "only administrators record mergers",
            "alleen beheerders leggen herindelingen vast",
        )
    codes = sorted(set(predecessor_codes))
    if not codes:
        raise MergerError(
            "no_predecessors",
            "name the municipalities that merge",
            "noem de gemeenten die samengaan",
            "predecessors",
        )
    if successor_code in codes:
        raise MergerError(
            "successor_is_predecessor",
            "the successor cannot be its own predecessor",
            "de opvolger kan niet zijn eigen voorganger zijn",
            "successor",
        )
    found = {
        row.code: row
        for row in session.exec(select(Jurisdiction).where(col(Jurisdiction.code).in_(codes)))
    }
    missing = [code for code in codes if code not in found]
    if missing:
        raise MergerError(
            "unknown_jurisdiction",
            f"no jurisdiction {', '.join(missing)}",
            f"geen gebied {', '.join(missing)}",
        )
    successor = session.exec(
        select(Jurisdiction).where(col(Jurisdiction.code) == successor_code)
    ).first()
    last_day = on - timedelta(days=1)
    for row in found.values():
        if row.kind is not JurisdictionKind.MUNICIPALITY:
            raise MergerError(
                "not_a_municipality",
                f"{row.code} is a {row.kind.value}",
                f"{row.code} is geen gemeente maar een {row.kind.value}",
            )
        if row.successor_id is not None and (successor is None or row.successor_id != successor.id):
            raise MergerError(
                "already_merged",
                f"{row.code} was already merged into another",
                f"{row.code} is al in een andere gemeente opgegaan",
            )
        if row.valid_from is not None and row.valid_from > last_day:
            raise MergerError(
                "merged_before_it_began",
                f"{row.code} begins after {last_day}",
                f"{row.code} begint pas na {last_day}",
                "on",
            )
    if successor is None:
        if not successor_name:
            raise MergerError(
                "unknown_jurisdiction",
                f"no jurisdiction {successor_code}: give successorName to create it",
                f"geen gebied {successor_code}: geef successorName om het aan te maken",
                "successor",
            )
        successor = Jurisdiction(
            code=successor_code,
            name=successor_name,
            kind=JurisdictionKind.MUNICIPALITY,
            valid_from=on,
        )
        session.add(successor)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            "jurisdiction",
            successor_code,
            after={"code": successor_code, "name": successor_name, "valid_from": on.isoformat()},
            reason=reason or "merger",
        )
    elif successor.kind is not JurisdictionKind.MUNICIPALITY:
        raise MergerError(
            "not_a_municipality",
            f"{successor.code} is a {successor.kind.value}",
            f"{successor.code} is geen gemeente maar een {successor.kind.value}",
        )
    assert successor.id is not None
    predecessors = [found[code] for code in codes]
    for row in predecessors:
        before = {
            "successor": None if row.successor_id is None else successor.code,
            "valid_to": None if row.valid_to is None else row.valid_to.isoformat(),
        }
        row.successor_id = successor.id
        row.valid_to = last_day
        session.add(row)
        audit.record(
            session,
            actor,
            "merge",
            "jurisdiction",
            row.code,
            before=before,
            after={"successor": successor.code, "valid_to": last_day.isoformat()},
            reason=reason,
        )
    ended, added = _follow_regions(session, actor, successor, predecessors, on, reason)
    session.flush()
    session.info.pop("progress_inputs_successions", None)  # read anew by the recompute
    ids = {successor.id, *(row.id for row in predecessors if row.id is not None)}
    places = containing_regions(session, ids)
    target_ids = sorted(
        i
        for i in session.exec(select(col(Target.id)).where(col(Target.jurisdiction_id).in_(places)))
        if i is not None
    )
    if target_ids:
        enqueue_job(session, "recompute_progress", target_ids=target_ids)
    return MergerRecorded(successor, predecessors, ended, added, len(target_ids))


def _follow_regions(
    session: Session,
    actor: Actor,
    successor: Jurisdiction,
    predecessors: list[Jurisdiction],
    on: date,
    reason: str | None,
) -> tuple[int, int]:
    """End the predecessors' memberships open on the merger day; the successor joins those
    regions from that day (unless it already belongs to them)."""
    ids = [row.id for row in predecessors]
    open_on = session.exec(
        select(RegionMembership).where(
            col(RegionMembership.member_id).in_(ids),
            (col(RegionMembership.valid_to).is_(None)) | (col(RegionMembership.valid_to) >= on),
        )
    ).all()
    current = {
        m.region_id
        for m in session.exec(
            select(RegionMembership).where(RegionMembership.member_id == successor.id)
        )
    }
    last_day = on - timedelta(days=1)
    assert successor.id is not None  # flushed by record_merger
    ended = added = 0
    for membership in open_on:
        if membership.valid_from is None or membership.valid_from <= last_day:
            before = None if membership.valid_to is None else membership.valid_to.isoformat()
            membership.valid_to = last_day
            session.add(membership)
            ended += 1
            audit.record(
                session,
                actor,
                "update",
                "region_membership",
                membership.id or 0,
                before={"valid_to": before},
                after={"valid_to": last_day.isoformat()},
                reason=reason or "merger",
            )
        if membership.region_id not in current:
            current.add(membership.region_id)
            joined = RegionMembership(
                region_id=membership.region_id, member_id=successor.id, valid_from=on
            )
            session.add(joined)
            session.flush()
            added += 1
            audit.record(
                session,
                actor,
                "create",
                "region_membership",
                joined.id or 0,
                after={
                    "region_id": membership.region_id,
                    "member": successor.code,
                    "valid_from": on.isoformat(),
                },
                reason=reason or "merger",
            )
    return ended, added

"""Changes that become webhook events, seen in any session of this process:

* a submission changed status (the lifecycle writes a ``submission.<status>`` audit event) →
  ``submission.status_changed`` to the submitting organisation;
* a target's headline progress status changed (a stored snapshot's status differs from before) →
  ``target.progress_status_changed`` to every subscribed organisation (progress is public);
  a target's first snapshot is not a change.

Changes are collected at each flush and turned into deliveries just before the commit, in the
same transaction, so an event exists exactly when the change was committed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from core.enums import WebhookEvent
from db.models import AuditEvent, Jurisdiction, ProgressSnapshot, Submission, Target
from services.periodic.webhooks import emit

_PENDING = "webhook_events_pending"
_EMITTING = "webhook_events_emitting"


def install() -> None:
    """Turn committed changes into webhook events in every session of this process (idempotent;
    called at process start by ``workers.boot``)."""
    for name, listener in (
        ("before_flush", _collect),
        ("before_commit", _emit_collected),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _collect(session: Session, _context: Any, _instances: Any) -> None:
    found = session.info.setdefault(_PENDING, [])
    for row in session.new:
        if isinstance(row, AuditEvent) and row.action.startswith("submission."):
            found.append(("submission", row.object_id, (row.before or {}).get("status")))
    for row in session.dirty:
        if isinstance(row, ProgressSnapshot) and row.period == "":
            history = sa.inspect(row).attrs.status.history
            if history.has_changes() and history.deleted and history.deleted[0] != row.status:
                previous = history.deleted[0]
                found.append(("snapshot", row, getattr(previous, "value", previous)))


def _emit_collected(session: Session) -> None:
    if session.info.get(_EMITTING):
        return
    session.info[_EMITTING] = True
    try:
        session.flush()  # collect what the last statements changed
        while pending := session.info.pop(_PENDING, []):
            for kind, subject, previous in pending:
                if kind == "submission":
                    _submission_changed(session, int(subject), previous)
                else:
                    _progress_changed(session, subject, previous)
            session.flush()
    finally:
        session.info.pop(_EMITTING, None)


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _submission_changed(session: Session, submission_id: int, previous: str | None) -> None:
    submission = session.get(Submission, submission_id)
    if submission is None:
        return
    payload = {
        "submission": {
            "id": submission.id,
            "status": submission.status.value,
            "previousStatus": previous,
            "channel": submission.channel.value,
            "filename": submission.filename,
            "rowCount": submission.row_count,
            "errorCount": submission.error_count,
        }
    }
    emit(session, WebhookEvent.SUBMISSION_STATUS_CHANGED, payload, [submission.organisation_id])


def _progress_changed(session: Session, snapshot: ProgressSnapshot, previous: str | None) -> None:
    target = session.get(Target, snapshot.target_id)
    jurisdiction = session.get(Jurisdiction, snapshot.jurisdiction_id)
    payload = {
        "target": {
            "id": snapshot.target_id,
            "code": target.code if target else None,
            "jurisdiction": jurisdiction.code if jurisdiction else None,
        },
        "basis": snapshot.basis.value,
        "status": snapshot.status.value,
        "previousStatus": previous,
        "percentOfTarget": None
        if snapshot.percent_of_target is None
        else format(snapshot.percent_of_target.normalize(), "f"),
    }
    emit(session, WebhookEvent.TARGET_PROGRESS_STATUS_CHANGED, payload)

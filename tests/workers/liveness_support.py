"""Tests that count worker processes silence the suite's own in-process worker first."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import WorkerProcess
from workers.broker import get_broker
from workers.liveness import WorkerLiveness


def quiet(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's in-process worker stops beating and its rows go: a test sees only its own."""
    for middleware in get_broker().middleware:
        if isinstance(middleware, WorkerLiveness):
            monkeypatch.setattr(middleware, "_beat_once", lambda: None)
    with Session(engine) as session:
        for row in session.exec(select(WorkerProcess)).all():
            session.delete(row)
        session.commit()

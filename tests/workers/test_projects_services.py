"""The worker-side wrappers: a completion queues the recompute of the targets it touches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from core.enums import ProjectPhase
from db.models import OutboxJob
from services.projects import pipeline
from services.projects import service as projects
from services.projects.service import PhaseMove
from tests.factories import Factory
from tests.ingest.projects.project_support import hofje, project_world


def recompute_jobs(session: Session) -> list[dict]:
    return list(
        session.scalars(
            sa.select(OutboxJob.args).where(OutboxJob.actor_name == "recompute_progress")
        )
    )


def test_completing_and_withdrawing_queue_the_recompute_of_the_municipality_target(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    target = make.target(indicator_id=world.indicator_id, jurisdiction_id=world.leiden_id)
    project = projects.create_project(session, world.owner, hofje(), external_key="P-1").project
    assert recompute_jobs(session) == []  # nothing realised, nothing to recompute
    # when it is completed, then corrected
    projects.move_phase(
        session, world.owner, project.id, PhaseMove(ProjectPhase.COMPLETED, date(2025, 3, 14))
    )
    projects.move_phase(
        session,
        world.owner,
        project.id,
        PhaseMove(ProjectPhase.CONSTRUCTION, date(2025, 4, 1), reason="afgekeurd"),
    )
    # then each queued a recompute of the Leiden target
    assert recompute_jobs(session) == [{"target_ids": [target.id]}] * 2


def test_the_pipeline_summary_uses_the_configured_phase_probabilities(
    session: Session, make: Factory
) -> None:
    world = project_world(session, make)
    projects.create_project(
        session,
        world.owner,
        hofje(),
        external_key="P-1",
        start=PhaseMove(ProjectPhase.PERMIT, date(2025, 1, 1)),
    )
    summary = pipeline.pipeline_summary(session, "GM0546")
    # 36 units expected in 2028, in the permit phase (default chance 0.6)
    assert summary.weighted_forecast == Decimal("21.6")

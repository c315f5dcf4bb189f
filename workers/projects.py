"""Project services with their progress recompute queued in the same transaction.

The GraphQL mutations and the CLI come through here: each wrapper calls the service in
ingest/projects and queues the recompute of the cells it changed (sent after the commit).
"""

from __future__ import annotations

from sqlmodel import Session

from db.actor import Actor
from ingest.projects import service
from ingest.projects.details import ProjectDetails
from ingest.projects.pipeline import HORIZON_YEAR, PipelineSummary
from ingest.projects.pipeline import pipeline_summary as summarise
from ingest.projects.service import PhaseMove, ProjectChange
from workers.actors.progress import enqueue_for_cells
from workers.recompute.config import engine_config


def create_project(
    session: Session,
    actor: Actor,
    details: ProjectDetails,
    *,
    external_key: str | None = None,
    owner_id: int | None = None,
    start: PhaseMove | None = None,
) -> ProjectChange:
    change = service.create_project(
        session, actor, details, external_key=external_key, owner_id=owner_id, start=start
    )
    enqueue_for_cells(session, change.cells)
    return change


def update_project(
    session: Session,
    actor: Actor,
    project_id: int,
    details: ProjectDetails,
    *,
    reason: str | None = None,
) -> ProjectChange:
    change = service.update_project(session, actor, project_id, details, reason=reason)
    enqueue_for_cells(session, change.cells)
    return change


def move_phase(session: Session, actor: Actor, project_id: int, move: PhaseMove) -> ProjectChange:
    change = service.move_phase(session, actor, project_id, move)
    enqueue_for_cells(session, change.cells)
    return change


def pipeline_summary(
    session: Session, jurisdiction_code: str, *, until_year: int = HORIZON_YEAR
) -> PipelineSummary:
    """The pipeline with the configured phase probabilities."""
    return summarise(
        session, jurisdiction_code, engine_config().phase_probability, until_year=until_year
    )

"""Completed projects counted as realisation: flow figures of ``dwellings-added``.

A completed project adds its units as observations of the owner (the source organisation) in its
municipality, for the month of completion (``2028-03``: every quarter and year containing it
counts them), one per housing type × target group.

The progress engine keeps one figure per cell (period, source, breakdown), so the figure of a cell
is the sum over the owner's projects completed in that month there; usually that is one project
(``project_id`` names it; ``source.project_ids`` always lists them all). Syncing is idempotent:
completing again, or re-importing, writes nothing new. When a completion is corrected (the project
leaves ``completed``, its units or municipality change) the figure is corrected: a new version
with the remaining sum, or, when nothing remains, the current version is withdrawn — superseded
without a successor, the reason kept — so as-of queries still show what was known when.
A figure of the same cell that did not come from projects (a submission) is never withdrawn here.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col

from core.enums import ProjectPhase
from db.models import Indicator, Observation, Project, ProjectPhaseChange, ProjectUnits, cell_key
from ingest.periods import Period

REALISATION_INDICATOR = "dwellings-added"
SOURCE_KIND = "project_completion"
log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class RealisationCell:
    """Where a completed project's units are counted (the owner is the source)."""

    municipality_id: int
    month: str  # "2028-03"
    housing_type_id: int | None
    target_group_id: int | None


Contributions = dict[RealisationCell, int]


@dataclass
class Sync:
    """What one sync wrote; ``cells`` are the (indicator, jurisdiction) pairs to recompute."""

    created: int = 0
    corrected: int = 0
    withdrawn: int = 0
    cells: set[tuple[int, int]] = field(default_factory=set)


def completion_date(session: Session, project_id: int) -> date | None:
    """The date of the project's latest move to ``completed``."""
    return session.scalar(
        sa.select(col(ProjectPhaseChange.changed_on))
        .where(
            col(ProjectPhaseChange.project_id) == project_id,
            col(ProjectPhaseChange.to_phase) == ProjectPhase.COMPLETED,
        )
        .order_by(col(ProjectPhaseChange.id).desc())
        .limit(1)
    )


def contributions(session: Session, project: Project) -> Contributions:
    """The units a project counts where, as it stands in the session (none unless completed)."""
    project_id = project.id
    if project.phase is not ProjectPhase.COMPLETED or project_id is None:
        return {}  # an unflushed project has no phase history stored yet
    completed_on = completion_date(session, project_id)
    if completed_on is None:
        return {}
    month = f"{completed_on.year:04d}-{completed_on.month:02d}"
    units = session.execute(
        sa.select(ProjectUnits).where(col(ProjectUnits.project_id) == project_id)
    ).scalars()
    return {
        RealisationCell(project.municipality_id, month, u.housing_type_id, u.target_group_id): (
            u.units
        )
        for u in units
    }


def sync_realisation(
    session: Session,
    owner_id: int,
    cells: Iterable[RealisationCell],
    *,
    reason: str | None,
    recorded_at: datetime,
    submission_id: int | None = None,
) -> Sync:
    """Make the owner's figures in ``cells`` equal the units of its completed projects there."""
    cells = sorted(set(cells))
    sync = Sync()
    if not cells:
        return sync
    indicator_id = session.scalar(
        sa.select(col(Indicator.id)).where(col(Indicator.code) == REALISATION_INDICATOR)
    )
    if indicator_id is None:
        log.warning(
            "indicator %s is missing: completed projects are not counted", REALISATION_INDICATOR
        )
        return sync
    session.flush()
    wanted = _completed_units(session, owner_id, {c.municipality_id for c in cells})
    writer = _FigureWriter(session, indicator_id, owner_id, recorded_at, reason, submission_id)
    for cell in cells:
        units, project_ids = wanted.get(cell, (0, []))
        writer.write(cell, units, project_ids, sync)
    session.flush()
    return sync


def _completed_units(
    session: Session, owner_id: int, municipality_ids: set[int]
) -> dict[RealisationCell, tuple[int, list[int]]]:
    projects = session.execute(
        sa.select(Project)
        .where(
            col(Project.owner_id) == owner_id,
            col(Project.municipality_id).in_(municipality_ids),
            col(Project.phase) == ProjectPhase.COMPLETED,
        )
        .order_by(col(Project.id))
    ).scalars()
    totals: dict[RealisationCell, tuple[int, list[int]]] = defaultdict(lambda: (0, []))
    for project in projects:
        assert project.id is not None  # loaded from the database
        for cell, units in contributions(session, project).items():
            total, ids = totals[cell]
            totals[cell] = (total + units, [*ids, project.id])
    return totals


class _FigureWriter:
    def __init__(
        self,
        session: Session,
        indicator_id: int,
        owner_id: int,
        recorded_at: datetime,
        reason: str | None,
        submission_id: int | None,
    ) -> None:
        self.session = session
        self.indicator_id = indicator_id
        self.owner_id = owner_id
        self.recorded_at = recorded_at
        self.reason = reason
        self.submission_id = submission_id

    def write(self, cell: RealisationCell, units: int, project_ids: list[int], sync: Sync) -> None:
        key = cell_key(
            self.indicator_id,
            cell.municipality_id,
            cell.month,
            cell.target_group_id,
            cell.housing_type_id,
        )
        current = self.session.scalar(
            sa.select(Observation).where(
                col(Observation.cell_key) == key,
                col(Observation.source_organisation_id) == self.owner_id,
                col(Observation.superseded_at).is_(None),
            )
        )
        if units == 0:
            if current is not None and _from_projects(current):
                current.superseded_at = self.recorded_at
                current.change_reason = self.reason
                sync.withdrawn += 1
                sync.cells.add((self.indicator_id, cell.municipality_id))
            return
        if current is not None and Decimal(current.value) == units:
            return
        successor = self._figure(cell, key, units, project_ids, current)
        if current is None:
            sync.created += 1
        else:
            current.superseded_at = self.recorded_at
            current.superseded_by_id = successor.id
            sync.corrected += 1
        sync.cells.add((self.indicator_id, cell.municipality_id))

    def _figure(
        self,
        cell: RealisationCell,
        key: str,
        units: int,
        project_ids: list[int],
        current: Observation | None,
    ) -> Observation:
        period = Period.parse(cell.month)
        latest = self.session.scalar(
            sa.select(sa.func.max(col(Observation.version))).where(
                col(Observation.cell_key) == key,
                col(Observation.source_organisation_id) == self.owner_id,
            )
        )
        figure = Observation(
            indicator_id=self.indicator_id,
            jurisdiction_id=cell.municipality_id,
            period=cell.month,
            period_start=period.start,
            period_end=period.end,
            target_group_id=cell.target_group_id,
            housing_type_id=cell.housing_type_id,
            cell_key=key,
            value=Decimal(units),
            source_organisation_id=self.owner_id,
            submission_id=self.submission_id,
            project_id=project_ids[0] if len(project_ids) == 1 else None,
            version=(latest or 0) + 1,
            recorded_at=self.recorded_at,
            change_reason=self.reason if current is not None or latest else None,
            source={"kind": SOURCE_KIND, "project_ids": project_ids},
        )
        self.session.add(figure)
        self.session.flush()
        return figure


def _from_projects(observation: Observation) -> bool:
    return observation.project_id is not None or (
        isinstance(observation.source, dict) and observation.source.get("kind") == SOURCE_KIND
    )

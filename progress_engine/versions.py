"""Bitemporal selection: which version of each figure was known at a moment.

A correction adds a new version and supersedes the old one; nothing is deleted. A version is known
at ``moment`` when it was recorded at or before it and not yet superseded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ingest.periods import Period
from progress_engine.model import ObservationPoint

CellKey = tuple[Period, str, str | None, str | None]


def cell_key(observation: ObservationPoint) -> CellKey:
    return (
        observation.period,
        observation.source,
        observation.target_group,
        observation.housing_type,
    )


def known_at(observations: Iterable[ObservationPoint], moment: datetime) -> list[ObservationPoint]:
    """The versions known at ``moment``: one per cell, the highest version if several qualify."""
    return _latest_per_cell(o for o in observations if _was_known(o, moment))


def current_versions(observations: Iterable[ObservationPoint]) -> list[ObservationPoint]:
    """The versions in force now: not superseded, one per cell."""
    return _latest_per_cell(o for o in observations if o.superseded_at is None)


def _was_known(observation: ObservationPoint, moment: datetime) -> bool:
    recorded = observation.recorded_at is None or observation.recorded_at <= moment
    superseded = observation.superseded_at is not None and observation.superseded_at <= moment
    return recorded and not superseded


def _latest_per_cell(observations: Iterable[ObservationPoint]) -> list[ObservationPoint]:
    latest: dict[CellKey, ObservationPoint] = {}
    for observation in observations:
        key = cell_key(observation)
        if key not in latest or observation.version > latest[key].version:
            latest[key] = observation
    return list(latest.values())

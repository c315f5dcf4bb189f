"""The open-data package, regenerated on the ``maintenance`` queue after progress changes."""

from __future__ import annotations

from sqlmodel import Session

from services.exports.open_data import write_package
from workers.outbox import job_actor


@job_actor(max_retries=3, time_limit_ms=30 * 60_000)
def refresh_open_data(session: Session) -> None:
    """Write the package of the published figures and progress anew."""
    write_package(session)

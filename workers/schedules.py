"""The scheduler's part in periodic figures: a cron job per active source, and the daily
reminders. Source schedules are synced from the database (at start and every few minutes), so
a registry change needs no scheduler restart."""

from __future__ import annotations

import logging

from apscheduler.schedulers.base import BaseScheduler
from sqlmodel import col, select

from db.engine import session_scope
from db.models import Source
from ingest.feeds.cron import CronError, cron_trigger
from services.jobs import enqueue_job

log = logging.getLogger(__name__)

JOB_PREFIX = "source:"


def enqueue_pull(source_id: int) -> None:
    with session_scope() as session:
        enqueue_job(session, "pull_source", source_id=source_id)


def enqueue_reminders() -> None:
    with session_scope() as session:
        enqueue_job(session, "remind_missing_reports")


def sync_source_schedules(scheduler: BaseScheduler) -> int:
    """Add, change or remove the pull job of each source; returns how many are scheduled."""
    try:
        with session_scope() as session:
            wanted = {
                f"{JOB_PREFIX}{s.code}": (s.id, s.schedule)
                for s in session.exec(select(Source).where(col(Source.active).is_(True)))
            }
    except Exception:  # e.g. a database not migrated yet: try again at the next sync
        log.exception("could not read the sources to schedule")
        return 0
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            job.remove()
    for job_id, (source_id, schedule) in wanted.items():
        existing = scheduler.get_job(job_id)
        name = f"pull {job_id.removeprefix(JOB_PREFIX)} at '{schedule}'"
        if existing is not None and existing.name == name:
            continue
        try:
            trigger = cron_trigger(schedule)
        except CronError:
            log.exception("source %s is not scheduled", job_id)
            continue
        scheduler.add_job(
            enqueue_pull, trigger, args=[source_id], id=job_id, name=name, replace_existing=True
        )
    return len(wanted)


def add_periodic_schedule(scheduler: BaseScheduler, reminders_cron: str) -> None:
    scheduler.add_job(enqueue_reminders, cron_trigger(reminders_cron), id="reminders")
    scheduler.add_job(
        sync_source_schedules, "interval", args=[scheduler], minutes=5, id="source-schedules"
    )
    sync_source_schedules(scheduler)

"""Running the workers: the in-process worker of the embedded mode, and the scheduler."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from dramatiq import Worker

from core.settings import Settings
from db.engine import get_engine, session_scope
from services.jobs import JOBS, enqueue_job
from workers.broker import get_broker, set_consumer_in_process
from workers.outbox import resend_unfinished
from workers.schedules import add_periodic_schedule

log = logging.getLogger(__name__)

_booted = False


def start_in_process_worker(threads: int) -> Worker:
    """Start a dramatiq worker thread pool in this process (embedded mode: one per process)."""
    global _booted
    if not _booted:  # dramatiq's CLI emits this once per process; the TimeLimit thread needs it
        get_broker().emit_after("process_boot")
        _booted = True
    worker = Worker(get_broker(), worker_threads=threads, worker_timeout=100)
    worker.start()
    set_consumer_in_process(True)
    return worker


def resend_outbox(settings: Settings, *, fresh_broker: bool = False) -> int:
    """Send pending jobs and re-send those of dead workers or lost by the broker; never raises
    (the database or the broker may be down: the next check tries again)."""
    try:
        return resend_unfinished(
            get_engine(),
            sent_longer_than=timedelta(seconds=settings.outbox_resend_after_seconds),
            lost_after=timedelta(seconds=settings.outbox_lost_after_seconds),
            worker_dead_after=timedelta(seconds=settings.worker_dead_after_seconds),
            fresh_broker=fresh_broker,
        )
    except Exception as exc:
        log.warning("outbox check failed (%s: %s); trying again", type(exc).__name__, exc)
        return 0


def send_heartbeat() -> None:
    with session_scope() as session:
        enqueue_job(session, "heartbeat", queue_name=JOBS["heartbeat"])


def send_nightly_recompute() -> None:
    with session_scope() as session:
        enqueue_job(session, "recompute_everything")


def send_payload_retention() -> None:
    with session_scope() as session:
        enqueue_job(session, "delete_expired_payloads")


def _never_raises(job: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception as exc:
            log.warning("%s failed (%s: %s)", job.__name__, type(exc).__name__, exc)

    run.__name__ = job.__name__
    return run


def add_schedule(scheduler: BaseScheduler, settings: Settings) -> BaseScheduler:
    scheduler.add_job(
        resend_outbox,
        "interval",
        args=[settings],
        seconds=settings.outbox_check_seconds,
        id="outbox",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _never_raises(send_heartbeat), "interval", seconds=60, id="heartbeat", coalesce=True
    )
    scheduler.add_job(
        send_nightly_recompute,
        CronTrigger.from_crontab(settings.nightly_recompute_cron, timezone="UTC"),
        id="nightly-recompute",
    )
    scheduler.add_job(
        send_payload_retention,
        CronTrigger.from_crontab(settings.payload_retention_cron, timezone="UTC"),
        id="payload-retention",
    )
    add_periodic_schedule(scheduler, settings.reminders_cron)  # source pulls, reminders
    return scheduler


def background_scheduler(settings: Settings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    add_schedule(scheduler, settings)
    return scheduler


def run_scheduler_forever(settings: Settings) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    add_schedule(scheduler, settings)
    resend_outbox(settings)
    log.info("scheduler started")
    scheduler.start()

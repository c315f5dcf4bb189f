"""The reporting calendar's reminders on the ``maintenance`` queue: daily, and their e-mail."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.settings import get_settings
from services.periodic.reminders import mail_reminders, send_reminders
from workers.outbox import job_actor


@job_actor(max_retries=3, time_limit_ms=10 * 60_000)
def remind_missing_reports(session: Session) -> None:
    """Remind organisations of missing figures and overdue measures (each at most once)."""
    send_reminders(session, date.today(), get_settings())


@job_actor(
    max_retries=6,
    min_backoff=30_000,
    max_backoff=60 * 60_000,
    time_limit_ms=2 * 60_000,
)
def send_reminder_email(session: Session, reminder_ids: list[int]) -> None:
    """E-mail one organisation's reminders through the configured SMTP server."""
    mail_reminders(session, reminder_ids, get_settings())

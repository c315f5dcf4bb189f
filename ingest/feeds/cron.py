"""Cron expressions of source schedules, checked with APScheduler's own parser (UTC)."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger


class CronError(ValueError):
    """A schedule that is not a five-field cron expression."""


def cron_trigger(expression: str) -> CronTrigger:
    """The trigger of ``expression`` (``minute hour day month weekday``), in UTC."""
    if not isinstance(expression, str) or len(expression.split()) != 5:
        raise CronError(f"schedule {expression!r} is not a cron expression of five fields")
    try:
        return CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as exc:
        raise CronError(f"schedule {expression!r}: {exc}") from None

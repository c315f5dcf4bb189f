"""Every actor; importing this package declares them all on the configured broker."""

from workers.actors.health import heartbeat
from workers.actors.open_data import refresh_open_data
from workers.actors.progress import recompute_everything, recompute_progress
from workers.actors.reminders import remind_missing_reports, send_reminder_email
from workers.actors.sources import pull_source
from workers.actors.submissions import (
    apply_approved_submission,
    delete_expired_payloads,
    process_submission,
)
from workers.actors.webhooks import deliver_webhook

__all__ = [
    "apply_approved_submission",
    "delete_expired_payloads",
    "deliver_webhook",
    "heartbeat",
    "process_submission",
    "pull_source",
    "recompute_everything",
    "recompute_progress",
    "refresh_open_data",
    "remind_missing_reports",
    "send_reminder_email",
]

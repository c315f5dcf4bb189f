"""Every actor; importing this package declares them all on the configured broker."""

from workers.actors.health import heartbeat
from workers.actors.progress import recompute_everything, recompute_progress
from workers.actors.submissions import apply_approved_submission, process_submission

__all__ = [
    "apply_approved_submission",
    "heartbeat",
    "process_submission",
    "recompute_everything",
    "recompute_progress",
]

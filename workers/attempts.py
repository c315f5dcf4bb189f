"""Which attempt of a dramatiq message is running, and whether the Retries middleware will try
again after this one."""

from __future__ import annotations

import dramatiq
from dramatiq.middleware import CurrentMessage

from services.jobs import FIRST_AND_LAST_ATTEMPT, Attempt


def current_attempt(actor: dramatiq.Actor) -> Attempt:
    """The attempt of the message being processed; outside a worker, a single last attempt."""
    message = CurrentMessage.get_current_message()
    if message is None:
        return FIRST_AND_LAST_ATTEMPT
    retries = message.options.get("retries", 0)
    max_retries = message.options.get("max_retries", actor.options.get("max_retries", 20))
    return Attempt(
        number=retries + 1,
        last=max_retries is not None and retries >= max_retries,
        message_id=message.message_id,
    )

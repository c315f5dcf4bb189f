"""Which attempt of a dramatiq message is running, and whether the Retries middleware will try
again after this one."""

from __future__ import annotations

from dataclasses import dataclass

import dramatiq
from dramatiq.middleware import CurrentMessage


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first try
    last: bool  # no retry follows a failure of this attempt
    message_id: str | None = None


def current_attempt(actor: dramatiq.Actor) -> Attempt:
    """The attempt of the message being processed; outside a worker, a single last attempt."""
    message = CurrentMessage.get_current_message()
    if message is None:
        return Attempt(number=1, last=True)
    retries = message.options.get("retries", 0)
    max_retries = message.options.get("max_retries", actor.options.get("max_retries", 20))
    return Attempt(
        number=retries + 1,
        last=max_retries is not None and retries >= max_retries,
        message_id=message.message_id,
    )

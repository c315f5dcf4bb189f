"""The expected refusals of the access services: a stable code and English and Dutch messages."""

from __future__ import annotations


class AccessError(Exception):
    """A request the access services refuse; ``kind`` tells the API which error type it is."""

    kind = "invalid_input"  # not_allowed, not_found, invalid_input, invalid_state

    def __init__(self, code: str, message: str, message_nl: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_nl = message_nl
        self.field = field


class NotAllowedError(AccessError):
    kind = "not_allowed"


class NotFoundError(AccessError):
    kind = "not_found"


class InvalidStateError(AccessError):
    kind = "invalid_state"


def not_admin() -> NotAllowedError:
    return NotAllowedError(
        "admin_only",
        "Only administrators may do this.",
        "Alleen beheerders mogen dit doen.",
    )

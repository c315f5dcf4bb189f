"""The one error the project services raise: a stable code, the field at fault, two messages."""

from __future__ import annotations

from ingest.errors import ErrorCode, render_messages


class ProjectError(ValueError):
    """An expected refusal (bad input, a move the phase machine forbids, no permission).

    ``code`` is an ``ingest.errors.ErrorCode`` (the same vocabulary as file errors; documented in
    docs/file-format.md); ``field`` names the input at fault (``municipality``, ``units``, ``phase``)
    or is None for the request as a whole.
    """

    def __init__(self, code: ErrorCode, field: str | None = None, **params: object) -> None:
        self.code = code
        self.field = field
        self.params = params
        self.message_en, self.message_nl = render_messages(code, **params)
        super().__init__(f"{code}: {self.message_en}")

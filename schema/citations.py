"""Where a figure or commitment is printed: document, line range and a short Dutch quote."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type(description="The place in a source document a value was taken from.")
class SourceCitation:
    document: str | None = strawberry.field(description="Code of the policy document.")
    lines: str | None = strawberry.field(
        description="Line range in the document's text, e.g. L133-135."
    )
    quote: str | None = strawberry.field(description="The words as printed (Dutch).")
    page: str | None = strawberry.field(
        default=None, description="Page, for content cited by page (entered through the API)."
    )
    reason: str | None = strawberry.field(
        default=None,
        description="For content entered through the API without a citation: the reason given.",
    )

    @classmethod
    def of(cls, source: dict[str, Any] | None) -> SourceCitation | None:
        if not source:
            return None
        return cls(
            document=source.get("document"),
            lines=source.get("lines"),
            quote=source.get("quote"),
            page=source.get("page"),
            reason=source.get("reason"),
        )

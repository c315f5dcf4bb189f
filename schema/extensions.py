"""Schema extensions that every operation runs through."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class CloseSession(SchemaExtension):
    """Close the request's database session when the operation is done."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if context is not None and hasattr(context, "close"):
                context.close()

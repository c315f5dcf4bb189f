"""Who may see and do what: the rules live in ``services.access.visibility`` so that the GraphQL
schema and the exports at ``/exports`` apply the same ones."""

from __future__ import annotations

from services.access.visibility import Access

__all__ = ["Access"]

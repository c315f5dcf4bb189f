"""The executable schema: every query, mutation and subscription root merged here."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.extensions import CloseSession
from schema.geography import GeographyQuery

Query = merge_types("Query", (GeographyQuery,))

schema = strawberry.Schema(query=Query, extensions=[CloseSession])


def sdl() -> str:
    return schema.as_str() + "\n"

"""The per-request GraphQL context: one database session per request, closed at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session
from strawberry.types import Info as StrawberryInfo

from db.engine import get_engine


@dataclass
class Context:
    session: Session = field(default_factory=lambda: Session(get_engine(), expire_on_commit=False))

    def close(self) -> None:
        self.session.close()


Info = StrawberryInfo[Context, None]

"""The per-request GraphQL context: one database session and one set of DataLoaders per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from strawberry.types import Info as StrawberryInfo

from api.settings import Settings, get_settings
from db.engine import get_engine
from schema.loaders import Loaders


@dataclass
class Context:
    """Used only from the event loop's thread; loaders run their (sync) queries there too."""

    engine: sa.Engine = field(default_factory=get_engine)
    settings: Settings = field(default_factory=get_settings)
    request: Any = None
    session: Session = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.session = Session(self.engine, expire_on_commit=False)
        self.loaders = Loaders(self.session)

    def refresh(self) -> None:
        """Forget what was read (a subscription's next event must see the database anew)."""
        self.session.close()
        self.loaders = Loaders(self.session)

    def close(self) -> None:
        self.refresh()


Info = StrawberryInfo[Context, None]

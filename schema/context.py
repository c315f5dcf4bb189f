"""The per-request GraphQL context: one database session and one set of DataLoaders per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError
from sqlmodel import Session
from strawberry.types import Info as StrawberryInfo

from core.settings import Settings, get_settings
from db.engine import get_engine
from schema.access import Access
from schema.loaders import Loaders
from services.access.authentication import Principal
from services.access.people import session_still_valid
from services.access.tokens import still_valid


@dataclass
class Context:
    """One request's state. A query or mutation runs on an event loop of its own in a worker
    thread (``schema.http``), so its loaders' synchronous queries never block the server's loop."""

    engine: sa.Engine = field(default_factory=get_engine)
    settings: Settings = field(default_factory=get_settings)
    request: Any = None
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None  # set by graphql-transport-ws on connect
    persisted: Any = None  # the server's PersistedQueries: the allow-list, over the WebSocket too
    session: Session = field(init=False)
    loaders: Loaders = field(init=False)
    access: Access = field(init=False)

    def __post_init__(self) -> None:
        self.session = Session(self.engine, expire_on_commit=False)
        self.authorise(self.principal)

    def authorise(self, principal: Principal | None) -> None:
        """Decide access for ``principal`` (a WebSocket learns it only when it connects)."""
        self.principal = principal
        self.access = Access(principal, self.settings.public_read, self.session)
        self.loaders = Loaders(self.session, visible=self.access.sees)

    def refresh(self) -> None:
        """Forget what was read (a subscription's next event must see the database anew), and
        check that the token or the signed-in session is still in force: a revoked or expired
        token, or a session ended by sign-out, ends the subscription."""
        self.session.close()
        principal = self.principal
        if principal is not None and principal.token_id is not None:
            valid = still_valid(self.session, principal.token_id)
            self.session.close()  # give the connection back at once
            if not valid:
                raise GraphQLError(
                    "the token was revoked or has expired; connect again with a valid one",
                    extensions={"code": "UNAUTHENTICATED"},
                )
        elif principal is not None and principal.session_id is not None:
            valid = session_still_valid(self.session, principal.session_id)
            self.session.close()
            if not valid:
                raise GraphQLError(
                    "the session has ended (signed out or expired); sign in again",
                    extensions={"code": "UNAUTHENTICATED"},
                )
        self.authorise(self.principal)

    def close(self) -> None:
        """The end of an operation: give the connection back (the token is not checked)."""
        self.session.close()
        self.authorise(self.principal)


Info = StrawberryInfo[Context, None]

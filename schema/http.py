"""The GraphQL endpoint: strawberry's ASGI view with GraphQL-over-HTTP content negotiation.

With ``Accept: application/graphql-response+json`` the response has that media type and a request
error (the document does not parse or validate, variables do not coerce: no ``data``) is a 400.
With only ``application/json`` (or no preference) the legacy behaviour stays: 200 and
``application/json``. Subscriptions are served over graphql-transport-ws only; mutations never
over GET (strawberry refuses them).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from core.settings import get_settings
from db.engine import get_engine
from db.outages import unavailable_service
from schema.context import Context
from services.access.authentication import AuthenticationError, authenticate

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
IDE_NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>GraphQL</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto"><h1>GraphQL</h1>
<p>POST queries here with <code>Authorization: Bearer wz_…</code>. GraphiQL comes with the web
app: build it (<code>make run</code> with Node.js installed) to use it in the browser.</p>"""
JSON = "application/json"


def wants_graphql_response_json(accept: str) -> bool:
    """True when the client prefers application/graphql-response+json over application/json."""
    preferences: dict[str, float] = {}
    for part in accept.split(","):
        media_type, *parameters = (p.strip() for p in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        preferences[media_type.lower()] = max(quality, preferences.get(media_type.lower(), 0.0))
    ours = preferences.get(GRAPHQL_RESPONSE_JSON, 0.0)
    return ours > 0 and ours >= preferences.get(JSON, 0.0)


def is_request_error(result: ExecutionResult) -> bool:
    """No execution happened: every error is from parsing, validation or variable coercion."""
    errors = result.errors or []
    return (
        result.data is None
        and bool(errors)
        and all(isinstance(error, GraphQLError) and error.path is None for error in errors)
    )


class GraphQLView(GraphQL[Context, None]):
    def __init__(
        self, schema: Any, engine: sa.Engine | None = None, ide_page: Path | None = None
    ) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allow_queries_via_get=True,
            # Uploads come with a bearer token, never a cookie, so multipart requests carry no
            # cross-site request forgery risk.
            multipart_uploads_enabled=True,
        )
        self.engine = engine
        self.ide_page = ide_page

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from local assets (bundled with the web app), never from a CDN."""
        if self.ide_page is not None and self.ide_page.is_file():
            return FileResponse(self.ide_page, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(IDE_NOT_BUILT)

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        engine = self.engine or getattr(request.app.state, "engine", None) or get_engine()
        principal = (
            getattr(request.state, "principal", None) if isinstance(request, Request) else None
        )
        return Context(engine=engine, settings=get_settings(), request=request, principal=principal)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A WebSocket authenticates in its connection payload: ``{"Authorization": "Bearer …"}``."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            principal = (
                await run_in_threadpool(authenticate, header, context.engine) if header else None
            )
        except AuthenticationError as error:
            raise ConnectionRejectionError({"reason": str(error)}) from None
        if principal is None and not context.settings.public_read:
            raise ConnectionRejectionError(
                {"reason": 'send {"Authorization": "Bearer <token>"} when connecting'}
            )
        context.authorise(principal)
        return UNSET

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run one operation on an event loop of its own in a worker thread: resolvers and
        DataLoaders query the database synchronously, and that must never hold up the server's
        loop, which serves every other request (and the subscriptions) meanwhile."""
        operation = super().execute_single(*args, **kwargs)
        return await run_in_threadpool(asyncio.run, operation)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        for error in result.errors or []:
            # PostgreSQL or Redis down: the whole request answers 503 (api.outage), not an error
            # entry among partial data
            original = error.original_error
            if original is not None and unavailable_service(original) is not None:
                raise original
        processed = await super().process_result(request, result)
        if wants_graphql_response_json(request.headers.get("accept", "")):
            request.state.graphql_response_json = True
            if is_request_error(result):
                request.state.graphql_request_error = True
                processed.pop("data", None)  # a request error has no data entry at all
        return processed

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        kwargs: dict[str, Any] = {}
        if context is not None:
            kwargs["context"] = context
        if root_value is not None:
            kwargs["root_value"] = root_value
        response = await super().run(request, **kwargs)
        if isinstance(response, Response) and getattr(
            request.state, "graphql_response_json", False
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if getattr(request.state, "graphql_request_error", False):
                response.status_code = 400
        return response

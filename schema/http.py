"""The GraphQL endpoint: strawberry's ASGI view with GraphQL-over-HTTP content negotiation.

With ``Accept: application/graphql-response+json`` the response has that media type and a request
error (the document does not parse or validate, variables do not coerce: no ``data``) is a 400.
With only ``application/json`` (or no preference) the legacy behaviour stays: 200 and
``application/json``. Subscriptions are served over graphql-transport-ws only; mutations never
over GET (strawberry refuses them).

Persisted queries (schema/persisted.py) are resolved before an operation runs: a query sent by
its hash (APQ, GET or POST), and in allow-list mode only registered operations. A successful
query by hash over GET may be cached (``Cache-Control``: ``public`` without a token, ``private``
with one, ``WOONZORG_PERSISTED_GET_MAX_AGE_SECONDS``). An error without a code gets one:
``GRAPHQL_PARSE_FAILED`` or ``GRAPHQL_VALIDATION_FAILED`` (docs/errors.md).
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
from schema.context import Context
from schema.errors import ERRORS
from schema.persisted import PersistedQueries
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
        self,
        schema: Any,
        engine: sa.Engine | None = None,
        ide_page: Path | None = None,
        persisted: PersistedQueries | None = None,
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
        self._persisted = persisted

    @property
    def persisted(self) -> PersistedQueries:
        """The registered operations and the APQ store, made on first use (settings then)."""
        if self._persisted is None:
            self._persisted = PersistedQueries.from_settings(get_settings())
        return self._persisted

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL for a browser's plain GET, never for a query sent by its hash over GET."""
        if request.query_params.get("extensions") is not None:
            return False
        return bool(super().should_render_graphql_ide(request))

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
        request_data = kwargs["request_data"]
        request: Request = kwargs["request"]
        resolved = await run_in_threadpool(
            self.persisted.resolve, request_data.query, request_data.extensions
        )
        if resolved.error is not None:
            if (resolved.error.extensions or {}).get("code") == "PERSISTED_QUERY_NOT_FOUND":
                request.state.graphql_keep_200 = True  # the client's cue, not a failure
            return ExecutionResult(data=None, errors=[resolved.error])
        if resolved.by_hash:
            request.state.persisted_query = True
            request_data.query = resolved.query
        operation = super().execute_single(*args, **kwargs)
        return await run_in_threadpool(asyncio.run, operation)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        for error in processed.get("errors") or []:
            if isinstance(error, dict):
                _with_code(error)
        if result.errors:
            request.state.graphql_had_errors = True
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
            if getattr(request.state, "graphql_request_error", False) and not getattr(
                request.state, "graphql_keep_200", False
            ):
                response.status_code = 400
        if isinstance(response, Response) and request.method == "GET":
            response.headers["vary"] = "Accept, Authorization"
            if getattr(request.state, "persisted_query", False) and not getattr(
                request.state, "graphql_had_errors", False
            ):
                scope = "private" if request.headers.get("authorization") else "public"
                max_age = get_settings().persisted_get_max_age_seconds
                response.headers["cache-control"] = f"{scope}, max-age={max_age}"
        return response


def _with_code(error: dict[str, Any]) -> None:
    """Give an error without a code the one of its kind (parse or validation)."""
    extensions = error.setdefault("extensions", {})
    if "code" in extensions or error.get("path"):
        return
    syntax = str(error.get("message", "")).startswith("Syntax Error")
    code = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
    extensions["code"] = code
    extensions["messageNl"] = ERRORS[code].nl

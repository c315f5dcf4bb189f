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
import hashlib
import json
import logging
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date
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
from strawberry.http.websocket_origin import is_same_origin, normalize_origin
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from core.settings import get_settings
from db.data_version import read_stamp
from db.engine import get_engine
from db.outages import unavailable_service
from schema.context import Context
from schema.errors import ERRORS
from schema.persisted import PersistedQueries
from schema.response_cache import (
    CachedAnswer,
    ResponseStore,
    answer_settings,
    cache_key,
    request_key,
)
from services.access.authentication import AuthenticationError, authenticate

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
IDE_NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>GraphQL</title>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto"><h1>GraphQL</h1>
<p>POST queries here with <code>Authorization: Bearer wz_…</code>. GraphiQL comes with the web
app: build it (<code>make run</code> with Node.js installed) to use it in the browser.</p>"""
JSON = "application/json"
OFF_LOOP_JSON_BYTES = 64 * 1024
# The body decoded off the loop, and the decoded value, for parse_json to hand back.
_DECODED: ContextVar[tuple[bytes, Any] | None] = ContextVar("decoded_json_body", default=None)


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


def websocket_origin_allowed(origin: str, headers: Mapping[str, str]) -> bool:
    """A WebSocket handshake's ``Origin`` is the API's own, or one of WOONZORG_CORS_ORIGINS.
    Browsers send the session cookie with any page's socket, so this is what keeps a foreign
    page from subscribing as the signed-in user (api.middleware refuses the others)."""
    if headers.get("sec-fetch-site") == "same-origin" or is_same_origin(
        origin, headers.get("host")
    ):
        return True
    listed = {normalize_origin(listed) for listed in get_settings().cors_origin_list}
    normalized = normalize_origin(origin)
    return normalized is not None and normalized in listed


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
        response_cache: ResponseStore | None = None,
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
        self.response_cache = response_cache
        self._computing: dict[str, asyncio.Future[CachedAnswer | None]] = {}
        # the schema's fingerprint, once: a new release never serves an older one's answers
        self.schema_sdl = (
            hashlib.sha256(str(schema).encode()).hexdigest() if response_cache is not None else ""
        )

    @property
    def persisted(self) -> PersistedQueries:
        """The registered operations and the APQ store, made on first use (settings then)."""
        if self._persisted is None:
            self._persisted = PersistedQueries.from_settings(get_settings())
        return self._persisted

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        """Cross-origin handshakes: only the origins of WOONZORG_CORS_ORIGINS (read each time)."""
        return websocket_origin_allowed(origin, request.headers)

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
        # HTTP: the bearer token or the session cookie; WebSocket: the session cookie of a
        # handshake from an allowed origin (api.middleware), until connection_init says otherwise
        principal = getattr(request.state, "principal", None)
        return Context(
            engine=engine,
            settings=get_settings(),
            request=request,
            principal=principal,
            persisted=self.persisted,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A WebSocket authenticates in its connection payload, ``{"Authorization": "Bearer …"}``,
        or else by the session cookie of its handshake (a signed-in browser; api.middleware
        accepted its origin). A token in the payload wins over the cookie."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            principal = (
                await run_in_threadpool(authenticate, header, context.engine)
                if header
                else context.principal
            )
        except AuthenticationError as error:
            raise ConnectionRejectionError({"reason": str(error)}) from None
        if principal is None and not context.settings.public_read:
            raise ConnectionRejectionError(
                {
                    "reason": 'sign in (the session cookie) or send {"Authorization": "Bearer '
                    '<token>"} when connecting'
                }
            )
        context.authorise(principal)
        return UNSET

    async def parse_http_body(self, request: Any) -> Any:
        """A large JSON body (up to ``max_request_bytes``, checked before it was read) is decoded
        on a worker thread, so the server's loop keeps serving other requests meanwhile."""
        if request.method == "POST" and "json" in (request.content_type or ""):
            body = await request.get_body()
            if len(body) > OFF_LOOP_JSON_BYTES:
                decoded = await run_in_threadpool(super().parse_json, body)
                token = _DECODED.set((body, decoded))
                try:
                    return await super().parse_http_body(request)
                finally:
                    _DECODED.reset(token)
        return await super().parse_http_body(request)

    def parse_json(self, data: str | bytes) -> Any:
        decoded = _DECODED.get()
        if decoded is not None and decoded[0] is data:
            return decoded[1]
        return super().parse_json(data)

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
        for error in result.errors or []:
            # PostgreSQL or Redis down: the whole request answers 503 (api.outage), not an error
            # entry among partial data
            original = error.original_error
            if original is not None and unavailable_service(original) is not None:
                raise original
        processed = await super().process_result(request, result)
        for entry in processed.get("errors") or []:
            if isinstance(entry, dict):
                _with_code(entry)
        request.state.graphql_had_errors = bool(result.errors)
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
        key, cached = await self._cache_lookup(request)
        if cached is not None:
            return self._cached_response(request, cached)
        if key is None:
            return await self._run(request, None, kwargs)
        # One execution per key at a time in this process: when a write has just made every
        # client miss, the others wait for the first one's answer instead of computing it again.
        computing = self._computing.get(key)
        if computing is not None:
            answer = await asyncio.shield(computing)
            if answer is not None:
                return self._cached_response(request, answer)
            return await self._run(request, None, kwargs)
        computing = self._computing[key] = asyncio.get_running_loop().create_future()
        answer = None
        try:
            response = await self._run(request, key, kwargs)
            answer = getattr(request.state, "graphql_cached_answer", None)
            return response
        finally:
            del self._computing[key]
            computing.set_result(answer)

    async def _run(self, request: Any, key: str | None, kwargs: dict[str, Any]) -> Any:
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
        if (
            key is not None
            and type(response) is Response
            and response.status_code == 200
            and getattr(request.state, "graphql_had_errors", True) is False
        ):
            media_type = response.headers.get("content-type", JSON)
            answer = CachedAnswer.of(media_type, bytes(response.body))
            await self._cache_put(key, answer)
            request.state.graphql_cached_answer = answer
            return self._cached_response(request, answer)
        return response

    # The response cache (schema/response_cache.py) --------------------------------------------

    async def _cache_lookup(self, request: Any) -> tuple[str | None, CachedAnswer | None]:
        """The key of a cacheable query over HTTP (None when the request is not one: a mutation,
        a subscription, an upload, a batch, the IDE) and its stored answer, if any. The data
        version and the store are read in one trip to a worker thread."""
        part = await self._request_part(request) if self.response_cache is not None else None
        if part is None:
            return None, None
        store = self.response_cache
        assert store is not None
        engine = self.engine or getattr(request.app.state, "engine", None) or get_engine()

        def lookup(blocking: bool) -> tuple[str | None, CachedAnswer | None]:
            try:
                version = read_stamp(engine)
            except sa.exc.SQLAlchemyError:  # no data version (yet): execute, keep nothing
                log.warning("response cache: no data version; not caching", exc_info=True)
                return None, None
            key = cache_key(part, version, date.today())
            return key, store.get(key) if blocking else None

        key, cached = await run_in_threadpool(lookup, store.blocking)
        if key is None or store.blocking:
            return key, cached
        return key, store.get(key)

    async def _request_part(self, request: Any) -> str | None:
        """What the request decides of the key, or None when it must not be cached."""
        if not isinstance(request, Request) or request.method not in ("GET", "POST"):
            return None
        if request.method == "GET":
            data: Any = dict(request.query_params)
        else:
            if not request.headers.get("content-type", "").startswith(JSON):
                return None
            try:
                data = json.loads(await request.body())
            except ValueError:
                return None
        if not isinstance(data, dict):
            return None
        principal = getattr(request.state, "principal", None)
        settings = get_settings()
        if principal is None and not settings.public_read:
            return None  # refused anyway: nothing to cache
        return request_key(
            data,
            principal,
            wants_graphql_response_json(request.headers.get("accept", "")),
            answer_settings(settings, self.schema_sdl),
        )

    async def _cache_put(self, key: str, answer: CachedAnswer) -> None:
        store = self.response_cache
        assert store is not None
        if store.blocking:
            await run_in_threadpool(store.put, key, answer)
        else:
            store.put(key, answer)

    @staticmethod
    def _cached_response(request: Request, answer: CachedAnswer) -> Response:
        """The answer with its ETag; ``304 Not Modified`` when a GET already holds it. Answers
        depend on the token: a shared cache must not keep them, a client must revalidate."""
        headers = {
            "ETag": answer.etag,
            "Cache-Control": "private, no-cache",
            "Vary": "Authorization",
        }
        if request.method == "GET" and _etag_matches(
            request.headers.get("if-none-match", ""), answer.etag
        ):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type=answer.media_type, headers=headers)


def _etag_matches(if_none_match: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag in tags or "*" in tags


def _with_code(error: dict[str, Any]) -> None:
    """Give an error without a code the one of its kind (parse or validation)."""
    extensions = error.setdefault("extensions", {})
    if "code" in extensions or error.get("path"):
        return
    syntax = str(error.get("message", "")).startswith("Syntax Error")
    code = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
    extensions["code"] = code
    extensions["messageNl"] = ERRORS[code].nl

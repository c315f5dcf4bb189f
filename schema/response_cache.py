"""The response cache in front of GraphQL execution: an answer is served again only while the data
version it was computed at is still current (DESIGN.md §6: readers cannot tell it from a fresh one).

The key is the normalised operation (parsed and printed again: spacing and comments do not
matter), its operation name and variables, what the caller may see (role and organisation, or
"public"; never the token), the response media type, today's date (a few fields default to
today) and the data version (``db.data_version``), which every committed write bumps in its own
transaction. Only queries are cached, never mutations or subscriptions, and only answers without
errors (an unexpected error may be transient).

Stores: Redis when the broker is Redis (every API replica shares it; entries expire after
``WOONZORG_RESPONSE_CACHE_TTL_SECONDS``, and Redis' own ``maxmemory`` policy bounds it), else a
bounded in-process LRU (``WOONZORG_RESPONSE_CACHE_MAX_ENTRIES``, ``…_MAX_MB``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

import redis
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse, print_ast

from core.settings import Settings
from services.access.authentication import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    media_type: str
    etag: str
    body: bytes

    def encode(self) -> bytes:
        return f"{self.media_type}\n{self.etag}\n".encode() + self.body

    @classmethod
    def decode(cls, raw: bytes) -> CachedAnswer:
        media_type, etag, body = raw.split(b"\n", 2)
        return cls(media_type.decode(), etag.decode(), body)

    @classmethod
    def of(cls, media_type: str, body: bytes) -> CachedAnswer:
        return cls(media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"', body)


class ResponseStore(Protocol):
    blocking: bool  # True: call it from a worker thread (network I/O)

    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, answer: CachedAnswer) -> None: ...


class MemoryStore:
    """A bounded LRU in this process (embedded mode): by entries and by bytes."""

    blocking = False

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: str, answer: CachedAnswer) -> None:
        if len(answer.body) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = answer
            self._bytes += len(answer.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)


class RedisStore:
    """Shared by every API replica; an entry lives ``ttl`` seconds (a newer data version makes it
    unreachable at once; the expiry only frees the memory). Redis errors are misses, never
    failed requests."""

    blocking = True

    def __init__(self, url: str, namespace: str, ttl_seconds: int) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = f"{namespace}:graphql-cache:"
        self.ttl = ttl_seconds

    def get(self, key: str) -> CachedAnswer | None:
        try:
            raw = self.client.get(self.prefix + key)
        except redis.RedisError:
            log.warning("response cache: Redis unreachable, executing", exc_info=True)
            return None
        return CachedAnswer.decode(raw) if isinstance(raw, bytes) else None

    def put(self, key: str, answer: CachedAnswer) -> None:
        try:
            self.client.set(self.prefix + key, answer.encode(), ex=self.ttl)
        except redis.RedisError:
            log.warning("response cache: Redis unreachable, not stored", exc_info=True)


def build_store(settings: Settings) -> ResponseStore | None:
    if not settings.response_cache:
        return None
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return RedisStore(
            settings.broker_url, settings.broker_namespace, settings.response_cache_ttl_seconds
        )
    return MemoryStore(
        settings.response_cache_max_entries, settings.response_cache_max_mb * 1024 * 1024
    )


@lru_cache(maxsize=256)
def normalised_query(query: str, operation_name: str | None) -> str | None:
    """The operation printed canonically when it is a query; None for anything else (a
    mutation, a subscription, a document that does not parse or names no single operation)."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    return print_ast(document)


def visibility(principal: Principal | None) -> str:
    """What the caller may see, as a key part: role and organisation decide every rule of
    ``schema.access`` (a task force's regions and a partner's scope are data: the data version
    covers them), and who the caller is decides ``me``: a user's or a token's answers are never
    another's. Never the token itself."""
    if principal is None:
        return "public"
    who = f"user:{principal.user_id}" if principal.user_id is not None else "token"
    return f"{principal.role.value}:{principal.organisation_id}:{who}:{principal.token_id}"


def answer_settings(settings: Settings, schema_sdl: str) -> str:
    """What besides the data decides an answer: the schema (a new release shares Redis with the
    old one during a rolling deploy) and the settings that change what a query returns."""
    return hashlib.sha256(
        json.dumps(
            [
                schema_sdl,
                settings.graphql_introspection,
                settings.public_read,
                settings.graphql_max_depth,
                settings.graphql_max_aliases,
                settings.graphql_max_tokens,
                settings.graphql_max_cost,
            ]
        ).encode()
    ).hexdigest()[:16]


def request_key(
    request_data: dict[str, Any],
    principal: Principal | None,
    graphql_response_json: bool,
    answer_settings: str = "",
) -> str | None:
    """The part of the key a request decides; None when it must not be cached."""
    query = request_data.get("query")
    operation_name = request_data.get("operationName")
    variables = request_data.get("variables")
    if isinstance(variables, str):  # GET: variables come as JSON text
        try:
            variables = json.loads(variables) if variables else None
        except ValueError:
            return None
    if not isinstance(query, str) or not isinstance(operation_name, (str, type(None))):
        return None
    if variables is not None and not isinstance(variables, dict):
        return None
    if _registers_a_hash(request_data.get("extensions")):
        return None  # hash and query: the hash must be remembered, so it must reach execution
    normalised = normalised_query(query, operation_name)
    if normalised is None:
        return None
    parts = [
        normalised,
        operation_name,
        variables or {},
        visibility(principal),
        graphql_response_json,
        answer_settings,
    ]
    return json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)


def _registers_a_hash(extensions: Any) -> bool:
    if isinstance(extensions, str):  # GET: extensions come as JSON text
        try:
            extensions = json.loads(extensions)
        except ValueError:
            return False
    return isinstance(extensions, dict) and "persistedQuery" in extensions


def cache_key(request_part: str, data_version: str, today: date) -> str:
    text = f"{data_version}|{today.isoformat()}|{request_part}"
    return hashlib.sha256(text.encode()).hexdigest()

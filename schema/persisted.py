"""Persisted queries: Automatic Persisted Queries (APQ) as Apollo Client and urql send them, and
the allow-list mode (``WOONZORG_PERSISTED_ONLY=true``) in which only registered operations run.

A client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}`` without the
query (over GET, so that a browser or CDN can cache the answer, or POST). A hash the server does
not know answers the error ``PersistedQueryNotFound`` (code ``PERSISTED_QUERY_NOT_FOUND``); the
client then sends hash and query together, the server checks the hash and remembers the query.
Remembered queries live in Redis when the broker is Redis (shared by every API process) and in
memory when embedded.

The registered operations (``WOONZORG_PERSISTED_QUERIES``, comma-separated paths relative to the
project root, missing ones skipped) are read once: a directory gives each of its ``*.graphql``
files, a JSON file is a manifest, either ``{"<sha256 hex>": "<document>", …}`` or Apollo's
``{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": "<sha256
hex>", "body": "<document>", …}, …]}`` (hashes checked against the documents), and a ``.ts`` file
is the module GraphQL Code Generator's client preset writes with ``documentMode: documentNode``
(the web app's ``web/src/gql/graphql.ts``): each exported operation document, its fragments
included, registered under the sha256 of its printed text (what Apollo Client hashes).

In allow-list mode a query runs only when it is a registered document, compared after parsing
and printing without the ``__typename`` fields a client's cache adds (urql's Graphcache, Apollo's
InMemoryCache), so layout, comments and those fields do not count. A client's own hash of such a
document (each client prints it its own way) is remembered like any APQ hash; a remembered hash
is used only while its query is still allowed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from graphql import (
    REMOVE,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from graphql.language import ast

from core.settings import Settings
from schema.errors import expected_error

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APQ_TTL_SECONDS = 30 * 24 * 3600  # a remembered query is kept a month after its last use


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _WithoutTypenames(Visitor):
    def enter_field(self, node: FieldNode, *_: Any) -> object:
        return REMOVE if node.name.value == "__typename" and node.alias is None else None


@lru_cache(maxsize=1024)
def normalised(document: str) -> str | None:
    """The document printed from its syntax tree without unaliased ``__typename`` fields (layout,
    comments, commas and the type names a client's cache asks for do not count)."""
    try:
        return print_ast(visit(parse(document, no_location=True), _WithoutTypenames()))
    except GraphQLSyntaxError:
        return None


class QueryStore(Protocol):
    def get(self, digest: str) -> str | None: ...

    def put(self, digest: str, query: str) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._queries: dict[str, str] = {}

    def get(self, digest: str) -> str | None:
        return self._queries.get(digest)

    def put(self, digest: str, query: str) -> None:
        self._queries[digest] = query


class RedisStore:
    def __init__(self, url: str, namespace: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = f"{namespace}:apq:"

    def get(self, digest: str) -> str | None:
        value = self._redis.getex(self._prefix + digest, ex=APQ_TTL_SECONDS)
        return None if value is None else bytes(value).decode()  # type: ignore[arg-type]

    def put(self, digest: str, query: str) -> None:
        self._redis.set(self._prefix + digest, query, ex=APQ_TTL_SECONDS)


class RegistryError(ValueError):
    """A manifest that cannot be read, or whose hash does not match its document."""


def read_registered(paths: Iterable[Path]) -> dict[str, str]:
    """The registered operations by sha256 hash, from directories of ``*.graphql`` files and
    JSON manifests (see the module's description)."""
    registered: dict[str, str] = {}
    for path in paths:
        if path.is_dir():
            for file in sorted(path.glob("*.graphql")):
                text = file.read_text(encoding="utf-8")
                registered[sha256(text)] = text
        elif path.is_file() and path.suffix == ".ts":
            registered.update(_generated_operations(path))
        elif path.is_file():
            registered.update(_manifest(path))
    return registered


# One exported document per line: `export const XDocument = {"kind":"Document",…} as unknown as …`
_GENERATED_DOCUMENT = re.compile(
    r"^export const \w+ = (\{\"kind\":\"Document\".*\}) as unknown as ", re.M
)


def _generated_operations(path: Path) -> dict[str, str]:
    """The operations of a GraphQL Code Generator client-preset module (documentMode
    documentNode): its fragment-only documents are parts of operations, not operations."""
    found: dict[str, str] = {}
    for match in _GENERATED_DOCUMENT.finditer(path.read_text(encoding="utf-8")):
        try:
            document = _ast_node(json.loads(match.group(1)))
        except (ValueError, AttributeError, TypeError) as error:
            raise RegistryError(
                f"{path}: a generated document is not a GraphQL AST ({error})"
            ) from None
        if not isinstance(document, DocumentNode):
            raise RegistryError(f"{path}: a generated document is not a GraphQL document")
        if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
            text = print_ast(document)
            found[sha256(text)] = text
    if not found:
        raise RegistryError(f"{path}: no generated operation documents found")
    return found


def _ast_node(value: Any) -> Any:
    """A graphql-core syntax tree from graphql-js's JSON form (``kind`` names the node class)."""
    if isinstance(value, list):
        return tuple(_ast_node(item) for item in value)
    if not isinstance(value, dict):
        return value
    node_class = getattr(ast, f"{value['kind']}Node")
    fields = {_snake(k): _ast_node(v) for k, v in value.items() if k not in {"kind", "loc"}}
    if "operation" in fields:  # query, mutation or subscription: an enum in graphql-core
        fields["operation"] = ast.OperationType(fields["operation"])
    return node_class(**fields)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise RegistryError(f"{path}: not JSON ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in data["operations"]]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise RegistryError(f"{path}: a manifest is a JSON object")
    found: dict[str, str] = {}
    for digest, body in pairs:
        if not isinstance(digest, str) or not isinstance(body, str):
            raise RegistryError(f"{path}: every operation needs a hash and a document")
        if sha256(body) != digest.lower():
            raise RegistryError(f"{path}: hash {digest} is not the sha256 of its document")
        found[digest.lower()] = body
    return found


@dataclass
class Resolved:
    """The query to run (None: answer ``error`` instead) and whether it came by its hash."""

    query: str | None
    error: GraphQLError | None = None
    by_hash: bool = False


@dataclass
class PersistedQueries:
    store: QueryStore
    registered: dict[str, str]
    persisted_only: bool = False
    _allowed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._allowed = {n for n in map(normalised, self.registered.values()) if n is not None}

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedQueries:
        paths = [
            path if path.is_absolute() else PROJECT_ROOT / path
            for path in (Path(p.strip()) for p in settings.persisted_queries.split(","))
            if str(path)
        ]
        store: QueryStore = (
            MemoryStore()
            if settings.embedded_broker
            else RedisStore(settings.broker_url, settings.broker_namespace)
        )
        registered = read_registered(paths)
        log.info("persisted queries: %d registered operations", len(registered))
        return cls(store=store, registered=registered, persisted_only=settings.persisted_only)

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> Resolved:
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if query is not None and not self.allows(query):
                return Resolved(None, expected_error("PERSISTED_QUERY_NOT_ALLOWED"))
            return Resolved(query)
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if (
            not isinstance(persisted, dict)
            or persisted.get("version") != 1
            or not isinstance(digest, str)
        ):
            return Resolved(None, expected_error("PERSISTED_QUERY_INVALID"))
        digest = digest.lower()
        if query is None:
            known = self.registered.get(digest)
            if known is None:
                remembered = self.store.get(digest)
                if remembered is not None and self.allows(remembered):
                    known = remembered
            if known is None:
                return Resolved(None, expected_error("PERSISTED_QUERY_NOT_FOUND"))
            return Resolved(known, by_hash=True)
        if sha256(query) != digest:
            return Resolved(None, expected_error("PERSISTED_QUERY_HASH_MISMATCH"))
        if digest not in self.registered:
            if not self.allows(query):
                return Resolved(None, expected_error("PERSISTED_QUERY_NOT_ALLOWED"))
            self.store.put(digest, query)
        return Resolved(query, by_hash=True)

    def allows(self, query: str) -> bool:
        """Any query outside allow-list mode; in it, a registered document in any layout (a
        remembered hash is checked again: the store may hold queries from before the mode).
        Also asked for operations over the WebSocket (schema.security), which skip ``resolve``."""
        return not self.persisted_only or normalised(query) in self._allowed

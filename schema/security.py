"""Protection of the API: size limits, a query cost limit, introspection switch, error masking.

Every extension is passed as a factory, so each operation gets its own instance and reads the
current settings.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.websockets import WebSocket
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from core.settings import get_settings
from db.engine import RETRY_AFTER_SECONDS, is_database_busy
from schema.cost import cost_limit_rule
from schema.errors import ERRORS, expected_error

log = logging.getLogger("woonzorg.graphql")

INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
DATABASE_BUSY = "DATABASE_BUSY"
INVALID_ID = "INVALID_ID"


class ValidationLimits(SchemaExtension):
    """The query cost limit and, when switched off, the refusal of introspection.

    The rules that depend only on the document (GraphQL's own, the depth, alias and
    introspection limits) are checked once per query text and remembered (a bounded LRU): the
    dashboards send the same few documents again and again, and validating one of them took
    about a tenth of a region overview. The cost depends on the variables (page sizes), so it is
    checked on every operation.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = getattr(context, "result", None)
        errors = [*(context.pre_execution_errors or ()), *(getattr(result, "errors", None) or ())]
        _code_invalid_ids(errors)
        if _schema_hidden(context):
            _drop_suggestions(errors)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        settings = get_settings()
        hidden = _schema_hidden(context)
        if context.graphql_document is not None and context.query is not None:
            rules: tuple[Any, ...] = tuple(context.validation_rules)
            if not settings.graphql_introspection or hidden:
                rules = (*rules, NoSchemaIntrospectionCustomRule)
            errors = _validated(
                context.query,
                (
                    settings.graphql_max_depth,
                    settings.graphql_max_aliases,
                    len(rules),
                    settings.graphql_introspection,
                    hidden,
                ),
                lambda: validate_document(context.schema._schema, context.graphql_document, rules),  # type: ignore[arg-type]
            )
            if not errors and not _allowed_over_websocket(context):
                errors = [expected_error("PERSISTED_QUERY_NOT_ALLOWED")]
            if not errors:
                cost = cost_limit_rule(settings.graphql_max_cost, dict(context.variables or {}))
                errors = validate(context.schema._schema, context.graphql_document, [cost])
            context.pre_execution_errors = list(errors)
        yield
        if hidden:
            _drop_suggestions(context.pre_execution_errors)


def _allowed_over_websocket(execution_context: Any) -> bool:
    """In allow-list mode an operation over graphql-transport-ws (subscriptions, and queries or
    mutations sent that way) must be registered too: over HTTP the persisted-query resolution
    (schema.http) has already let only registered ones through."""
    request_context = execution_context.context
    persisted = getattr(request_context, "persisted", None)
    if persisted is None or not isinstance(getattr(request_context, "request", None), WebSocket):
        return True
    return bool(persisted.allows(execution_context.query))


def _schema_hidden(execution_context: Any) -> bool:
    """Anonymous callers learn nothing of the schema (no introspection, no "Did you mean")."""
    return get_settings().graphql_anonymous_schema_hidden and _anonymous(execution_context)


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?", re.DOTALL)


def _anonymous(execution_context: Any) -> bool:
    return getattr(execution_context.context, "principal", None) is None


def _code_invalid_ids(errors: Any) -> None:
    """An id that is not a global id, or names a type that is not a node, is the client's
    mistake: ``INVALID_ID``."""
    for error in errors or ():
        if isinstance(error, GraphQLError) and isinstance(error.original_error, GlobalIDValueError):
            error.extensions = {**(error.extensions or {}), "code": INVALID_ID}


def _drop_suggestions(errors: Any) -> None:
    """Strip graphql-core's "Did you mean …?" (it names fields of the schema) from messages."""
    for error in errors or ():
        if isinstance(error, GraphQLError) and "Did you mean" in error.message:
            error.message = _SUGGESTION.sub("", error.message)


_VALIDATED: OrderedDict[tuple[str, tuple[int, ...]], list[GraphQLError]] = OrderedDict()
_VALIDATED_MAX = 256
_validated_lock = threading.Lock()


def _validated(
    query: str, limits: tuple[int, ...], check: Callable[[], list[GraphQLError]]
) -> list[GraphQLError]:
    """The errors of the document-only rules for ``query``, computed once (bounded LRU)."""
    key = (query, limits)
    with _validated_lock:
        errors = _VALIDATED.get(key)
        if errors is not None:
            _VALIDATED.move_to_end(key)
            return errors
    errors = check()
    with _validated_lock:
        _VALIDATED[key] = errors
        while len(_VALIDATED) > _VALIDATED_MAX:
            _VALIDATED.popitem(last=False)
    return errors


def is_unexpected(error: GraphQLError) -> bool:
    """Errors raised while resolving that are not GraphQL errors meant for the client."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, GraphQLError | GlobalIDValueError)
    )


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected errors from clients; log them with an id the client can quote."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if error.original_error is not None and is_database_busy(error.original_error):
            log.warning("database busy at %s", error.path)
            return GraphQLError(
                f"The database is busy; try again in {RETRY_AFTER_SECONDS} s.",
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": DATABASE_BUSY, "retryAfter": RETRY_AFTER_SECONDS},
            )
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=error.original_error)
        return GraphQLError(
            f"Unexpected error (error id {error_id}); the operators can look it up.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={
                "code": INTERNAL_ERROR,
                "messageNl": ERRORS[INTERNAL_ERROR].nl,
                "errorId": error_id,
            },
        )


class QuietSchema(strawberry.Schema):
    """Expected errors (a typo, a refused limit, a bad variable) are logged on one line, without
    a traceback; unexpected ones were logged with theirs by ``MaskUnexpectedErrors``."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            extensions = error.extensions or {}
            if extensions.get("code") == INTERNAL_ERROR:
                continue  # logged with its traceback and error id when masked
            log.info(
                "graphql request error: %s (code %s, path %s)",
                error.message[:300],
                extensions.get("code", "-"),
                error.path,
            )


def protection_extensions() -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    settings = get_settings
    return [
        lambda: MaxTokensLimiter(max_token_count=settings().graphql_max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings().graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings().graphql_max_aliases),
        ValidationLimits,
        MaskUnexpectedErrors,
    ]

"""Protection of the API: size limits, a query cost limit, introspection switch, error masking.

Every extension is passed as a factory, so each operation gets its own instance and reads the
current settings.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.relay.types import GlobalIDValueError
from strawberry.types import ExecutionContext

from core.settings import get_settings
from db.engine import RETRY_AFTER_SECONDS, is_database_busy
from schema.cost import cost_limit_rule

log = logging.getLogger("woonzorg.graphql")

INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"
DATABASE_BUSY = "DATABASE_BUSY"
INVALID_ID = "INVALID_ID"


class ValidationLimits(SchemaExtension):
    """The query cost limit and, when switched off, the refusal of introspection."""

    def on_operation(self) -> Iterator[None]:
        settings = get_settings()
        rules: list[Any] = [
            cost_limit_rule(settings.graphql_max_cost, dict(self.execution_context.variables or {}))
        ]
        hidden = settings.graphql_anonymous_schema_hidden and _anonymous(self.execution_context)
        if not settings.graphql_introspection or hidden:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.execution_context.validation_rules = (*self.execution_context.validation_rules, *rules)
        yield
        result = getattr(self.execution_context, "result", None)
        errors = [
            *(self.execution_context.pre_execution_errors or ()),
            *(getattr(result, "errors", None) or ()),
        ]
        _code_invalid_ids(errors)
        if hidden:
            _drop_suggestions(errors)

    def on_validate(self) -> Iterator[None]:
        yield
        if get_settings().graphql_anonymous_schema_hidden and _anonymous(self.execution_context):
            _drop_suggestions(self.execution_context.pre_execution_errors)


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
            extensions={"code": INTERNAL_ERROR, "errorId": error_id},
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

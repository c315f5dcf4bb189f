"""Protection of the API: size limits, a query cost limit, introspection switch, error masking.

Every extension is passed as a factory, so each operation gets its own instance and reads the
current settings.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError, validate
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from core.settings import get_settings
from schema.cost import cost_limit_rule
from schema.errors import ERRORS

log = logging.getLogger("woonzorg.graphql")

INTERNAL_ERROR = "INTERNAL_SERVER_ERROR"


class ValidationLimits(SchemaExtension):
    """The query cost limit and, when switched off, the refusal of introspection.

    The rules that depend only on the document (GraphQL's own, the depth, alias and
    introspection limits) are checked once per query text and remembered (a bounded LRU): the
    dashboards send the same few documents again and again, and validating one of them took
    about a tenth of a region overview. The cost depends on the variables (page sizes), so it is
    checked on every operation.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        settings = get_settings()
        if context.graphql_document is not None and context.query is not None:
            rules: tuple[Any, ...] = tuple(context.validation_rules)
            if not settings.graphql_introspection:
                rules = (*rules, NoSchemaIntrospectionCustomRule)
            errors = _validated(
                context.query,
                (
                    settings.graphql_max_depth,
                    settings.graphql_max_aliases,
                    len(rules),
                    settings.graphql_introspection,
                ),
                lambda: validate_document(context.schema._schema, context.graphql_document, rules),  # type: ignore[arg-type]
            )
            if not errors:
                cost = cost_limit_rule(settings.graphql_max_cost, dict(context.variables or {}))
                errors = validate(context.schema._schema, context.graphql_document, [cost])
            context.pre_execution_errors = list(errors)
        yield


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
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected errors from clients; log them with an id the client can quote."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
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


def protection_extensions() -> list[Callable[[], SchemaExtension] | type[SchemaExtension]]:
    settings = get_settings
    return [
        lambda: MaxTokensLimiter(max_token_count=settings().graphql_max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings().graphql_max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings().graphql_max_aliases),
        ValidationLimits,
        MaskUnexpectedErrors,
    ]

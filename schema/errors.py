"""Errors a client can act on: never masked, always with a machine-readable ``code``."""

from __future__ import annotations

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"


def bad_input(message: str, argument: str | None = None) -> GraphQLError:
    extensions: dict[str, object] = {"code": BAD_USER_INPUT}
    if argument is not None:
        extensions["argument"] = argument
    return GraphQLError(message, extensions=extensions)


def not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": NOT_FOUND})

"""The expected errors of mutations, as data (DESIGN §6): a client can branch on ``__typename``."""

from __future__ import annotations

import strawberry

from schema.context import Info
from services.access.rate_limit import rate_limiter


@strawberry.type(
    description="The token may not do this (its role or organisation does not allow it)."
)
class NotAllowed:
    message: str = strawberry.field(description="What is not allowed, and why.")
    code: str = strawberry.field(description="A stable machine-readable code of the refusal.")
    message_nl: str = strawberry.field(description="The message in Dutch.")


@strawberry.type(description="There is no such object (or it is not visible to this token).")
class NotFound:
    message: str = strawberry.field(description="What was not found.")
    code: str = strawberry.field(description="A stable machine-readable code of the refusal.")
    message_nl: str = strawberry.field(description="The message in Dutch.")


@strawberry.type(description="An argument is not acceptable.")
class InvalidInput:
    message: str = strawberry.field(description="What is wrong.")
    field: str | None = strawberry.field(description="The input field at fault, when one is.")
    code: str = strawberry.field(description="A stable machine-readable code of the refusal.")
    message_nl: str = strawberry.field(description="The message in Dutch.")


@strawberry.type(description="The object is not in a state that allows this step.")
class InvalidState:
    message: str = strawberry.field(description="Its state and what would be allowed.")
    code: str = strawberry.field(description="A stable machine-readable code of the refusal.")
    message_nl: str = strawberry.field(description="The message in Dutch.")


@strawberry.type(description="Too many writes with this token; try again later.")
class RateLimited:
    message: str = strawberry.field(description="The limit and when to retry.")
    retry_after_seconds: int = strawberry.field(
        description="Seconds until writes are accepted again."
    )
    code: str = strawberry.field(description="Always rate_limited.")
    message_nl: str = strawberry.field(description="The message in Dutch.")


def rate_limited(info: Info) -> RateLimited | None:
    """Count a write against the token's budget; the error when the budget is spent."""
    principal = info.context.principal
    if principal is None:
        return None
    decision = rate_limiter().hit(principal.rate_key)
    if decision.allowed:
        return None
    return RateLimited(
        message=f"More than {decision.limit} writes a minute with this token; try again in {decision.retry_after} s.",
        retry_after_seconds=decision.retry_after,
        code="rate_limited",
        message_nl=f"Meer dan {decision.limit} wijzigingen per minuut met deze toegang; probeer "
        f"het over {decision.retry_after} s opnieuw.",
    )

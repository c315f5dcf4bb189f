"""Subscribing to webhooks and unsubscribing (workers/periodic/webhooks.subscribe / unsubscribe)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry import relay

from core.enums import Role
from db.engine import session_scope
from db.models import WebhookSubscription as WebhookSubscriptionRow
from db.queries import periodic as queries
from schema.context import Info
from schema.errors import bad_input
from schema.mutations.errors import InvalidInput, NotAllowed, NotFound, RateLimited, rate_limited
from schema.mutations.projects import actor_of
from schema.periodic import (
    WebhookEvent,
    WebhookSubscription,
    sees_webhooks_of,
    webhook_organisation,
)
from services.periodic.webhooks import WebhookSubscriptionError, subscribe, unsubscribe


@strawberry.type(description="The subscription was made (or updated, for a URL subscribed before).")
class WebhookSubscribed:
    subscription: WebhookSubscription = strawberry.field(description="The subscription.")
    created: bool = strawberry.field(
        description="False when the organisation had subscribed this URL before (its events were replaced)."
    )
    secret: str | None = strawberry.field(
        description=(
            "The HMAC-SHA256 signing secret, given to the receiver: returned only here, when the "
            "subscription is created (null on an update: the secret is unchanged)."
        )
    )


@strawberry.type(description="The subscription was ended; no more events are sent to it.")
class WebhookUnsubscribed:
    subscription: WebhookSubscription = strawberry.field(description="The ended subscription.")


SubscribeResult = Annotated[
    WebhookSubscribed | NotAllowed | InvalidInput | RateLimited,
    strawberry.union("SubscribeWebhookResult", description="The subscription, or why not."),
]
UnsubscribeResult = Annotated[
    WebhookUnsubscribed | NotFound | NotAllowed | RateLimited,
    strawberry.union("UnsubscribeWebhookResult", description="The ended subscription, or why not."),
]


def subscription_row_id(global_id: relay.GlobalID) -> int:
    if global_id.type_name != "WebhookSubscription" or not global_id.node_id.isdigit():
        raise bad_input(f"'{global_id}' is not the id of a WebhookSubscription", "id")
    return int(global_id.node_id)


def _read_only(info: Info) -> NotAllowed | None:
    principal = info.context.principal
    assert principal is not None  # the SignedIn permission guards every mutation
    if principal.role is Role.VIEWER:
        return NotAllowed(
            message="A viewer token cannot manage webhooks.",
            code="read_only_role",
            message_nl="Met een kijkersrol beheert u geen webhooks.",
        )
    return None


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description=(
            "Subscribe a URL of your organisation to events (administrators: of any organisation); "
            "subscribing the same URL again replaces its events and reactivates it."
        )
    )
    async def subscribe_webhook(
        self,
        info: Info,
        url: Annotated[str, strawberry.argument(description="An http(s) URL that receives POSTs.")],
        events: Annotated[
            list[WebhookEvent],
            strawberry.argument(description="The events to receive (one or more)."),
        ],
        organisation: Annotated[
            str | None,
            strawberry.argument(
                description="Administrators: subscribe for this organisation (code)."
            ),
        ] = None,
    ) -> SubscribeResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        if (refused := _read_only(info)) is not None:
            return refused
        owner = webhook_organisation(info, organisation)
        if owner is False or owner is None:
            if organisation is not None and info.context.access.role is Role.ADMIN:
                return InvalidInput(
                    message=f"No organisation with code '{organisation}'.",
                    field="organisation",
                    code="unknown_organisation",
                    message_nl=f"Er is geen organisatie met code '{organisation}'.",
                )
            if organisation is not None:
                return NotAllowed(
                    message="This token manages its own organisation's webhooks only.",
                    code="not_allowed",
                    message_nl="U beheert alleen de webhooks van uw eigen organisatie.",
                )
            principal = info.context.principal
            assert principal is not None  # the SignedIn permission guards every mutation
            owner = principal.organisation_id
        actor = actor_of(info)

        def run() -> tuple[int, bool, str | None]:
            with session_scope(info.context.engine) as session:
                before = queries.subscription_of(session, owner, url)
                row = subscribe(session, owner, url, [e.value for e in events], actor=actor)
                assert row.id is not None  # a stored row
                return row.id, before is None, row.secret if before is None else None

        try:
            row_id, created, secret = await run_in_threadpool(run)
        except WebhookSubscriptionError as error:
            return InvalidInput(
                message=str(error),
                field=error.field,
                code="invalid",
                message_nl="Geef een http(s)-URL en minstens één bekende gebeurtenis.",
            )
        info.context.session.expire_all()
        row = info.context.session.get(WebhookSubscriptionRow, row_id)
        return WebhookSubscribed(
            subscription=WebhookSubscription.from_row(row), created=created, secret=secret
        )

    @strawberry.mutation(
        description="End a subscription of your organisation (administrators: of any)."
    )
    async def unsubscribe_webhook(
        self,
        info: Info,
        id: Annotated[
            relay.GlobalID, strawberry.argument(description="The subscription's global id.")
        ],
    ) -> UnsubscribeResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        if (refused := _read_only(info)) is not None:
            return refused
        row_id = subscription_row_id(id)
        row = info.context.session.get(WebhookSubscriptionRow, row_id)
        if row is None or not sees_webhooks_of(info, row.organisation_id):
            return NotFound(
                message=f"No webhook subscription {id}.",
                code="not_found",
                message_nl=f"Geen webhook-abonnement {id}.",
            )
        actor = actor_of(info)

        def run() -> None:
            with session_scope(info.context.engine) as session:
                unsubscribe(session, row_id, actor=actor)

        await run_in_threadpool(run)
        info.context.session.expire_all()
        row = info.context.session.get(WebhookSubscriptionRow, row_id)
        return WebhookUnsubscribed(subscription=WebhookSubscription.from_row(row))

"""The executable schema: every area's queries and the subscriptions, merged, with protection."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition

from schema.audit import AuditQuery
from schema.context import Info
from schema.extensions import CloseSession
from schema.geography import GeographyQuery
from schema.mutations.access import AccessMutation, AccessQuery
from schema.mutations.geography import GeographyMutation
from schema.mutations.measures import MeasureMutation
from schema.mutations.policy import PolicyMutation
from schema.mutations.projects import ProjectMutation
from schema.mutations.submissions import SubmissionMutation
from schema.mutations.webhooks import WebhookMutation
from schema.observations import ObservationQuery
from schema.organisations import OrganisationQuery
from schema.people import MeQuery
from schema.periodic import PeriodicQuery, SourceMutation
from schema.permissions import guard_root_fields
from schema.policy import PolicyQuery
from schema.progress import ProgressQuery
from schema.projects import ProjectQuery
from schema.scalars import SCALAR_MAP
from schema.security import QuietSchema, protection_extensions
from schema.submissions import SubmissionQuery
from schema.subscriptions import Subscription
from schema.targets import TargetQuery
from schema.vocabulary import VocabularyQuery


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id, or null.")
    async def node(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The ID of the object.")],
    ) -> relay.Node | None:
        """Null for every well-formed id that names no visible object, whatever its type name
        (text that is not a global id at all is a validation error of the ID scalar)."""
        definition = info.schema.get_type_by_name(id.type_name)
        if not isinstance(definition, StrawberryObjectDefinition) or not (
            isinstance(definition.origin, type) and issubclass(definition.origin, relay.Node)
        ):
            return None
        return await id.resolve_node(info, required=False)


@strawberry.type(description="Everything that can be read: start from a list or `node(id:)`.")
class Query(
    NodeQuery,
    MeQuery,
    GeographyQuery,
    OrganisationQuery,
    PolicyQuery,
    VocabularyQuery,
    TargetQuery,
    ObservationQuery,
    ProjectQuery,
    ProgressQuery,
    SubmissionQuery,
    AuditQuery,
    PeriodicQuery,
    AccessQuery,
):
    pass


@strawberry.type(description="Everything that can be changed; each result says what happened.")
class Mutation(
    SubmissionMutation,
    ProjectMutation,
    MeasureMutation,
    PolicyMutation,
    WebhookMutation,
    SourceMutation,
    AccessMutation,
    GeographyMutation,
):
    pass


for _root in (Query, Mutation, Subscription):
    guard_root_fields(_root)

schema = QuietSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    extensions=[*protection_extensions(), CloseSession],
)


def sdl() -> str:
    return schema.as_str() + "\n"

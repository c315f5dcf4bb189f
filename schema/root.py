"""The executable schema: every area's queries and the subscriptions, merged, with protection."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.schema.config import StrawberryConfig

from schema.audit import AuditQuery
from schema.extensions import CloseSession
from schema.geography import GeographyQuery
from schema.mutations.measures import MeasureMutation
from schema.mutations.projects import ProjectMutation
from schema.mutations.submissions import SubmissionMutation
from schema.mutations.webhooks import WebhookMutation
from schema.observations import ObservationQuery
from schema.organisations import OrganisationQuery
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
    node: relay.Node | None = relay.node(description="Any object by its global id, or null.")


@strawberry.type(description="Everything that can be read: start from a list or `node(id:)`.")
class Query(
    NodeQuery,
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
):
    pass


@strawberry.type(description="Everything that can be changed; each result says what happened.")
class Mutation(
    SubmissionMutation, ProjectMutation, MeasureMutation, WebhookMutation, SourceMutation
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

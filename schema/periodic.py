"""Periodic figures: the reporting calendar (missing reports, overdue measures), registered sources
with their run ledger, webhook subscriptions and their delivery log; pulling a source at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import sqlalchemy as sa
import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry import relay
from strawberry.scalars import JSON

from core.enums import Role
from db.engine import session_scope
from db.models import Indicator as IndicatorRow
from db.models import Jurisdiction as JurisdictionRow
from db.models import Organisation as OrganisationRow
from db.models import Source as SourceRow
from db.models import SourceRun as SourceRunRow
from db.models import WebhookDelivery as WebhookDeliveryRow
from db.models import WebhookSubscription as WebhookSubscriptionRow
from db.models import periodic as models
from db.queries import periodic
from db.queries.listing import Listing
from schema.connections import (
    DEFAULT_PAGE_SIZE,
    FILTER_DESCRIPTION,
    After,
    Connection,
    First,
    Key,
    page_by_key,
    paginate,
)
from schema.context import Info
from schema.enums import MeasureStatus
from schema.errors import bad_input
from schema.mutations.errors import InvalidState, NotAllowed, NotFound, RateLimited, rate_limited
from schema.mutations.projects import actor_of
from schema.nodes import RowNode, load_one
from schema.scalars import Period
from services.periodic.calendar import missing_reports
from services.periodic.source_pulls import PullRequestRefused, request_pull
from services.policy.measures import overdue_measures

if TYPE_CHECKING:
    from schema.geography import Jurisdiction
    from schema.organisations import Organisation
    from schema.policy import Measure
    from schema.submissions import Submission
    from schema.vocabulary import Indicator

LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations")]
LazyJurisdiction = Annotated["Jurisdiction", strawberry.lazy("schema.geography")]
LazyIndicator = Annotated["Indicator", strawberry.lazy("schema.vocabulary")]
LazyMeasure = Annotated["Measure", strawberry.lazy("schema.policy")]

# strawberry.enum marks the class in place and returns it: the names stay the model classes, which
# type checkers accept in annotations.
SourceKind = models.SourceKind
strawberry.enum(
    SourceKind,
    description="CBS_STATLINE: a CBS OData table; URL_FILE: a file at a URL; WATCHED_FOLDER: the newest file in a folder.",
)
SourceRunOutcome = models.SourceRunOutcome
strawberry.enum(
    SourceRunOutcome,
    description=(
        "How an attempt of a pull ended: RUNNING, SUCCEEDED, UNCHANGED (content pulled before), "
        "RETRYING (failed, tried again with backoff) or FAILED."
    ),
)
WebhookEvent = models.WebhookEvent
strawberry.enum(
    WebhookEvent,
    description=(
        "What a webhook tells: a submission's status changed, a target's progress status changed, "
        "or a reminder of a missing report or overdue measure."
    ),
)
DeliveryStatus = models.DeliveryStatus
strawberry.enum(DeliveryStatus, description="Where a webhook delivery stands.")


# ---------------------------------------------------------------- who sees what


def _is_admin(info: Info) -> bool:
    return info.context.access.role is Role.ADMIN


def webhook_organisation(info: Info, named: str | None) -> int | bool | None:
    """Whose webhooks a request sees: an organisation id, None for everyone's (an administrator
    naming nobody), or False for nothing (viewers, anonymous, or another organisation named)."""
    principal = info.context.principal
    if principal is None or principal.role is Role.VIEWER:
        return False
    if principal.role is Role.ADMIN:
        return _id_of(info, OrganisationRow, named)
    if named is not None and named != principal.organisation_code:
        return False
    return principal.organisation_id


def sees_webhooks_of(info: Info, organisation_id: int) -> bool:
    scope = webhook_organisation(info, None)
    return scope is None or (scope is not False and scope == organisation_id)


class AdminNode(RowNode):
    """A row only administrators see; for anyone else ``node(id:)`` gives null."""

    # relay.Node declares resolve_nodes as overloads on ``required`` taking any Info; mypy cannot
    # match this one implementation (for our Context's Info) against them.
    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = list(node_ids)
        if not _is_admin(info):
            return [None for _ in ids]
        return await super().resolve_nodes(info=info, node_ids=ids, required=required)


# ---------------------------------------------------------------- types


@strawberry.type(
    description="A feed or file pulled on a schedule and submitted for its organisation."
)
class Source(AdminNode):
    model = SourceRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Stable code, e.g. cbs-bevolking-per-maand.")
    name: str = strawberry.field(description="What it is.")
    kind: SourceKind = strawberry.field(description="How it is read.")
    config: JSON = strawberry.field(
        description="Where it is read and how (url, table, path, pattern, CBS column mapping)."
    )
    schedule: str = strawberry.field(description="Cron expression (UTC) of its scheduled pulls.")
    active: bool = strawberry.field(description="Pulled on its schedule (false: paused).")
    created_at: datetime = strawberry.field(description="When it was registered.")
    updated_at: datetime = strawberry.field(description="Last change of its registration.")

    @strawberry.field(description="The organisation its figures are submitted for.")
    async def organisation(self, info: Info) -> LazyOrganisation:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.organisation_id)


@strawberry.type(description="One attempt of a source pull: what it produced or why it failed.")
class SourceRun(AdminNode):
    model = SourceRunRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    message_id: str | None = strawberry.field(
        description="The queue message; shared by the retries of one pull."
    )
    attempt: int = strawberry.field(description="1 for the first attempt, then 2, 3, …")
    started_at: datetime = strawberry.field(description="When the attempt started.")
    finished_at: datetime | None = strawberry.field(description="When it ended; null: running.")
    outcome: SourceRunOutcome = strawberry.field(description="How it ended.")
    rows: int | None = strawberry.field(description="Rows read.")
    error: str | None = strawberry.field(description="Why it failed.")
    note: str | None = strawberry.field(description="What the pull read and skipped, and why.")

    @strawberry.field(description="The source pulled.")
    async def source(self, info: Info) -> Source:
        return await load_one(info, Source, self.row.source_id)

    @strawberry.field(description="The submission it created, if any.")
    async def submission(
        self, info: Info
    ) -> Annotated[Submission, strawberry.lazy("schema.submissions")] | None:
        from schema.submissions import Submission

        return await load_one(info, Submission, self.row.submission_id)


@strawberry.type(
    description="An organisation's subscription: events are POSTed to its URL, signed with its secret."
)
class WebhookSubscription(RowNode):
    model = WebhookSubscriptionRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    url: str = strawberry.field(description="Where events are sent.")
    active: bool = strawberry.field(description="False once unsubscribed.")
    created_at: datetime = strawberry.field(description="When it was made.")

    @strawberry.field(description="The events it receives.")
    def events(self) -> list[WebhookEvent]:
        return [models.WebhookEvent(e) for e in self.row.events]

    @strawberry.field(description="The subscribing organisation.")
    async def organisation(self, info: Info) -> LazyOrganisation:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.row.organisation_id)

    # relay.Node declares resolve_nodes as overloads on ``required`` taking any Info; mypy cannot
    # match this one implementation (for our Context's Info) against them.
    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        found = await super().resolve_nodes(info=info, node_ids=node_ids, required=required)
        return [
            s if s is not None and sees_webhooks_of(info, s.row.organisation_id) else None
            for s in found
        ]


@strawberry.type(description="One event sent to one subscription, with its last attempt's result.")
class WebhookDelivery(RowNode):
    model = WebhookDeliveryRow
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    event_id: str = strawberry.field(description="The event's id, shared by its deliveries.")
    event: WebhookEvent = strawberry.field(description="What happened.")
    payload: JSON = strawberry.field(description="The body sent.")
    status: DeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempts: int = strawberry.field(description="Attempts made.")
    response_code: int | None = strawberry.field(description="HTTP status of the last attempt.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime = strawberry.field(description="When the event was queued.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    delivered_at: datetime | None = strawberry.field(description="When it was accepted.")

    @strawberry.field(description="The subscription it was sent to.")
    async def subscription(self, info: Info) -> WebhookSubscription:
        return await load_one(info, WebhookSubscription, self.row.subscription_id)

    # relay.Node declares resolve_nodes as overloads on ``required`` taking any Info; mypy cannot
    # match this one implementation (for our Context's Info) against them.
    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        found = await super().resolve_nodes(info=info, node_ids=node_ids, required=required)
        loader = info.context.loaders.row(WebhookSubscriptionRow)
        owners = await loader.load_many([d.row.subscription_id if d else -1 for d in found])
        return [
            d
            if d is not None and s is not None and sees_webhooks_of(info, s.organisation_id)
            else None
            for d, s in zip(found, owners, strict=True)
        ]


@strawberry.type(
    description="A figure an organisation owes and has not reported after its due date."
)
class MissingReport:
    key: strawberry.Private[Key]
    organisation_id: strawberry.Private[int]
    indicator_id: strawberry.Private[int]
    jurisdiction_id: strawberry.Private[int]
    # The period's text as the calendar gives it; `Period` serialises it unchanged with str().
    period: str = strawberry.field(graphql_type=Period, description="The period owed.")
    due_on: date = strawberry.field(description="The day it was due (period end + due days).")
    days_overdue: int = strawberry.field(description="Days past the due date on the day asked.")

    @strawberry.field(description="The organisation that owes it.")
    async def organisation(self, info: Info) -> LazyOrganisation:
        from schema.organisations import Organisation

        return await load_one(info, Organisation, self.organisation_id)

    @strawberry.field(description="The indicator owed.")
    async def indicator(self, info: Info) -> LazyIndicator:
        from schema.vocabulary import Indicator

        return await load_one(info, Indicator, self.indicator_id)

    @strawberry.field(description="The jurisdiction it is owed for.")
    async def jurisdiction(self, info: Info) -> LazyJurisdiction:
        from schema.geography import Jurisdiction

        return await load_one(info, Jurisdiction, self.jurisdiction_id)


@strawberry.type(
    description="A measure whose due period has ended while it is not done or cancelled."
)
class OverdueMeasure:
    key: strawberry.Private[Key]
    measure_id: strawberry.Private[int]
    # The measure's due text; `Period` serialises it unchanged with str().
    due: str = strawberry.field(graphql_type=Period, description="The period it was due in.")
    due_end: date = strawberry.field(description="The last day of that period.")
    status: MeasureStatus = strawberry.field(description="Its current status.")
    days_overdue: int = strawberry.field(description="Days since the due period ended.")

    @strawberry.field(description="The measure.")
    async def measure(self, info: Info) -> LazyMeasure:
        from schema.policy import Measure

        return await load_one(info, Measure, self.measure_id)


# ---------------------------------------------------------------- filters


@strawberry.input(description="Which missing reports to list; all given conditions must hold.")
class MissingReportFilter:
    organisation: str | None = strawberry.field(
        default=None, description="Only owed by this organisation (code)."
    )
    indicator: str | None = strawberry.field(
        default=None, description="Only this indicator (code)."
    )
    jurisdiction: str | None = strawberry.field(
        default=None, description="Only for this jurisdiction (code)."
    )
    as_of: date | None = strawberry.field(
        default=None, description="Judge on this day instead of today (what was overdue then)."
    )


@strawberry.input(description="Which overdue measures to list; all given conditions must hold.")
class OverdueMeasureFilter:
    owner: str | None = strawberry.field(
        default=None, description="Only led by this organisation (code)."
    )
    statuses: list[MeasureStatus] | None = strawberry.field(
        default=None, description="Only in these statuses (of the open ones)."
    )
    as_of: date | None = strawberry.field(
        default=None, description="Judge on this day instead of today (what was overdue then)."
    )


@strawberry.input(
    description="Which webhook subscriptions to list; all given conditions must hold."
)
class WebhookSubscriptionFilter:
    organisation: str | None = strawberry.field(
        default=None, description="Administrators: only this organisation's (code)."
    )
    active: bool | None = strawberry.field(
        default=None, description="Only active (true) or unsubscribed (false) subscriptions."
    )


@strawberry.input(description="Which webhook deliveries to list; all given conditions must hold.")
class WebhookDeliveryFilter:
    organisation: str | None = strawberry.field(
        default=None,
        description="Administrators: only to this organisation's subscriptions (code).",
    )
    subscription: relay.GlobalID | None = strawberry.field(
        default=None, description="Only to this subscription (its global id)."
    )
    events: list[WebhookEvent] | None = strawberry.field(
        default=None, description="Only of these events."
    )
    statuses: list[DeliveryStatus] | None = strawberry.field(
        default=None, description="Only in these states."
    )


@strawberry.input(description="Which sources to list; all given conditions must hold.")
class SourceFilter:
    kinds: list[SourceKind] | None = strawberry.field(default=None, description="Only these kinds.")
    organisation: str | None = strawberry.field(
        default=None, description="Only submitting for this organisation (code)."
    )
    active: bool | None = strawberry.field(
        default=None, description="Only active (true) or paused (false) sources."
    )
    search: str | None = strawberry.field(default=None, description="Words in the code or name.")


@strawberry.input(description="Which source runs to list; all given conditions must hold.")
class SourceRunFilter:
    source: str | None = strawberry.field(default=None, description="Only of this source (code).")
    outcomes: list[SourceRunOutcome] | None = strawberry.field(
        default=None, description="Only these outcomes."
    )
    started_from: datetime | None = strawberry.field(
        default=None, description="Started at or after."
    )
    started_to: datetime | None = strawberry.field(
        default=None, description="Started at or before."
    )


# ---------------------------------------------------------------- queries


def _id_of(info: Info, model: type[Any], code: str | None) -> int | bool | None:
    """The id for a code: None without a code, False for an unknown code."""
    if code is None:
        return None
    found = info.context.session.scalar(sa.select(model.id).where(model.code == code))
    return False if found is None else int(found)


@strawberry.type
class PeriodicQuery:
    @strawberry.field(
        description=(
            "Figures owed and not reported after their due date (reporting obligations), ordered "
            "by organisation, indicator, jurisdiction and period. Administrators see every "
            "organisation's, the task force those of the organisations in its area, a partner its "
            "own organisation's; viewers none. Computed from the calendar for the day asked, then "
            "paged: a cursor stays valid while reports arrive."
        )
    )
    def missing_reports(
        self,
        info: Info,
        filter: Annotated[
            MissingReportFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[MissingReport]:
        f = filter or MissingReportFilter()
        today = f.as_of or date.today()
        found = _missing_reports(info, f, today)
        return page_by_key(found, first, after, lambda m: m.key, "missingReports")

    @strawberry.field(
        description=(
            "Measures whose due period has ended and that are not done or cancelled, the longest "
            "overdue first (then by code). Computed for the day asked, then paged: a cursor "
            "stays valid while measures are closed."
        )
    )
    def overdue_measures(
        self,
        info: Info,
        filter: Annotated[
            OverdueMeasureFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[OverdueMeasure]:
        f = filter or OverdueMeasureFilter()
        owner_id = _id_of(info, OrganisationRow, f.owner)
        today = f.as_of or date.today()
        found = (
            []
            if owner_id is False
            else [
                OverdueMeasure(
                    key=(m.due_end.isoformat(), m.code, m.measure_id),
                    measure_id=m.measure_id,
                    due=m.due,
                    due_end=m.due_end,
                    status=m.status,
                    days_overdue=(today - m.due_end).days,
                )
                for m in overdue_measures(info.context.session, today, owner_id)
                if f.statuses is None or m.status in f.statuses
            ]
        )
        return page_by_key(found, first, after, lambda m: m.key, "overdueMeasures")

    @strawberry.field(description="Registered sources ordered by code (administrators only).")
    def sources(
        self,
        info: Info,
        filter: Annotated[
            SourceFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Source]:
        f = filter or SourceFilter()
        criteria = periodic.SourceCriteria(
            kinds=f.kinds,
            organisations=[f.organisation] if f.organisation else None,
            active=f.active,
            search=f.search,
        )
        return paginate(info, periodic.sources(criteria), first, after, Source.from_row)

    @strawberry.field(
        description="The ledger of source pulls, newest attempt first (administrators only)."
    )
    def source_runs(
        self,
        info: Info,
        filter: Annotated[
            SourceRunFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[SourceRun]:
        f = filter or SourceRunFilter()
        criteria = periodic.SourceRunCriteria(
            sources=[f.source] if f.source else None,
            outcomes=f.outcomes,
            started_from=f.started_from,
            started_to=f.started_to,
        )
        return paginate(info, periodic.source_runs(criteria), first, after, SourceRun.from_row)

    @strawberry.field(
        description=(
            "Webhook subscriptions of your organisation, oldest first; administrators see every "
            "organisation's (or one's, with `filter.organisation`). Viewers see none."
        )
    )
    def webhook_subscriptions(
        self,
        info: Info,
        filter: Annotated[
            WebhookSubscriptionFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[WebhookSubscription]:
        f = filter or WebhookSubscriptionFilter()
        scope = webhook_organisation(info, f.organisation)
        criteria = periodic.WebhookSubscriptionCriteria(
            organisation_id=None if scope is False else scope, active=f.active
        )
        listing = periodic.webhook_subscriptions(criteria)
        if scope is False:
            listing = _nothing(listing)
        return paginate(info, listing, first, after, WebhookSubscription.from_row)

    @strawberry.field(
        description=(
            "Webhook deliveries to your organisation, newest first; administrators see every "
            "organisation's (or one's, with `filter.organisation`). Viewers see none."
        )
    )
    def webhook_deliveries(
        self,
        info: Info,
        filter: Annotated[
            WebhookDeliveryFilter | None, strawberry.argument(description=FILTER_DESCRIPTION)
        ] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[WebhookDelivery]:
        f = filter or WebhookDeliveryFilter()
        scope = webhook_organisation(info, f.organisation)
        criteria = periodic.WebhookDeliveryCriteria(
            organisation_id=None if scope is False else scope,
            subscription_id=None if f.subscription is None else _subscription_id(f.subscription),
            events=f.events,
            statuses=f.statuses,
        )
        listing = periodic.webhook_deliveries(criteria)
        if scope is False:
            listing = _nothing(listing)
        return paginate(info, listing, first, after, WebhookDelivery.from_row)


def _nothing(listing: Listing[Any]) -> Listing[Any]:
    """The listing with no rows: what a caller who may see none of it gets (an empty page)."""
    return replace(listing, statement=listing.statement.where(sa.false()))


def _subscription_id(global_id: relay.GlobalID) -> int:
    if global_id.type_name != "WebhookSubscription" or not global_id.node_id.isdigit():
        raise bad_input(f"'{global_id}' is not the id of a webhook subscription", "subscription")
    return int(global_id.node_id)


def _missing_reports(info: Info, f: MissingReportFilter, today: date) -> list[MissingReport]:
    """The missing reports the caller may see, in the calendar's order (its keyset key)."""
    visible = info.context.access.submission_organisations
    ids = [
        _id_of(info, OrganisationRow, f.organisation),
        _id_of(info, IndicatorRow, f.indicator),
        _id_of(info, JurisdictionRow, f.jurisdiction),
    ]
    if visible == set() or False in ids:
        return []
    organisation_id, indicator_id, jurisdiction_id = ids
    if visible is not None and organisation_id is not None and organisation_id not in visible:
        return []
    found = missing_reports(
        info.context.session,
        today,
        organisation_id,
        indicator_id=indicator_id,
        jurisdiction_id=jurisdiction_id,
    )
    reports = [
        MissingReport(
            key=(
                m.organisation_code,
                m.indicator_code,
                m.jurisdiction_code,
                m.due_on.isoformat(),
                m.period,
                m.obligation_id,
            ),
            organisation_id=m.organisation_id,
            indicator_id=m.indicator_id,
            jurisdiction_id=m.jurisdiction_id,
            period=m.period,
            due_on=m.due_on,
            days_overdue=m.days_overdue(today),
        )
        for m in found
        if visible is None or m.organisation_id in visible
    ]
    return sorted(reports, key=lambda m: m.key)


# ---------------------------------------------------------------- mutations


@strawberry.type(description="The pull was queued; its attempts appear in `sourceRuns`.")
class SourcePullQueued:
    source: Source = strawberry.field(description="The source to be pulled.")


SourcePullResult = Annotated[
    SourcePullQueued | NotFound | NotAllowed | InvalidState | RateLimited,
    strawberry.union("SourcePullResult", description="The queued pull, or why not."),
]


@strawberry.type
class SourceMutation:
    @strawberry.mutation(
        description="Pull a source now, outside its schedule (administrators only)."
    )
    async def pull_source_now(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The source's code.")],
    ) -> SourcePullResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def run() -> int:
            with session_scope(info.context.engine) as session:
                source_id = request_pull(session, actor, code).id
                assert source_id is not None  # a stored row
                return source_id

        try:
            source_id = await run_in_threadpool(run)
        except PullRequestRefused as refusal:
            if refusal.code == "not_allowed":
                return NotAllowed(
                    message=str(refusal),
                    code=refusal.code,
                    message_nl="Alleen beheerders halen bronnen op.",
                )
            if refusal.code == "not_found":
                return NotFound(
                    message=str(refusal),
                    code=refusal.code,
                    message_nl=f"Er is geen bron met code '{code}'.",
                )
            return InvalidState(
                message=str(refusal),
                code=refusal.code,
                message_nl=f"Bron '{code}' staat stil (inactief): activeer hem eerst.",
            )
        source = info.context.session.get(SourceRow, source_id)
        return SourcePullQueued(source=Source.from_row(source))

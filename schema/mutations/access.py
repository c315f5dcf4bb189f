"""Administration of people, scopes and tokens (services/access/), as typed results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar

import strawberry
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from strawberry import relay

from core.clock import utcnow
from db.engine import session_scope
from db.models import (
    ApiToken,
    Indicator,
    Jurisdiction,
    Organisation,
    OrganisationScope,
    ReportingObligation,
    User,
)
from db.models import Organisation as OrganisationRow
from db.queries import access as access_queries
from schema.connections import DEFAULT_PAGE_SIZE, After, Connection, First, paginate
from schema.context import Info
from schema.enums import OrganisationKind, ReportingFrequency, Role
from schema.mutations.errors import (
    InvalidInput,
    InvalidState,
    NotAllowed,
    NotFound,
    RateLimited,
    rate_limited,
)
from schema.mutations.projects import actor_of
from schema.nodes import RowNode
from schema.organisations import Organisation as OrganisationNode
from schema.people import ApiTokenInfo, UserAccount
from services.access import organisations, people, scopes
from services.access.errors import AccessError, NotAllowedError
from services.access.tokens import TokenError, issue_token, revoke_token
from services.periodic.obligations import obligation_view, set_obligation

T = TypeVar("T")
Refusal = NotAllowed | NotFound | InvalidInput | InvalidState


def refusal(error: AccessError) -> Refusal:
    common: dict[str, Any] = {
        "message": error.message,
        "message_nl": error.message_nl,
        "code": error.code,
    }
    if error.kind == "not_allowed":
        return NotAllowed(**common)
    if error.kind == "not_found":
        return NotFound(**common)
    if error.kind == "invalid_state":
        return InvalidState(**common)
    return InvalidInput(field=error.field, **common)


async def _run(info: Info, work: Callable[[Any], T]) -> T:
    def run() -> T:
        with session_scope(info.context.engine) as session:
            return work(session)

    result = await run_in_threadpool(run)
    info.context.session.expire_all()
    return result


@strawberry.type(description="The user was invited; they choose a password with the link.")
class UserInvited:
    user: UserAccount = strawberry.field(description="The new user (without a password yet).")
    invitation_link: str | None = strawberry.field(
        description="The one-time link, when no e-mail was sent (no SMTP configured): pass it on "
        "yourself. Null when it was e-mailed."
    )
    expires_at: str = strawberry.field(description="When the link stops working (ISO 8601).")


@strawberry.type(description="The user was changed.")
class UserUpdated:
    user: UserAccount = strawberry.field(description="The user as it is now.")


@strawberry.type(description="One entry of a reporting scope.")
class ScopeEntry(RowNode):
    model = OrganisationScope
    row: strawberry.Private[Any]
    id: relay.NodeID[int]

    @strawberry.field(description="The jurisdiction's code (e.g. GM0546).")
    def jurisdiction(self, info: Info) -> str:
        return _code(info, Jurisdiction, self.row.jurisdiction_id) or ""

    @strawberry.field(description="The indicator's code; null: every one.")
    def indicator(self, info: Info) -> str | None:
        return _code(info, Indicator, self.row.indicator_id)


def _code(info: Info, model: Any, row_id: int | None) -> str | None:
    row = info.context.session.get(model, row_id) if row_id is not None else None
    return None if row is None else str(row.code)


@strawberry.type(description="The organisation's reporting scope (or task-force area) now.")
class ScopeChanged:
    organisation: str = strawberry.field(description="The organisation's code.")
    scope: list[ScopeEntry] = strawberry.field(
        description="Everything it may report for now (a plain list: one organisation's entries, "
        "the closed set this mutation manages)."
    )


@strawberry.type(description="The token was made; its secret is shown only here.")
class TokenCreated:
    token: str = strawberry.field(description="The secret: send it as 'Authorization: Bearer …'.")
    info: ApiTokenInfo = strawberry.field(description="The token's public details.")


@strawberry.type(description="The token was revoked.")
class TokenRevoked:
    info: ApiTokenInfo = strawberry.field(description="The token's public details.")


InviteUserResult = Annotated[
    UserInvited | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("InviteUserResult", description="The invited user, or why not."),
]
UpdateUserResult = Annotated[
    UserUpdated | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("UpdateUserResult", description="The changed user, or why not."),
]
ScopeResult = Annotated[
    ScopeChanged | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("ScopeResult", description="The scope as it is now, or why not."),
]
CreateTokenResult = Annotated[
    TokenCreated | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("CreateTokenResult", description="The new token, or why not."),
]
RevokeTokenResult = Annotated[
    TokenRevoked | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("RevokeTokenResult", description="The revoked token, or why not."),
]

Reason = Annotated[str | None, strawberry.argument(description="Why (kept in the audit trail).")]


@strawberry.type(description="The organisation as it is now.")
class OrganisationChanged:
    organisation: OrganisationNode = strawberry.field(description="The organisation.")


@strawberry.type(description="A reporting obligation as it is now.")
class ObligationSet(RowNode):
    model = ReportingObligation
    row: strawberry.Private[Any]
    id: relay.NodeID[int]
    frequency: ReportingFrequency = strawberry.field(description="How often it is owed.")
    due_days: int = strawberry.field(description="Days after a period's end it is due.")
    first_period: str = strawberry.field(description="The first period owed.")
    last_period: str | None = strawberry.field(description="The last period owed, if any.")
    active: bool = strawberry.field(description="False: no longer owed.")

    @strawberry.field(description="The organisation's code.")
    def organisation(self, info: Info) -> str:
        return _code(info, Organisation, self.row.organisation_id) or ""

    @strawberry.field(description="The indicator's code.")
    def indicator(self, info: Info) -> str:
        return _code(info, Indicator, self.row.indicator_id) or ""

    @strawberry.field(description="The jurisdictions it covers.")
    def jurisdictions(self, info: Info) -> list[str]:
        return list(obligation_view(info.context.session, self.row)["jurisdictions"])


OrganisationResult = Annotated[
    OrganisationChanged | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("OrganisationResult", description="The organisation, or why not."),
]
ObligationResult = Annotated[
    ObligationSet | NotAllowed | NotFound | InvalidInput | InvalidState | RateLimited,
    strawberry.union("ObligationResult", description="The obligation, or why not."),
]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Administrators: add an organisation.")
    async def create_organisation(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="A slug, e.g. woonstichting-x.")],
        name: Annotated[str, strawberry.argument(description="Its name.")],
        kind: Annotated[OrganisationKind, strawberry.argument(description="What it is.")],
        jurisdiction: Annotated[
            str | None, strawberry.argument(description="Its home jurisdiction code.")
        ] = None,
        trusted_source: Annotated[
            bool, strawberry.argument(description="Its submissions apply without approval.")
        ] = False,
        notes: Annotated[str | None, strawberry.argument(description="Remarks.")] = None,
        reason: Reason = None,
    ) -> OrganisationResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> int:
            row = organisations.create_organisation(
                session,
                actor,
                code=code,
                name=name,
                kind=kind,
                jurisdiction=jurisdiction,
                trusted_source=trusted_source,
                notes=notes,
                reason=reason,
            )
            assert row.id is not None
            return row.id

        try:
            row_id = await _run(info, work)
        except AccessError as error:
            return refusal(error)
        row = info.context.session.get(OrganisationRow, row_id)
        return OrganisationChanged(organisation=OrganisationNode.from_row(row))

    @strawberry.mutation(
        description="Administrators: change an organisation, or deactivate it (`active: false`: "
        "its users and tokens no longer sign in; its history stays)."
    )
    async def update_organisation(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The organisation's code.")],
        name: Annotated[str | None, strawberry.argument(description="A new name.")] = None,
        kind: Annotated[
            OrganisationKind | None, strawberry.argument(description="A new kind.")
        ] = None,
        jurisdiction: Annotated[
            str | None, strawberry.argument(description="A new home jurisdiction code.")
        ] = None,
        trusted_source: Annotated[
            bool | None, strawberry.argument(description="Apply without approval.")
        ] = None,
        notes: Annotated[str | None, strawberry.argument(description="New remarks.")] = None,
        active: Annotated[
            bool | None, strawberry.argument(description="False deactivates, true reactivates.")
        ] = None,
        reason: Reason = None,
    ) -> OrganisationResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> int:
            row = organisations.update_organisation(
                session,
                actor,
                code,
                name=name,
                kind=kind,
                jurisdiction=jurisdiction,
                trusted_source=trusted_source,
                notes=notes,
                active=active,
                reason=reason,
            )
            assert row.id is not None
            return row.id

        try:
            row_id = await _run(info, work)
        except AccessError as error:
            return refusal(error)
        row = info.context.session.get(OrganisationRow, row_id)
        return OrganisationChanged(organisation=OrganisationNode.from_row(row))

    @strawberry.mutation(
        description="Set who owes which indicator, for which jurisdictions, how often and by "
        "when (organisation × indicator × frequency; setting it again changes it, "
        "`active: false` ends it). Administrators; a task force within its area."
    )
    async def set_reporting_obligation(
        self,
        info: Info,
        organisation: Annotated[str, strawberry.argument(description="Organisation code.")],
        indicator: Annotated[str, strawberry.argument(description="Indicator code.")],
        jurisdictions: Annotated[
            list[str], strawberry.argument(description="Jurisdiction codes it covers.")
        ],
        frequency: Annotated[ReportingFrequency, strawberry.argument(description="How often.")],
        due_days: Annotated[
            int, strawberry.argument(description="Days after a period's end it is due.")
        ],
        first_period: Annotated[
            str, strawberry.argument(description="The first period owed, e.g. 2026-Q1.")
        ],
        last_period: Annotated[
            str | None, strawberry.argument(description="The last period owed.")
        ] = None,
        contact_email: Annotated[
            str | None, strawberry.argument(description="Where reminders go.")
        ] = None,
        active: Annotated[bool, strawberry.argument(description="False: no longer owed.")] = True,
        reason: Reason = None,
    ) -> ObligationResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> int:
            row = set_obligation(
                session,
                actor,
                organisation=organisation,
                indicator=indicator,
                jurisdictions=jurisdictions,
                frequency=frequency,
                due_days=due_days,
                first_period=first_period,
                last_period=last_period,
                contact_email=contact_email,
                active=active,
                reason=reason,
            )
            assert row.id is not None  # stored
            return row.id

        try:
            row_id = await _run(info, work)
        except AccessError as error:
            return refusal(error)
        return ObligationSet.from_row(info.context.session.get(ReportingObligation, row_id))

    @strawberry.mutation(
        description="Invite a person: a user without a password and a one-time link (e-mailed "
        "when SMTP is configured) to choose one. Administrators invite anyone; others only into "
        "their own organisation, with their own role or as a viewer."
    )
    async def invite_user(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="Their e-mail address.")],
        name: Annotated[str, strawberry.argument(description="Their name.")],
        organisation: Annotated[str, strawberry.argument(description="Organisation code.")],
        role: Annotated[Role, strawberry.argument(description="What they may do.")],
        reason: Reason = None,
    ) -> InviteUserResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> tuple[int, str | None, str]:
            user, link = people.invite_user(
                session,
                actor,
                email=email,
                name=name,
                organisation_code=organisation,
                role=role,
                reason=reason,
            )
            assert user.id is not None
            return user.id, None if link.emailed else link.url, link.row.expires_at.isoformat()

        try:
            user_id, link, expires = await _run(info, work)
        except AccessError as error:
            return refusal(error)
        row = info.context.session.get(User, user_id)
        return UserInvited(user=UserAccount.from_row(row), invitation_link=link, expires_at=expires)

    @strawberry.mutation(
        description="Change a user's role or name, or deactivate them (their sessions end). "
        "Nobody raises their own role."
    )
    async def update_user(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The user's e-mail address.")],
        role: Annotated[Role | None, strawberry.argument(description="A new role.")] = None,
        active: Annotated[
            bool | None, strawberry.argument(description="False: may no longer sign in.")
        ] = None,
        name: Annotated[str | None, strawberry.argument(description="A new name.")] = None,
        reason: Reason = None,
    ) -> UpdateUserResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> int:
            user = people.update_user(
                session, actor, email, role=role, active=active, name=name, reason=reason
            )
            assert user.id is not None
            return user.id

        try:
            user_id = await _run(info, work)
        except AccessError as error:
            return refusal(error)
        return UserUpdated(user=UserAccount.from_row(info.context.session.get(User, user_id)))

    @strawberry.mutation(
        description="Administrators: let an organisation report for jurisdictions (every "
        "indicator, or only those given). For a task force, its area (regions it covers)."
    )
    async def grant_scope(
        self,
        info: Info,
        organisation: Annotated[str, strawberry.argument(description="Organisation code.")],
        jurisdictions: Annotated[
            list[str], strawberry.argument(description="Jurisdiction codes, e.g. GM0546.")
        ],
        indicators: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these indicator codes (default: every one)."),
        ] = None,
        reason: Reason = None,
    ) -> ScopeResult:
        return await _scope(
            info, scopes.grant_scope, organisation, jurisdictions, indicators, reason
        )

    @strawberry.mutation(
        description="Administrators: take jurisdictions (or only some indicators of them) out of "
        "an organisation's scope."
    )
    async def revoke_scope(
        self,
        info: Info,
        organisation: Annotated[str, strawberry.argument(description="Organisation code.")],
        jurisdictions: Annotated[
            list[str], strawberry.argument(description="Jurisdiction codes, e.g. GM0546.")
        ],
        indicators: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these indicator codes (default: every one)."),
        ] = None,
        reason: Reason = None,
    ) -> ScopeResult:
        return await _scope(
            info, scopes.revoke_scope, organisation, jurisdictions, indicators, reason
        )

    @strawberry.mutation(
        description="Make an API token for machines. Administrators for any organisation and "
        "role; others for their own organisation, with their own role or as a viewer."
    )
    async def create_token(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="What the token is for.")],
        role: Annotated[Role, strawberry.argument(description="What it may do.")],
        organisation: Annotated[
            str | None, strawberry.argument(description="Organisation code (default: your own).")
        ] = None,
        expires_in_days: Annotated[
            int | None, strawberry.argument(description="Days until it expires (default: 90).")
        ] = 90,
    ) -> CreateTokenResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)
        principal = info.context.principal
        assert principal is not None
        code = organisation or principal.organisation_code
        if not people.may_grant_role(actor, role) or (
            not actor.is_admin and code != principal.organisation_code
        ):
            return refusal(
                NotAllowedError(
                    "role_above_own",
                    "You may make tokens only for your own organisation, with your own role or "
                    "as a viewer.",
                    "U mag alleen tokens maken voor uw eigen organisatie, met uw eigen rol of als "
                    "kijker.",
                )
            )
        if expires_in_days is not None and expires_in_days <= 0:
            return InvalidInput(
                message="expiresInDays must be positive.",
                message_nl="expiresInDays moet positief zijn.",
                field="expiresInDays",
                code="invalid_expiry",
            )

        def work(session: Any) -> tuple[str, ApiTokenInfo]:
            issued = issue_token(
                session,
                code,
                role,
                name=name,
                expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
                user_id=actor.user_id,
                actor_label=actor.label,
            )
            return issued.token, ApiTokenInfo.from_row(issued.row)

        try:
            token, details = await _run(info, work)
        except TokenError as error:
            return NotFound(
                message=str(error),
                message_nl=f"Er is geen organisatie '{code}'.",
                code="unknown_organisation",
            )
        return TokenCreated(token=token, info=details)

    @strawberry.mutation(
        description="Revoke a token at once: administrators any, others their organisation's."
    )
    async def revoke_token(
        self,
        info: Info,
        prefix: Annotated[str, strawberry.argument(description="The token's prefix.")],
        reason: Reason = None,
    ) -> RevokeTokenResult:
        if (limited := rate_limited(info)) is not None:
            return limited
        actor = actor_of(info)

        def work(session: Any) -> ApiTokenInfo | None:
            row = session.exec(select(ApiToken).where(ApiToken.prefix == prefix)).first()
            if row is None or not actor.may_change_owned_by(row.organisation_id):
                return None
            revoke_token(session, prefix, reason=reason, actor_label=actor.label)
            return ApiTokenInfo.from_row(row)

        details = await _run(info, work)
        if details is None:
            return NotFound(
                message=f"No token '{prefix}'.",
                message_nl=f"Geen token '{prefix}'.",
                code="unknown_token",
            )
        return TokenRevoked(info=details)


async def _scope(
    info: Info,
    change: Callable[..., list[tuple[str, str | None]]],
    organisation: str,
    jurisdictions: list[str],
    indicators: list[str] | None,
    reason: str | None,
) -> ScopeChanged | Refusal | RateLimited:
    if (limited := rate_limited(info)) is not None:
        return limited
    actor = actor_of(info)
    try:
        pairs = await _run(
            info,
            lambda session: change(
                session, actor, organisation, jurisdictions, indicators, reason=reason
            ),
        )
    except AccessError as error:
        return refusal(error)
    rows = info.context.session.exec(
        select(OrganisationScope)
        .join(Organisation, col(Organisation.id) == col(OrganisationScope.organisation_id))
        .where(Organisation.code == organisation)
    ).all()
    entries = [ScopeEntry.from_row(row) for row in rows]
    order = {pair: position for position, pair in enumerate(pairs)}
    entries.sort(key=lambda e: order.get((e.jurisdiction(info), e.indicator(info)), len(order)))
    return ScopeChanged(organisation=organisation, scope=entries)


def _own_or_all(info: Info) -> int | None:
    """Administrators list everyone's; others their own organisation's."""
    principal = info.context.principal
    assert principal is not None
    return None if principal.role.value == "admin" else principal.organisation_id


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="API tokens (never their secrets), oldest first: administrators see all, "
        "others their organisation's."
    )
    def api_tokens(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[ApiTokenInfo]:
        listing = access_queries.api_tokens(_own_or_all(info))
        return paginate(info, listing, first, after, ApiTokenInfo.from_row)

    @strawberry.field(
        description="Users by e-mail address: administrators see all, others their own "
        "organisation's."
    )
    def users(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[UserAccount]:
        listing = access_queries.users(_own_or_all(info))
        return paginate(info, listing, first, after, UserAccount.from_row)

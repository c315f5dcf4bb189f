"""Permission classes, and the table that gives every root field one (checked by a test)."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition

from core.enums import Role
from schema.errors import ERRORS

SIGN_IN = (
    "Sign in: send 'Authorization: Bearer <token>', or sign in at POST /auth/sign-in "
    "(a browser then sends the session cookie)."
)


class Anyone(BasePermission):
    """Open to every request (``me`` answers null when nobody is signed in)."""

    message = ""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


UNAUTHENTICATED = {"code": "UNAUTHENTICATED", "messageNl": ERRORS["UNAUTHENTICATED"].nl}
FORBIDDEN = {"code": "FORBIDDEN", "messageNl": ERRORS["FORBIDDEN"].nl}


class ReadsPublished(BasePermission):
    """Published data: any token, or nobody at all in the public read-only mode."""

    message = SIGN_IN + " This installation has no public read access."
    error_extensions = UNAUTHENTICATED

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return bool(info.context.access.reads_published)


class SignedIn(BasePermission):
    """Any token; what it then sees or may do is narrowed by its role and scope."""

    message = SIGN_IN
    error_extensions = UNAUTHENTICATED

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.principal is not None


class ReadsAudit(BasePermission):
    requires_sign_in = True  # without a token: UNAUTHENTICATED first, not FORBIDDEN

    message = (
        "Viewers do not read the audit trail; administrators, the task force and partners read "
        "the part about what they may see."
    )
    error_extensions = FORBIDDEN

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return bool(info.context.access.reads_audit)


class AdminOnly(BasePermission):
    requires_sign_in = True

    message = "Only administrators read this."
    error_extensions = FORBIDDEN

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return info.context.access.role is Role.ADMIN


# Root fields whose rule differs from their type's default (Query: published data;
# Mutation: signed in, then checked per organisation and role; Subscription: published data).
SPECIAL_ROOT_FIELDS: dict[str, dict[str, type[BasePermission]]] = {
    "Query": {
        "me": Anyone,
        "apiTokens": SignedIn,
        "users": SignedIn,
        "submissions": SignedIn,
        "submission": SignedIn,
        "auditEvents": ReadsAudit,
        "missingReports": SignedIn,
        "sources": AdminOnly,
        "sourceRuns": AdminOnly,
        "webhookSubscriptions": SignedIn,
        "webhookDeliveries": SignedIn,
    },
}
DEFAULTS: dict[str, type[BasePermission]] = {
    "Query": ReadsPublished,
    "Mutation": SignedIn,
    "Subscription": ReadsPublished,
}


def guard_root_fields(root: type) -> None:
    """Give every field of a root type its permission class (before the schema is built)."""
    definition: StrawberryObjectDefinition = get_object_definition(root, strict=True)
    special = SPECIAL_ROOT_FIELDS.get(definition.name, {})
    for field in definition.fields:
        permission = special.get(
            field.graphql_name or _camel(field.python_name), DEFAULTS[definition.name]
        )
        classes: list[type[BasePermission]] = [permission]
        if getattr(permission, "requires_sign_in", False):
            classes.insert(0, SignedIn)
        field.permission_classes = classes
        field.extensions = [e for e in field.extensions if not isinstance(e, PermissionExtension)]
        field.extensions.append(
            PermissionExtension(permissions=[c() for c in classes], fail_silently=False)
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

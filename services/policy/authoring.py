"""The shared rules of changing policy content through the API (``services.policy.content``).

Who may: administrators everywhere; a task force (a writing user or token of a ``taskforce``
organisation) for content about a jurisdiction of its area (its scope regions and their
members, ``db.queries.access.taskforce_area``); partners and viewers never.

Every change gives its grounds: a citation (document, lines or page, and a verbatim quote) or a
reason. The citation becomes the entity's ``source`` (as the reference YAML has it); both go
into the audit trail with the values before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session

from core.enums import Role
from core.principal import Actor
from db.models import Jurisdiction, Organisation
from db.queries.access import taskforce_area
from services import audit


class PolicyError(ValueError):
    """An expected refusal: a stable ``code``, English and Dutch, the input field at fault.

    ``kind`` says which result type the API answers with: ``not_allowed``, ``not_found``,
    ``invalid_input`` or ``invalid_state``.
    """

    def __init__(
        self, kind: str, code: str, message: str, message_nl: str, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.message_nl = message_nl
        self.field = field


def invalid(code: str, field: str, message: str, message_nl: str) -> PolicyError:
    return PolicyError("invalid_input", code, message, message_nl, field)


@dataclass(frozen=True)
class Citation:
    """Where a value stands: ``document`` (code; default: the entity's own document), ``lines``
    (``L120-135``) or ``page``, and a short verbatim ``quote``."""

    quote: str
    lines: str | None = None
    page: str | None = None
    document: str | None = None

    def as_source(self) -> dict[str, str]:
        fields = {
            "document": self.document,
            "lines": self.lines,
            "page": self.page,
            "quote": self.quote,
        }
        return {name: value for name, value in fields.items() if value is not None}


def grounds(citation: Citation | None, reason: str | None) -> None:
    """A change needs a citation or a reason; a citation names lines or a page and quotes."""
    if citation is None and not (reason and reason.strip()):
        raise invalid(
            "citation_or_reason_required",
            "citation",
            "Give a citation (document, lines or page, quote) or a reason for this change.",
            "Geef een bronvermelding (document, regels of pagina, citaat) of een reden voor "
            "deze wijziging.",
        )
    if citation is None:
        return
    if not citation.quote.strip():
        raise invalid(
            "citation_without_quote",
            "citation.quote",
            "A citation quotes the document verbatim: the quote is empty.",
            "Een bronvermelding citeert het document letterlijk: het citaat is leeg.",
        )
    if not (citation.lines or citation.page):
        raise invalid(
            "citation_without_place",
            "citation.lines",
            "A citation names the lines (L120-135) or the page of the quote.",
            "Een bronvermelding noemt de regels (L120-135) of de pagina van het citaat.",
        )


def source_of(
    citation: Citation | None, reason: str | None, document: str | None
) -> dict[str, str] | None:
    """The ``source`` stored with the entity: the citation, else the reason given; naming the
    entity's own document when the citation names none (as the reference loader stores it)."""
    if citation is not None:
        source = citation.as_source()
    elif reason:
        source = {"reason": reason.strip()}
    else:
        return None
    if document is not None:
        source.setdefault("document", document)
    return source


def check_role(actor: Actor, what: str) -> None:
    """Refuse at once whoever may change no policy content at all (before anything else is
    looked at: a partner learns nothing about the content or the input)."""
    if actor.is_admin:
        return
    if actor.role is not Role.TASKFORCE or actor.organisation_id is None:
        raise PolicyError(
            "not_allowed",
            "policy_editors_only",
            f"Only administrators and the task force of its area change {what}.",
            f"Alleen beheerders en de taskforce van het gebied wijzigen {what}.",
        )


def check_author(session: Session, actor: Actor, places: set[int], what: str) -> None:
    """Refuse unless ``actor`` may change content about every jurisdiction in ``places``."""
    check_role(actor, what)
    if actor.is_admin:
        return
    assert actor.organisation_id is not None  # a task force (check_role)
    outside = places - taskforce_area(session, actor.organisation_id)
    if outside:
        taskforce = session.get(Organisation, actor.organisation_id)
        names = sorted(
            f"{row.name} ({row.code})"
            for row in (session.get(Jurisdiction, i) for i in outside)
            if row is not None
        )
        code = taskforce.code if taskforce else str(actor.organisation_id)
        raise PolicyError(
            "not_allowed",
            "outside_area",
            f"Task force {code} changes only {what} of its area; {', '.join(names)} is outside "
            "its regions.",
            f"Taskforce {code} wijzigt alleen {what} van het eigen gebied; {', '.join(names)} "
            "valt buiten de regio's.",
        )


def check_retired_on(on: date) -> None:
    if on.year < 1900 or on.year > 2200:
        raise invalid(
            "invalid_date", "on", f"{on} is not a plausible day.", f"{on} is geen plausibele dag."
        )


def record_change(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    label: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    citation: Citation | None,
    reason: str | None,
) -> None:
    """The audit event: before and after (JSON), the citation with the after values."""
    if after is not None and citation is not None:
        after = {**after, "citation": citation.as_source()}
    audit.record(
        session,
        actor,
        action,
        object_type,
        label,
        before=jsonable(before),
        after=jsonable(after),
        reason=reason,
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


CODES: dict[str, tuple[str, str, str]] = {
    "policy_editors_only": (
        "NotAllowed",
        "Only administrators and the task force of its area change policy content.",
        "Alleen beheerders en de taskforce van het gebied wijzigen beleidsinhoud.",
    ),
    "outside_area": (
        "NotAllowed",
        "A task force changes only policy content of its area.",
        "Een taskforce wijzigt alleen beleidsinhoud van het eigen gebied.",
    ),
    "not_found": ("NotFound", "There is no such content.", "Die inhoud bestaat niet."),
    "citation_or_reason_required": (
        "InvalidInput",
        "Give a citation (document, lines or page, quote) or a reason.",
        "Geef een bronvermelding (document, regels of pagina, citaat) of een reden.",
    ),
    "citation_without_quote": (
        "InvalidInput",
        "A citation quotes the document verbatim.",
        "Een bronvermelding citeert het document letterlijk.",
    ),
    "citation_without_place": (
        "InvalidInput",
        "A citation names the lines or the page.",
        "Een bronvermelding noemt de regels of de pagina.",
    ),
    "required": ("InvalidInput", "A required field is missing.", "Een verplicht veld ontbreekt."),
    "unknown_field": ("InvalidInput", "Not a field of this content.", "Geen veld van deze inhoud."),
    "unknown_code": ("InvalidInput", "A code names nothing.", "Een code verwijst nergens naar."),
    "unknown_value": (
        "InvalidInput",
        "A value is not in its vocabulary.",
        "Een waarde hoort niet bij de lijst.",
    ),
    "invalid_period": ("InvalidInput", "Not a period.", "Geen periode."),
    "invalid_date": ("InvalidInput", "Not a plausible day.", "Geen plausibele dag."),
    "code_taken": ("InvalidInput", "The code is taken.", "De code is al in gebruik."),
    "not_changeable": (
        "InvalidInput",
        "The field is set on creation only.",
        "Het veld wordt alleen bij het aanmaken vastgelegd.",
    ),
    "own_parent": (
        "InvalidInput",
        "An action line cannot be its own parent.",
        "Een actielijn kan niet haar eigen ouder zijn.",
    ),
    "percentage_range": (
        "InvalidInput",
        "A percentage is between 0 and 100.",
        "Een percentage ligt tussen 0 en 100.",
    ),
    "value_or_range": (
        "InvalidInput",
        "A target has a value or a range.",
        "Een doel heeft een waarde of een bandbreedte.",
    ),
    "range_ordered": (
        "InvalidInput",
        "A range's low end is above its high end.",
        "De ondergrens ligt boven de bovengrens.",
    ),
    "method_inputs": (
        "InvalidInput",
        "The rule's method needs more inputs.",
        "De methode van de verdeelsleutel vraagt meer invoer.",
    ),
    "invalid_rounding": (
        "InvalidInput",
        "Rounding is half_up or none.",
        "Afronding is half_up of none.",
    ),
    "not_derivable": (
        "InvalidInput",
        "The rule derives no targets from its inputs.",
        "De verdeelsleutel levert geen doelen op.",
    ),
    "adopted_stays_adopted": (
        "InvalidState",
        "Adopted content does not go back to draft.",
        "Vastgestelde inhoud gaat niet terug naar concept.",
    ),
    "retired": (
        "InvalidState",
        "Retired content changes no more.",
        "Ingetrokken inhoud verandert niet meer.",
    ),
    "already_retired": ("InvalidState", "It was already retired.", "Het is al ingetrokken."),
}
"""Every code a policy content mutation answers with: result type, English, Dutch
(``docs/errors.md``; a test keeps this list and the service's codes the same)."""

"""Errors a client can act on: never masked, always with a machine-readable ``code``.

Every expected request error (``errors[].extensions.code``) is registered in ``ERRORS`` with an
English and a Dutch message; the error carries the Dutch one as ``extensions.messageNl``. The
table in docs/errors.md is generated from this registry, the mutations' union members and the
file errors of ingest/errors.py (``python -m schema.errors > docs/errors.md``; a test keeps it
current). Codes are stable: a client switches on them, never on a message.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class ExpectedError:
    code: str
    en: str
    nl: str
    when: str


ERRORS: dict[str, ExpectedError] = {
    e.code: e
    for e in (
        ExpectedError(
            "GRAPHQL_PARSE_FAILED",
            "The document is not valid GraphQL syntax.",
            "Het document is geen geldige GraphQL.",
            "The query does not parse (HTTP 400 with graphql-response+json).",
        ),
        ExpectedError(
            "GRAPHQL_VALIDATION_FAILED",
            "The operation does not fit the schema.",
            "De operatie past niet bij het schema.",
            "Unknown field or argument, wrong variable type, too deep, too many aliases or tokens.",
        ),
        ExpectedError(
            BAD_USER_INPUT,
            "An argument is not acceptable.",
            "Een argument is niet bruikbaar.",
            "A resolver refuses an argument (`extensions.argument` names it): page size, cursor, "
            "filter.",
        ),
        ExpectedError(
            NOT_FOUND,
            "There is no such object.",
            "Dat object bestaat niet.",
            "A lookup by id or code found nothing (where not answered with null).",
        ),
        ExpectedError(
            "UNAUTHENTICATED",
            "Sign in: send 'Authorization: Bearer <token>'.",
            "Meld u aan: stuur 'Authorization: Bearer <token>'.",
            "A field needs a token and the request has none (or no public read access).",
        ),
        ExpectedError(
            "FORBIDDEN",
            "This token may not read this.",
            "Dit token mag dit niet lezen.",
            "The token's role does not allow the field (audit trail, sources).",
        ),
        ExpectedError(
            "QUERY_TOO_COSTLY",
            "The query costs more than the limit.",
            "De query kost meer dan de limiet.",
            "Page sizes × nested lists exceed WOONZORG_GRAPHQL_MAX_COST "
            "(`extensions.cost`, `extensions.limit`).",
        ),
        ExpectedError(
            "PERSISTED_QUERY_NOT_FOUND",
            "PersistedQueryNotFound",
            "Deze opgeslagen query is onbekend; stuur de query mee.",
            "A persisted-query hash the server does not know: send hash and query (Apollo and "
            "urql do this by themselves; the English message is the one they look for).",
        ),
        ExpectedError(
            "PERSISTED_QUERY_HASH_MISMATCH",
            "provided sha does not match query",
            "De sha256-hash past niet bij de query.",
            "`extensions.persistedQuery.sha256Hash` is not the sha256 of the query sent.",
        ),
        ExpectedError(
            "PERSISTED_QUERY_INVALID",
            "extensions.persistedQuery needs version 1 and a sha256Hash.",
            "extensions.persistedQuery vraagt version 1 en een sha256Hash.",
            "A malformed persisted-query extension.",
        ),
        ExpectedError(
            "PERSISTED_QUERY_NOT_ALLOWED",
            "Only registered operations run on this server.",
            "Op deze server draaien alleen geregistreerde operaties.",
            "WOONZORG_PERSISTED_ONLY=true and the operation is not registered.",
        ),
        ExpectedError(
            "INTERNAL_SERVER_ERROR",
            "Unexpected error; the operators can look it up by its id.",
            "Onverwachte fout; de beheerders kunnen die opzoeken met het id.",
            "Anything unexpected (`extensions.errorId` is in the server log); not the client's "
            "fault.",
        ),
    )
}

# HTTP endpoints outside GraphQL (uploads, authentication) answer {"error": {"code", "message"}}.
HTTP_ERRORS: dict[str, ExpectedError] = {
    e.code: e
    for e in (
        ExpectedError(
            "unauthenticated",
            "The bearer token is missing, unknown, revoked or expired.",
            "Het bearer-token ontbreekt, is onbekend, ingetrokken of verlopen.",
            "HTTP 401: a token sent on any endpoint is not valid, or an upload has none.",
        ),
        ExpectedError(
            "forbidden",
            "This token cannot do this.",
            "Dit token mag dit niet.",
            "HTTP 403 on /submissions: a read-only role, or another organisation than the token's.",
        ),
        ExpectedError(
            "missing_file",
            "Send the file as multipart form field 'file'.",
            "Stuur het bestand als multipart-formulierveld 'file'.",
            "HTTP 400 on POST /submissions without a file.",
        ),
        ExpectedError(
            "unsupported_format",
            "Send a .csv or .xlsx file.",
            "Stuur een .csv- of .xlsx-bestand.",
            "HTTP 415 (upload) or 400 (template) for another format.",
        ),
        ExpectedError(
            "unknown_organisation",
            "There is no organisation with this code.",
            "Er is geen organisatie met deze code.",
            "HTTP 404 on /submissions for an unknown organisation code.",
        ),
        ExpectedError(
            "idempotency_conflict",
            "This idempotency key was used for another file.",
            "Deze idempotency-sleutel is al voor een ander bestand gebruikt.",
            "HTTP 409 on POST /submissions.",
        ),
        ExpectedError(
            "malformed_period",
            "The period is not in an accepted form.",
            "De periode staat niet in een geaccepteerde vorm.",
            "HTTP 400 on GET /submissions/template.",
        ),
        ExpectedError(
            "rate_limited",
            "Too many uploads with this token; try again later.",
            "Te veel uploads met dit token; probeer het later opnieuw.",
            "HTTP 429 on /submissions (`Retry-After` says when).",
        ),
        ExpectedError(
            "file_too_large",
            "The file is larger than an upload may be.",
            "Het bestand is groter dan een upload mag zijn.",
            "HTTP 413 on POST /submissions: the file part passes `WOONZORG_MAX_UPLOAD_FILE_BYTES`; "
            "it is not kept.",
        ),
        ExpectedError(
            "upload_volume_exceeded",
            "This token has uploaded as many bytes as it may in the window; try again later.",
            "Dit token heeft in dit tijdvak zoveel bytes geüpload als mag; probeer het later "
            "opnieuw.",
            "HTTP 429 on POST /submissions: `WOONZORG_UPLOAD_BYTES_PER_TOKEN` per "
            "`WOONZORG_UPLOAD_VOLUME_WINDOW_MINUTES` (`Retry-After` says when).",
        ),
    )
}


def expected_error(code: str, message: str | None = None, **extensions: object) -> GraphQLError:
    """The registered error ``code`` (its English message unless ``message`` says more)."""
    registered = ERRORS[code]
    return GraphQLError(
        message or registered.en,
        extensions={"code": code, "messageNl": registered.nl, **extensions},
    )


def bad_input(message: str, argument: str | None = None) -> GraphQLError:
    if argument is None:
        return expected_error(BAD_USER_INPUT, message)
    return expected_error(BAD_USER_INPUT, message, argument=argument)


def not_found(message: str) -> GraphQLError:
    return expected_error(NOT_FOUND, message)


def errors_table() -> str:
    """docs/errors.md: every expected error with its code and messages."""
    from ingest.errors import MESSAGES
    from services.policy.authoring import CODES as POLICY_CODES

    def row(*cells: str) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    lines = [
        "# Errors a client can switch on",
        "",
        "Generated by `python -m schema.errors > docs/errors.md` (a test keeps it current). "
        "Switch on the code, never on a message; messages may be reworded.",
        "",
        "## GraphQL request errors: `errors[].extensions.code`",
        "",
        "The English message is `errors[].message`, the Dutch one `errors[].extensions.messageNl`"
        " (a resolver may say more in English than the table).",
        "",
        row("code", "English", "Nederlands", "when"),
        row("---", "---", "---", "---"),
        *(row(f"`{e.code}`", e.en, e.nl, e.when) for e in ERRORS.values()),
        "",
        "## Mutation results: union members (`__typename`)",
        "",
        "Expected refusals of a mutation are data, not errors: switch on `__typename`; "
        "`code`, when set, is one of the file and project codes below, `message` is English and "
        "`messageNl` Dutch.",
        "",
        row("__typename", "meaning"),
        row("---", "---"),
        row("`NotAllowed`", "The token's role or organisation does not allow it."),
        row("`NotFound`", "No such object, or not visible to this token."),
        row("`InvalidInput`", "An argument is not acceptable (`field` names it)."),
        row("`InvalidState`", "The object's state does not allow this step."),
        row("`RateLimited`", "Too many writes with this token (`retryAfterSeconds`)."),
        "",
        '## HTTP errors outside GraphQL: `{"error": {"code", "message"}}`',
        "",
        row("code", "English", "Nederlands", "when"),
        row("---", "---", "---", "---"),
        *(row(f"`{e.code}`", e.en, e.nl, e.when) for e in HTTP_ERRORS.values()),
        "",
        "## File and project errors: `code` of submission errors and mutation results",
        "",
        "Placeholders in braces are filled in per row.",
        "",
        row("code", "English", "Nederlands"),
        row("---", "---", "---"),
        *(row(f"`{code.value}`", en, nl) for code, (en, nl) in MESSAGES.items()),
        "",
        "## Policy content: `code` of the results of create/update/retire mutations",
        "",
        "The messages name the content and field; these are their general meaning.",
        "",
        row("code", "__typename", "English", "Nederlands"),
        row("---", "---", "---", "---"),
        *(row(f"`{code}`", kind, en, nl) for code, (kind, en, nl) in POLICY_CODES.items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(errors_table())

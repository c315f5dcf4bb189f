"""Reminder e-mail: who receives it, what it says, and sending it through the configured SMTP."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from sqlmodel import Session, col, select

from core.settings import Settings
from db.models import Organisation, ReportingObligation, User
from services.periodic.calendar import MissingReport
from services.policy.measures import OverdueMeasure


def recipients(session: Session, organisation_id: int, obligation_ids: Sequence[int]) -> list[str]:
    """The obligations' contact addresses; without any, the organisation's active users."""
    contacts = {
        email
        for email in session.exec(
            select(ReportingObligation.contact_email).where(
                col(ReportingObligation.id).in_(obligation_ids)
            )
        )
        if email
    }
    if contacts:
        return sorted(contacts)
    return sorted(
        session.exec(
            select(User.email).where(
                col(User.organisation_id) == organisation_id, col(User.active).is_(True)
            )
        )
    )


def compose(
    settings: Settings,
    organisation: Organisation,
    to: Sequence[str],
    cells: Sequence[MissingReport],
    measures: Sequence[OverdueMeasure],
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(to)
    message["Subject"] = f"Woonzorgmonitor: herinnering / reminder ({organisation.name})"
    lines = [f"Beste {organisation.name},", ""]
    if cells:
        lines += ["Deze cijfers zijn na hun uiterste datum nog niet aangeleverd:", ""]
        lines += [
            f"  - {c.indicator_code} · {c.jurisdiction_code} · {c.period} (uiterlijk {c.due_on})"
            for c in cells
        ]
        lines.append("")
    if measures:
        lines += ["Deze maatregelen zijn over hun einddatum en niet afgerond:", ""]
        lines += [
            f"  - {m.code} {m.title} (gepland: {m.due}, status: {m.status.value})" for m in measures
        ]
        lines.append("")
    lines += [
        "These figures are past their due date, or these measures past their planned end.",
        "Please report them through the Woonzorgmonitor (API or spreadsheet upload).",
    ]
    message.set_content("\n".join(lines))
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver ``message`` through the configured SMTP server (``OSError`` / ``SMTPException``)."""
    assert settings.smtp_host, "no SMTP host configured"
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)

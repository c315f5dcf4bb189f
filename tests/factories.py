"""Factories: rows with sensible defaults, every field overridable. Used as pytest fixtures."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, SQLModel

from core.enums import (
    Direction,
    DocumentStatus,
    IndicatorKind,
    JurisdictionKind,
    OrganisationKind,
    ProjectPhase,
    SubmissionChannel,
    TargetKind,
)
from db.models import (
    Indicator,
    Jurisdiction,
    Observation,
    Organisation,
    OrganisationScope,
    PolicyDocument,
    Project,
    Submission,
    SubmissionError,
    Target,
    TargetGroup,
    cell_key,
)
from ingest.periods import Period

_serial = itertools.count(1)


def _save(session: Session, row: SQLModel) -> Any:
    session.add(row)
    session.flush()
    return row


class Factory:
    """``make.<thing>(**overrides)`` creates and flushes one row in the test's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def jurisdiction(self, **kw: Any) -> Jurisdiction:
        n = next(_serial)
        kw.setdefault("code", f"GM{9000 + n:04d}")
        kw.setdefault("name", f"Gemeente {n}")
        kw.setdefault("kind", JurisdictionKind.MUNICIPALITY)
        return _save(self.session, Jurisdiction(**kw))

    def organisation(self, **kw: Any) -> Organisation:
        n = next(_serial)
        kw.setdefault("code", f"org-{n}")
        kw.setdefault("name", f"Organisatie {n}")
        kw.setdefault("kind", OrganisationKind.CORPORATION)
        return _save(self.session, Organisation(**kw))

    def scope(
        self, organisation_id: int, jurisdiction_id: int, indicator_id: int | None = None
    ) -> OrganisationScope:
        """The organisation reports for the jurisdiction (every indicator unless one is named)."""
        return _save(
            self.session,
            OrganisationScope(
                organisation_id=organisation_id,
                jurisdiction_id=jurisdiction_id,
                indicator_id=indicator_id,
            ),
        )

    def indicator(self, **kw: Any) -> Indicator:
        n = next(_serial)
        kw.setdefault("code", f"indicator-{n}")
        kw.setdefault("name_nl", f"Indicator {n}")
        kw.setdefault("name_en", f"Indicator {n}")
        kw.setdefault("unit", "dwellings")
        kw.setdefault("kind", IndicatorKind.FLOW)
        kw.setdefault("direction", Direction.HIGHER_IS_BETTER)
        return _save(self.session, Indicator(**kw))

    def target_group(self, **kw: Any) -> TargetGroup:
        n = next(_serial)
        kw.setdefault("code", f"group-{n}")
        kw.setdefault("name_nl", f"Doelgroep {n}")
        kw.setdefault("name_en", f"Target group {n}")
        return _save(self.session, TargetGroup(**kw))

    def document(self, **kw: Any) -> PolicyDocument:
        n = next(_serial)
        kw.setdefault("code", f"document-{n}")
        kw.setdefault("title", f"Woonzorgvisie {n}")
        kw.setdefault("status", DocumentStatus.ADOPTED)
        if "jurisdiction_id" not in kw:
            kw["jurisdiction_id"] = self.jurisdiction().id
        return _save(self.session, PolicyDocument(**kw))

    def target(self, **kw: Any) -> Target:
        n = next(_serial)
        kw.setdefault("code", f"target-{n}")
        kw.setdefault("kind", TargetKind.TARGET)
        if "value_low" not in kw and "value_high" not in kw:
            kw.setdefault("value", Decimal(100))
        kw.setdefault("deadline", "2030")
        kw.setdefault("deadline_year", 2030)
        if "indicator_id" not in kw:
            kw["indicator_id"] = self.indicator().id
        if "jurisdiction_id" not in kw:
            kw["jurisdiction_id"] = self.jurisdiction().id
        return _save(self.session, Target(**kw))

    def observation(self, **kw: Any) -> Observation:
        period = Period.parse(kw.pop("period", "2024"))
        if "indicator_id" not in kw:
            kw["indicator_id"] = self.indicator().id
        if "jurisdiction_id" not in kw:
            kw["jurisdiction_id"] = self.jurisdiction().id
        if "source_organisation_id" not in kw:
            kw["source_organisation_id"] = self.organisation().id
        kw.setdefault("value", Decimal(10))
        kw.setdefault(
            "cell_key",
            cell_key(
                kw["indicator_id"],
                kw["jurisdiction_id"],
                str(period),
                kw.get("target_group_id"),
                kw.get("housing_type_id"),
                kw.get("price_segment"),
            ),
        )
        row = Observation(
            period=str(period), period_start=period.start, period_end=period.end, **kw
        )
        return _save(self.session, row)

    def project(self, **kw: Any) -> Project:
        n = next(_serial)
        kw.setdefault("external_key", f"P-{n}")
        kw.setdefault("name", f"Project {n}")
        kw.setdefault("phase", ProjectPhase.PLAN)
        if "municipality_id" not in kw:
            kw["municipality_id"] = self.jurisdiction().id
        if "owner_id" not in kw:
            kw["owner_id"] = self.organisation().id
        return _save(self.session, Project(**kw))

    def token(self, organisation_code: str, role: str = "partner", **kw: Any) -> str:
        """A fresh API token (committed, so the app's own sessions see it)."""
        from core.enums import Role
        from services.access.tokens import issue_token

        issued = issue_token(self.session, organisation_code, Role(role), name=f"test {role}", **kw)
        self.session.commit()
        return issued.token

    def user(
        self, organisation_code: str, role: str = "partner", password: str | None = None, **kw: Any
    ) -> Any:
        """A user of the organisation (committed); with ``password`` it can sign in at once."""
        from sqlmodel import select

        from core.enums import Role
        from db.models import User
        from services.access.passwords import hash_password

        n = next(_serial)
        organisation = self.session.exec(
            select(Organisation).where(Organisation.code == organisation_code)
        ).one()
        kw.setdefault("email", f"user{n}@example.nl")
        kw.setdefault("name", f"Gebruiker {n}")
        row = _save(
            self.session,
            User(
                organisation_id=organisation.id,
                role=Role(role),
                password_hash=hash_password(password) if password else None,
                **kw,
            ),
        )
        self.session.commit()
        return row

    def submission(self, **kw: Any) -> Submission:
        n = next(_serial)
        kw.setdefault("channel", SubmissionChannel.API)
        kw.setdefault("checksum", f"{n:064x}")
        if "organisation_id" not in kw:
            kw["organisation_id"] = self.organisation().id
        return _save(self.session, Submission(**kw))

    def submission_error(self, submission_id: int, **kw: Any) -> SubmissionError:
        """A row error of the submission (``row_number=None``: an error of the whole file)."""
        kw.setdefault("row_number", next(_serial))
        kw.setdefault("code", "malformed_value")
        kw.setdefault("message_en", f"Malformed value in row {kw['row_number']}")
        kw.setdefault("message_nl", f"Onjuiste waarde in rij {kw['row_number']}")
        return _save(self.session, SubmissionError(submission_id=submission_id, **kw))


@pytest.fixture()
def make(session: Session) -> Factory:
    return Factory(session)


MakeFixture = Callable[..., Any]

"""A working world out of the box: after `woonzorg seed` the corporations, care providers and
zorgkantoren the documents name report what the documents say they deliver (data/reference
`reporting.yaml`, each entry cited), the obligations among them show in the reporting calendar
and the template, and a seeded corporation can submit in its scope and only there."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from core.enums import OrganisationKind, Role
from db.models import (
    Indicator,
    Jurisdiction,
    Organisation,
    OrganisationScope,
    ReportingObligation,
    ReportingObligationJurisdiction,
    Submission,
    SubmissionError,
)
from ingest.reference.dataset import read_dataset
from services.access.tokens import issue_token
from services.jobs import COMPUTE, INGEST
from services.periodic.calendar import missing_reports
from tests.conftest import drain

DATASET = Path(__file__).parents[2] / "data" / "reference"
HAAGLANDEN = {
    "GM0503",
    "GM0518",
    "GM1916",
    "GM1842",
    "GM1926",
    "GM0603",
    "GM0629",
    "GM1783",
    "GM0637",
}


def seed(broker, worker) -> None:  # type: ignore[no-untyped-def]
    seeded = CliRunner().invoke(cli, ["seed"])
    assert seeded.exit_code == 0, seeded.output
    drain(broker, worker, COMPUTE)


def scope_of(session: Session, organisation: str) -> set[tuple[str, str | None]]:
    rows = session.exec(
        select(Jurisdiction.code, Indicator.code)
        .select_from(OrganisationScope)
        .join(Organisation, col(Organisation.id) == col(OrganisationScope.organisation_id))
        .join(Jurisdiction, col(Jurisdiction.id) == col(OrganisationScope.jurisdiction_id))
        .join(Indicator, col(Indicator.id) == col(OrganisationScope.indicator_id), isouter=True)
        .where(Organisation.code == organisation)
    ).all()
    return set(rows)


def test_the_reference_data_names_who_reports_what_or_flags_that_no_one_is_named() -> None:
    dataset = read_dataset(DATASET)
    kinds = {
        loc.entry.code: loc.entry.kind
        for loc in dataset.of("organisations")
        if loc.entry.kind is not None
    }
    reporting = dataset.of("reporting")
    reporters = {kinds[loc.entry.organisation] for loc in reporting if loc.entry.organisation}
    # corporations, care providers and a zorgkantoor report, each entry with its citation
    assert {
        OrganisationKind.CORPORATION,
        OrganisationKind.CARE_PROVIDER,
        OrganisationKind.ZORGKANTOOR,
    } <= reporters
    assert all(loc.entry.source.lines and loc.entry.source.quote for loc in reporting)
    # where a document names no one, the entry says so in a flag and names no organisation
    no_one = [loc for loc in reporting if loc.entry.organisation is None]
    assert len({loc.document for loc in no_one}) >= 3
    assert all(loc.entry.flag and loc.entry.obligation is None for loc in no_one)


def test_seeding_grants_the_cited_scopes_and_obligations(
    clean_db: sa.Engine, broker, worker
) -> None:  # type: ignore[no-untyped-def]
    seed(broker, worker)
    with Session(clean_db) as session:
        # each municipality reports all its own figures
        assert scope_of(session, "gem-delft") == {("GM0503", None)}
        # the corporations, care providers and zorgkantoor report what the documents say
        assert scope_of(session, "duwo") == {
            ("GM0503", "dwellings-added"),
            ("GM0518", "dwellings-added"),
        }
        assert scope_of(session, "rosa-manus") == {("GM0546", "lmo-verblijfsduur-vrouwenopvang")}
        assert ("GM1783", "dwellings-added") in scope_of(session, "zk-dsw")
        assert scope_of(session, "zk-cz") == set()  # CZ takes no role: flagged, not granted
        svh = scope_of(session, "svh")
        assert {j for j, i in svh if i == "social-lettings"} == HAAGLANDEN
        # SVH owes its yearly lettings for the nine municipalities
        owed = session.exec(
            select(Indicator.code, ReportingObligation.frequency, ReportingObligation.first_period)
            .join(Indicator, col(Indicator.id) == col(ReportingObligation.indicator_id))
            .join(Organisation, col(Organisation.id) == col(ReportingObligation.organisation_id))
            .where(Organisation.code == "svh")
        ).all()
        assert sorted(owed) == [
            ("lettings-priority-groups", "yearly", "2025"),
            ("social-lettings", "yearly", "2025"),
        ]
        covered = session.exec(
            select(Jurisdiction.code)
            .join(
                ReportingObligationJurisdiction,
                col(ReportingObligationJurisdiction.jurisdiction_id) == col(Jurisdiction.id),
            )
            .join(
                ReportingObligation,
                col(ReportingObligation.id) == col(ReportingObligationJurisdiction.obligation_id),
            )
            .join(Indicator, col(Indicator.id) == col(ReportingObligation.indicator_id))
            .where(Indicator.code == "social-lettings")
        ).all()
        assert set(covered) == HAAGLANDEN
        # the reporting calendar lists them once 2025's figures are due (90 days after the year)
        missing = {
            (m.organisation_code, m.indicator_code, m.jurisdiction_code, m.period)
            for m in missing_reports(session, date(2026, 4, 1))
        }
        assert ("svh", "social-lettings", "GM0518", "2025") in missing
        assert ("svh", "lettings-priority-groups", "GM0637", "2025") in missing
        assert not {m for m in missing if m[0] == "svh" and m[3] != "2025"}
        token = issue_token(session, "svh", Role.PARTNER, name="test").token
        session.commit()
    # the template shows SVH's cells
    client = TestClient(create_app(run_jobs=False, engine=clean_db))
    template = client.get(
        "/submissions/template",
        params={"organisation": "svh", "period": "2025"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert template.status_code == 200, template.text
    lines = template.content.decode("utf-8-sig").splitlines()
    assert "social-lettings;GM0518;2025" in "\n".join(lines)
    assert len(lines) == 1 + 3 * len(HAAGLANDEN)  # lettings, priority lettings, covenant


def test_a_seeded_corporation_submits_in_its_scope_and_is_refused_outside_it(
    clean_db: sa.Engine,
    broker,  # type: ignore[no-untyped-def]
    worker,  # type: ignore[no-untyped-def]
) -> None:
    seed(broker, worker)
    with Session(clean_db) as session:
        token = issue_token(session, "duwo", Role.PARTNER, name="test").token
        session.commit()
    client = TestClient(create_app(run_jobs=False, engine=clean_db))
    header = "Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde\n"

    def upload(rows: str) -> int:
        response = client.post(
            "/submissions",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("duwo.csv", (header + rows).encode(), "text/csv")},
        )
        assert response.status_code in (200, 202), response.text
        drain(broker, worker, INGEST, COMPUTE)
        return int(response.json()["number"])

    inside = upload("dwellings-added;GM0503;2026-Q1;;;40\n")
    outside = upload("dwellings-added;GM0546;2026-Q1;;;40\nsocial-lettings;GM0503;2026-Q1;;;10\n")
    with Session(clean_db) as session:
        accepted = session.get(Submission, inside)
        refused = session.get(Submission, outside)
        assert accepted is not None and refused is not None
        assert accepted.status.value in ("validated", "approved"), accepted.status
        assert refused.status.value == "rejected"
        errors = session.exec(
            select(SubmissionError.row_number, SubmissionError.code).where(
                SubmissionError.submission_id == outside
            )
        ).all()
        assert sorted(errors) == [(2, "outside_scope"), (3, "outside_scope")]

"""``/exports/<list>.csv|.xlsx``: the lists' filters as query parameters, the GraphQL query's
visibility, ``asOf``, both CSV dialects, XLSX, and flat memory on a large export."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from api.app import create_app
from core.enums import ProgressStatus, SubmissionStatus
from db.models import Observation, ProgressSnapshot, SubmissionError
from ingest.exports import Dialect, csv_stream
from services.access.visibility import Access
from services.exports.lists import Params, observations_export
from tests.factories import Factory


@pytest.fixture()
def client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(run_jobs=False)) as test_client:
        yield test_client


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    text = response.content.decode("utf-8-sig")
    delimiter = ";" if response.content.startswith(b"\xef\xbb\xbf") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _world(session: Session, make: Factory) -> dict[str, int]:
    leiden = make.jurisdiction(code="GM0546", name="Leiden")
    delft = make.jurisdiction(code="GM0503", name="Delft")
    added = make.indicator(code="dwellings-added")
    portaal = make.organisation(code="portaal")
    other = make.organisation(code="woonbron")
    make.organisation(code="viewers")
    first = make.observation(
        indicator_id=added.id,
        jurisdiction_id=leiden.id,
        source_organisation_id=portaal.id,
        period="2024",
        value=Decimal("12.5"),
        notes="=cmd|' /C calc'!A0",
        recorded_at=datetime(2025, 1, 10, tzinfo=UTC),
    )
    make.observation(
        indicator_id=added.id,
        jurisdiction_id=delft.id,
        source_organisation_id=other.id,
        period="2024",
        value=Decimal(7),
    )
    target = make.target(
        code="leiden-770",
        indicator_id=added.id,
        jurisdiction_id=leiden.id,
        value=Decimal(770),
        source={"document": "leiden", "lines": "L1-2", "quote": "770 woningen"},
    )
    session.add(
        ProgressSnapshot(
            target_id=target.id,
            jurisdiction_id=leiden.id,
            status=ProgressStatus.OFF_TRACK,
            realised=Decimal("12.5"),
            percent_of_target=Decimal("1.62"),
            inputs_hash="x",
            flags=["partial_coverage"],
        )
    )
    mine = make.submission(organisation_id=portaal.id, status=SubmissionStatus.REJECTED)
    session.add(
        SubmissionError(
            submission_id=mine.id,
            row_number=3,
            column="waarde",
            value="-x",
            code="not_a_number",
            message_en="not a number",
            message_nl="geen getal",
        )
    )
    theirs = make.submission(organisation_id=other.id)
    session.commit()
    return {"first": first.id or 0, "mine": mine.id or 0, "theirs": theirs.id or 0}


def test_progress_exports_with_the_lists_filters_in_both_csv_dialects_and_xlsx(
    client: TestClient, session: Session, make: Factory
) -> None:
    _world(session, make)
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'viewer')}"
    rows = _rows(client.get("/exports/progress.csv?jurisdiction=GM0546"))
    assert [(r["target"], r["status"], r["realised"], r["flags"]) for r in rows] == [
        ("leiden-770", "off_track", "12.5", "partial_coverage")
    ]
    assert rows[0]["source_lines"] == "L1-2" and rows[0]["target_value"] == "770"
    assert _rows(client.get("/exports/progress.csv?jurisdiction=GM0503")) == []
    assert _rows(client.get("/exports/progress.csv?statuses=achieved")) == []
    repeated = "/exports/progress.csv?statuses=achieved&statuses=OFF_TRACK"
    assert [r["target"] for r in _rows(client.get(repeated))] == ["leiden-770"]
    dutch = _rows(client.get("/exports/progress.csv?dialect=nl"))
    assert dutch[0]["realised"] == "12,5"
    response = client.get("/exports/progress.xlsx?region=GM0546")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["progress", "bronnen", "over deze export"]
    header = [c.value for c in book["progress"][1]]
    row = dict(zip(header, [c.value for c in book["progress"][2]], strict=True))
    assert row["realised"] == 12.5 and row["status"] == "off_track"
    assert [c.value for c in book["bronnen"][2]] == ["leiden", "L1-2", "770 woningen"]
    facts = {r[0].value: r[1].value for r in book["over deze export"].iter_rows(min_row=2)}
    assert facts["filter: region"] == "GM0546"
    assert "viewer" in facts["door"]


def test_observations_export_neutralises_formulas_and_answers_as_of_a_moment(
    client: TestClient, session: Session, make: Factory
) -> None:
    ids = _world(session, make)
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'viewer')}"
    rows = _rows(client.get("/exports/observations.csv?jurisdiction=GM0546"))
    assert [(r["jurisdiction"], r["value"], r["source"]) for r in rows] == [
        ("GM0546", "12.5", "portaal")
    ]
    assert rows[0]["notes"] == "'=cmd|' /C calc'!A0"
    # a correction later: asOf before it gives the old version, now the new one
    old = session.get(Observation, ids["first"])
    assert old is not None
    old.superseded_at = datetime(2025, 3, 1, tzinfo=UTC)
    session.add(old)
    session.add(
        Observation(
            **{
                k: v
                for k, v in old.model_dump().items()
                if k not in ("id", "superseded_at", "value", "version", "recorded_at")
            },
            value=Decimal(13),
            version=2,
            recorded_at=datetime(2025, 3, 1, tzinfo=UTC),
        )
    )
    session.commit()
    now = _rows(client.get("/exports/observations.csv?jurisdiction=GM0546"))
    before = _rows(client.get("/exports/observations.csv?jurisdiction=GM0546&asOf=2025-02-01"))
    assert [r["value"] for r in now] == ["13"]
    assert [r["value"] for r in before] == ["12.5"]
    versions = _rows(client.get("/exports/observations.csv?jurisdiction=GM0546&allVersions=true"))
    assert sorted(r["version"] for r in versions) == ["1", "2"]


def test_a_partners_export_holds_only_what_the_partner_may_see(
    client: TestClient, session: Session, make: Factory
) -> None:
    ids = _world(session, make)
    client.headers["Authorization"] = f"Bearer {make.token('portaal')}"
    rows = _rows(client.get("/exports/submissions.csv"))
    assert {r["id"] for r in rows} == {str(ids["mine"])}
    assert (rows[0]["error_code"], rows[0]["error_value"]) == ("not_a_number", "'-x")
    # filtering on another organisation never widens it
    assert _rows(client.get("/exports/submissions.csv?organisation=woonbron")) == []
    # published lists: the same as for anyone
    assert len(_rows(client.get("/exports/observations.csv"))) == 2
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'viewer')}"
    assert _rows(client.get("/exports/submissions.csv")) == []
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'admin')}"
    assert {
        r["id"] for r in _rows(client.get("/exports/submissions.xlsx".replace("xlsx", "csv")))
    } == {
        str(ids["mine"]),
        str(ids["theirs"]),
    }


def test_without_a_token_nothing_is_exported_and_bad_parameters_are_refused(
    client: TestClient, session: Session, make: Factory
) -> None:
    _world(session, make)
    assert client.get("/exports/progress.csv").status_code == 401
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'viewer')}"
    typo = client.get("/exports/progress.csv?jurisdicton=GM0546")
    assert typo.status_code == 400 and "jurisdicton" in typo.json()["error"]["message"]
    assert client.get("/exports/progress.csv?statuses=great").status_code == 400
    assert client.get("/exports/progress.csv?dialect=fr").status_code == 400
    assert client.get("/exports/targets.csv").status_code == 404
    assert client.get("/exports/progress.pdf").status_code == 404


def test_measures_and_projects_export(client: TestClient, session: Session, make: Factory) -> None:
    from db.models import Measure, ProjectUnits

    _world(session, make)
    document = make.document(code="leiden-visie")
    session.add(Measure(document_id=document.id, code="1a", title="+Bouw 770 woningen"))
    project = make.project(name="SAAM")
    session.add(ProjectUnits(project_id=project.id, units=40, breakdown_key="-|-"))
    session.commit()
    client.headers["Authorization"] = f"Bearer {make.token('viewers', 'viewer')}"
    measures = _rows(client.get("/exports/measures.csv?documents=leiden-visie"))
    assert [(m["code"], m["title"], m["status"]) for m in measures] == [
        ("1a", "'+Bouw 770 woningen", "planned")
    ]
    projects = _rows(client.get("/exports/projects.csv?search=SAAM"))
    assert [(p["name"], p["units"], p["phase"]) for p in projects] == [("SAAM", "40", "plan")]


def test_a_large_export_reads_a_page_at_a_time_in_flat_memory(
    session: Session, make: Factory, clean_db: sa.Engine
) -> None:
    leiden = make.jurisdiction(code="GM0546")
    indicator = make.indicator()
    source = make.organisation()
    session.commit()

    def add(count: int, offset: int) -> None:
        start = datetime(2000, 1, 1).date()
        session.execute(
            sa.insert(Observation),
            [
                {
                    "indicator_id": indicator.id,
                    "jurisdiction_id": leiden.id,
                    "source_organisation_id": source.id,
                    "period": (start + timedelta(days=n)).isoformat(),
                    "period_start": start + timedelta(days=n),
                    "period_end": start + timedelta(days=n),
                    "value": Decimal(n),
                    "cell_key": f"cell-{n}",
                    "version": 1,
                    "recorded_at": datetime(2025, 1, 1, tzinfo=UTC),
                }
                for n in range(offset, offset + count)
            ],
        )
        session.commit()

    def peak() -> tuple[int, int]:
        with Session(clean_db) as reading:
            export = observations_export(reading, Access(None, True, reading), Params({}))
            tracemalloc.start()
            try:
                lines = sum(
                    chunk.count(b"\r\n")
                    for chunk in csv_stream(export.columns, export.rows, Dialect.DUTCH)
                )
                return lines, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    add(1_000, 0)
    small_lines, small = peak()
    add(9_000, 1_000)
    large_lines, large = peak()
    assert (small_lines, large_lines) == (1_001, 10_001)
    assert large < small * 1.5, (small, large)

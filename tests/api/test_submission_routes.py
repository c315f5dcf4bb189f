"""Scripts upload files over HTTP and download templates; operators use `woonzorg ingest`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session
from starlette.testclient import TestClient
from strawberry import relay
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from services.jobs import INGEST
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import observations, reporting_world, status

CSV = "Indicator;Gemeente;Periode;Waarde\nhomeless-persons;GM0546;2024;41\n"


@pytest.fixture()
def client(clean_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(run_jobs=False)) as test_client:
        yield test_client


def test_a_file_upload_answers_at_once_and_is_processed_by_the_worker(
    client: TestClient, session: Session, make: Factory, broker, worker
) -> None:
    reporting_world(session, make)
    client.headers["Authorization"] = f"Bearer {make.token('cbs')}"
    response = client.post(
        "/submissions", files={"file": ("telling.csv", CSV.encode(), "text/csv")}
    )
    assert response.status_code == 202
    submission_id = response.json()["number"]
    assert response.json()["id"] == relay.to_base64("Submission", submission_id)  # a global id
    drain(broker, worker, INGEST)
    assert status(session, submission_id) == "applied"
    assert observations(session) == [("2024", "41", 1, True)]
    # the same file again: the same submission, 200 instead of 202
    again = client.post("/submissions", files={"file": ("telling.csv", CSV.encode(), "text/csv")})
    assert (again.status_code, again.json()["number"], again.json()["created"]) == (
        200,
        submission_id,
        False,
    )


@pytest.mark.parametrize(
    ("data", "files", "status_code", "code"),
    [
        ({}, None, 400, "missing_file"),
        (
            {"organisation": "nobody"},
            {"file": ("a.csv", b"x", "text/csv")},
            404,
            "unknown_organisation",
        ),
        (
            {},
            {"file": ("a.pdf", b"x", "application/pdf")},
            415,
            "unsupported_format",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    client: TestClient, session: Session, make: Factory, data, files, status_code, code
) -> None:  # type: ignore[no-untyped-def]
    reporting_world(session, make)
    admin = {"Authorization": f"Bearer {make.token('cbs', 'admin')}"}
    response = client.post("/submissions", headers=admin, data=data, files=files)
    assert response.status_code == status_code
    assert response.json()["error"]["code"] == code


def test_the_template_lists_the_cells_of_the_organisations_scope(
    client: TestClient, session: Session, make: Factory
) -> None:
    reporting_world(session, make)
    client.headers["Authorization"] = f"Bearer {make.token('portaal')}"
    csv_response = client.get(
        "/submissions/template", params={"organisation": "portaal", "period": "2025"}
    )
    assert csv_response.status_code == 200
    assert "attachment" in csv_response.headers["content-disposition"]
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "dwellings-added;GM0546;2025" in lines[1]
    xlsx = client.get(
        "/submissions/template",
        params={"organisation": "portaal", "format": "xlsx", "period": "2025"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)["gegevens"]
    assert [c for c in list(sheet.iter_rows(values_only=True))[1][:3]] == [
        "dwellings-added",
        "GM0546",
        "2025",
    ]
    assert (
        client.get(
            "/submissions/template", params={"organisation": "portaal", "period": "2025-Q9"}
        ).status_code
        == 400
    )


def test_the_cli_checks_a_file_and_prints_each_error(
    session: Session, make: Factory, tmp_path: Path
) -> None:
    reporting_world(session, make)
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "Indicator;Gemeente;Periode;Waarde\nhomeless-persons;GM0546;2024;veel\nhomeless-persons;GM0546;2024-Q5;3\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--organisation", "cbs"])
    assert result.exit_code == 1
    assert "rejected" in result.output
    assert "row 2, column 'Waarde'" in result.output and "row 3, column 'Periode'" in result.output
    good = tmp_path / "goed.csv"
    good.write_text(CSV, encoding="utf-8")
    ok = CliRunner().invoke(cli, ["ingest", str(good), "--organisation", "cbs"])
    assert ok.exit_code == 0, ok.output
    assert "applied" in ok.output and observations(session) == [("2024", "41", 1, True)]

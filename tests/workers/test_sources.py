"""Scheduled source pulls end to end: a local HTTP server, the real broker and worker, the ledger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session

from core.enums import SourceKind, SourceRunOutcome
from services.jobs import COMPUTE, INGEST
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.periodic.servers import Reply, ScriptedServer, free_port, scripted_http_server
from tests.workers.periodic.world import (
    PeriodicWorld,
    add_source,
    current_figures,
    periodic_world,
    runs,
    submissions,
)
from workers.actors.sources import pull_source
from workers.schedules import enqueue_pull, sync_source_schedules

POPULATION_MAPPING = {
    "measures": {
        "BevolkingAanHetBeginVanDePeriode_1": {"indicator": "population", "moment": "start"}
    },
    "period_kinds": ["month"],
}


@pytest.fixture()
def http() -> Iterator[ScriptedServer]:
    with scripted_http_server() as server:
        yield server


@pytest.fixture()
def world(session: Session, make: Factory) -> PeriodicWorld:
    return periodic_world(session, make)


@pytest.fixture()
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after 10-40 ms instead of minutes: the actor's options, no sleeping."""
    options = {**pull_source.options, "max_retries": 2, "min_backoff": 10, "max_backoff": 40}
    monkeypatch.setattr(pull_source, "options", options)


def statline_pages(server: ScriptedServer, leiden_value: int = 125_000) -> str:
    """Two v3 TypedDataSet pages; the first links to the second. Den Haag is outside CBS's scope."""
    first = {
        "odata.metadata": "https://opendata.cbs.nl/ODataFeed/odata/37230ned/$metadata",
        "value": [
            {
                "ID": 1,
                "RegioS": "GM0546",
                "Perioden": "2024MM01",
                "BevolkingAanHetBeginVanDePeriode_1": leiden_value,
            },
            {
                "ID": 2,
                "RegioS": "GM0518    ",
                "Perioden": "2024MM01",
                "BevolkingAanHetBeginVanDePeriode_1": 562_839,
            },
        ],
        "odata.nextLink": server.base_url + "/37230ned/page2",
    }
    second = {
        "odata.metadata": "https://opendata.cbs.nl/ODataFeed/odata/37230ned/$metadata",
        "value": [
            {
                "ID": 3,
                "RegioS": "GM0546",
                "Perioden": "2024MM02",
                "BevolkingAanHetBeginVanDePeriode_1": leiden_value + 40,
            },
            {
                "ID": 4,
                "RegioS": "GM0546",
                "Perioden": "2024JJ00",
                "BevolkingAanHetBeginVanDePeriode_1": leiden_value,
            },
        ],
    }
    server.answer("/37230ned/page2", Reply(200, json.dumps(second).encode()))
    return server.answer("/37230ned/page1", Reply(200, json.dumps(first).encode()))


def pull(broker, worker) -> None:  # type: ignore[no-untyped-def]
    drain(broker, worker, INGEST, COMPUTE)


def test_a_scheduled_cbs_pull_is_submitted_and_applied(
    session: Session, world: PeriodicWorld, http: ScriptedServer, broker, worker
) -> None:
    # given an active CBS source on a weekly schedule, served by a local StatLine feed
    url = statline_pages(http)
    source = add_source(
        session,
        world.cbs_id,
        SourceKind.CBS_STATLINE,
        table="37230ned",
        url=url,
        mapping=POPULATION_MAPPING,
    )
    scheduler = BackgroundScheduler(timezone="UTC")
    # when the scheduler syncs its jobs and the source's job fires
    assert sync_source_schedules(scheduler) == 1
    job = scheduler.get_job(f"source:{source.code}")
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='1', hour='6', minute='0']"
    job.func(*job.args)
    pull(broker, worker)
    # then both pages were read and one submission of CBS was applied (a trusted source)
    assert http.calls("/37230ned/page1") == http.calls("/37230ned/page2") == 1
    [run] = runs(session)
    assert run.outcome is SourceRunOutcome.SUCCEEDED and run.attempt == 1 and run.rows == 2
    assert "left out 1 figure(s)" in (run.note or "")  # Den Haag is outside the scope
    [submission] = submissions(session)
    assert run.submission_id == submission.id
    assert (submission.channel.value, submission.status.value) == ("source_pull", "applied")
    leiden = str(world.leiden_id)
    assert current_figures(session) == [
        ("2024-01-01", leiden, "125000"),
        ("2024-02-01", leiden, "125040"),
    ]


def test_pulling_unchanged_content_again_creates_nothing(
    session: Session, world: PeriodicWorld, http: ScriptedServer, broker, worker
) -> None:
    url = statline_pages(http)
    source = add_source(
        session,
        world.cbs_id,
        SourceKind.CBS_STATLINE,
        table="37230ned",
        url=url,
        mapping=POPULATION_MAPPING,
    )
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    figures = current_figures(session)
    # when the same content is pulled again
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    # then the run is unchanged, pointing at the first submission, and nothing new exists
    first, second = runs(session)
    assert (first.outcome, second.outcome) == (
        SourceRunOutcome.SUCCEEDED,
        SourceRunOutcome.UNCHANGED,
    )
    assert second.submission_id == first.submission_id
    assert len(submissions(session)) == 1 and current_figures(session) == figures
    # and changed content makes a new submission and a new version
    statline_pages(http, leiden_value=125_100)
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    assert runs(session)[-1].outcome is SourceRunOutcome.SUCCEEDED
    assert len(submissions(session)) == 2
    assert ("2024-01-01", str(world.leiden_id), "125100") in current_figures(session)


@pytest.mark.parametrize("failure", ["http_500", "connection_refused"])
def test_a_failing_source_is_retried_then_recorded_as_failed(
    session: Session,
    world: PeriodicWorld,
    http: ScriptedServer,
    broker,
    worker,
    quick_retries,
    failure: str,
) -> None:
    # given a source whose server answers 500, or nothing listens at all
    if failure == "http_500":
        url = http.answer("/broken.csv", Reply(500, b"boom", "text/plain"))
    else:
        url = f"http://127.0.0.1:{free_port()}/gone.csv"
    source = add_source(session, world.partner_id, SourceKind.URL_FILE, url=url)
    # when it is pulled (max_retries=2 here)
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    # then every attempt is in the ledger: two retried, the last failed, and no submission
    outcomes = [(r.attempt, r.outcome) for r in runs(session)]
    assert outcomes == [
        (1, SourceRunOutcome.RETRYING),
        (2, SourceRunOutcome.RETRYING),
        (3, SourceRunOutcome.FAILED),
    ]
    assert all(r.finished_at is not None and r.error for r in runs(session))
    assert len({r.message_id for r in runs(session)}) == 1
    if failure == "http_500":
        assert http.calls("/broken.csv") == 3
        assert "HTTP 500" in (runs(session)[-1].error or "")
    assert submissions(session) == []


def test_a_client_error_is_not_retried(
    session: Session, world: PeriodicWorld, http: ScriptedServer, broker, worker, quick_retries
) -> None:
    url = http.answer("/missing.csv", Reply(404, b"no", "text/plain"))
    source = add_source(session, world.partner_id, SourceKind.URL_FILE, url=url)
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    [run] = runs(session)
    assert run.outcome is SourceRunOutcome.FAILED and "HTTP 404" in (run.error or "")
    assert http.calls("/missing.csv") == 1


def test_a_partner_file_at_a_url_waits_for_review_like_an_upload(
    session: Session, world: PeriodicWorld, http: ScriptedServer, broker, worker
) -> None:
    csv = "indicator;jurisdiction;period;value\ndwellings-added;GM0546;2025-Q1;12\n"
    url = http.answer("/export/realisatie.csv", Reply(200, csv.encode(), "text/csv"))
    source = add_source(session, world.partner_id, SourceKind.URL_FILE, url=url)
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    [run] = runs(session)
    assert (run.outcome, run.rows) == (SourceRunOutcome.SUCCEEDED, 1)
    [submission] = submissions(session)
    assert (submission.filename, submission.status.value) == ("realisatie.csv", "validated")


def test_a_watched_folder_submits_its_newest_file(
    session: Session, world: PeriodicWorld, broker, worker, tmp_path: Path
) -> None:
    import os

    old = tmp_path / "q4.csv"
    old.write_text("indicator;jurisdiction;period;value\ndwellings-added;GM0546;2024-Q4;3\n")
    new = tmp_path / "q1.csv"
    new.write_text("indicator;jurisdiction;period;value\ndwellings-added;GM0518;2025-Q1;8\n")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    source = add_source(session, world.partner_id, SourceKind.WATCHED_FOLDER, path=str(tmp_path))
    enqueue_pull(source.id)  # type: ignore[arg-type]
    pull(broker, worker)
    [run] = runs(session)
    assert run.outcome is SourceRunOutcome.SUCCEEDED
    assert [s.filename for s in submissions(session)] == ["q1.csv"]

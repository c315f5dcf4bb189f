"""Partner submissions end to end through the outbox and the real broker (Stub or Redis)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import Session

from core.enums import IndicatorKind, SubmissionChannel
from services.jobs import INGEST
from services.submissions import service as intake
from services.submissions.intake import IdempotencyConflict
from services.submissions.lifecycle import SubmissionStateError
from tests.conftest import drain
from tests.factories import Factory
from tests.workers.submission_support import (
    ADMIN,
    errors,
    observations,
    reporting_world,
    request,
    rows,
    status,
)

FILES = Path(__file__).parents[1] / "ingest" / "files"


def process(broker, worker) -> None:  # type: ignore[no-untyped-def]
    drain(broker, worker, INGEST)


def test_rows_are_validated_then_applied_after_approval(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    # given a partner's rows
    sent = intake.submit_rows(
        session,
        request(session, world.partner_id),
        rows(
            ("dwellings-added", "GM0546", "2024", 120),
            ("dwellings-added", "GM0546", "2025-Q1", "30"),
        ),
    )
    session.commit()
    process(broker, worker)
    # then they wait for the task force, and nothing is stored yet
    assert status(session, sent.submission.id) == "validated"
    assert observations(session) == []
    # when the task force approves
    intake.approve(session, sent.submission.id, actor=ADMIN, reason="checked")
    session.commit()
    process(broker, worker)
    # then the figures are stored as version 1
    assert status(session, sent.submission.id) == "applied"
    assert observations(session) == [("2024", "120", 1, True), ("2025-Q1", "30", 1, True)]


def test_a_trusted_source_applies_without_review(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    sent = intake.submit_rows(
        session,
        request(session, world.trusted_id),
        rows(("homeless-persons", "GM0546", "2024-06-30", 41)),
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "applied"
    assert observations(session) == [("2024-06-30", "41", 1, True)]


def test_any_error_rejects_the_whole_submission_and_stores_nothing(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    sent = intake.submit_rows(
        session,
        request(session, world.trusted_id),
        rows(
            ("homeless-persons", "GM0546", "2024", 41),
            ("homeless-persons", "GM9999", "2024", 3),
            ("homeless-persons", "GM0546", "2099", 3),
            ("homeless-persons", "GM0546", "2023", -1),
        ),
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "rejected"
    assert [(row, code) for row, _, code in errors(session, sent.submission.id)] == [
        (3, "unknown_jurisdiction"),
        (4, "future_period"),
        (5, "negative_count"),
    ]
    assert observations(session) == []


def test_a_pair_outside_the_scope_is_refused_per_row(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    # the partner may report dwellings-added for Leiden only: not homeless counts, not Leiderdorp
    sent = intake.submit_rows(
        session,
        request(session, world.partner_id),
        rows(("homeless-persons", "GM0546", "2024", 5), ("dwellings-added", "GM0547", "2024", 5)),
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "rejected"
    assert [(row, code) for row, _, code in errors(session, sent.submission.id)] == [
        (2, "outside_scope"),
        (3, "outside_scope"),
    ]


def test_sending_the_same_rows_twice_creates_nothing_new(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    figures = rows(("homeless-persons", "GM0546", "2024", 41))
    first = intake.submit_rows(session, request(session, world.trusted_id), figures)
    session.commit()
    process(broker, worker)
    again = intake.submit_rows(session, request(session, world.trusted_id), figures)
    keyed = intake.submit_rows(
        session, request(session, world.trusted_id, idempotency_key="k1"), figures
    )
    keyed_again = intake.submit_rows(
        session, request(session, world.trusted_id, idempotency_key="k1"), figures
    )
    session.commit()
    process(broker, worker)
    assert (again.created, again.submission.id) == (False, first.submission.id)
    assert (keyed_again.created, keyed_again.submission.id) == (False, keyed.submission.id)
    assert observations(session) == [("2024", "41", 1, True)]
    with pytest.raises(IdempotencyConflict, match="different content"):
        intake.submit_rows(
            session,
            request(session, world.trusted_id, idempotency_key="k1"),
            rows(("homeless-persons", "GM0546", "2024", 40)),
        )


def test_a_correction_needs_a_reason_and_becomes_a_new_version(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    intake.submit_rows(
        session,
        request(session, world.trusted_id),
        rows(("homeless-persons", "GM0546", "2024", 41)),
    )
    session.commit()
    process(broker, worker)
    # a changed figure without a reason is refused
    silent = intake.submit_rows(
        session,
        request(session, world.trusted_id),
        rows(("homeless-persons", "GM0546", "2024", 44)),
    )
    session.commit()
    process(broker, worker)
    assert errors(session, silent.submission.id) == [(2, "value", "correction_without_reason")]
    # with a reason it becomes version 2; version 1 is kept, superseded
    reasoned = intake.submit_rows(
        session,
        request(session, world.trusted_id, correction_reason="telling herzien"),
        rows(("homeless-persons", "GM0546", "2024", 44)),
    )
    session.commit()
    process(broker, worker)
    assert status(session, reasoned.submission.id) == "applied"
    assert observations(session) == [("2024", "41", 1, False), ("2024", "44", 2, True)]


def test_a_dry_run_validates_and_stores_nothing(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    sent = intake.submit_rows(
        session,
        request(session, world.trusted_id, dry_run=True),
        rows(("homeless-persons", "GM0546", "2024", 41)),
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "validated"
    assert observations(session) == []
    with pytest.raises(SubmissionStateError, match="dry run"):
        intake.approve(session, sent.submission.id, actor=ADMIN)


def test_a_returned_submission_is_never_applied(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    sent = intake.submit_rows(
        session, request(session, world.partner_id), rows(("dwellings-added", "GM0546", "2024", 7))
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "validated"
    with pytest.raises(SubmissionStateError, match="needs a reason"):
        intake.return_for_correction(session, sent.submission.id, actor=ADMIN, reason=" ")
    intake.return_for_correction(session, sent.submission.id, actor=ADMIN, reason="Q1 ontbreekt")
    session.commit()
    assert status(session, sent.submission.id) == "returned"
    with pytest.raises(SubmissionStateError, match="only a validated submission can be approved"):
        intake.approve(session, sent.submission.id, actor=ADMIN)


def test_only_an_admin_or_the_task_force_of_the_area_decides_even_without_the_api(
    session: Session, make: Factory, broker, worker
) -> None:
    from core.enums import JurisdictionKind, RegionType, Role
    from core.principal import Actor
    from db.models import Jurisdiction, OrganisationScope, RegionMembership
    from services.submissions.lifecycle import DecisionNotAllowed

    world = reporting_world(session, make)
    region = make.jurisdiction(
        code="rg-lr", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    elsewhere = make.jurisdiction(
        code="rg-x", kind=JurisdictionKind.REGION, region_type=RegionType.SUBREGION
    )
    session.add(RegionMembership(region_id=region.id, member_id=world.leiden_id))
    ours, theirs = make.organisation(code="tf-lr"), make.organisation(code="tf-x")
    session.add(OrganisationScope(organisation_id=ours.id, jurisdiction_id=region.id))
    session.add(OrganisationScope(organisation_id=theirs.id, jurisdiction_id=elsewhere.id))
    assert session.get(Jurisdiction, world.leiden_id) is not None
    sent = intake.submit_rows(
        session, request(session, world.partner_id), rows(("dwellings-added", "GM0546", "2024", 7))
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "validated"
    # the partner itself, and a task force of another area, are refused by the service
    for actor in (
        Actor(None, world.partner_id, Role.PARTNER, "partner"),
        Actor(None, theirs.id, Role.TASKFORCE, "other task force"),
    ):
        with pytest.raises(
            DecisionNotAllowed, match="only an administrator or the task force of its area"
        ):
            intake.approve(session, sent.submission.id, actor=actor)
        session.rollback()
    intake.approve(
        session, sent.submission.id, actor=Actor(None, ours.id, Role.TASKFORCE, "task force")
    )
    session.commit()
    process(broker, worker)  # the apply job finishes inside the test
    assert status(session, sent.submission.id) == "applied"


def test_a_dutch_csv_file_goes_the_same_way(
    session: Session, make: Factory, broker, worker
) -> None:
    world = reporting_world(session, make)
    content = "\ufeffIndicator;Gemeente;Periode;Waarde\nhomeless-persons;GM0546;2024;1.080\nhomeless-persons;GM0546;2023;987\n"
    sent = intake.submit_file(
        session,
        request(session, world.trusted_id, channel=SubmissionChannel.CSV, filename="telling.csv"),
        io.BytesIO(content.encode("utf-8")),
    )
    session.commit()
    process(broker, worker)
    assert status(session, sent.submission.id) == "applied"
    assert sorted(observations(session)) == [("2023", "987", 1, True), ("2024", "1080", 1, True)]


def test_a_worker_dying_mid_submission_leaves_no_trace_and_the_retry_applies_once(
    session: Session, make: Factory, broker, worker, monkeypatch
) -> None:
    world = reporting_world(session, make)
    import services.submissions.lifecycle as lifecycle
    from services.submissions.staging import PostgresStaging, Staging

    monkeypatch.setattr(lifecycle, "BATCH", 2)
    calls = {"n": 0}

    def dies_on_second_batch(real_add):  # type: ignore[no-untyped-def]
        def add(self, frame, check_corrections, write):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return real_add(self, frame, check_corrections, write)

        return add

    # SQLite writes each batch as it comes, PostgreSQL stages it: either way the first attempt
    # dies after one batch went in
    for kind in (Staging, PostgresStaging):
        monkeypatch.setattr(kind, "add", dies_on_second_batch(kind.add))
    figures = rows(*[("homeless-persons", "GM0546", f"2024-{m:02d}-01", m) for m in range(1, 6)])
    sent = intake.submit_rows(session, request(session, world.trusted_id), figures)
    session.commit()
    # the first attempt dies after writing one batch; dramatiq retries the job (with backoff)
    from workers.actors.submissions import process_submission

    monkeypatch.setattr(
        process_submission,
        "options",
        {**process_submission.options, "min_backoff": 10, "max_backoff": 20},
    )
    process(broker, worker)
    assert calls["n"] > 2  # the failure fired, and the retry went through every batch
    assert status(session, sent.submission.id) == "applied"
    assert len(observations(session)) == 5 and all(
        version == 1 for _, _, version, _ in observations(session)
    )


def test_a_duration_may_be_a_fraction_but_never_negative(make: Factory) -> None:
    from core.enums import Direction
    from services.submissions.context import indicator_rule

    for unit in ("days", "weeks", "months", "years"):
        rule = indicator_rule(
            make.indicator(unit=unit, kind=IndicatorKind.STOCK, direction=Direction.LOWER_IS_BETTER)
        )
        assert (rule.allow_negative, rule.whole_numbers_only) == (False, False), unit

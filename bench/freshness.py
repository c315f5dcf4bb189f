"""Writes while the API is read: a trickle of submissions (so the response cache is invalidated
during the warm runs) and freshness (approval → the region overview shows the figure, over HTTP).

Both run the real services and the real actors' bodies synchronously, as a worker would: a
partner submits rows, ``process_submission`` validates them, the task force approves,
``apply_approved_submission`` writes the observations, ``recompute_progress`` the snapshots.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

import httpx
from sqlmodel import Session, select

from bench.jobs import latest_job
from core.enums import OrganisationKind, Role, SubmissionChannel
from core.principal import Actor
from db.engine import get_engine, session_scope
from db.models import Jurisdiction, Organisation, OrganisationScope, RegionMembership
from ingest.submitted_rows import SubmittedRow
from services.submissions import service as intake
from services.submissions.intake import IntakeRequest
from workers.actors.progress import recompute_progress
from workers.actors.submissions import apply_approved_submission, process_submission

PARTNER = "bench-freshness-partner"  # not a trusted source: its figures wait for approval
INDICATOR = "dwellings-added"  # one the region overview shows
TASK_FORCE = Actor(None, None, Role.ADMIN, "benchmark task force")


def ensure_partner(region: str) -> list[str]:
    """A corporation reporting for every member of ``region``; returns the members' codes."""
    with Session(get_engine()) as session:
        members = list(
            session.exec(
                select(Jurisdiction.id, Jurisdiction.code)
                .join(RegionMembership, RegionMembership.member_id == Jurisdiction.id)  # type: ignore[arg-type]
                .join(
                    region_row := Jurisdiction.__table__.alias("region"),  # type: ignore[attr-defined]
                    region_row.c.id == RegionMembership.region_id,
                )
                .where(region_row.c.code == region)
                .order_by(Jurisdiction.code)
            )
        )
        partner = session.exec(select(Organisation).where(Organisation.code == PARTNER)).first()
        if partner is None:
            partner = Organisation(
                code=PARTNER, name="Benchmark corporation", kind=OrganisationKind.CORPORATION
            )
            session.add(partner)
            session.flush()
            for jurisdiction_id, _ in members:
                session.add(
                    OrganisationScope(organisation_id=partner.id, jurisdiction_id=jurisdiction_id)  # type: ignore[arg-type]
                )
        session.commit()
        return [code for _, code in members]


def _run_job(actor: object) -> None:
    job = latest_job(actor.actor_name)  # type: ignore[attr-defined]
    if job is not None and job.id is not None and job.status.value not in ("done", "failed"):
        actor.fn(job.id)  # type: ignore[attr-defined]


def submit_and_validate(member: str, period: str, value: int) -> int:
    with session_scope() as session:
        partner = session.exec(select(Organisation).where(Organisation.code == PARTNER)).one()
        row = SubmittedRow(
            indicator=INDICATOR, jurisdiction=member, period=period, value=str(value)
        )
        request = IntakeRequest(partner, SubmissionChannel.API)
        submission_id = intake.submit_rows(session, request, [row]).submission.id
    _run_job(process_submission)
    assert submission_id is not None
    return submission_id


def approve(submission_id: int) -> float:
    """Approve; returns the moment of the commit (perf_counter)."""
    with session_scope() as session:
        intake.approve(session, submission_id, actor=TASK_FORCE, reason="benchmark")
    return time.perf_counter()


def apply_and_recompute() -> None:
    _run_job(apply_approved_submission)
    _run_job(recompute_progress)


_lock = threading.Lock()  # the trickle and the freshness probes never run their jobs at once


def one_submission(member: str, period: str, value: int) -> float:
    with _lock:
        submission_id = submit_and_validate(member, period, value)
        approved_at = approve(submission_id)
        apply_and_recompute()
    return approved_at


PERIODS = [f"{year}-{month:02d}" for year in (2024, 2023, 2022, 2021) for month in range(1, 13)]


@dataclass
class Trickle:
    """Submissions applied every ``interval`` seconds in a thread, while the warm runs read."""

    members: list[str]
    interval: float
    applied: int = 0
    errors: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Trickle:
        self._thread = threading.Thread(target=self._run, name="trickle", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(self.interval):
            member = self.members[n % len(self.members)]
            period = PERIODS[(n // len(self.members)) % len(PERIODS)]
            try:
                one_submission(member, period, 500_000 + n)
                self.applied += 1
            except Exception:  # a refused row (a cell already reported): count it, go on
                self.errors += 1
            n += 1


def freshness(
    base: str, body: dict[str, object], token: str, members: list[str], approvals: int
) -> list[float]:
    """Seconds from each approval's commit to the first overview answer that shows its figure
    (polled every 20 ms over HTTP while the workers' steps run)."""
    seconds: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(headers=headers, timeout=60) as http:
        for n in range(approvals):
            member = members[n % len(members)]
            period = f"2025-{1 + (n // len(members)) % 11:02d}"
            found = _probe(http, f"{base}/graphql", body, member, period, 900_000 + n)
            if found is not None:
                seconds.append(found)
    return seconds


def shows(value: int) -> re.Pattern[bytes]:
    """Finds ``value`` as a JSON number (``900000``, ``900000.0``) or a decimal string in an
    answer, and nothing that merely starts or ends with its digits."""
    return re.compile(rb'(?<![\d.])"?%d(?:\.0+)?(?![\d.])' % value)


def _probe(
    http: httpx.Client, url: str, body: dict[str, object], member: str, period: str, value: int
) -> float | None:
    """One approval in a thread of its own, the overview read until it shows ``value`` (unique:
    no answer holds it before its figure is applied)."""
    approved: list[float] = []

    def write() -> None:
        approved.append(one_submission(member, period, value))

    writer = threading.Thread(target=write)
    writer.start()
    needle = shows(value)
    deadline = time.perf_counter() + 60
    seen = None
    while time.perf_counter() < deadline:
        if needle.search(http.post(url, json=body).content):
            seen = time.perf_counter()
            break
        time.sleep(0.02)
    writer.join(timeout=60)
    if seen is None or not approved:
        return None
    return max(0.0, seen - approved[0])

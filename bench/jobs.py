"""Running the real actors' bodies synchronously, as a worker would, and finding their jobs."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from core.enums import SubmissionChannel, SubmissionStatus
from db.engine import session_scope
from db.models import Organisation, OutboxJob, Submission
from services.submissions.intake import IntakeRequest
from services.submissions.service import submit_file
from workers.broker import get_broker


def run_job(name: str, job_id: int) -> None:
    """The body of the actor for job ``name``, in this thread, as a worker would run it."""
    get_broker().get_actor(name).fn(job_id)


def latest_job(actor_name: str) -> OutboxJob | None:
    with session_scope() as session:
        return session.exec(
            select(OutboxJob)
            .where(OutboxJob.actor_name == actor_name)
            .order_by(col(OutboxJob.id).desc())
        ).first()


def submission_job(submission_id: int) -> OutboxJob:
    """The ``process_submission`` job of this submission (files taken by several processes at
    once queue their jobs in any order, so the newest job need not be ours)."""
    with session_scope() as session:
        recent = session.exec(
            select(OutboxJob)
            .where(OutboxJob.actor_name == "process_submission")
            .order_by(col(OutboxJob.id).desc())
            .limit(100)
        ).all()
    for job in recent:
        if job.args.get("submission_id") == submission_id:
            return job
    raise RuntimeError(f"no process_submission job was queued for submission {submission_id}")


def submit_and_process(
    organisation_code: str, path: Path, idempotency_key: str | None = None
) -> int:
    """``submit_file`` then the ``process_submission`` actor's body; returns the rows applied.

    With an ``idempotency_key`` never used before, content received before is a new submission
    all the same: a re-sent delivery goes through validation and the apply again."""
    with session_scope() as session:
        organisation = session.exec(
            select(Organisation).where(Organisation.code == organisation_code)
        ).one()
        with path.open("rb") as stream:
            request = IntakeRequest(
                organisation,
                SubmissionChannel.CSV,
                filename=path.name,
                idempotency_key=idempotency_key,
            )
            submission_id = submit_file(session, request, stream).submission.id
    assert submission_id is not None
    job = submission_job(submission_id)
    assert job.id is not None
    run_job("process_submission", job.id)
    with session_scope() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        if submission.status is not SubmissionStatus.APPLIED:
            raise RuntimeError(
                f"{path.name}: submission {submission_id} is {submission.status.value} "
                f"({submission.error_count} errors)"
            )
        return submission.row_count or 0


def run_recompute_job() -> tuple[int, list[int]]:
    """Run the newest ``recompute_progress`` job; returns its id and target ids."""
    job = latest_job("recompute_progress")
    assert job is not None and job.id is not None, "no recompute job was queued"
    run_job("recompute_progress", job.id)
    return job.id, list(job.args["target_ids"])

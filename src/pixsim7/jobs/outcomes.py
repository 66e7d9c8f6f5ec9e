"""What the worker does with a provider's answer: accepted, completed, or an error class.

Helpers here take the session and do not commit; the scheduler and poller own the
transaction. Every status change is conditional on the status the worker expects, so a
cancel from the API in between wins and is noticed: a conditional UPDATE (rowcount 0), or,
for the batches (`accepted_many`, `completed`), rows read locked before they are written.

Error classes (providers/base.py):
  auth, quota          -> the account is marked (accounts.service) and the job moves on:
                          back to pending without its account, another one will be chosen
  concurrency          -> the account cools down with a lower limit; the job goes back
  output_moderation,
  transient            -> retried after a growing delay, within `RetryPolicy.budget`
                          (output_moderation not where the provider asks: `not_retried`)
  input_moderation,
  invalid              -> the job fails now with the provider's message
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pixsim7 import clock
from pixsim7.accounts import service as accounts_service
from pixsim7.db import update_each
from pixsim7.errors import without_paths
from pixsim7.jobs import service, stages
from pixsim7.jobs.models import Job, ProviderSubmission
from pixsim7.jobs.states import IN_FLIGHT, JobStatus, SubmissionStatus
from pixsim7.providers.base import ErrorClass, Provider

MAX_MESSAGE = 2000
_JOBS = cast(Table, Job.__table__)
_SUBS = cast(Table, ProviderSubmission.__table__)


@dataclass(frozen=True)
class RetryPolicy:
    budget: int = 3  # retries of transient/output-moderation failures per job
    base_delay_s: float = 2.0
    max_delay_s: float = 120.0
    max_attempts: int = 20  # submissions of any kind, so moving between accounts ends

    def delay(self, retries: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.max_delay_s, self.base_delay_s * 2 ** (retries - 1)))


def not_retried(provider: Provider, error_class: ErrorClass) -> bool:
    """Whether the provider asks that a failure of this class be not retried, although the
    class usually is: an output refusal where it says not to retry moderation failures."""
    return (
        error_class is ErrorClass.OUTPUT_MODERATION and not provider.info.retries_output_moderation
    )


def _in_flight(job_id: int, status: JobStatus) -> Any:
    return service.sql_update_job(job_id).where(Job.status == status.value)


async def accepted(
    session: AsyncSession,
    job: Job,
    sub_id: int,
    provider_job_id: str,
    raw: dict[str, Any],
    *,
    next_check_at: dt.datetime,
    runner_id: str | None = None,
    despite_cancel: bool = False,
) -> Job | None:
    """The provider took the attempt: the job is processing (returned as it is now). None
    when it is not, because a cancel was asked for meanwhile: the job stays `submitting`,
    holding its account slot, until the caller has stopped it at the provider and calls
    `cancelled`. `despite_cancel`: processing all the same (the provider cannot be told to
    stop it; it is cancelled when it ends). `job` is the worker's copy, current since its
    claim (nobody else writes a submitting job's row, and a cancel request makes the update
    below miss). `runner_id`: the worker whose process now runs it, for providers whose
    jobs live there (`ProviderInfo.runs_in_worker`)."""
    now = clock.now()
    await session.execute(
        update(ProviderSubmission)
        .where(ProviderSubmission.id == sub_id)
        .values(
            status=SubmissionStatus.ACCEPTED.value,
            provider_job_id=provider_job_id,
            response=_small(raw),
            responded_at=now,
        )
    )
    history = service.noted(
        job, "submitted", account_id=job.account_id, provider_job_id=provider_job_id
    )
    stmt = _in_flight(job.id, JobStatus.SUBMITTING)
    if not despite_cancel:
        stmt = stmt.where(Job.cancel_requested_at.is_(None))
    return await _returning(
        session,
        stmt.values(
            status=JobStatus.PROCESSING.value,
            provider_job_id=provider_job_id,
            submitted_at=now,
            next_check_at=next_check_at,
            runner_id=runner_id,
            lease_owner=None,
            lease_until=None,
            progress=0.0,
            history=history,
            updated_at=now,
        ),
    )


@dataclass(frozen=True)
class Accept:
    """The provider took a claimed job's attempt (see `accepted`)."""

    job: Job  # the worker's copy, current since its claim
    sub_id: int
    provider_job_id: str
    raw: dict[str, Any]
    next_check_at: dt.datetime
    runner_id: str | None = None


async def accepted_many(session: AsyncSession, accepts: Sequence[Accept]) -> list[Job | None]:
    """`accepted` for several jobs, in one statement per table (run once per row): each
    job as written, or None where a cancel was asked for meanwhile (that job stays
    `submitting` for the caller to stop at the provider)."""
    jobs = _JOBS
    ready = (
        select(jobs.c.id)
        .where(
            jobs.c.id.in_([a.job.id for a in accepts]),
            jobs.c.status == JobStatus.SUBMITTING.value,
            jobs.c.cancel_requested_at.is_(None),
        )
        .order_by(jobs.c.id)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        ready = ready.with_for_update()  # a cancel asked for now waits for this commit
    ok = set(await session.scalars(ready))
    now = clock.now()
    # Every attempt's answer is recorded, a cancelled job's too (the provider has it).
    subs = [
        (
            a.sub_id,
            {
                "status": SubmissionStatus.ACCEPTED.value,
                "provider_job_id": a.provider_job_id,
                "response": _small(a.raw),
                "responded_at": now,
            },
        )
        for a in accepts
    ]
    rows: list[tuple[int, dict[str, Any]]] = []
    for a in accepts:
        if a.job.id not in ok:
            continue
        values = {
            "status": JobStatus.PROCESSING.value,
            "provider_job_id": a.provider_job_id,
            "submitted_at": now,
            "next_check_at": a.next_check_at,
            "runner_id": a.runner_id,
            "lease_owner": None,
            "lease_until": None,
            "progress": 0.0,
            "history": service.noted(
                a.job, "submitted", account_id=a.job.account_id, provider_job_id=a.provider_job_id
            ),
            "updated_at": now,
        }
        rows.append((a.job.id, values))
        for key, value in values.items():
            set_committed_value(a.job, key, value)
    await update_each(session, _SUBS, subs)
    await update_each(session, jobs, rows)
    return [a.job if a.job.id in ok else None for a in accepts]


async def _returning(session: AsyncSession, stmt: Any) -> Job | None:
    """Run a conditional job UPDATE; the job as updated, or None when it did not match."""
    stmt = stmt.returning(Job).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalars().first()


async def cancelled(
    session: AsyncSession,
    job_id: int,
    *,
    provider_job_id: str | None = None,
    warning: str | None = None,
) -> list[Job]:
    """A cancel asked for while the provider had (or was being sent) the job takes effect:
    the call returned, or the provider finished a job it could not be told to stop. The
    job ends cancelled (keeping the provider's job id), its credits go back to the
    account, its slot frees, its dependents fail. Returns the jobs changed; empty when no
    cancel was asked for or the job is no longer in flight."""
    job = await service.reload(session, job_id, lock=True)
    if job is None or job.status not in IN_FLIGHT or job.cancel_requested_at is None:
        return []
    was = job.status
    now = clock.now()
    await session.execute(
        _in_flight(job_id, JobStatus(was)).values(
            {
                **service.ending(JobStatus.CANCELLED, now),
                "provider_job_id": provider_job_id or job.provider_job_id,
                "reserved_credits": 0.0,
            }
        )
    )
    if job.account_id is not None and job.reserved_credits and job.credit_type:
        await accounts_service.release_credits(
            session, job.account_id, job.credit_type, job.reserved_credits
        )
    await session.refresh(job)
    sub = await latest_submission(session, job_id)
    if sub is not None:
        sub.status = SubmissionStatus.CANCELLED.value
        sub.finished_at = now
    service.note(job, "cancelled", was=was, provider_job_id=job.provider_job_id)
    stages.stage("cancelled", job, was=was)
    if warning:
        service.note(job, "not cancelled at the provider", warning=warning)
    return [job, *await service.fail_dependents(session, job)]


@dataclass(frozen=True)
class Done:
    """A job the provider finished with an output: `job` as read (locked, processing) in
    this transaction, `sub` its latest submission."""

    job: Job
    result_url: str | None
    asset_id: int | None
    sub: ProviderSubmission | None


async def completed(session: AsyncSession, done: Sequence[Done]) -> None:
    """The jobs completed: one statement per table for the lot (run once per row). The
    caller read the jobs locked and processing in this transaction, so each update
    applies; the job objects are left as written."""
    if not done:
        return
    now = clock.now()
    job_rows: list[tuple[int, dict[str, Any]]] = []
    sub_rows: list[tuple[int, dict[str, Any]]] = []
    took: dict[int, tuple[int, float]] = {}
    for d in done:
        job = d.job
        values = {
            **service.ending(JobStatus.COMPLETED, now),
            "result_url": d.result_url,
            "asset_id": d.asset_id,
            "progress": 1.0,
            "actual_credits": job.estimated_credits,
            "reserved_credits": 0.0,
            "history": service.noted(job, "completed"),
        }
        job_rows.append((job.id, values))
        for key, value in values.items():
            set_committed_value(job, key, value)
        if d.sub is not None:
            sub_values: dict[str, Any] = {
                "status": SubmissionStatus.SUCCEEDED.value,
                "finished_at": now,
                "credits": job.estimated_credits,
            }
            sub_rows.append((d.sub.id, sub_values))
            for key, value in sub_values.items():
                set_committed_value(d.sub, key, value)
        if job.account_id is not None:
            jobs, seconds = took.get(job.account_id, (0, 0.0))
            took[job.account_id] = (
                jobs + 1,
                seconds + (now - (job.submitted_at or now)).total_seconds(),
            )
    await update_each(session, _JOBS, job_rows)
    await update_each(session, _SUBS, sub_rows)
    await accounts_service.record_successes(session, took)


async def failed(
    session: AsyncSession,
    job: Job,
    error_class: ErrorClass,
    message: str,
    *,
    expect: JobStatus,
    policy: RetryPolicy,
    retry_after: float | None = None,
    final: bool = False,
) -> list[Job]:
    """Apply the error class to the job and its account; returns every job changed
    (dependents that fail with it included). Empty when the job changed meanwhile.
    `final`: fail whatever the class (nothing left that a new attempt could fix)."""
    now = clock.now()
    message = without_paths(message)[:MAX_MESSAGE]  # users read it: no internal file names
    account_id = job.account_id
    retries = job.retries
    values: dict[str, Any] = {"provider_job_id": None, "reserved_credits": 0.0}
    # A cancel was asked for while the provider had the job: its failure ends it cancelled.
    cancelling = job.cancel_requested_at is not None
    final = final or cancelling or error_class in (ErrorClass.INPUT_MODERATION, ErrorClass.INVALID)
    if not final and error_class in (ErrorClass.TRANSIENT, ErrorClass.OUTPUT_MODERATION):
        retries += 1
        final = retries > policy.budget
        values["retries"] = retries
        values["run_after"] = now + policy.delay(retries)
    elif error_class is ErrorClass.CONCURRENCY and retry_after:
        values["run_after"] = now + dt.timedelta(seconds=retry_after)
    final = final or job.attempts >= policy.max_attempts
    if cancelling:
        values |= service.ending(JobStatus.CANCELLED, now)
    elif final:
        values |= service.ending(
            JobStatus.FAILED, now, error_class=error_class.value, error_message=message
        )
    else:  # the attempt's error goes to the history; the job has no outcome yet
        values |= _requeued(now)
    if not final:
        values["account_id"] = None  # (a job that ended keeps where it ran, for the record)
    result = await session.execute(_in_flight(job.id, expect).values(values))
    if not result.rowcount:  # type: ignore[attr-defined]
        return []
    if account_id is not None:
        # Lock order everywhere: job, then account, then its credits (as the claim does),
        # so concurrent workers never deadlock on PostgreSQL.
        await accounts_service.record_failure(
            session, account_id, error_class, message, retry_after
        )
        if job.reserved_credits and job.credit_type:
            await accounts_service.release_credits(
                session, account_id, job.credit_type, job.reserved_credits
            )
    await session.refresh(job)
    sub = await latest_submission(session, job.id)
    if sub is not None and sub.finished_at is None:
        sub.status = (
            SubmissionStatus.REJECTED.value
            if sub.status == SubmissionStatus.SUBMITTING
            else SubmissionStatus.FAILED.value
        )
        sub.error_class = error_class.value
        sub.error_message = message
        sub.finished_at = now
    verb = "cancelled" if cancelling else "failed" if final else "requeued"
    service.note(job, verb, error_class=error_class.value, message=message, account_id=account_id)
    stages.failed(job, error_class.value, message, verb=verb, account_id=account_id)
    changed = [job]
    if final:
        changed += await service.fail_dependents(session, job)
    else:
        job.wait_reason = _why_requeued(error_class, account_id, job.run_after)
    return changed


async def output_not_stored(
    session: AsyncSession,
    job: Job,
    error_class: ErrorClass,
    message: str,
    *,
    policy: RetryPolicy,
) -> list[Job]:
    """The provider made the output but it could not be taken in. The generation is done
    and paid for, so it is never submitted again: a transient failure (network, the
    provider's storage) is retried as a download at the next checks, within the retry
    budget; anything else, or an exhausted budget, fails the job."""
    tries = sum(1 for e in job.history or [] if e.get("event") == "output retry") + 1
    if error_class is ErrorClass.TRANSIENT and tries <= policy.budget:
        now = clock.now()
        result = await session.execute(
            _in_flight(job.id, JobStatus.PROCESSING).values(
                lease_owner=None,
                lease_until=None,
                next_check_at=now + policy.delay(tries),
                updated_at=now,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return []
        await session.refresh(job)
        note = without_paths(message)[:MAX_MESSAGE]
        service.note(job, "output retry", attempt=tries, message=note)
        return [job]
    return await failed(
        session,
        job,
        error_class,
        f"output not stored: {message}",
        expect=JobStatus.PROCESSING,
        policy=policy,
        final=True,
    )


def _requeued(now: dt.datetime) -> dict[str, Any]:
    """A job in flight goes back to the queue: pending, holding nothing, no error of its
    own (the attempt's is in its history and submission)."""
    return {
        "status": JobStatus.PENDING.value,
        "progress": None,
        "lease_owner": None,
        "lease_until": None,
        "next_check_at": None,
        "error_class": None,
        "error_message": None,
        "updated_at": now,
    }


async def interrupted(
    session: AsyncSession, job: Job, message: str, *, policy: RetryPolicy
) -> list[Job]:
    """The provider lost the job through no fault of the job's (`ProviderStatus.LOST`: our
    own renderer restarted or crashed). It goes back to the queue at once and is submitted
    again without using its retry budget; `policy.max_attempts` still bounds the
    submissions, so a renderer that dies on every try cannot loop forever."""
    if job.attempts >= policy.max_attempts:
        return await failed(
            session,
            job,
            ErrorClass.TRANSIENT,
            f"{message}; stopped after {job.attempts} attempts",
            expect=JobStatus.PROCESSING,
            policy=policy,
            final=True,
        )
    now = clock.now()
    account_id = job.account_id
    values = {**_requeued(now), "account_id": None, "provider_job_id": None}
    values["reserved_credits"] = 0.0
    result = await session.execute(_in_flight(job.id, JobStatus.PROCESSING).values(values))
    if not result.rowcount:  # type: ignore[attr-defined]
        return []
    if account_id is not None and job.reserved_credits and job.credit_type:
        await accounts_service.release_credits(
            session, account_id, job.credit_type, job.reserved_credits
        )
    await session.refresh(job)
    sub = await latest_submission(session, job.id)
    if sub is not None and sub.finished_at is None:
        sub.status = SubmissionStatus.LOST.value
        sub.error_message = message
        sub.finished_at = now
    service.note(job, "interrupted", message=message, account_id=account_id)
    stages.stage("requeued", job, message=message, account_id=account_id, interrupted=True)
    job.wait_reason = "sent again: its last attempt was interrupted (not counted as a failure)"
    return [job]


def _why_requeued(cls: ErrorClass, account_id: int | None, run_after: dt.datetime | None) -> str:
    if cls in (ErrorClass.AUTH, ErrorClass.QUOTA):
        return f"moving off account {account_id} ({cls.value})"
    if cls is ErrorClass.CONCURRENCY:
        return f"account {account_id} at its limit; retrying"
    when = run_after.isoformat(timespec="seconds") if run_after else "soon"
    return f"retrying after {cls.value} error at {when}"


async def latest_submission(session: AsyncSession, job_id: int) -> ProviderSubmission | None:
    stmt = (
        select(ProviderSubmission)
        .where(ProviderSubmission.job_id == job_id)
        .order_by(ProviderSubmission.attempt.desc(), ProviderSubmission.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def latest_submissions(
    session: AsyncSession, job_ids: Sequence[int]
) -> dict[int, ProviderSubmission]:
    """Each job's latest submission, in one query."""
    top = (
        select(func.max(ProviderSubmission.id))
        .where(ProviderSubmission.job_id.in_(job_ids))
        .group_by(ProviderSubmission.job_id)
    )
    rows = await session.scalars(select(ProviderSubmission).where(ProviderSubmission.id.in_(top)))
    return {sub.job_id: sub for sub in rows}


def _small(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep responses small in the DB; a full provider answer can be large."""
    text = str(raw)
    return raw if len(text) <= 4000 else {"truncated": text[:4000]}

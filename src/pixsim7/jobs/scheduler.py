"""Claim a job and submit it to its provider, exactly once per attempt.

Order of writes, which is what makes a crash safe:
  1. one transaction: claim (job -> submitting, lease, account chosen), reserve credits,
     write the ProviderSubmission row with its idempotency key; commit.
  2. call provider.submit.
  3. one transaction: submission accepted, job -> processing (or the error's handling).
A worker that dies between 1 and 3 leaves a `submitting` job whose lease runs out;
`recover` then asks the provider whether the attempt exists (`find_submission`) before
submitting again. Where the provider cannot tell (Pixverse's platform API), it submits
again once and says on the job and the submission that it may have been charged twice.
A call whose connection broke after the request went out (`ProviderError.in_doubt`) is
in the same doubt, and is settled the same way at once.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts import refresh
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.jobs import claim, handover, messages, outcomes, service, stages
from pixsim7.jobs.models import Job, ProviderSubmission
from pixsim7.jobs.runtime import Runtime, transaction
from pixsim7.jobs.states import JobStatus, SubmissionStatus
from pixsim7.logging import get_logger
from pixsim7.providers.base import (
    AccountContext,
    ErrorClass,
    OperationType,
    Provider,
    ProviderError,
    SubmitRequest,
    SubmitResult,
)
from pixsim7.providers.comfyui import service as comfyui_service

log = get_logger(__name__)
MAX_SETTLES = 3  # in-doubt submits settled in a row before the job is retried as transient


@dataclass
class Attempt:
    """A claimed job with its submission row and account, as committed by the claim
    (handed to `submit` as they are: reading them again would cost three queries)."""

    job: Job
    sub: ProviderSubmission
    account: ProviderAccount | None


async def claim_batch(rt: Runtime, limit: int) -> list[Attempt]:
    """Step 1 for up to `limit` jobs: claim them with their accounts and reserved credits,
    and write their submission rows; one transaction."""
    async with rt.db.sessionmaker() as session:
        # Begin first: on SQLite that waits for the write lock, so `now` is not older than
        # what was committed meanwhile (the jobs' started_at is read again in the claim).
        await session.connection()
        now = clock.now()
        taken = await claim.claim_jobs(
            session,
            worker_id=rt.worker_id,
            now=now,
            lease_until=rt.lease_until(),
            strategies=rt.strategies,
            limit=limit,
        )
        if not taken:
            await session.rollback()
            return []
        # The claim counted this attempt on each job.
        subs = [_submission(c.job, c.account_id, may_be_duplicate=False) for c in taken]
        session.add_all(subs)
        ids = {c.account_id for c in taken}
        accounts = {
            a.id: a
            for a in await session.scalars(
                select(ProviderAccount).where(ProviderAccount.id.in_(ids))
            )
        }
        await session.commit()
    for c in taken:
        wait = stages.since(c.job.created_at, now)
        stages.stage("claimed", c.job, seconds=wait, attempt=c.job.attempts, worker_id=rt.worker_id)
    await rt.emit([c.job for c in taken])
    rt.touch(*ids)
    return [
        Attempt(c.job, sub, accounts.get(c.account_id)) for c, sub in zip(taken, subs, strict=True)
    ]


def _new_submission(job: Job, account_id: int, *, may_be_duplicate: bool) -> ProviderSubmission:
    job.attempts += 1
    return _submission(job, account_id, may_be_duplicate=may_be_duplicate)


def _submission(job: Job, account_id: int, *, may_be_duplicate: bool) -> ProviderSubmission:
    """The row of the job's attempt number `job.attempts`."""
    return ProviderSubmission(
        job_id=job.id,
        account_id=account_id,
        attempt=job.attempts,
        idempotency_key=f"pixsim7-{job.id}-{job.attempts}-{secrets.token_hex(6)}",
        status=SubmissionStatus.SUBMITTING.value,
        payload={
            "operation": job.operation_type,
            "params": job.params,
            "inputs": job.inputs or [],
        },
        may_be_duplicate=may_be_duplicate,
        started_at=clock.now(),
    )


async def _request(
    rt: Runtime, job: Job, sub: ProviderSubmission, provider: Provider, ctx: AccountContext
) -> SubmitRequest:
    spec = provider.operation(job.operation_type)
    if spec is None:
        raise ProviderError(
            f"{provider.info.name} no longer offers {job.operation_type}",
            error_class=ErrorClass.INVALID,
        )
    return SubmitRequest(
        operation=OperationType(job.operation_type),
        params=job.params,
        inputs=await handover.prepare_inputs(rt, job, provider, ctx),
        idempotency_key=sub.idempotency_key,
        extra=await _extra(rt, job),
    )


async def _extra(rt: Runtime, job: Job) -> dict[str, Any]:
    """What the owner registered for this provider: a ComfyUI workflow of their own for this
    operation replaces the shipped template."""
    if job.provider_id != "comfyui":
        return {}
    async with rt.db.sessionmaker() as session:
        row = await comfyui_service.get_for(session, job.owner_id, job.operation_type)
        return {"workflow": row.workflow} if row is not None else {}


async def submit(rt: Runtime, attempt: Attempt) -> None:
    """Steps 2 and 3 for a claimed attempt."""
    async with rt.db.sessionmaker() as session:
        job, sub, account = attempt.job, attempt.sub, attempt.account
        # Attached to this session without a query; no transaction is open across the
        # provider call (on SQLite that would hold the write lock).
        session.add_all([job, sub])
        provider = rt.provider(job.provider_id)
        if account is None:
            err = ProviderError("account deleted", error_class=ErrorClass.AUTH)
            await _on_error(rt, session, job, provider, err, expect=JobStatus.SUBMITTING)
            return
        ctx = accounts_service.context(account, rt.settings)
        stages.stage("submitting", job, attempt=sub.attempt)
        try:
            result = await _submit(rt, job, sub, provider, ctx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await _failed_submit(rt, session, job, sub, provider, ctx, exc)
            return
        await _accept(rt, session, job, sub, provider, result.provider_job_id, result.raw)


async def _failed_submit(
    rt: Runtime,
    session: AsyncSession,
    job: Job,
    sub: ProviderSubmission,
    provider: Provider,
    ctx: AccountContext,
    exc: Exception,
    *,
    settled: int = 0,
) -> None:
    if isinstance(exc, ProviderError) and exc.in_doubt and settled < MAX_SETTLES:
        log.info("submit in doubt", job_id=job.id, message=exc.message)
        service.note(job, "submit in doubt", message=exc.message)
        await _settle(rt, session, job, sub, provider, ctx, settled=settled + 1)
    else:
        await _on_error(rt, session, job, provider, exc, expect=JobStatus.SUBMITTING)


async def _submit(
    rt: Runtime, job: Job, sub: ProviderSubmission, provider: Provider, ctx: AccountContext
) -> SubmitResult:
    """Submit; when the provider calls a request invalid that reused inputs uploaded
    earlier, their remote ids may have expired there: upload them again and retry once
    (a refused request is not charged)."""
    request = await _request(rt, job, sub, provider, ctx)
    try:
        return await provider.submit(ctx, request)
    except ProviderError as exc:
        if provider.classify(exc) is not ErrorClass.INVALID or not await handover.forget_cached(
            rt, request.inputs, provider, ctx
        ):
            raise
        log.info("cached inputs refused; uploading again", job_id=job.id, message=exc.message)
        service.note(job, "inputs uploaded again", reason=exc.message)
    return await provider.submit(ctx, await _request(rt, job, sub, provider, ctx))


async def _accept(
    rt: Runtime,
    session: AsyncSession,
    job: Job,
    sub: ProviderSubmission,
    provider: Provider,
    provider_job_id: str,
    raw: dict[str, Any],
) -> None:
    """Record the provider's acceptance, with those of the worker's other submit calls
    answered meanwhile (retried if PostgreSQL picks it as a deadlock victim: losing it
    would leave a charged attempt looking unanswered)."""
    await session.commit()
    job_id, sub_id = job.id, sub.id
    runner_id = rt.worker_id if provider.info.runs_in_worker else None
    done = await rt.accepts(
        outcomes.Accept(job, sub_id, provider_job_id, raw, rt.first_check(provider), runner_id)
    )
    if done is None:
        # Cancelled while we were submitting: stopped at the provider before the account
        # slot frees here, so the next job cannot find the provider's slot still taken.
        warning = await _cancel_remote(rt, session, job, provider, provider_job_id)
        if warning is None:
            await _cancel_if_asked(rt, job_id, provider_job_id=provider_job_id)
            return

        # It cannot be stopped there: it runs (and is polled, holding its slot) until the
        # provider finishes it, and is cancelled then.
        async def anyway(tx: AsyncSession) -> Job | None:
            current = await service.reload(tx, job_id, lock=True)
            if current is None:
                return None
            service.note(current, "not cancelled at the provider", warning=warning)
            return await outcomes.accepted(
                tx,
                current,
                sub_id,
                provider_job_id,
                raw,
                next_check_at=rt.first_check(provider),
                runner_id=runner_id,
                despite_cancel=True,
            )

        done = await transaction(rt, anyway)
        if done is None:
            return
    stages.submitted(done, sub.started_at, provider_job_id)
    await service.emit(rt.bus, done)
    rt.wake_poller.set()


async def _cancel_remote(
    rt: Runtime, session: AsyncSession, job: Job, provider: Provider, provider_job_id: str
) -> str | None:
    """Stop the job at the provider; returns a warning when that cannot be done."""
    await session.commit()  # read below without holding a write transaction open
    async with rt.db.reader() as reader:
        account = await reader.get(ProviderAccount, job.account_id) if job.account_id else None
    if account is None:
        return "its account is gone: the job may run on at the provider"
    ctx = accounts_service.context(account, rt.settings)
    if (warning := service.cannot_stop(provider, ctx)) is not None:
        return warning
    try:
        await provider.cancel(ctx, provider_job_id)
    except Exception as exc:
        log.warning("provider cancel failed", job_id=job.id, error=str(exc))
        return f"the provider's cancel failed ({exc}): the job may run on there"
    return None


async def _on_error(
    rt: Runtime,
    session: AsyncSession,
    job: Job,
    provider: Provider,
    exc: Exception,
    *,
    expect: JobStatus,
) -> None:
    cls = provider.classify(exc)
    message = messages.plain(exc, step="submitting it", job_id=job.id)
    retry_after = exc.retry_after if isinstance(exc, ProviderError) else None
    log.info("provider call failed", job_id=job.id, error_class=cls.value, message=message)
    await session.commit()
    job_id, account_id = job.id, job.account_id
    rt.touch(account_id)

    async def work(tx: AsyncSession) -> list[Job]:
        # Locked: a cancel asked for now must not slip in between this read and the update.
        current = await service.reload(tx, job_id, lock=True)
        assert current is not None
        return await outcomes.failed(
            tx,
            current,
            cls,
            message,
            expect=expect,
            policy=rt.config.retry,
            retry_after=retry_after,
            final=outcomes.not_retried(provider, cls),
        )

    await rt.emit(await transaction(rt, work))
    if cls is ErrorClass.QUOTA and account_id is not None:
        # The provider says the balance falls short: read what it is (what is left may
        # still pay for cheaper jobs, and lifts `exhausted` again).
        every = rt.config.balance_after_jobs_s
        await refresh.refresh(rt.db, rt.registry, rt.settings, every=every, ids=[account_id])
    rt.wake_scheduler.set()


async def recover(rt: Runtime) -> bool:
    """Take over one `submitting` job of a dead worker. Returns whether there was one."""
    async with rt.db.sessionmaker() as session:
        job_id = await claim.claim_expired(
            session,
            worker_id=rt.worker_id,
            now=clock.now(),
            lease_until=rt.lease_until(),
            silent_for=rt.silent_for,
        )
        await session.commit()
        if job_id is None:
            return False
        job = await session.get(Job, job_id)
        sub = await outcomes.latest_submission(session, job_id)
        assert job is not None
        account = await session.get(ProviderAccount, job.account_id) if job.account_id else None
        provider = rt.provider(job.provider_id)
        if sub is None or account is None or sub.status != SubmissionStatus.SUBMITTING:
            err = ProviderError("lost its account or attempt", error_class=ErrorClass.TRANSIENT)
            await _on_error(rt, session, job, provider, err, expect=JobStatus.SUBMITTING)
            return True
        ctx = accounts_service.context(account, rt.settings)
        await session.commit()
        await _settle(rt, session, job, sub, provider, ctx)
        return True


async def _settle(
    rt: Runtime,
    session: AsyncSession,
    job: Job,
    sub: ProviderSubmission,
    provider: Provider,
    ctx: AccountContext,
    *,
    settled: int = 0,
) -> None:
    """An attempt in doubt (its worker died mid-call, or the connection broke after the
    request went out): ask the provider whether it has it before submitting again; where
    it cannot be asked, submit again once and say it may have been charged twice."""
    try:
        request = await _request(rt, job, sub, provider, ctx)
        if provider.can_find_submissions(ctx):
            found = await provider.find_submission(ctx, request, sub.started_at.timestamp())
            if found is not None:
                service.note(job, "recovered", provider_job_id=found, how="found at provider")
                await _accept(rt, session, job, sub, provider, found, {"recovered": True})
                return
            if await _cancel_if_asked(rt, job.id):
                return
            sub.status = SubmissionStatus.LOST.value
            sub.finished_at = clock.now()
            again = _new_submission(job, ctx.id, may_be_duplicate=False)
            service.note(job, "recovered", how="provider never got it; submitting again")
        else:
            warning = "the cut-off attempt may have reached the provider and may be charged"
            if await _cancel_if_asked(rt, job.id, warning=warning):
                return
            if await _in_doubt_before(session, job.id):
                raise ProviderError(
                    "the provider cannot say whether an in-doubt attempt exists and one "
                    "resubmission was in doubt too; not submitting a third time",
                    error_class=ErrorClass.INVALID,
                )
            sub.status = SubmissionStatus.LOST.value
            sub.may_be_duplicate = True
            sub.finished_at = clock.now()
            again = _new_submission(job, ctx.id, may_be_duplicate=True)
            service.note(
                job,
                "resubmitted",
                warning="an attempt was cut off mid-submit and this provider cannot be asked "
                "whether it got it: submitted again once; it may have been charged twice",
            )
        session.add(again)
        await session.commit()
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        await _on_error(rt, session, job, provider, exc, expect=JobStatus.SUBMITTING)
        return
    stages.stage("submitting", job, attempt=again.attempt, resubmitted=True)
    try:
        result = await provider.submit(ctx, await _request(rt, job, again, provider, ctx))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # in doubt again: settled again, a bounded number of times
        await _failed_submit(rt, session, job, again, provider, ctx, exc, settled=settled)
        return
    await _accept(rt, session, job, again, provider, result.provider_job_id, result.raw)


async def _cancel_if_asked(
    rt: Runtime, job_id: int, *, provider_job_id: str | None = None, warning: str | None = None
) -> bool:
    """Carry out a cancel asked for while the job was submitting. Returns whether there
    was one."""

    async def work(tx: AsyncSession) -> list[Job]:
        return await outcomes.cancelled(
            tx, job_id, provider_job_id=provider_job_id, warning=warning
        )

    changed = await transaction(rt, work)
    await rt.emit(changed)
    if changed:
        rt.touch(changed[0].account_id)
        rt.wake_scheduler.set()
    return bool(changed)


async def _in_doubt_before(session: AsyncSession, job_id: int) -> bool:
    stmt = select(ProviderSubmission.id).where(
        ProviderSubmission.job_id == job_id, ProviderSubmission.may_be_duplicate.is_(True)
    )
    return (await session.scalars(stmt)).first() is not None

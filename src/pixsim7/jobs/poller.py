"""Polling processing jobs: one call per account where the provider lists many jobs at once
(ProviderInfo.list_polling), else one per job; backoff bounded; per-provider timeout.

A round leases the due jobs (claim.claim_due_polls), asks the providers with no
transaction open, then applies every answer in one transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pixsim7 import clock
from pixsim7.accounts import refresh
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.jobs import claim, handover, messages, outcomes, stages
from pixsim7.jobs.models import Job, ProviderSubmission
from pixsim7.jobs.runtime import Runtime, transaction
from pixsim7.jobs.states import JobStatus
from pixsim7.logging import get_logger
from pixsim7.providers.base import (
    PROVIDER_TERMINAL,
    AccountContext,
    ErrorClass,
    PollResult,
    Provider,
    ProviderError,
    ProviderStatus,
)
from pixsim7.quotas import service as quotas_service

log = get_logger(__name__)
Answers = dict[str, PollResult] | BaseException


@dataclass
class _Batch:
    """A round's common outcomes, written with one statement each (run once per row)."""

    done: list[outcomes.Done] = field(default_factory=list)
    waiting: list[dict[str, Any]] = field(default_factory=list)  # still running: next check

    async def write(self, session: AsyncSession) -> None:
        await outcomes.completed(session, self.done)
        if self.waiting:
            jobs = cast(Table, Job.__table__)
            await session.execute(
                update(jobs)
                .where(jobs.c.id == bindparam("w_id"))
                .values(
                    progress=bindparam("w_progress"),
                    next_check_at=bindparam("w_next"),
                    lease_owner=None,
                    lease_until=None,
                ),
                self.waiting,
            )


class Poller:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._limit = asyncio.Semaphore(rt.config.poll_concurrency)

    async def round(self) -> int:
        """Poll every due job once; returns how many were polled."""
        rt = self.rt
        if not (await rt.due()).polls:
            return 0
        async with rt.db.sessionmaker() as session:
            ids = await claim.claim_due_polls(
                session,
                worker_id=rt.worker_id,
                now=clock.now(),
                lease_until=rt.lease_until(),
                silent_for=rt.silent_for,
                limit=rt.config.poll_batch,
            )
            if not ids:
                await session.rollback()
                return 0
            jobs = list((await session.scalars(select(Job).where(Job.id.in_(ids)))).all())
            account_ids = {j.account_id for j in jobs if j.account_id is not None}
            accounts = {
                a.id: a
                for a in (
                    await session.scalars(
                        select(ProviderAccount).where(ProviderAccount.id.in_(account_ids))
                    )
                ).all()
            }
            more = await self._whole_accounts(session, accounts, len(ids))
            if more:
                ids += more
                jobs += (await session.scalars(select(Job).where(Job.id.in_(more)))).all()
            await session.commit()
            groups: dict[tuple[str, int], list[Job]] = defaultdict(list)
            for job in jobs:
                groups[(job.provider_id, job.account_id or 0)].append(job)
            keys = list(groups)
            answers = await asyncio.gather(
                *(self._ask(k[0], accounts.get(k[1]), groups[k]) for k in keys),
                return_exceptions=True,
            )
            outputs = await self._ingest(groups, answers, accounts)
        answer_of = {
            job.id: answer for key, answer in zip(keys, answers, strict=True) for job in groups[key]
        }
        # Accounts are locked in ascending order in every round, so rounds of different
        # workers cannot deadlock on them.
        order = sorted(jobs, key=lambda j: (j.account_id or 0, j.id))

        async def apply(tx: AsyncSession) -> list[Job]:
            # The round's jobs read afresh and locked (PostgreSQL; SQLite's write
            # transaction holds the whole database): a cancel asked for meanwhile waits
            # for this transaction, and the batched updates below apply to every row.
            stmt = (
                select(Job)
                .where(Job.id.in_(ids))
                .order_by(Job.id)
                .execution_options(populate_existing=True)
            )
            if rt.db.dialect == "postgresql":
                stmt = stmt.with_for_update()
            current = {job.id: job for job in await tx.scalars(stmt)}
            subs = await outcomes.latest_submissions(tx, ids)
            batch = _Batch()
            changed: list[Job] = []
            for stale in order:
                job = current.get(stale.id)
                if job is None or job.status != JobStatus.PROCESSING:
                    continue  # ended meanwhile (a cancel that could be carried out)
                if await self._apply(
                    tx, job, answer_of[job.id], outputs.get(job.id), subs.get(job.id), batch
                ):
                    changed.append(job)
            await batch.write(tx)
            return changed

        changed = await transaction(rt, apply)
        done = [j for j in changed if j.status == JobStatus.COMPLETED]
        for job in done:
            stages.completed(job)  # (before anything awaited: a stop may cut the round)
        await rt.emit(changed)
        rt.touch(*(j.account_id for j in jobs))
        await self._count_credits(done)
        finished_accounts = {
            j.account_id
            for j in changed
            if j.account_id is not None and j.status in (JobStatus.COMPLETED, JobStatus.FAILED)
        }
        if finished_accounts or changed:
            rt.wake_scheduler.set()
        if finished_accounts:
            await self._reconcile(finished_accounts)
            rt.touch(*finished_accounts)  # their balances came back from the provider
        return len(ids)

    async def _whole_accounts(
        self, session: AsyncSession, accounts: dict[int, ProviderAccount], taken: int
    ) -> list[int]:
        """Where the provider lists an account's jobs in one call, that call answers for all
        of them: the account's other running jobs join the round, due or not. Each job's
        own schedule would otherwise bring a call of its own (jobs submitted at different
        times are due at different times)."""
        rt = self.rt
        room = rt.config.poll_batch - taken
        if not rt.config.poll_whole_accounts or room <= 0:
            return []
        listing = [a.id for a in accounts.values() if self._lists(a)]
        return await claim.claim_account_polls(
            session,
            account_ids=sorted(listing),
            worker_id=rt.worker_id,
            now=clock.now(),
            lease_until=rt.lease_until(),
            silent_for=rt.silent_for,
            limit=room,
        )

    def _lists(self, account: ProviderAccount) -> bool:
        provider = self.rt.registry.get(account.provider_id)
        try:
            return provider is not None and provider.lists_jobs(
                accounts_service.context(account, self.rt.settings)
            )
        except Exception:  # unreadable credentials: its own call fails and says so
            return False

    async def _count_credits(self, done: Sequence[Job]) -> None:
        """Spent credits into each owner's daily usage: its own short transaction, since
        every completion of a user touches the same row."""
        spent: dict[int, float] = defaultdict(float)
        for job in done:
            spent[job.owner_id] += job.estimated_credits
        spent = {user: amount for user, amount in spent.items() if amount}
        if not spent:
            return

        async def work(tx: AsyncSession) -> None:
            for user_id in sorted(spent):
                await quotas_service.record_credits(tx, user_id, spent[user_id])

        await transaction(self.rt, work)

    async def _ask(
        self, provider_id: str, account: ProviderAccount | None, jobs: Sequence[Job]
    ) -> dict[str, PollResult]:
        if account is None:
            raise ProviderError("account deleted", error_class=ErrorClass.AUTH)
        provider = self.rt.provider(provider_id)
        ctx = accounts_service.context(account, self.rt.settings)
        ids = [j.provider_job_id for j in jobs if j.provider_job_id]
        if provider.info.list_polling:
            async with self._limit:
                return await provider.poll(ctx, ids)
        parts = await asyncio.gather(*(self._one(provider, ctx, i) for i in ids))
        return {k: v for part in parts for k, v in part.items()}

    async def _ingest(
        self,
        groups: dict[tuple[str, int], list[Job]],
        answers: Sequence[Answers],
        accounts: dict[int, ProviderAccount],
    ) -> dict[int, int | BaseException]:
        """Outputs of succeeded jobs into the asset library, before the round's transaction
        (the pipeline writes in its own sessions)."""
        todo: list[tuple[Job, PollResult, ProviderAccount]] = []
        if not self.rt.config.ingest:
            return {}
        for (_, account_id), answer in zip(groups, answers, strict=True):
            account = accounts.get(account_id)
            if isinstance(answer, BaseException) or account is None:
                continue
            for job in groups[(_, account_id)]:
                result = answer.get(job.provider_job_id or "")
                if job.cancel_requested_at is not None:
                    continue  # cancelled when it ends: its output is not kept
                if result is not None and result.status is ProviderStatus.SUCCEEDED:
                    todo.append((job, result, account))
        outs = await asyncio.gather(*(self._take(*t) for t in todo), return_exceptions=True)
        return {job.id: out for (job, _, _), out in zip(todo, outs, strict=True)}

    async def _take(self, job: Job, result: PollResult, account: ProviderAccount) -> int:
        provider = self.rt.provider(job.provider_id)
        ctx = accounts_service.context(account, self.rt.settings)
        async with self._limit:
            return await handover.take_output(self.rt, job, provider, ctx, result)

    async def _one(
        self, provider: Provider, ctx: AccountContext, provider_job_id: str
    ) -> dict[str, PollResult]:
        async with self._limit:
            return await provider.poll(ctx, [provider_job_id])

    async def _apply(
        self,
        session: AsyncSession,
        job: Job,
        answer: Answers,
        output: int | BaseException | None,
        sub: ProviderSubmission | None,
        batch: _Batch,
    ) -> bool:
        """Apply one job's answer (the common outcomes into `batch`); True if the job
        changed in a way screens should see."""
        rt = self.rt
        provider = rt.provider(job.provider_id)
        now = clock.now()
        result = None
        if isinstance(answer, BaseException):
            log.warning("poll failed", job_id=job.id, error=str(answer))
        else:
            result = answer.get(job.provider_job_id or "")
        if result is not None and result.status in PROVIDER_TERMINAL:
            stages.stage(
                "polled",
                job,
                seconds=stages.since(job.submitted_at, now),
                status=result.status.value,
            )
            if job.cancel_requested_at is not None:  # ran on where it could not be stopped
                changed = await outcomes.cancelled(session, job.id)
                await rt.emit(changed[1:])
                return bool(changed)
            return await self._finish(session, job, result, output, sub, batch)
        started = job.submitted_at or now
        if (now - started).total_seconds() > provider.info.timeout_s:
            await outcomes.failed(
                session,
                job,
                ErrorClass.TRANSIENT,
                f"no result after {provider.info.timeout_s:.0f} s (provider timeout)",
                expect=JobStatus.PROCESSING,
                policy=rt.config.retry,
            )
            return True
        progress = result.progress if result is not None else job.progress
        batch.waiting.append(
            {
                "w_id": job.id,
                "w_progress": progress,
                "w_next": rt.check_at(now + self._interval(provider, now - started)),
            }
        )
        moved = progress is not None and progress != job.progress
        if moved:  # as written by the batch (not a change for the session to flush)
            set_committed_value(job, "progress", progress)
            stages.stage("polled", job, seconds=stages.since(started, now), progress=progress)
        return moved

    def _interval(self, provider: Provider, age: dt.timedelta) -> dt.timedelta:
        """Checks grow sparser while a job is young and stay bounded: a tenth of its age,
        between the first check delay and the provider's interval (or our cap)."""
        cfg = self.rt.config
        low = min(cfg.first_poll_s, provider.info.poll_interval_s)
        high = min(cfg.max_poll_interval_s, max(provider.info.poll_interval_s, low))
        return dt.timedelta(seconds=max(low, min(high, age.total_seconds() / 10)))

    async def _finish(
        self,
        session: AsyncSession,
        job: Job,
        result: PollResult,
        output: int | BaseException | None,
        sub: ProviderSubmission | None,
        batch: _Batch,
    ) -> bool:
        rt = self.rt
        if result.status is ProviderStatus.SUCCEEDED and not isinstance(output, BaseException):
            batch.done.append(outcomes.Done(job, result.output_url, output, sub))
            return True
        if isinstance(output, BaseException):  # the output could not be taken in
            provider = rt.provider(job.provider_id)
            message = messages.plain(output, step="storing its output", job_id=job.id)
            changed = await outcomes.output_not_stored(
                session, job, provider.classify(output), message, policy=rt.config.retry
            )
            await rt.emit(changed[1:])
            return bool(changed)
        if result.status is ProviderStatus.LOST:
            changed = await outcomes.interrupted(
                session,
                job,
                result.error_message or "the provider lost it",
                policy=rt.config.retry,
            )
            await rt.emit(changed[1:])  # dependents, when it failed after too many attempts
            return bool(changed)
        if result.status is ProviderStatus.CANCELLED:
            changed = await outcomes.failed(
                session,
                job,
                ErrorClass.TRANSIENT,
                result.error_message or "cancelled at the provider",
                expect=JobStatus.PROCESSING,
                policy=rt.config.retry,
            )
            return bool(changed)
        # A refusal the adapter did not class is not retried: only one the provider
        # documents as output-side is, and the adapter says so by its class.
        cls = result.error_class or (
            ErrorClass.INPUT_MODERATION
            if result.status is ProviderStatus.FILTERED
            else ErrorClass.TRANSIENT
        )
        provider = rt.provider(job.provider_id)
        changed = await outcomes.failed(
            session,
            job,
            cls,
            result.error_message or f"the provider reports {result.status.value}",
            expect=JobStatus.PROCESSING,
            policy=rt.config.retry,
            final=outcomes.not_retried(provider, cls),
        )
        await rt.emit(changed[1:])  # dependents; the job itself is emitted by the round
        return bool(changed)

    async def _reconcile(self, account_ids: set[int]) -> None:
        """Credits reserved at submit are corrected from the provider's own balance, at
        most every `balance_after_jobs_s` per account across all workers."""
        rt = self.rt
        await refresh.refresh(
            rt.db, rt.registry, rt.settings, every=rt.config.balance_after_jobs_s, ids=account_ids
        )

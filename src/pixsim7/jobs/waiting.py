"""Why a pending job waits, in words a user understands ("all accounts busy", ...).

The claim (claim.py) decides in SQL; this module explains the same rules for display,
computed when a job is created or changed and refreshed by the scheduler while it waits.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.jobs.models import Job, JobCost, JobDependency, QueueState
from pixsim7.jobs.states import IN_FLIGHT, JobStatus
from pixsim7.users.models import User

PAUSED = "queue paused"
NO_CREDITS = "no account with enough credits"
BUSY = "all accounts busy"


async def reason(session: AsyncSession, job: Job) -> str | None:
    """The first thing this job waits for, or None when it can be claimed now."""
    if job.status != JobStatus.PENDING:
        return None
    now = clock.now()
    queue = await session.get(QueueState, job.owner_id)
    if queue is not None and queue.paused:
        return PAUSED
    owner = await session.get(User, job.owner_id)
    running = await session.scalar(
        select(func.count()).where(
            Job.owner_id == job.owner_id, Job.status.in_([s.value for s in IN_FLIGHT])
        )
    )
    if owner is not None and (running or 0) >= owner.max_concurrent_jobs:
        return f"your limit of {owner.max_concurrent_jobs} jobs at once is reached"
    if job.run_after is not None and job.run_after > now:
        return f"scheduled for {job.run_after.isoformat(timespec='seconds')}"
    parent = (
        await session.scalars(
            select(Job.id)
            .join(JobDependency, JobDependency.depends_on_id == Job.id)
            .where(JobDependency.job_id == job.id, Job.status != JobStatus.COMPLETED.value)
            .order_by(Job.id)
            .limit(1)
        )
    ).first()
    if parent is not None:
        return f"waiting for job {parent}"
    return await _account_reason(session, job, now)


async def _account_reason(session: AsyncSession, job: Job, now: object) -> str | None:
    stmt = select(ProviderAccount).where(
        ProviderAccount.provider_id == job.provider_id,
        or_(
            ProviderAccount.owner_id == job.owner_id,
            ProviderAccount.is_shared,
            ProviderAccount.is_builtin,
        ),
    )
    if job.pinned_account_id is not None:
        stmt = stmt.where(ProviderAccount.id == job.pinned_account_id)
    accounts = (await session.scalars(stmt)).all()
    pinned = f"account {job.pinned_account_id}" if job.pinned_account_id else None
    if not accounts:
        return f"waiting for {pinned}" if pinned else f"no {job.provider_id} account"
    usable = [a for a in accounts if _status_ok(a, now)]
    if not usable:
        statuses = sorted({a.status for a in accounts})
        who = pinned or "every account"
        return f"{who} unavailable ({', '.join(statuses)})"
    if job.credit_type:  # the same rule as claim.account_fits_job
        costs = dict(
            (
                await session.execute(
                    select(JobCost.credit_type, JobCost.credits).where(JobCost.job_id == job.id)
                )
            ).all()
        )
        balances = {
            (account_id, pool): amount
            for account_id, pool, amount in (
                await session.execute(
                    select(
                        ProviderCredit.account_id,
                        ProviderCredit.credit_type,
                        ProviderCredit.amount,
                    ).where(ProviderCredit.account_id.in_([a.id for a in usable]))
                )
            ).all()
        }

        def covered(a: ProviderAccount) -> bool:
            price = costs.get(a.credit_pool or "")
            return price is not None and (
                price <= 0 or balances.get((a.id, a.credit_pool or ""), 0) >= price
            )

        usable = [a for a in usable if covered(a)]
        if not usable:
            return f"{NO_CREDITS} ({pinned})" if pinned else NO_CREDITS
    busy = dict(
        (
            await session.execute(
                select(Job.account_id, func.count())
                .where(
                    Job.account_id.in_([a.id for a in usable]),
                    Job.status.in_([s.value for s in IN_FLIGHT]),
                )
                .group_by(Job.account_id)
            )
        ).all()
    )
    if all(busy.get(a.id, 0) >= a.max_concurrent_jobs for a in usable):
        return f"waiting for {pinned} (busy)" if pinned else BUSY
    return None


def _status_ok(account: ProviderAccount, now: object) -> bool:
    if account.status == AccountStatus.ACTIVE:
        return True
    return account.status == AccountStatus.COOLING_DOWN and (
        account.cooldown_until is None or account.cooldown_until <= now  # type: ignore[operator]
    )

"""Why a pending job waits, in words a user understands ("all accounts busy", ...).

The claim (claim.py) decides in SQL; this module explains the same rules for display,
computed when a job is created or changed and refreshed by the worker while it waits.
`reasons` explains a batch of jobs with a fixed number of queries, whatever its size: the
worker re-explains every pending job every few seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.jobs.models import Job, JobCost, JobDependency, QueueState
from pixsim7.jobs.states import IN_FLIGHT, JobStatus
from pixsim7.users.models import User

PAUSED = "queue paused"
NO_CREDITS = "no account with enough credits"
BUSY = "all accounts busy"
_IN_FLIGHT = [s.value for s in IN_FLIGHT]


async def reason(session: AsyncSession, job: Job) -> str | None:
    """The first thing this job waits for, or None when it can be claimed now."""
    return (await reasons(session, [job]))[job.id]


@dataclass
class _Facts:
    """What the rules need to know about the owners and accounts of a batch of jobs, read
    in one go: three queries of plain rows, as this runs at every job creation and the
    worker's refresh runs it every few seconds."""

    now: dt.datetime
    paused: set[int]
    limit: dict[int, int]  # owner -> max concurrent jobs
    running: dict[int, int]  # owner -> jobs in flight
    accounts: Sequence[Row[Any]]  # rows of the columns of ProviderAccount `_account_reason` reads
    # account -> its pool's credits; None: unknown (never read, or not shown: not checked)
    balance: dict[int, float | None] = field(default_factory=dict)
    busy: dict[int, int] = field(default_factory=dict)  # account -> jobs in flight


@dataclass(frozen=True)
class Own:
    """What one job's reason needs of its own: its price per pool and its first dependency
    not completed."""

    costs: Mapping[str, float]
    waiting_on: int | None


async def reasons(session: AsyncSession, jobs: Sequence[Job]) -> dict[int, str | None]:
    pending = [j for j in jobs if j.status == JobStatus.PENDING]
    out: dict[int, str | None] = {j.id: None for j in jobs}
    if pending:
        facts = await _facts(session, pending)
        own = await _own(session, [j.id for j in pending])
        out.update({j.id: _explain(j, facts, own.get(j.id, _NOTHING)) for j in pending})
    return out


async def reasons_for_new(
    session: AsyncSession, jobs: Sequence[Job], own: Sequence[Own]
) -> list[str | None]:
    """`reasons` for jobs not yet written, whose prices and dependencies the caller
    already knows (two queries fewer)."""
    facts = await _facts(session, jobs)
    return [_explain(job, facts, mine) for job, mine in zip(jobs, own, strict=True)]


_NOTHING = Own({}, None)


# The statements of `_facts`, built once and run with bound lists: building them cost
# more than running them (a job's creation spent most of its time here).
@functools.cache
def _owners() -> Any:
    return (
        select(User.id, User.max_concurrent_jobs, QueueState.paused)
        .outerjoin(QueueState, QueueState.user_id == User.id)
        .where(User.id.in_(bindparam("w_owners", expanding=True)))
    )


@functools.cache
def _accounts() -> Any:
    a = ProviderAccount
    return (
        select(
            a.id,
            a.provider_id,
            a.owner_id,
            a.is_shared,
            a.is_builtin,
            a.status,
            a.cooldown_until,
            a.credit_pool,
            a.max_concurrent_jobs,
            ProviderCredit.amount,
        )
        .outerjoin(
            ProviderCredit,
            (ProviderCredit.account_id == a.id) & (ProviderCredit.credit_type == a.credit_pool),
        )
        .where(
            a.provider_id.in_(bindparam("w_providers", expanding=True)),
            or_(a.owner_id.in_(bindparam("w_owners", expanding=True)), a.is_shared, a.is_builtin),
        )
    )


@functools.cache
def _in_flight() -> Any:
    """Jobs in flight per owner and account, for both rules: per owner (the user's limit)
    and per account (its concurrency, whoever's jobs they are: shared accounts serve
    everyone)."""
    return (
        select(Job.owner_id, Job.account_id, func.count())
        .where(
            Job.status.in_(_IN_FLIGHT),
            or_(
                Job.owner_id.in_(bindparam("w_owners", expanding=True)),
                Job.account_id.in_(bindparam("w_accounts", expanding=True)),
            ),
        )
        .group_by(Job.owner_id, Job.account_id)
    )


async def _own(session: AsyncSession, ids: Sequence[int]) -> dict[int, Own]:
    parent = dict(
        (
            await session.execute(
                select(JobDependency.job_id, func.min(Job.id))
                .join(Job, JobDependency.depends_on_id == Job.id)
                .where(JobDependency.job_id.in_(ids), Job.status != JobStatus.COMPLETED.value)
                .group_by(JobDependency.job_id)
            )
        ).all()
    )
    costs: dict[int, dict[str, float]] = defaultdict(dict)
    for job_id, pool, credits in await session.execute(
        select(JobCost.job_id, JobCost.credit_type, JobCost.credits).where(JobCost.job_id.in_(ids))
    ):
        costs[job_id][pool] = credits
    return {i: Own(costs.get(i, {}), parent.get(i)) for i in ids}


async def _facts(session: AsyncSession, jobs: Sequence[Job]) -> _Facts:
    owners = {j.owner_id for j in jobs}
    paused: set[int] = set()
    limit: dict[int, int] = {}
    for user_id, most, is_paused in await session.execute(_owners(), {"w_owners": list(owners)}):
        limit[user_id] = most
        if is_paused:
            paused.add(user_id)
    providers = list({j.provider_id for j in jobs})
    rows = (
        await session.execute(_accounts(), {"w_providers": providers, "w_owners": list(owners)})
    ).all()
    account_ids = [r.id for r in rows]
    facts = _Facts(clock.now(), paused, limit, {}, cast(Sequence[Row[Any]], rows))
    facts.balance = {r.id: r.amount for r in rows}
    running: dict[int, int] = defaultdict(int)
    busy: dict[int, int] = defaultdict(int)
    for owner_id, account_id, count in await session.execute(
        _in_flight(), {"w_owners": list(owners), "w_accounts": account_ids}
    ):
        if owner_id in owners:
            running[owner_id] += count
        if account_id is not None:
            busy[account_id] += count
    facts.running, facts.busy = running, busy
    return facts


def _explain(job: Job, facts: _Facts, own: Own) -> str | None:
    if job.owner_id in facts.paused:
        return PAUSED
    limit = facts.limit.get(job.owner_id)
    if limit is not None and facts.running.get(job.owner_id, 0) >= limit:
        return f"your limit of {limit} jobs at once is reached"
    if job.run_after is not None and job.run_after > facts.now:
        return f"scheduled for {job.run_after.isoformat(timespec='seconds')}"
    if own.waiting_on is not None:
        return f"waiting for job {own.waiting_on}"
    return _account_reason(job, facts, own.costs)


def _account_reason(job: Job, facts: _Facts, costs: Mapping[str, float]) -> str | None:
    accounts = [
        a
        for a in facts.accounts
        if a.provider_id == job.provider_id
        and (a.owner_id == job.owner_id or a.is_shared or a.is_builtin)
        and (job.pinned_account_id is None or a.id == job.pinned_account_id)
    ]
    pinned = f"account {job.pinned_account_id}" if job.pinned_account_id else None
    if not accounts:
        return f"waiting for {pinned}" if pinned else f"no {job.provider_id} account"
    usable = [a for a in accounts if _status_ok(a, facts.now)]
    if not usable:
        statuses = sorted({a.status for a in accounts})
        who = pinned or "every account"
        return f"{who} unavailable ({', '.join(statuses)})"
    if job.credit_type:  # the same rule as claim.account_fits_job

        def covered(a: Row[Any]) -> bool:
            price, balance = costs.get(a.credit_pool or ""), facts.balance[a.id]
            return price is not None and (price <= 0 or balance is None or balance >= price)

        usable = [a for a in usable if covered(a)]
        if not usable:
            return f"{NO_CREDITS} ({pinned})" if pinned else NO_CREDITS
    if all(facts.busy.get(a.id, 0) >= a.max_concurrent_jobs for a in usable):
        return f"waiting for {pinned} (busy)" if pinned else BUSY
    return None


def _status_ok(account: Row[Any], now: dt.datetime) -> bool:
    if account.status == AccountStatus.ACTIVE:
        return True
    return account.status == AccountStatus.COOLING_DOWN and (
        account.cooldown_until is None or account.cooldown_until <= now
    )

"""Claiming jobs: a batch of the best ready jobs, each with an account, in one transaction.

This is the only module where SQLite and PostgreSQL differ. On PostgreSQL claimers take
turns (an advisory lock held to the end of the claim's transaction) and lock the jobs they
take with ``FOR UPDATE SKIP LOCKED``. SQLite has no row locks: its writers are serialized
by ``BEGIN IMMEDIATE`` (db.py), which gives the same guarantee.

A claim reads the accounts first. When none has a free slot it stops there, without
looking at a single pending job; otherwise it reads the pending jobs a window at a time in
the claim's order, takes the best ones those accounts can serve and chooses each one's
account in Python, as if the jobs were claimed one at a time. (One UPDATE per job,
choosing the account in SQL, read through every pending job when every account was busy,
at every tick: with thousands queued it was most of a worker's time.)

In-flight counts are derived from jobs (status submitting/processing), never kept as a
counter, and are counted in the claimer's turn: a statement begun then sees every earlier
claimer's commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pixsim7 import clock
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import (
    AccountStatus,
    ProviderAccount,
    ProviderCredit,
    SelectionStrategy,
)
from pixsim7.db import UTCDateTime, update_each
from pixsim7.jobs.models import (
    Job,
    JobCost,
    JobDependency,
    ProviderSubmission,
    QueueState,
    Worker,
)
from pixsim7.jobs.service import noted
from pixsim7.jobs.states import IN_FLIGHT, JobStatus
from pixsim7.users.models import User

_IN_FLIGHT = [s.value for s in IN_FLIGHT]
_JOBS = cast(Table, Job.__table__)
# The candidates' statement is built once per dialect, with these parameters: building
# it (a dozen table aliases) cost more than running it.
_NOW = bindparam("claim_now", type_=UTCDateTime())


@dataclass(frozen=True)
class Claimed:
    job: Job  # as the claim left it
    account_id: int


def _postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def start_of_day(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def account_fits_job(a: FromClause, job: FromClause) -> ColumnElement[bool]:
    """The account may serve this job: provider, ownership or sharing, pin, credits."""
    credit = ProviderCredit.__table__.alias("credit")
    cost = JobCost.__table__.alias("cost")
    # Providers with no credit pools (local, ComfyUI) leave credit_type empty: unlimited.
    # Otherwise the job must have a price in the pool this account spends from (a web
    # balance cannot pay a platform API call), and no known balance of that pool may fall
    # short of it. A balance never read (or a provider that shows none, with no budget set)
    # is unknown, not zero: the job may be tried, and the provider's answer tells.
    enough = or_(
        job.c.credit_type.is_(None),
        exists()
        .where(
            cost.c.job_id == job.c.id,
            cost.c.credit_type == a.c.credit_pool,
            ~exists()
            .where(
                credit.c.account_id == a.c.id,
                credit.c.credit_type == cost.c.credit_type,
                credit.c.amount < cost.c.credits,
            )
            .correlate_except(credit),
        )
        .correlate_except(cost),
    )
    return and_(
        a.c.provider_id == job.c.provider_id,
        or_(a.c.owner_id == job.c.owner_id, a.c.is_shared, a.c.is_builtin),
        or_(job.c.pinned_account_id.is_(None), a.c.id == job.c.pinned_account_id),
        enough,
    )


def _dependencies_done(job: FromClause) -> ColumnElement[bool]:
    dep = JobDependency.__table__.alias("dep")
    parent = Job.__table__.alias("parent")
    return ~(
        exists()
        .select_from(dep.join(parent, parent.c.id == dep.c.depends_on_id))
        .where(dep.c.job_id == job.c.id, parent.c.status != JobStatus.COMPLETED.value)
        .correlate_except(dep, parent)
    )


@dataclass
class _Free:
    """An account with free slots, as the batch's choices leave it."""

    id: int
    provider_id: str
    owner_id: int | None
    for_everyone: bool  # shared or builtin
    credit_pool: str | None
    priority: int
    last_used_at: dt.datetime | None
    slots: int
    credits: dict[str, float]  # known balances; a pool absent is unknown

    def knows(self) -> bool:
        """Whether the balance of the pool it spends from is known (so reserved from)."""
        return self.credit_pool is not None and self.credit_pool in self.credits


# PostgreSQL: claimers of every worker take turns (`pg_advisory_xact_lock`, held to the
# end of the claim's transaction). Only claims put jobs in flight, so a claimer counting
# after taking its turn sees every earlier claim: two never fill one account's slots at
# once. Locking the account rows instead made completions wait on claims (they update the
# same rows), and skipping locked accounts sent jobs to worse ones.
_CLAIM_TURN = 0x70697873696D37  # "pixsim7"


@functools.cache
def _free_accounts() -> Any:
    """Accounts that may take jobs now by status and cooldown."""
    a = ProviderAccount.__table__
    return select(
        a.c.id,
        a.c.provider_id,
        a.c.owner_id,
        a.c.is_shared | a.c.is_builtin,
        a.c.credit_pool,
        a.c.priority,
        a.c.last_used_at,
        a.c.max_concurrent_jobs,
        a.c.daily_cap,
    ).where(
        or_(
            a.c.status == AccountStatus.ACTIVE.value,
            and_(
                a.c.status == AccountStatus.COOLING_DOWN.value,
                or_(a.c.cooldown_until.is_(None), a.c.cooldown_until <= _NOW),
            ),
        )
    )


# A page of a provider's pending jobs in the claim's order (priority, then age), after a
# key, skipping owners who may start nothing now: along ix_jobs_claim_provider, stopping
# at the window whatever the planner believes of the table.
_HEAD = (
    select(_JOBS.c.id, _JOBS.c.priority)
    .where(
        _JOBS.c.status == JobStatus.PENDING.value,
        _JOBS.c.provider_id == bindparam("claim_provider"),
        or_(
            _JOBS.c.priority < bindparam("after_priority"),
            and_(
                _JOBS.c.priority == bindparam("after_priority"),
                _JOBS.c.id > bindparam("after_id"),
            ),
        ),
        or_(_JOBS.c.run_after.is_(None), _JOBS.c.run_after <= _NOW),
        _JOBS.c.owner_id.not_in(bindparam("blocked", expanding=True)),
    )
    .order_by(_JOBS.c.priority.desc(), _JOBS.c.id.asc())
    .limit(bindparam("window"))
)
_FIRST = (2**31 - 1, 0)  # before every key
_MAX_WINDOW = 4096


@functools.cache
def _candidates_statement(pg: bool) -> Any:
    """Of a page's jobs, those with their dependencies completed that one of the free
    accounts could serve, looked up by id. With the status among the conditions, or an
    order to keep, both databases walked every pending job along the status index to find
    them: the caller checks the status of the rows it gets, as locked. (One statement over
    all pending jobs was planned, while the table had no statistics yet, as a read of
    every one of them through every check and a sort: 73 ms per claim with 2,800 queued.)"""
    acc = ProviderAccount.__table__.alias("acc")
    free = (
        select(
            acc.c.id,
            acc.c.provider_id,
            acc.c.owner_id,
            acc.c.is_shared,
            acc.c.is_builtin,
            acc.c.credit_pool,
        )
        .where(acc.c.id.in_(bindparam("free_ids", expanding=True)))
        .subquery("free")
    )
    stmt = (
        select(Job)
        .where(
            Job.id.in_(bindparam("page", expanding=True)),
            _dependencies_done(_JOBS),
            exists().where(account_fits_job(free, _JOBS)),
        )
        .execution_options(populate_existing=True)
    )
    return stmt.with_for_update(skip_locked=True, of=Job) if pg else stmt


async def _candidates(
    session: AsyncSession,
    provider: str,
    free_ids: list[int],
    blocked: list[int],
    now: dt.datetime,
    want: int,
) -> list[Job]:
    """Up to `want` of the provider's best jobs that may be claimed now, a page at a time:
    one page unless many at the head of the queue wait (for jobs they depend on, or for a
    pinned or richer account); then pages twice as long each time."""
    found: list[Job] = []
    after, window = _FIRST, want
    while True:
        page = (
            await session.execute(
                _HEAD,
                {
                    "claim_provider": provider,
                    "after_priority": after[0],
                    "after_id": after[1],
                    "claim_now": now,
                    "blocked": blocked,
                    "window": window,
                },
            )
        ).all()
        if page:
            params = {"page": [r[0] for r in page], "free_ids": free_ids}
            rows = await session.scalars(_candidates_statement(_postgres(session)), params)
            # Changed since the page was read (PostgreSQL: cancelled before we locked it).
            found += [j for j in rows if j.status == JobStatus.PENDING.value]
        if len(found) >= want or len(page) < window:
            break
        after, window = (page[-1][1], page[-1][0]), min(window * 2, _MAX_WINDOW)
    found.sort(key=lambda j: (-j.priority, j.id))
    return found[:want]


async def _owners_now(session: AsyncSession) -> tuple[list[int], dict[int, int]]:
    """Owners none of whose jobs may start now (their queue is paused, or their concurrent
    job limit is reached), and how many jobs each owner has in flight (those with none
    left out)."""
    running = (
        select(_JOBS.c.owner_id, func.count().label("n"))
        .where(_JOBS.c.status.in_(_IN_FLIGHT))
        .group_by(_JOBS.c.owner_id)
        .subquery("running")
    )
    queue = QueueState.__table__
    rows = await session.execute(
        select(User.id, running.c.n, queue.c.paused, User.max_concurrent_jobs)
        .outerjoin(running, running.c.owner_id == User.id)
        .outerjoin(queue, queue.c.user_id == User.id)
        .where(
            or_(
                running.c.n.is_not(None),
                queue.c.paused.is_(True),
                User.max_concurrent_jobs <= 0,
            )
        )
    )
    blocked: list[int] = []
    in_flight: dict[int, int] = {}
    for owner, n, paused, most in rows:
        if n:
            in_flight[owner] = n
        if paused or most <= (n or 0):
            blocked.append(owner)
    return blocked, in_flight


async def _load_free(session: AsyncSession, now: dt.datetime) -> dict[int, _Free]:
    """The accounts with a free slot now, counted in this claimer's turn (statements begun
    after it see every earlier claimer's commit)."""
    if _postgres(session):
        await session.execute(select(func.pg_advisory_xact_lock(_CLAIM_TURN)))
    rows = (await session.execute(_free_accounts(), {"claim_now": now})).all()
    if not rows:
        return {}
    ids = [r[0] for r in rows]
    busy: dict[int, int] = dict(
        (
            await session.execute(
                select(_JOBS.c.account_id, func.count())
                .where(_JOBS.c.account_id.in_(ids), _JOBS.c.status.in_(_IN_FLIGHT))
                .group_by(_JOBS.c.account_id)
            )
        ).all()
    )
    capped = [r[0] for r in rows if r[8] is not None]
    used_today: dict[int, int] = {}
    if capped:
        sub = ProviderSubmission.__table__
        used_today = dict(
            (
                await session.execute(
                    select(sub.c.account_id, func.count())
                    .where(sub.c.account_id.in_(capped), sub.c.started_at >= start_of_day(now))
                    .group_by(sub.c.account_id)
                )
            ).all()
        )
    free: dict[int, _Free] = {}
    for id_, provider, owner, everyone, pool, priority, last, most, cap in rows:
        slots = most - busy.get(id_, 0)
        if cap is not None:
            slots = min(slots, cap - used_today.get(id_, 0))
        if slots > 0:
            free[id_] = _Free(id_, provider, owner, bool(everyone), pool, priority, last, slots, {})
    if free:
        credit = ProviderCredit.__table__
        for account_id, kind, amount in await session.execute(
            select(credit.c.account_id, credit.c.credit_type, credit.c.amount).where(
                credit.c.account_id.in_(free)
            )
        ):
            free[account_id].credits[kind] = amount
    return free


async def _last_used(session: AsyncSession, providers: list[str]) -> dict[str, int]:
    """Round robin's turn: the account each provider used last (any account, free or not)."""
    a = ProviderAccount.__table__
    rows = await session.execute(
        select(a.c.provider_id, a.c.id)
        .where(a.c.provider_id.in_(providers), a.c.last_used_at.is_not(None))
        .order_by(a.c.last_used_at.desc(), a.c.id.desc())
    )
    last: dict[str, int] = {}
    for provider, id_ in rows:
        last.setdefault(provider, id_)
    return last


class _Chooser:
    """Account priority first, then the provider's strategy: least recently used (the
    default), most credits (the largest pool), or round robin (the next id after the one
    used last, wrapping around). Each choice is recorded before the next, as if the jobs
    were claimed one at a time."""

    def __init__(
        self, strategies: dict[str, SelectionStrategy], last: dict[str, int], now: dt.datetime
    ) -> None:
        self.strategies, self.last, self.now = strategies, last, now
        self._used = 0

    def key(self, a: _Free) -> tuple[Any, ...]:
        strategy = self.strategies.get(a.provider_id, SelectionStrategy.LEAST_RECENTLY_USED)
        turn: tuple[Any, ...] = ()
        if strategy is SelectionStrategy.MOST_CREDITS:
            turn = (-max(a.credits.values(), default=0.0),)
        elif strategy is SelectionStrategy.ROUND_ROBIN:
            turn = (0 if a.id > self.last.get(a.provider_id, 0) else 1, a.id)
        used = a.last_used_at
        return (-a.priority, *turn, used is not None, used or self.now, a.id)

    def take(self, a: _Free, cost: float) -> dt.datetime:
        """Record the choice; returns the account's new last-used time (distinct for each
        choice in a batch, so the order survives for the next batch's round robin)."""
        self._used += 1
        a.last_used_at = self.now + dt.timedelta(microseconds=self._used)
        a.slots -= 1
        pool = a.credit_pool
        if pool is not None and pool in a.credits and cost > 0:  # a known balance
            a.credits[pool] -= cost
        self.last[a.provider_id] = a.id
        return a.last_used_at


def _price(job: Job, account: _Free, costs: dict[int, dict[str, float]]) -> float | None:
    """The job's price in the account's pool; None when the account cannot pay it (as
    `account_fits_job` says: a known balance short of the price)."""
    if job.credit_type is None:
        return 0.0
    if account.credit_pool is None or account.credit_pool not in costs.get(job.id, {}):
        return None
    price = costs[job.id][account.credit_pool]
    if price > 0 and account.knows() and account.credits[account.credit_pool] < price:
        return None
    return price


def _fits(job: Job, a: _Free) -> bool:
    return (
        a.slots > 0
        and a.provider_id == job.provider_id
        and (a.owner_id == job.owner_id or a.for_everyone)
        and (job.pinned_account_id is None or job.pinned_account_id == a.id)
    )


async def claim_jobs(
    session: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    strategies: dict[str, SelectionStrategy],
    limit: int,
) -> list[Claimed]:
    """Take up to `limit` of the best ready jobs (priority, then age) that accounts can
    serve now, each with its account, credits reserved at the price of that account's pool,
    in a few statements whatever the batch's size. The caller commits (after writing the
    submission rows), or rolls back when this returns nothing.

    When no account has a free slot this costs one read of the accounts and no job is
    looked at: a full queue behind busy accounts is not scanned at every tick."""
    free = await _load_free(session, now)
    if not free:
        return []
    # Candidates: a few more than the free slots, for jobs the batch's own choices leave
    # without an account (the owner's limit, credits spent by the jobs before them).
    slots = sum(a.slots for a in free.values())
    # One read per provider: each walks its part of the index in order and stops at the
    # limit (one read for several providers would read all their pending jobs and sort).
    blocked, in_flight = await _owners_now(session)
    jobs: list[Job] = []
    for provider in sorted({a.provider_id for a in free.values()}):
        free_ids = [a.id for a in free.values() if a.provider_id == provider]
        jobs += await _candidates(session, provider, free_ids, blocked, now, min(limit, slots) * 2)
    jobs.sort(key=lambda j: (-j.priority, j.id))
    if not jobs:
        return []
    # Read after the candidates: a dependency whose completion they saw committed took its
    # completed_at before that commit, so a job's start is never before what it waited for
    # (`now` was read before; on PostgreSQL each statement sees commits made since).
    started = max(now, clock.now())
    ids = [j.id for j in jobs]
    costs: dict[int, dict[str, float]] = {}
    cost = JobCost.__table__
    for job_id, kind, amount in await session.execute(
        select(cost.c.job_id, cost.c.credit_type, cost.c.credits).where(cost.c.job_id.in_(ids))
    ):
        costs.setdefault(job_id, {})[kind] = amount
    room = await _owner_room(session, {j.owner_id for j in jobs}, in_flight)
    chooser = _Chooser(
        strategies,
        await _last_used(session, sorted({a.provider_id for a in free.values()}))
        if SelectionStrategy.ROUND_ROBIN in strategies.values()
        else {},
        now,
    )
    taken: list[Claimed] = []
    job_rows: list[tuple[int, dict[str, Any]]] = []
    credit_rows: list[tuple[int, str, float]] = []
    account_rows: list[dict[str, Any]] = []
    for job in jobs:
        if len(taken) == limit or room.get(job.owner_id, 0) <= 0:
            continue
        best: tuple[tuple[Any, ...], _Free, float] | None = None
        for a in free.values():
            if _fits(job, a) and (price := _price(job, a, costs)) is not None:
                key = chooser.key(a)
                if best is None or key < best[0]:
                    best = (key, a, price)
        if best is None:
            continue
        _, account, price = best
        # Reserved only from a known balance: an unknown one is learnt from the provider.
        reserved = price if job.credit_type and price > 0 and account.knows() else 0.0
        room[job.owner_id] -= 1
        account_rows.append({"a_id": account.id, "a_used": chooser.take(account, price)})
        values: dict[str, Any] = {
            "status": JobStatus.SUBMITTING.value,
            "account_id": account.id,
            "lease_owner": worker_id,
            "lease_until": lease_until,
            "started_at": job.started_at or started,
            "wait_reason": None,
            "updated_at": now,
            "estimated_credits": price if job.credit_type else job.estimated_credits,
            "credit_type": account.credit_pool if job.credit_type else job.credit_type,
            "reserved_credits": reserved,
            "attempts": job.attempts + 1,
        }
        values["history"] = noted(job, "claimed", account_id=account.id, worker=worker_id)
        for column, value in values.items():
            set_committed_value(job, column, value)
        job_rows.append((job.id, values))
        if reserved > 0:
            credit_rows.append((account.id, values["credit_type"], reserved))
        taken.append(Claimed(job=job, account_id=account.id))
    if not taken:
        return []
    await _write(session, job_rows, credit_rows, account_rows, now)
    return taken


async def _owner_room(
    session: AsyncSession, owners: set[int], in_flight: dict[int, int]
) -> dict[int, int]:
    """How many more jobs each owner may have in flight (their concurrent job limit), by
    the counts `_owners_now` took in this claimer's turn."""
    rows = await session.execute(
        select(User.id, User.max_concurrent_jobs).where(User.id.in_(owners))
    )
    return {owner: most - in_flight.get(owner, 0) for owner, most in rows}


async def _write(
    session: AsyncSession,
    job_rows: list[tuple[int, dict[str, Any]]],
    credit_rows: list[tuple[int, str, float]],
    account_rows: list[dict[str, Any]],
    now: dt.datetime,
) -> None:
    """The batch's bookkeeping: one statement per table, run once per row (executemany)."""
    await update_each(session, _JOBS, job_rows)
    accounts = cast(Table, ProviderAccount.__table__)
    await session.execute(
        update(accounts)
        .where(accounts.c.id == bindparam("a_id"))
        .values(last_used_at=bindparam("a_used"), updated_at=now),
        account_rows,
    )
    await accounts_service.reserve_many(session, credit_rows)


async def claim_expired(
    session: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    silent_for: dt.timedelta,
) -> int | None:
    """Take one job left in `submitting` by a dead worker: its lease ran out AND its worker
    has not heartbeated for `silent_for`. A slow but live worker keeps its job, because
    nobody can tell whether its provider call is still about to arrive."""
    cand = Job.__table__.alias("cand")
    owner = Worker.__table__.alias("owner")
    job_id = (
        select(cand.c.id)
        .where(
            cand.c.status == JobStatus.SUBMITTING.value,
            cand.c.lease_until < now,
            ~exists()
            .where(owner.c.id == cand.c.lease_owner, owner.c.heartbeat_at >= now - silent_for)
            .correlate_except(owner),
        )
        .order_by(cand.c.lease_until.asc())
        .limit(1)
    )
    if _postgres(session):
        job_id = job_id.with_for_update(skip_locked=True, of=cand)
    stmt = (
        update(_JOBS)
        .where(_JOBS.c.id == job_id.scalar_subquery())
        .values(lease_owner=worker_id, lease_until=lease_until, updated_at=now)
        .returning(_JOBS.c.id)
    )
    return (await session.execute(stmt)).scalar()


def _pollable(
    job: FromClause,
    worker_id: str,
    now: dt.datetime,
    silent_for: dt.timedelta,
    *,
    due: bool = True,
) -> ColumnElement[bool]:
    """A processing job this worker may poll: due (unless `due` is False), no other worker
    polling it, and run by no other live worker (a `local` render is known only to the
    process running it; once that worker stops heartbeating, whoever polls it finds it lost
    and submits it again)."""
    runner = Worker.__table__.alias("runner")
    return and_(
        job.c.status == JobStatus.PROCESSING.value,
        or_(job.c.next_check_at.is_(None), job.c.next_check_at <= now) if due else true(),
        or_(job.c.lease_until.is_(None), job.c.lease_until < now),
        or_(
            job.c.runner_id.is_(None),
            job.c.runner_id == worker_id,
            ~exists()
            .where(runner.c.id == job.c.runner_id, runner.c.heartbeat_at >= now - silent_for)
            .correlate_except(runner),
        ),
    )


async def claim_due_polls(
    session: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    silent_for: dt.timedelta,
    limit: int,
) -> list[int]:
    """Take up to `limit` processing jobs this worker may poll now (`_pollable`), leasing
    them for one round of polling."""
    cand = Job.__table__.alias("cand")
    due = (
        select(cand.c.id)
        .where(_pollable(cand, worker_id, now, silent_for))
        .order_by(cand.c.next_check_at.asc().nulls_first())
        .limit(limit)
    )
    if _postgres(session):
        due = due.with_for_update(skip_locked=True, of=cand)
    jobs = _JOBS
    stmt = (
        update(jobs)
        .where(jobs.c.id.in_(due))
        .values(lease_owner=worker_id, lease_until=lease_until)
        .returning(jobs.c.id)
    )
    return list((await session.execute(stmt)).scalars())


async def claim_account_polls(
    session: AsyncSession,
    *,
    account_ids: Sequence[int],
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    silent_for: dt.timedelta,
    limit: int,
) -> list[int]:
    """Take the other processing jobs of `account_ids` this worker may poll, due or not:
    where one list call answers for every job of an account, the round that calls it
    applies the answer to all of them, whenever each was submitted."""
    if not account_ids:
        return []
    cand = Job.__table__.alias("cand")
    more = (
        select(cand.c.id)
        .where(
            cand.c.account_id.in_(account_ids),
            _pollable(cand, worker_id, now, silent_for, due=False),
        )
        .order_by(cand.c.next_check_at.asc().nulls_first())
        .limit(limit)
    )
    if _postgres(session):
        more = more.with_for_update(skip_locked=True, of=cand)
    stmt = (
        update(_JOBS)
        .where(_JOBS.c.id.in_(more))
        .values(lease_owner=worker_id, lease_until=lease_until)
        .returning(_JOBS.c.id)
    )
    return list((await session.execute(stmt)).scalars())


async def extend_leases(session: AsyncSession, *, worker_id: str, lease_until: dt.datetime) -> None:
    """Heartbeat: keep the leases of this worker's submit calls under way. Rows being
    changed right now are skipped (they are leaving `submitting`), so the heartbeat never
    waits on, or deadlocks with, the worker's own transitions."""
    mine = select(_JOBS.c.id).where(
        _JOBS.c.lease_owner == worker_id, _JOBS.c.status == JobStatus.SUBMITTING.value
    )
    if _postgres(session):
        mine = mine.with_for_update(skip_locked=True)
    await session.execute(update(_JOBS).where(_JOBS.c.id.in_(mine)).values(lease_until=lease_until))


class Due(NamedTuple):
    pending: bool  # pending jobs due
    expired: bool  # submits whose lease ran out
    polls: bool  # processing jobs due for a status check
    in_flight: bool  # any job submitting or processing, by any worker


async def anything_to_do(
    session: AsyncSession, now: dt.datetime, *, worker_id: str, silent_for: dt.timedelta
) -> Due:
    """What there is to do for worker `worker_id`, in one read.

    The worker's loops ask this in a read-only session before taking the write lock (on
    SQLite every write transaction queues for the one lock, and idle loops tick often);
    the claims themselves check again, atomically."""
    jobs = _JOBS

    def some(*where: ColumnElement[bool]) -> Any:
        return exists().where(*where)

    row = (
        await session.execute(
            select(
                some(
                    jobs.c.status == JobStatus.PENDING.value,
                    or_(jobs.c.run_after.is_(None), jobs.c.run_after <= now),
                ),
                some(jobs.c.status == JobStatus.SUBMITTING.value, jobs.c.lease_until < now),
                some(_pollable(jobs, worker_id, now, silent_for)),
                some(jobs.c.status.in_(_IN_FLIGHT)),
            )
        )
    ).one()
    return Due(*(bool(v) for v in row))

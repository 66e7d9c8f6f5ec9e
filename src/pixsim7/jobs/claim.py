"""Claiming jobs: one UPDATE … RETURNING per claim, with the account chosen in the same statement.

This is the only module where SQLite and PostgreSQL differ. On PostgreSQL the job row and the
account row are taken with ``FOR UPDATE SKIP LOCKED``, so concurrent workers step past each
other instead of queueing. SQLite has no row locks: its writers are serialized by
``BEGIN IMMEDIATE`` (db.py), which gives the same guarantee.

In-flight counts are derived from jobs (status submitting/processing), never kept as a
counter. Under PostgreSQL's READ COMMITTED a claimer whose statement snapshot predates
another claimer's commit could count one job too few for an account; `_still_fits` recounts
after the account row is locked (a fresh statement sees every earlier holder's commit) and
the caller rolls back when the account turned out full.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    FromClause,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.accounts.models import (
    AccountStatus,
    ProviderAccount,
    ProviderCredit,
    SelectionStrategy,
)
from pixsim7.db import UTCDateTime
from pixsim7.jobs.models import (
    Job,
    JobCost,
    JobDependency,
    ProviderSubmission,
    QueueState,
    Worker,
)
from pixsim7.jobs.states import IN_FLIGHT, JobStatus
from pixsim7.users.models import User

_IN_FLIGHT = [s.value for s in IN_FLIGHT]
_JOBS = cast(Table, Job.__table__)
# The claim statement is built once per dialect and strategy set, with these parameters:
# building it (some twenty table aliases) cost more than running it.
_NOW = bindparam("claim_now", type_=UTCDateTime())
_DAY_START = bindparam("claim_day_start", type_=UTCDateTime())
_LEASE_UNTIL = bindparam("claim_lease_until", type_=UTCDateTime())
_WORKER = bindparam("claim_worker", type_=String())


@dataclass(frozen=True)
class Claimed:
    job: Job  # as the claim left it
    account_id: int


def _postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def start_of_day(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _in_flight(column: str, value: ColumnElement[Any]) -> ColumnElement[int]:
    """How many jobs whose `column` equals `value` are submitting or processing now."""
    inflight = Job.__table__.alias(f"inflight_{column}")
    return (
        select(func.count())
        .select_from(inflight)
        .where(inflight.c[column] == value, inflight.c.status.in_(_IN_FLIGHT))
        .correlate_except(inflight)
        .scalar_subquery()
    )


def account_usable(a: FromClause, now: ColumnElement[Any]) -> ColumnElement[bool]:
    """The account itself can take one more job now: status, cooldown, slots, daily cap."""
    sub = ProviderSubmission.__table__.alias("sub_today")
    busy = _in_flight("account_id", a.c.id)
    used_today = (
        select(func.count())
        .select_from(sub)
        .where(sub.c.account_id == a.c.id, sub.c.started_at >= _DAY_START)
        .correlate_except(sub)
        .scalar_subquery()
    )
    return and_(
        or_(
            a.c.status == AccountStatus.ACTIVE.value,
            and_(
                a.c.status == AccountStatus.COOLING_DOWN.value,
                or_(a.c.cooldown_until.is_(None), a.c.cooldown_until <= now),
            ),
        ),
        busy < a.c.max_concurrent_jobs,
        or_(a.c.daily_cap.is_(None), used_today < a.c.daily_cap),
    )


def account_fits_job(a: FromClause, job: FromClause) -> ColumnElement[bool]:
    """The account may serve this job: provider, ownership or sharing, pin, credits."""
    credit = ProviderCredit.__table__.alias("credit")
    cost = JobCost.__table__.alias("cost")
    # Providers with no credit pools (local, ComfyUI) leave credit_type empty: unlimited.
    # Otherwise the job's price in the pool this account spends from must be covered by
    # that pool's balance (not by any pool: a web balance cannot pay a platform API call).
    enough = or_(
        job.c.credit_type.is_(None),
        exists()
        .where(
            cost.c.job_id == job.c.id,
            cost.c.credit_type == a.c.credit_pool,
            or_(
                cost.c.credits <= 0,
                exists()
                .where(
                    credit.c.account_id == a.c.id,
                    credit.c.credit_type == cost.c.credit_type,
                    credit.c.amount >= cost.c.credits,
                )
                .correlate_except(credit),
            ),
        )
        .correlate_except(cost),
    )
    return and_(
        a.c.provider_id == job.c.provider_id,
        or_(a.c.owner_id == job.c.owner_id, a.c.is_shared, a.c.is_builtin),
        or_(job.c.pinned_account_id.is_(None), a.c.id == job.c.pinned_account_id),
        enough,
    )


def job_ready(job: FromClause, now: ColumnElement[Any]) -> ColumnElement[bool]:
    """Pending, due, dependencies completed, owner's queue not paused, owner below their
    concurrent job limit."""
    dep = JobDependency.__table__.alias("dep")
    parent = Job.__table__.alias("parent")
    queue = QueueState.__table__.alias("queue")
    owner = User.__table__.alias("owner")
    owner_running = _in_flight("owner_id", job.c.owner_id)
    return and_(
        job.c.status == JobStatus.PENDING.value,
        or_(job.c.run_after.is_(None), job.c.run_after <= now),
        ~exists()
        .select_from(dep.join(parent, parent.c.id == dep.c.depends_on_id))
        .where(dep.c.job_id == job.c.id, parent.c.status != JobStatus.COMPLETED.value)
        .correlate_except(dep, parent),
        ~exists().where(queue.c.user_id == job.c.owner_id, queue.c.paused).correlate_except(queue),
        exists()
        .where(owner.c.id == job.c.owner_id, owner.c.max_concurrent_jobs > owner_running)
        .correlate_except(owner),
    )


def _strategy_order(
    a: FromClause, strategies: dict[str, SelectionStrategy]
) -> list[ColumnElement[Any]]:
    """Account priority first, then the job's provider's strategy (least recently used by
    default): each strategy's key only counts for the providers that chose it. (SQLite
    allows no outer-query columns in a subquery's ORDER BY, hence `a.provider_id`.)"""
    order: list[ColumnElement[Any]] = [a.c.priority.desc()]
    most_credits = [p for p, s in strategies.items() if s == SelectionStrategy.MOST_CREDITS]
    round_robin = [p for p, s in strategies.items() if s == SelectionStrategy.ROUND_ROBIN]
    if most_credits:
        credit = ProviderCredit.__table__.alias("most")
        most = (
            select(func.max(credit.c.amount))
            .where(credit.c.account_id == a.c.id)
            .correlate_except(credit)
            .scalar_subquery()
        )
        order.append(case((a.c.provider_id.in_(most_credits), -func.coalesce(most, 0)), else_=0))
    if round_robin:
        last = ProviderAccount.__table__.alias("last")
        last_id = (
            select(last.c.id)
            .where(last.c.provider_id == a.c.provider_id, last.c.last_used_at.is_not(None))
            .order_by(last.c.last_used_at.desc(), last.c.id.desc())
            .limit(1)
            .correlate_except(last)
            .scalar_subquery()
        )
        # The next id after the last one used, wrapping around.
        after_last = case((a.c.id > func.coalesce(last_id, 0), 0), else_=1)
        order.append(case((a.c.provider_id.in_(round_robin), after_last), else_=0))
        order.append(case((a.c.provider_id.in_(round_robin), a.c.id), else_=0))
    order += [a.c.last_used_at.asc().nulls_first(), a.c.id.asc()]
    return order


@functools.cache
def _claim_statement(pg: bool, strategies: frozenset[tuple[str, SelectionStrategy]]) -> Any:
    jobs = _JOBS
    cand = jobs.alias("cand")
    acc = ProviderAccount.__table__.alias("acc")
    pick = ProviderAccount.__table__.alias("pick")
    # Accounts with a free slot now, computed once per statement (not once per pending
    # job: the scan below may look at thousands of them before one fits).
    free = (
        select(
            acc.c.id,
            acc.c.provider_id,
            acc.c.owner_id,
            acc.c.is_shared,
            acc.c.is_builtin,
            acc.c.credit_pool,
        )
        .where(account_usable(acc, _NOW))
        .cte("free")
        .prefix_with("MATERIALIZED")
    )

    job_id = (
        select(cand.c.id)
        .where(job_ready(cand, _NOW), exists().where(account_fits_job(free, cand)))
        .order_by(cand.c.priority.desc(), cand.c.id.asc())
        .limit(1)
    )
    account_id = (
        select(pick.c.id)
        .where(account_fits_job(pick, jobs), account_usable(pick, _NOW))
        .order_by(*_strategy_order(pick, dict(strategies)))
        .limit(1)
    )
    if pg:
        job_id = job_id.with_for_update(skip_locked=True, of=cand)
        account_id = account_id.with_for_update(skip_locked=True, of=pick)
    return (
        update(Job)
        .where(jobs.c.id == job_id.scalar_subquery())
        .values(
            status=JobStatus.SUBMITTING.value,
            account_id=account_id.scalar_subquery(),
            lease_owner=_WORKER,
            lease_until=_LEASE_UNTIL,
            started_at=func.coalesce(jobs.c.started_at, _NOW),
            wait_reason=None,
            updated_at=_NOW,
        )
        .returning(Job)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


async def claim_next(
    session: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    strategies: dict[str, SelectionStrategy],
) -> Claimed | None:
    """Take the best ready job (priority, then age) that some account can serve, with that
    account, in one statement. The caller commits (after writing the submission row), or,
    when this returns None, rolls back what the statement may have changed."""
    stmt = _claim_statement(_postgres(session), frozenset(strategies.items()))
    params = {
        "claim_now": now,
        "claim_day_start": start_of_day(now),
        "claim_lease_until": lease_until,
        "claim_worker": worker_id,
    }
    job = (await session.execute(stmt, params)).scalars().first()
    if job is None:
        return None
    account_id = job.account_id
    if account_id is None:  # every fitting account was locked by another claimer
        return None
    # PostgreSQL: it may have filled up meanwhile. (SQLite's writers run one at a time: the
    # statement's own count is current.)
    if _postgres(session) and not await _still_fits(session, account_id, now):
        return None
    await session.execute(
        update(ProviderAccount).where(ProviderAccount.id == account_id).values(last_used_at=now)
    )
    return Claimed(job=job, account_id=account_id)


async def _still_fits(session: AsyncSession, account_id: int, now: dt.datetime) -> bool:
    """Recount the account's in-flight jobs (ours included) now that its row is ours."""
    a = ProviderAccount.__table__
    busy = (
        select(func.count())
        .select_from(Job)
        .where(Job.account_id == account_id, Job.status.in_(_IN_FLIGHT))
        .scalar_subquery()
    )
    row = (
        await session.execute(select(a.c.max_concurrent_jobs, busy).where(a.c.id == account_id))
    ).first()
    return row is not None and row[1] <= row[0]


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


async def claim_due_polls(
    session: AsyncSession,
    *,
    worker_id: str,
    now: dt.datetime,
    lease_until: dt.datetime,
    limit: int,
) -> list[int]:
    """Take up to `limit` processing jobs whose next check is due (and no live worker
    is polling them), leasing them for one round of polling."""
    cand = Job.__table__.alias("cand")
    due = (
        select(cand.c.id)
        .where(
            cand.c.status == JobStatus.PROCESSING.value,
            or_(cand.c.next_check_at.is_(None), cand.c.next_check_at <= now),
            or_(cand.c.lease_until.is_(None), cand.c.lease_until < now),
        )
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


async def anything_to_do(session: AsyncSession, now: dt.datetime) -> Due:
    """What there is to do, in one read.

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
                some(
                    jobs.c.status == JobStatus.PROCESSING.value,
                    or_(jobs.c.next_check_at.is_(None), jobs.c.next_check_at <= now),
                    or_(jobs.c.lease_until.is_(None), jobs.c.lease_until < now),
                ),
                some(jobs.c.status.in_(_IN_FLIGHT)),
            )
        )
    ).one()
    return Due(*(bool(v) for v in row))

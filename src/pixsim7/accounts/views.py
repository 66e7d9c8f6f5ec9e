"""What the API shows of an account: its row, its credits and counts derived from jobs.

In-flight and today's counts are read from the jobs table every time rather than kept
as counters, so they cannot drift (a crashed worker leaves no phantom slot behind). A
user who is not an admin sees only their own jobs counted, on a shared account too: how
busy others keep it is not theirs to know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts.models import ProviderAccount, ProviderCredit
from pixsim7.accounts.schemas import AccountRead
from pixsim7.jobs.models import Job
from pixsim7.jobs.states import IN_FLIGHT
from pixsim7.users.models import User


def can_manage(user: User, account: ProviderAccount) -> bool:
    """Admins manage every account; a user manages their own private ones."""
    return user.is_admin or (not account.is_shared and account.owner_id == user.id)


def start_of_day(at: dt.datetime | None = None) -> dt.datetime:
    at = at or clock.now()
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


async def credits_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, dict[str, float]]:
    rows = await session.execute(
        select(ProviderCredit.account_id, ProviderCredit.credit_type, ProviderCredit.amount).where(
            ProviderCredit.account_id.in_(ids)
        )
    )
    found: dict[int, dict[str, float]] = {i: {} for i in ids}
    for account_id, credit_type, amount in rows:
        found[account_id][credit_type] = amount
    return found


def _in_flight() -> ColumnElement[bool]:
    return Job.status.in_([s.value for s in IN_FLIGHT])


def _today() -> ColumnElement[bool]:
    return Job.submitted_at >= start_of_day()


async def in_flight_counts(
    session: AsyncSession, ids: Sequence[int], *, owner_id: int | None = None
) -> dict[int, int]:
    """Jobs holding a slot on each account (status submitting or processing), of one
    owner's jobs when `owner_id` is given."""
    return await _counts(session, ids, _in_flight(), owner_id)


async def today_counts(
    session: AsyncSession, ids: Sequence[int], *, owner_id: int | None = None
) -> dict[int, int]:
    """Jobs submitted to each account since midnight UTC (what a daily cap limits)."""
    return await _counts(session, ids, _today(), owner_id)


async def _counts(
    session: AsyncSession, ids: Sequence[int], which: ColumnElement[bool], owner_id: int | None
) -> dict[int, int]:
    stmt = select(Job.account_id, func.count()).where(Job.account_id.in_(ids), which)
    if owner_id is not None:
        stmt = stmt.where(Job.owner_id == owner_id)
    rows = await session.execute(stmt.group_by(Job.account_id))
    return {account_id: n for account_id, n in rows if account_id is not None}


async def counts_by_owner(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, dict[int, dict[str, int]]]:
    """Per account, per owner with jobs on it: the counts that owner sees (events of
    shared accounts carry them, so each user gets their own)."""
    found: dict[int, dict[int, dict[str, int]]] = {}
    for field, which in (("in_flight_jobs", _in_flight()), ("jobs_today", _today())):
        rows = await session.execute(
            select(Job.account_id, Job.owner_id, func.count())
            .where(Job.account_id.in_(ids), which)
            .group_by(Job.account_id, Job.owner_id)
        )
        for account_id, owner_id, n in rows:
            if account_id is not None:  # (always: the accounts were asked for by id)
                found.setdefault(account_id, {}).setdefault(owner_id, {})[field] = n
    return found


async def reads(
    session: AsyncSession, user: User | None, accounts: Sequence[ProviderAccount]
) -> list[AccountRead]:
    """The view of many accounts, in four queries whatever their number. `user` None:
    the view of someone who manages none of them but sees every job (events)."""
    ids = [a.id for a in accounts]
    if not ids:
        return []
    # Counting only a user's own jobs is right on their private accounts too: nobody
    # else's jobs run there.
    owner = None if user is None or user.is_admin else user.id
    credits = await credits_of(session, ids)
    in_flight = await in_flight_counts(session, ids, owner_id=owner)
    today = await today_counts(session, ids, owner_id=owner)
    return [
        _read(user, a, credits[a.id], in_flight.get(a.id, 0), today.get(a.id, 0)) for a in accounts
    ]


async def read(session: AsyncSession, user: User | None, account: ProviderAccount) -> AccountRead:
    return (await reads(session, user, [account]))[0]


def _read(
    user: User | None,
    a: ProviderAccount,
    credits: dict[str, float],
    in_flight: int,
    today: int,
) -> AccountRead:
    manager = user is not None and can_manage(user, a)
    finished = a.success_count + a.failure_count
    return AccountRead(
        id=a.id,
        provider_id=a.provider_id,
        owner_id=a.owner_id,
        is_shared=a.is_shared,
        is_builtin=a.is_builtin,
        can_manage=manager,
        nickname=a.nickname,
        email=a.email if manager else None,
        provider_user_id=a.provider_user_id if manager else None,
        base_url=a.base_url if manager else None,
        base_url_trusted=a.base_url_trusted,
        has_api_key=a.api_key_enc is not None,
        has_jwt_token=a.jwt_token_enc is not None,
        has_cookies=a.cookies_enc is not None,
        has_password=a.password_enc is not None,
        api_key_hint=a.api_key_hint if manager else None,
        jwt_token_hint=a.jwt_token_hint if manager else None,
        status=a.status,
        status_message=a.status_message,
        cooldown_until=a.cooldown_until,
        priority=a.priority,
        max_concurrent_jobs=a.max_concurrent_jobs,
        max_concurrent_jobs_ceiling=a.max_concurrent_jobs_ceiling,
        max_concurrent_jobs_setting=a.max_concurrent_jobs_setting,
        daily_cap=a.daily_cap,
        credit_pool=a.credit_pool,
        credits=credits,
        success_count=a.success_count,
        failure_count=a.failure_count,
        success_rate=a.success_count / finished if finished else None,
        mean_generation_seconds=(
            a.total_generation_seconds / a.success_count if a.success_count else None
        ),
        jobs_today=today,
        in_flight_jobs=in_flight,
        last_used_at=a.last_used_at,
        last_synced_at=a.last_synced_at,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )

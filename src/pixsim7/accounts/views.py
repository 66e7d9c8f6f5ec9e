"""What the API shows of an account: its row, its credits and counts derived from jobs.

In-flight and today's counts are read from the jobs table every time rather than kept
as counters, so they cannot drift (a crashed worker leaves no phantom slot behind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
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


async def in_flight_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    """Jobs holding a slot on each account (status submitting or processing)."""
    rows = await session.execute(
        select(Job.account_id, func.count())
        .where(Job.account_id.in_(ids), Job.status.in_([s.value for s in IN_FLIGHT]))
        .group_by(Job.account_id)
    )
    return {account_id: n for account_id, n in rows if account_id is not None}


async def today_counts(session: AsyncSession, ids: Sequence[int]) -> dict[int, int]:
    """Jobs submitted to each account since midnight UTC (what a daily cap limits)."""
    rows = await session.execute(
        select(Job.account_id, func.count())
        .where(Job.account_id.in_(ids), Job.submitted_at >= start_of_day())
        .group_by(Job.account_id)
    )
    return {account_id: n for account_id, n in rows if account_id is not None}


async def reads(
    session: AsyncSession, user: User | None, accounts: Sequence[ProviderAccount]
) -> list[AccountRead]:
    """The view of many accounts, in four queries whatever their number. `user` None:
    the view of someone who manages none of them (events)."""
    ids = [a.id for a in accounts]
    if not ids:
        return []
    credits = await credits_of(session, ids)
    in_flight = await in_flight_counts(session, ids)
    today = await today_counts(session, ids)
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
        has_api_key=a.api_key_enc is not None,
        has_jwt_token=a.jwt_token_enc is not None,
        has_cookies=a.cookies_enc is not None,
        api_key_hint=a.api_key_hint if manager else None,
        jwt_token_hint=a.jwt_token_hint if manager else None,
        status=a.status,
        status_message=a.status_message,
        cooldown_until=a.cooldown_until,
        priority=a.priority,
        max_concurrent_jobs=a.max_concurrent_jobs,
        max_concurrent_jobs_ceiling=a.max_concurrent_jobs_ceiling,
        daily_cap=a.daily_cap,
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

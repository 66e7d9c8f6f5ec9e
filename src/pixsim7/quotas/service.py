"""Quota checks and usage records that other features call (jobs, assets, accounts).

Limits are columns of User; daily counters are rows of UserQuotaUsage. Checks
take the live counts that only the calling feature can derive (running jobs,
stored bytes, accounts), so no counter here can drift from the truth.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.assets import service as assets_service
from pixsim7.db import insert_ignore
from pixsim7.quotas.models import UserQuotaUsage
from pixsim7.users.models import User
from pixsim7.users.schemas import QuotaUsage


def _today() -> dt.date:
    return clock.now().date()


async def _row(session: AsyncSession, user_id: int) -> UserQuotaUsage | None:
    stmt = select(UserQuotaUsage).where(
        UserQuotaUsage.user_id == user_id, UserQuotaUsage.day == _today()
    )
    return (await session.scalars(stmt)).first()


async def _add(session: AsyncSession, user_id: int, **amounts: float) -> None:
    """Atomically add to today's counters (concurrent writers neither collide nor lose counts)."""
    day = _today()
    await insert_ignore(session, UserQuotaUsage, {"user_id": user_id, "day": day})
    await session.execute(
        update(UserQuotaUsage)
        .where(UserQuotaUsage.user_id == user_id, UserQuotaUsage.day == day)
        .values(
            {getattr(UserQuotaUsage, k): getattr(UserQuotaUsage, k) + v for k, v in amounts.items()}
        )
    )


async def usage(session: AsyncSession, user: User) -> QuotaUsage:
    """Today's counters and the bytes the user's assets hold now."""
    row = await _row(session, user.id)
    return QuotaUsage(
        day=_today(),
        jobs_created=row.jobs_created if row else 0,
        credits_spent=row.credits_spent if row else 0.0,
        storage_bytes=await assets_service.storage_used(session, user.id),
    )


async def check_job(session: AsyncSession, user: User, *, adding: int = 1) -> None:
    """Raise QuotaExceeded if `adding` more jobs would pass the daily limit.

    The concurrent limit does not refuse jobs: the scheduler runs at most that many of
    a user's jobs at once and the rest wait (jobs/claim.py, `_owners_now`)."""
    row = await _row(session, user.id)
    created = row.jobs_created if row else 0
    if created + adding > user.max_jobs_per_day:
        raise errors.QuotaExceeded(
            f"daily job limit reached ({user.max_jobs_per_day})", code="quota_jobs_per_day"
        )


async def take_job(session: AsyncSession, user: User, *, adding: int = 1) -> None:
    """Count `adding` created jobs for today, or raise QuotaExceeded when that would pass
    the daily limit. Check and count are one statement, so concurrent creates cannot both
    take the last job of the day. The caller commits."""
    day = _today()
    row = UserQuotaUsage
    take = (
        update(row)
        .where(
            row.user_id == user.id,
            row.day == day,
            row.jobs_created + adding <= user.max_jobs_per_day,
        )
        .values(jobs_created=row.jobs_created + adding)
        .returning(row.jobs_created)
    )
    if (await session.execute(take)).first() is not None:
        return
    await insert_ignore(session, row, {"user_id": user.id, "day": day})  # first of the day
    if (await session.execute(take)).first() is None:
        raise errors.QuotaExceeded(
            f"daily job limit reached ({user.max_jobs_per_day})", code="quota_jobs_per_day"
        )


async def record_credits(session: AsyncSession, user_id: int, credits: float) -> None:
    await _add(session, user_id, credits_spent=credits)


def check_storage(user: User, *, used_bytes: int, adding_bytes: int) -> None:
    if used_bytes + adding_bytes > user.max_storage_bytes:
        raise errors.QuotaExceeded("storage quota exceeded", code="quota_storage")


def check_accounts(user: User, *, current: int) -> None:
    if current + 1 > user.max_provider_accounts:
        raise errors.QuotaExceeded(
            f"provider account limit reached ({user.max_provider_accounts})", code="quota_accounts"
        )

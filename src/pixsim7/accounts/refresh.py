"""Balances kept fresh, on a schedule kept in the rows.

An account's balance is due for a read when the provider was last asked longer ago than
the interval (`last_checked_at`, whatever the answer was). A worker takes due accounts by
setting that time to now in one conditional UPDATE, checked again on each locked row, so
of any number of workers exactly one reads each account per interval, and a restarted
worker goes on from what the rows say rather than from a timer it lost.

The same step serves the poller after jobs end (a balance just changed at the provider),
with its own shorter interval. Only accounts of providers that report a balance are read,
never the built-in one, nor one disabled or whose credentials were refused (new
credentials are checked when they are set).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts import checks
from pixsim7.accounts.models import AccountStatus, ProviderAccount
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.logging import get_logger
from pixsim7.providers.registry import Registry

log = get_logger(__name__)
BATCH = 50  # accounts taken per step; more due wait for the next step
PARALLEL = 8  # provider calls under way at once
_SKIPPED = (AccountStatus.DISABLED.value, AccountStatus.AUTH_FAILED.value)
_ACCOUNTS = cast(Table, ProviderAccount.__table__)


def _due(
    providers: list[str], before: dt.datetime, ids: Collection[int] | None
) -> ColumnElement[bool]:
    """Last asked before `before` (or never), among `ids` when given."""
    a = _ACCOUNTS.c
    due = and_(
        a.provider_id.in_(providers),
        a.is_builtin.is_(False),
        a.status.not_in(_SKIPPED),
        or_(a.last_checked_at.is_(None), a.last_checked_at <= before),
    )
    return due if ids is None else and_(due, a.id.in_(list(ids)))


async def take(
    session: AsyncSession,
    *,
    providers: list[str],
    every: dt.timedelta,
    ids: Collection[int] | None = None,
    limit: int = BATCH,
) -> list[ProviderAccount]:
    """Mark up to `limit` due accounts (of `ids`, when given) as asked now, and return
    them. The caller commits before asking the providers. The condition is in the UPDATE
    itself: a row another worker took meanwhile is no longer due (PostgreSQL re-reads a
    row it waited for; SQLite runs one writer at a time)."""
    now = clock.now()
    due = _due(providers, now - every, ids)
    pick = (
        select(_ACCOUNTS.c.id)
        .where(due)
        .order_by(_ACCOUNTS.c.last_checked_at.asc().nulls_first(), _ACCOUNTS.c.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_ACCOUNTS)
        .where(_ACCOUNTS.c.id.in_(pick), due)
        .values(last_checked_at=now)
        .returning(_ACCOUNTS.c.id)
    )
    taken = list((await session.execute(stmt)).scalars())
    if not taken:
        return []
    rows = await session.scalars(select(ProviderAccount).where(ProviderAccount.id.in_(taken)))
    return sorted(rows, key=lambda account: account.id)


async def refresh(
    db: Database,
    registry: Registry,
    settings: Settings,
    *,
    every: float,
    ids: Collection[int] | None = None,
) -> list[int]:
    """Read and record the balance of the accounts due (of `ids`, when given) at an
    interval of `every` seconds; returns the ids of those read (changed or failed)."""
    providers = [p.info.id for p in registry.all() if p.info.reports_balance]
    interval = dt.timedelta(seconds=every)
    if not providers or (ids is not None and not ids):
        return []
    # Most steps find nothing due: a read without the write lock (SQLite's one lock is
    # what the claims queue for) says so before any UPDATE is tried.
    async with db.reader() as reader:
        due = _due(providers, clock.now() - interval, ids)
        if not await reader.scalar(select(exists().where(due))):
            return []
    async with db.sessionmaker() as session:
        accounts = await take(session, providers=providers, every=interval, ids=ids)
        await session.commit()
    if not accounts:
        return []
    limit = asyncio.Semaphore(PARALLEL)

    async def ask(account: ProviderAccount) -> checks.Answer:
        provider = registry.get(account.provider_id)
        assert provider is not None  # taken among the registry's providers
        async with limit:
            return await checks.ask(provider, account, settings)

    answers = await asyncio.gather(*(ask(a) for a in accounts))
    for account, answer in zip(accounts, answers, strict=True):
        await _record(db, account.id, answer)
    log.debug("balances refreshed", accounts=len(accounts))
    return [a.id for a in accounts]


async def _record(db: Database, account_id: int, answer: checks.Answer) -> None:
    """One short transaction per account: its row locked first, then its credits, in the
    order the claim takes them, so neither waits on the other in a cycle."""
    async with db.sessionmaker() as session:
        stmt: Any = select(ProviderAccount.id).where(ProviderAccount.id == account_id)
        if db.dialect == "postgresql":
            stmt = stmt.with_for_update()
        if await session.scalar(stmt) is not None:
            await checks.record(session, account_id, answer, unverified=False)
        await session.commit()

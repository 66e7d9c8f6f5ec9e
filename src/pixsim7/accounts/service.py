"""Accounts as the scheduler sees them: who may use which, credentials for the adapter,
credits, and the state changes that provider outcomes cause.

The scheduler owns its transaction, so nothing here commits (except `ensure_builtin`,
a use case of its own). Counters change through single UPDATE statements so several
workers touching one account never lose an update. After committing, callers emit
``account.updated`` with `publish` so screens refresh.

API use cases (create, edit, credits by hand) live in `manage`; provider calls
(sync, test, import) in `sync`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import cast

from sqlalchemy import Integer, Table, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts import credentials, views
from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.accounts.schemas import event_data
from pixsim7.config import Settings
from pixsim7.db import insert_ignore
from pixsim7.events import EventBus
from pixsim7.jobs.models import Job
from pixsim7.jobs.states import JobStatus
from pixsim7.providers.base import AccountContext, Balance, ErrorClass
from pixsim7.users.models import User

# Successes in a row after which a lowered concurrency limit is probed one step up.
PROBE_AFTER_SUCCESSES = 5
# Cooldown after a concurrency error when the provider gave no Retry-After.
DEFAULT_COOLDOWN = dt.timedelta(seconds=30)
MAX_MESSAGE = 500
LOCAL_PROVIDER = "local"


class AccountNotFound(errors.NotFound):
    code = "account_not_found"


async def get_owned(session: AsyncSession, user: User, account_id: int) -> ProviderAccount:
    """An account the user may see: their own, a shared one, or any for an admin.
    NotFound otherwise, so another user's private account does not seem to exist."""
    account = await session.get(ProviderAccount, account_id)
    if account is None or not (user.is_admin or account.is_shared or account.owner_id == user.id):
        raise AccountNotFound("account not found")
    return account


async def get_usable(session: AsyncSession, user: User, account_id: int) -> ProviderAccount:
    """An account whose credentials may run `user`'s jobs: their own or a shared one,
    not disabled (admins included: nobody runs jobs on someone else's private account)."""
    account = await session.get(ProviderAccount, account_id)
    if (
        account is None
        or not (account.is_shared or account.owner_id == user.id)
        or account.status == AccountStatus.DISABLED
    ):
        raise AccountNotFound("account not found")
    return account


def context(account: ProviderAccount, settings: Settings) -> AccountContext:
    """What the adapter needs: decrypted credentials and the base URL (the account's,
    else the provider's default from settings, e.g. `pixverse_base_url`)."""
    creds = credentials.load(account, credentials.box(settings))
    default = getattr(settings, f"{account.provider_id}_base_url", "")
    return AccountContext(
        id=account.id,
        provider_id=account.provider_id,
        base_url=account.base_url or (default if isinstance(default, str) else ""),
        api_key=creds.api_key,
        jwt_token=creds.jwt_token,
        cookies=creds.cookies,
        provider_user_id=account.provider_user_id,
        base_url_trusted=bool(account.base_url and account.base_url_trusted),
    )


async def record_successes(session: AsyncSession, done: Mapping[int, tuple[int, float]]) -> None:
    """Jobs finished on these accounts: account id -> (how many, their generation seconds
    in all). After `PROBE_AFTER_SUCCESSES` in a row, a limit learned downward is raised by
    one towards its ceiling (by one per call: a batch is one step of the probe)."""
    if not done:
        return
    acc = cast(Table, ProviderAccount.__table__)
    n = bindparam("s_jobs", type_=Integer())
    # One statement: every right-hand side reads the row as it was before this update.
    probe = and_(
        acc.c.consecutive_successes + n >= PROBE_AFTER_SUCCESSES,
        acc.c.max_concurrent_jobs < acc.c.max_concurrent_jobs_ceiling,
    )
    await session.execute(
        update(acc)
        .where(acc.c.id == bindparam("s_account"))
        .values(
            success_count=acc.c.success_count + n,
            total_generation_seconds=acc.c.total_generation_seconds + bindparam("s_seconds"),
            consecutive_successes=case((probe, 0), else_=acc.c.consecutive_successes + n),
            max_concurrent_jobs=case(
                (probe, acc.c.max_concurrent_jobs + 1), else_=acc.c.max_concurrent_jobs
            ),
        ),
        [
            {"s_account": account, "s_jobs": jobs, "s_seconds": max(0.0, seconds)}
            for account, (jobs, seconds) in sorted(done.items())
        ],
    )


async def record_failure(
    session: AsyncSession,
    account_id: int,
    error_class: ErrorClass | str,
    message: str,
    retry_after: float | None = None,
) -> None:
    """A provider call failed on this account. auth -> auth_failed; quota -> exhausted;
    concurrency -> cooling_down until `retry_after` seconds (or `DEFAULT_COOLDOWN`) from
    now and the limit lowered by one (never below 1); every class counts as a failure.
    A disabled account stays disabled; an auth failure is not hidden by a later quota
    or concurrency error."""
    acc = ProviderAccount
    values = _status_values(ErrorClass(error_class), message, retry_after)
    values |= {"failure_count": acc.failure_count + 1, "consecutive_successes": 0}
    await session.execute(update(acc).where(acc.id == account_id).values(values))


async def mark_error(
    session: AsyncSession,
    account_id: int,
    error_class: ErrorClass | str,
    message: str,
    *,
    retry_after: float | None = None,
    unverified: bool = False,
) -> None:
    """The status change of `record_failure` without counting a failed job (a balance read
    found the credentials rejected or the credits gone). `unverified`: credentials never
    checked before (just added or changed) whose check failed otherwise (the provider down,
    an answer we cannot read): the account cools down with the message until `retry_after`
    (or `DEFAULT_COOLDOWN`) rather than pass for active."""
    values = _status_values(ErrorClass(error_class), message, None)
    if not values and unverified:
        values = _cooldown(message, retry_after)
    if values:
        await session.execute(
            update(ProviderAccount).where(ProviderAccount.id == account_id).values(values)
        )


def _status_values(cls: ErrorClass, message: str, retry_after: float | None) -> dict[str, object]:
    acc = ProviderAccount
    if cls is ErrorClass.CONCURRENCY:
        return _cooldown(message, retry_after) | {
            "max_concurrent_jobs": case(
                (acc.max_concurrent_jobs > 1, acc.max_concurrent_jobs - 1), else_=1
            )
        }
    rule = _FAILURE_STATUS.get(cls)
    return {} if rule is None else _status(*rule, message)


def _cooldown(message: str, retry_after: float | None) -> dict[str, object]:
    """Cooling down until `retry_after` seconds from now (or `DEFAULT_COOLDOWN`)."""
    delay = dt.timedelta(seconds=retry_after) if retry_after else DEFAULT_COOLDOWN
    return _status(*_FAILURE_STATUS[ErrorClass.CONCURRENCY], message) | {
        "cooldown_until": clock.now() + delay
    }


def _status(new: AccountStatus, keep: tuple[AccountStatus, ...], message: str) -> dict[str, object]:
    """`new` with the message, unless the account is in one of the statuses that outrank it."""
    acc = ProviderAccount
    kept = acc.status.in_([s.value for s in keep])
    return {
        "status": case((kept, acc.status), else_=new.value),
        "status_message": case((kept, acc.status_message), else_=message[:MAX_MESSAGE]),
    }


_S = AccountStatus
# Which status each class sets, and which earlier statuses outrank it.
_FAILURE_STATUS: dict[ErrorClass, tuple[AccountStatus, tuple[AccountStatus, ...]]] = {
    ErrorClass.AUTH: (_S.AUTH_FAILED, (_S.DISABLED,)),
    ErrorClass.QUOTA: (_S.EXHAUSTED, (_S.DISABLED, _S.AUTH_FAILED)),
    ErrorClass.CONCURRENCY: (_S.COOLING_DOWN, (_S.DISABLED, _S.AUTH_FAILED, _S.EXHAUSTED)),
}


async def reserve_many(session: AsyncSession, reservations: list[tuple[int, str, float]]) -> None:
    """Take each (account, pool, amount) from its pool, in one statement run once per row.
    The caller has locked the accounts and read their balances: a pool too small for its
    amount is left alone, and the caller's check is what keeps it from going negative."""
    if not reservations:
        return
    credit = cast(Table, ProviderCredit.__table__)
    await session.execute(
        update(credit)
        .where(
            credit.c.account_id == bindparam("r_account"),
            credit.c.credit_type == bindparam("r_type"),
            credit.c.amount >= bindparam("r_amount"),
        )
        .values(amount=credit.c.amount - bindparam("r_amount"), updated_at=clock.now()),
        [{"r_account": a, "r_type": t, "r_amount": x} for a, t, x in reservations],
    )


async def release_credits(
    session: AsyncSession, account_id: int, credit_type: str, amount: float
) -> None:
    """Give back a reservation (the provider refused the job, or never got it). Only a
    known balance was reserved from; one forgotten since stays unknown."""
    if amount <= 0:
        return
    await session.execute(
        update(ProviderCredit)
        .where(ProviderCredit.account_id == account_id, ProviderCredit.credit_type == credit_type)
        .values(amount=ProviderCredit.amount + amount, updated_at=clock.now())
    )


async def set_credit(
    session: AsyncSession, account_id: int, credit_type: str, amount: float
) -> None:
    await insert_ignore(
        session,
        ProviderCredit,
        {"account_id": account_id, "credit_type": credit_type, "amount": amount},
    )
    await session.execute(
        update(ProviderCredit)
        .where(ProviderCredit.account_id == account_id, ProviderCredit.credit_type == credit_type)
        .values(amount=amount, updated_at=clock.now())
    )


async def clear_credit(session: AsyncSession, account_id: int, credit_type: str) -> None:
    """Forget a pool's balance: unknown again, so jobs are not held back by it."""
    await session.execute(
        delete(ProviderCredit).where(
            ProviderCredit.account_id == account_id, ProviderCredit.credit_type == credit_type
        )
    )


async def apply_balance(session: AsyncSession, account_id: int, balance: Balance) -> None:
    """Reconcile with what the provider reports. Each reported pool becomes the reported
    amount minus what jobs still in `submitting` hold (the provider has not charged
    those yet); a pool not reported stays as it was (unknown, or the user's budget).
    Working credentials lift auth_failed, credits lift exhausted, and an account never
    read before that now answers is active (its first check may have failed)."""
    held = await session.execute(
        select(Job.credit_type, func.coalesce(func.sum(Job.reserved_credits), 0.0))
        .where(Job.account_id == account_id, Job.status == JobStatus.SUBMITTING.value)
        .group_by(Job.credit_type)
    )
    pending = {pool: float(total) for pool, total in held if pool}
    for pool, amount in balance.credits.items():
        await set_credit(session, account_id, pool, max(0.0, amount - pending.get(pool, 0.0)))

    acc = ProviderAccount
    now = clock.now()
    values: dict[str, object] = {"last_synced_at": now, "last_checked_at": now}
    if balance.max_concurrency is not None and balance.max_concurrency >= 1:
        values |= _plan_limits(balance.max_concurrency)
    if balance.daily_cap is not None:
        values["daily_cap"] = balance.daily_cap
    revived = [AccountStatus.AUTH_FAILED.value]
    if any(amount > 0 for amount in balance.credits.values()):
        revived.append(AccountStatus.EXHAUSTED.value)
    revive = or_(
        acc.status.in_(revived),
        and_(acc.status == AccountStatus.COOLING_DOWN.value, acc.last_synced_at.is_(None)),
    )
    values["status"] = case((revive, AccountStatus.ACTIVE.value), else_=acc.status)
    values["status_message"] = case((revive, None), else_=acc.status_message)
    values["cooldown_until"] = case((revive, None), else_=acc.cooldown_until)
    await session.execute(update(acc).where(acc.id == account_id).values(values))


def _plan_limits(plan: int) -> dict[str, object]:
    """The plan's concurrency is the ceiling, or the user's setting where it is lower (more
    would be refused). A new ceiling becomes the limit in force (a plan read for the first
    time, upgraded or downgraded); an unchanged one keeps a limit learnt below it."""
    acc = ProviderAccount
    setting = acc.max_concurrent_jobs_setting
    ceiling = case((and_(setting.is_not(None), setting < plan), setting), else_=plan)
    return {
        "max_concurrent_jobs_ceiling": ceiling,
        "max_concurrent_jobs": case(
            (acc.max_concurrent_jobs_ceiling != ceiling, ceiling),
            (acc.max_concurrent_jobs > ceiling, ceiling),
            else_=acc.max_concurrent_jobs,
        ),
    }


async def restore_cooled_down(session: AsyncSession) -> Sequence[int]:
    """Accounts whose cooldown has passed become active again; returns their ids."""
    now = clock.now()
    due = (ProviderAccount.status == AccountStatus.COOLING_DOWN.value) & (
        ProviderAccount.cooldown_until <= now
    )
    ids = (await session.scalars(select(ProviderAccount.id).where(due))).all()
    if ids:
        await session.execute(
            update(ProviderAccount)
            .where(ProviderAccount.id.in_(ids), due)
            .values(status=AccountStatus.ACTIVE.value, cooldown_until=None, status_message=None)
        )
    return ids


async def publish(
    session: AsyncSession, bus: EventBus, account_ids: Sequence[int], type: str = "account.updated"
) -> None:
    """After the caller commits: one event per account (state only, no credentials),
    to its owner, or to everyone for a shared account, whose job counts each user gets
    as their own (admins: everyone's). The scheduler calls it for the accounts whose
    status, limits or credits it changed."""
    stmt = select(ProviderAccount).where(ProviderAccount.id.in_(account_ids))
    accounts = (await session.scalars(stmt.execution_options(populate_existing=True))).all()
    shared = [a.id for a in accounts if a.is_shared]
    by_owner = await views.counts_by_owner(session, shared) if shared else {}
    nothing = {"in_flight_jobs": 0, "jobs_today": 0}
    for read in await views.reads(session, None, accounts):
        personal = None
        if read.is_shared:
            owners = by_owner.get(read.id, {})
            personal = {"*": nothing} | {str(o): nothing | n for o, n in owners.items()}
        await bus.emit(
            type,
            event_data(read),
            user_id=read.owner_id,
            public=read.is_shared,
            personal=personal,
        )


async def ensure_builtin(session: AsyncSession, settings: Settings) -> ProviderAccount:
    """The shared account of the local renderer: created once, with no credentials; its
    concurrency follows `local_max_concurrency` at every start. Commits."""
    account = (
        await session.scalars(
            select(ProviderAccount).where(
                ProviderAccount.is_builtin.is_(True),
                ProviderAccount.provider_id == LOCAL_PROVIDER,
            )
        )
    ).first()
    limit = max(1, settings.local_max_concurrency)
    if account is None:
        account = ProviderAccount(
            provider_id=LOCAL_PROVIDER,
            owner_id=None,
            is_shared=True,
            is_builtin=True,
            nickname="This machine",
            status=AccountStatus.ACTIVE.value,
        )
        session.add(account)
    account.max_concurrent_jobs = limit
    account.max_concurrent_jobs_ceiling = limit
    await session.commit()
    return account

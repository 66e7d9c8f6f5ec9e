"""Account use cases of the API: list, create, edit, delete, set credits by hand.

Each commits its change and then emits an ``account.*`` event (state only, never
credentials; a shared account's events are public). Creating an account, or giving it new
credentials, also checks it with the provider (`checks.run`) before answering.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.accounts import checks, credentials, endpoint, service, views
from pixsim7.accounts.models import AccountStatus, ProviderAccount
from pixsim7.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountSaved,
    AccountUpdate,
    BulkCreditUpdate,
    CreditSet,
    event_data,
)
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.logging import get_logger
from pixsim7.pagination import paginate
from pixsim7.providers.base import Provider, ProviderError
from pixsim7.providers.registry import Registry
from pixsim7.quotas import service as quotas_service
from pixsim7.users.models import User

log = get_logger(__name__)


async def get_managed(session: AsyncSession, user: User, account_id: int) -> ProviderAccount:
    """An account the user may change. Another user's private one is NotFound; a shared
    one the user can see but not change is Forbidden."""
    account = await service.get_owned(session, user, account_id)
    if not views.can_manage(user, account):
        raise errors.Forbidden("only admins can change a shared account")
    return account


async def emit(
    bus: EventBus, session: AsyncSession, user: User, account: ProviderAccount, type: str
) -> AccountRead:
    """Send the event of a committed change; returns the caller's view of the account."""
    await service.publish(session, bus, [account.id], type)
    return await views.read(session, user, account)


def provider_of(registry: Registry, provider_id: str, field: str = "provider_id") -> Provider:
    provider = registry.get(provider_id)
    if provider is None:
        raise errors.ValidationFailed(
            f"unknown provider {provider_id!r}", fields={field: "unknown provider"}
        )
    return provider


async def list(
    session: AsyncSession,
    user: User,
    *,
    cursor: str | None,
    limit: int,
    provider_id: str | None = None,
    status: str | None = None,
) -> tuple[builtins.list[AccountRead], str | None]:
    """The user's accounts and the shared ones (admins: every account), newest first."""
    stmt = select(ProviderAccount)
    if not user.is_admin:
        stmt = stmt.where(
            or_(ProviderAccount.is_shared.is_(True), ProviderAccount.owner_id == user.id)
        )
    if provider_id is not None:
        stmt = stmt.where(ProviderAccount.provider_id == provider_id)
    if status is not None:
        stmt = stmt.where(ProviderAccount.status == status)
    rows, next_cursor = await paginate(
        session, stmt, id_column=ProviderAccount.id, cursor=cursor, limit=limit
    )
    return await views.reads(session, user, rows), next_cursor


async def count_owned(session: AsyncSession, user: User) -> int:
    stmt = select(func.count()).where(ProviderAccount.owner_id == user.id)
    return int((await session.scalar(stmt)) or 0)


async def create(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    settings: Settings,
    user: User,
    data: AccountCreate,
) -> AccountSaved:
    """Store the account, then check it with the provider at once (credentials, balance,
    plan): an account whose check fails is kept, with the status and message it earned."""
    provider = provider_of(registry, data.provider_id)
    if data.is_shared and not user.is_admin:
        raise errors.Forbidden("only admins can create shared accounts")
    endpoint.check_trust(user, data.base_url_trusted)
    quotas_service.check_accounts(user, current=await count_owned(session, user))
    await endpoint.check(settings, data.provider_id, data.base_url, trusted=data.base_url_trusted)
    limit = data.max_concurrent_jobs or provider.info.default_max_concurrency
    account = ProviderAccount(
        provider_id=data.provider_id,
        owner_id=user.id,
        is_shared=data.is_shared,
        nickname=data.nickname,
        email=data.email,
        base_url=data.base_url,
        base_url_trusted=data.base_url_trusted,
        priority=data.priority,
        daily_cap=data.daily_cap,
        max_concurrent_jobs=limit,
        max_concurrent_jobs_ceiling=limit,
        max_concurrent_jobs_setting=data.max_concurrent_jobs,
        status=AccountStatus.ACTIVE.value,
    )
    credentials.store(
        account,
        credentials.box(settings),
        api_key=data.api_key,
        jwt_token=data.jwt_token,
        cookies=credentials.parse_cookies(data.cookies),
        password=data.password,
    )
    assign_pool(account, provider, settings)
    session.add(account)
    await session.commit()
    log.info("account created", account_id=account.id, provider_id=account.provider_id)
    check = await checks.run(session, provider, account, settings, unverified=True)
    read = await emit(bus, session, user, account, "account.created")
    return AccountSaved(**read.model_dump(), check=check)


async def update(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    settings: Settings,
    user: User,
    account_id: int,
    data: AccountUpdate,
) -> AccountSaved:
    account = await get_managed(session, user, account_id)
    provider = provider_of(registry, account.provider_id)
    changes = data.model_dump(exclude_unset=True)
    if "is_shared" in changes:
        _share(user, account, changes.pop("is_shared"))
    ask = bool(_CHECKED & set(changes))
    await endpoint.update(settings, user, account, changes)
    if "password" in changes:  # the app's, for automation: nothing to ask the provider
        credentials.store(account, credentials.box(settings), password=changes.pop("password"))
    secrets = {k: changes.pop(k) for k in ("api_key", "jwt_token", "cookies") if k in changes}
    if secrets:
        if "cookies" in secrets:
            secrets["cookies"] = credentials.parse_cookies(secrets["cookies"])
        credentials.store(account, credentials.box(settings), **secrets)
        assign_pool(account, provider, settings)
        if account.status == AccountStatus.AUTH_FAILED:  # new credentials deserve a try
            account.status, account.status_message = AccountStatus.ACTIVE.value, None
    if "max_concurrent_jobs" in changes:
        setting = changes.pop("max_concurrent_jobs")
        limit = setting or provider.info.default_max_concurrency  # until the plan is read
        account.max_concurrent_jobs = account.max_concurrent_jobs_ceiling = limit
        account.max_concurrent_jobs_setting = setting
    if changes.get("status") is not None:
        account.status = changes.pop("status")
        account.status_message, account.cooldown_until = None, None
    for name, value in changes.items():
        setattr(account, name, value)
    await session.commit()
    log.info("account updated", account_id=account.id, fields=sorted(data.model_fields_set))
    check = None
    if ask:
        check = await checks.run(session, provider, account, settings, unverified=bool(secrets))
    read = await emit(bus, session, user, account, "account.updated")
    return AccountSaved(**read.model_dump(), check=check)


# What the provider must confirm when changed: credentials, where to reach it, the limit
# against the plan's.
_CHECKED = {"api_key", "jwt_token", "cookies", "base_url", "max_concurrent_jobs"}


def _share(user: User, account: ProviderAccount, shared: bool | None) -> None:
    if not user.is_admin:
        raise errors.Forbidden("only admins can share an account")
    if shared is not None and shared != account.is_shared:
        if account.is_builtin or account.owner_id is None:
            raise errors.Conflict("this account has no owner to keep it private")
        account.is_shared = shared


async def delete(session: AsyncSession, *, bus: EventBus, user: User, account_id: int) -> None:
    account = await get_managed(session, user, account_id)
    if account.is_builtin:
        raise errors.Conflict("the built-in account cannot be deleted", code="account_builtin")
    # Jobs at the provider still need these credentials to be polled and downloaded.
    busy = (await views.in_flight_counts(session, [account.id])).get(account.id, 0)
    if busy:
        raise errors.Conflict(
            f"{busy} job(s) are running on this account; disable it and wait for them",
            code="account_busy",
        )
    read = await views.read(session, None, account)
    await session.delete(account)
    await session.commit()
    log.info("account deleted", account_id=account_id)
    await bus.emit(
        "account.deleted", event_data(read), user_id=read.owner_id, public=read.is_shared
    )


def assign_pool(account: ProviderAccount, provider: Provider, settings: Settings) -> None:
    """Record the pool the account's credentials spend from; call after they change."""
    try:
        account.credit_pool = provider.pool_for(service.context(account, settings))
    except ProviderError:  # no usable credential: no pool, so the claim never picks it
        account.credit_pool = None


def check_pool(provider: Provider, credit_type: str, field: str) -> None:
    pools = builtins.list(provider.info.credit_pools)
    if credit_type not in pools:
        allowed = ", ".join(pools) or "none: this provider uses no credits"
        raise errors.ValidationFailed(
            f"unknown credit type {credit_type!r}", fields={field: f"one of: {allowed}"}
        )


async def set_credits(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    user: User,
    account_id: int,
    data: CreditSet,
) -> AccountRead:
    account = await get_managed(session, user, account_id)
    check_pool(provider_of(registry, account.provider_id), data.credit_type, "credit_type")
    await service.set_credit(session, account.id, data.credit_type, data.amount)
    await session.commit()
    return await emit(bus, session, user, account, "account.updated")


async def clear_credits(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    user: User,
    account_id: int,
    credit_type: str,
) -> AccountRead:
    """Forget a pool's balance (a budget set by hand, say): unknown until the provider
    reports one, so it holds no job back."""
    account = await get_managed(session, user, account_id)
    check_pool(provider_of(registry, account.provider_id), credit_type, "credit_type")
    await service.clear_credit(session, account.id, credit_type)
    await session.commit()
    return await emit(bus, session, user, account, "account.updated")


async def bulk_update_credits(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    user: User,
    data: BulkCreditUpdate,
) -> Sequence[AccountRead]:
    """Set many pools of many accounts at once. All or nothing: any account the user may
    not change, or any unknown pool, rejects the whole request (422 naming the items)."""
    problems: dict[str, str] = {}
    accounts: dict[int, ProviderAccount] = {}
    for i, item in enumerate(data.updates):
        try:
            account = await get_managed(session, user, item.account_id)
        except errors.NotFound:
            problems[f"updates.{i}.account_id"] = "account not found"
            continue
        except errors.Forbidden as exc:
            problems[f"updates.{i}.account_id"] = exc.message
            continue
        provider = provider_of(registry, account.provider_id, f"updates.{i}.account_id")
        for pool in item.credits:
            try:
                check_pool(provider, pool, f"updates.{i}.credits.{pool}")
            except errors.ValidationFailed as exc:
                problems.update(exc.fields)
        accounts[account.id] = account
    if problems:
        raise errors.ValidationFailed("nothing was updated", fields=problems)
    for item in data.updates:
        for pool, amount in item.credits.items():
            await service.set_credit(session, item.account_id, pool, amount)
    await session.commit()
    return [await emit(bus, session, user, a, "account.updated") for a in accounts.values()]

"""Use cases that talk to the provider: sync a balance, test credentials, import a
browser session from the extension."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.accounts import checks, credentials, manage
from pixsim7.accounts.models import AccountStatus, ProviderAccount
from pixsim7.accounts.schemas import ImportCookies, ImportResult, ProviderCheck, SyncResult
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.logging import get_logger
from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.registry import Registry
from pixsim7.quotas import service as quotas_service
from pixsim7.users.models import User

log = get_logger(__name__)


class ProviderUnavailable(errors.AppError):
    status_code = 502
    code = "provider_unavailable"


async def test(
    session: AsyncSession, *, registry: Registry, settings: Settings, user: User, account_id: int
) -> ProviderCheck:
    """A cheap call with the account's credentials; changes nothing."""
    account = await manage.get_managed(session, user, account_id)
    provider = manage.provider_of(registry, account.provider_id)
    await session.commit()  # no transaction open across the provider's call
    return (await checks.ask(provider, account, settings)).check


async def sync(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    settings: Settings,
    user: User,
    account_id: int,
) -> SyncResult:
    """Credits per pool, plan concurrency and daily cap from the provider. Rejected
    credentials mark the account auth_failed, used-up credits exhausted."""
    account = await manage.get_managed(session, user, account_id)
    provider = manage.provider_of(registry, account.provider_id)
    check = await checks.run(session, provider, account, settings, unverified=False)
    read = await manage.emit(bus, session, user, account, "account.updated")
    return SyncResult(**check.model_dump(), account=read)


async def import_cookies(
    session: AsyncSession,
    *,
    bus: EventBus,
    registry: Registry,
    settings: Settings,
    user: User,
    data: ImportCookies,
) -> ImportResult:
    """A signed-in browser session, sent by the extension: the provider says whose it is;
    the caller's account of that identity gets the new credentials (or is created), then
    is checked like any new credentials. A session the provider does not accept is a 422."""
    provider = manage.provider_of(registry, data.provider_id)
    raw = data.raw_data.model_dump(exclude_none=True)
    raw["cookies"] = credentials.parse_cookies(raw["cookies"])
    try:
        imported = await provider.import_session(raw)
    except ProviderError as exc:
        if exc.error_class in (ErrorClass.AUTH, ErrorClass.INVALID):
            raise errors.ValidationFailed(
                "the session could not be imported", fields={"raw_data": exc.message}
            ) from exc
        raise ProviderUnavailable(f"{provider.info.name}: {exc.message}") from exc
    account = (
        await session.scalars(
            select(ProviderAccount).where(
                ProviderAccount.provider_id == data.provider_id,
                ProviderAccount.owner_id == user.id,
                ProviderAccount.provider_user_id == imported.provider_user_id,
            )
        )
    ).first()
    created = account is None
    if account is None:
        quotas_service.check_accounts(user, current=await manage.count_owned(session, user))
        limit = provider.info.default_max_concurrency
        account = ProviderAccount(
            provider_id=data.provider_id,
            owner_id=user.id,
            provider_user_id=imported.provider_user_id,
            max_concurrent_jobs=limit,
            max_concurrent_jobs_ceiling=limit,
            status=AccountStatus.ACTIVE.value,
        )
        session.add(account)
    account.email = account.email or imported.email
    account.nickname = account.nickname or imported.nickname
    credentials.store(
        account,
        credentials.box(settings),
        jwt_token=imported.jwt_token,
        cookies=imported.cookies,
    )
    manage.assign_pool(account, provider, settings)
    if account.status == AccountStatus.AUTH_FAILED:
        account.status, account.status_message = AccountStatus.ACTIVE.value, None
    try:
        await session.commit()
    except IntegrityError as exc:  # the same identity imported twice at once
        await session.rollback()
        raise errors.Conflict("this session is being imported already") from exc
    log.info("session imported", account_id=account.id, created=created)
    check = await checks.run(session, provider, account, settings, unverified=True)
    read = await manage.emit(
        bus, session, user, account, "account.created" if created else "account.updated"
    )
    return ImportResult(**check.model_dump(), account=read, created=created)

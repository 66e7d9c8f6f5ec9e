"""Asking a provider about an account, and what its answer does to the account.

Every balance read goes through here, whoever asks: adding an account, new credentials,
a session import, Sync, the refresh schedule (`refresh`) and the poller after jobs end.
A read that works sets the credits, the plan's limits and `last_synced_at`; one that fails
is classified, never raised, and sets the status its class calls for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts import service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.accounts.schemas import ProviderCheck
from pixsim7.config import Settings
from pixsim7.logging import get_logger
from pixsim7.providers.base import Balance, ErrorClass, Provider, ProviderError

log = get_logger(__name__)

UNREADABLE = "the stored credentials cannot be decrypted with the configured keys; set them again"


@dataclass
class Answer:
    balance: Balance | None  # None: the call failed
    check: ProviderCheck  # what the API shows of it
    retry_after: float | None = None


async def ask(provider: Provider, account: ProviderAccount, settings: Settings) -> Answer:
    """Ask the provider for the balance, with no transaction of ours open."""
    try:
        ctx = service.context(account, settings)
    except ValueError:
        failed = ProviderCheck(ok=False, error_class=ErrorClass.AUTH.value, message=UNREADABLE)
        return Answer(None, failed)
    try:
        balance = await provider.fetch_balance(ctx)
    except Exception as exc:
        cls = provider.classify(exc)
        message = exc.message if isinstance(exc, ProviderError) else type(exc).__name__
        retry_after = exc.retry_after if isinstance(exc, ProviderError) else None
        log.info("balance check failed", account_id=account.id, error_class=cls.value)
        failed = ProviderCheck(ok=False, error_class=cls.value, message=message)
        return Answer(None, failed, retry_after)
    check = ProviderCheck(
        ok=True,
        credits=dict(balance.credits),
        max_concurrency=balance.max_concurrency,
        daily_cap=balance.daily_cap,
    )
    return Answer(balance, check)


async def record(
    session: AsyncSession, account_id: int, answer: Answer, *, unverified: bool
) -> None:
    """Apply an answer to the account (the caller commits). `unverified`: the credentials
    were never checked before, so a failure of any class keeps it from passing for active
    (service.mark_error)."""
    if answer.balance is not None:
        await service.apply_balance(session, account_id, answer.balance)
        return
    await session.execute(
        update(ProviderAccount)
        .where(ProviderAccount.id == account_id)
        .values(last_checked_at=clock.now())
    )
    check = answer.check
    if check.error_class is not None:
        await service.mark_error(
            session,
            account_id,
            check.error_class,
            check.message or "",
            retry_after=answer.retry_after,
            unverified=unverified,
        )


async def run(
    session: AsyncSession,
    provider: Provider,
    account: ProviderAccount,
    settings: Settings,
    *,
    unverified: bool,
) -> ProviderCheck:
    """Check the account now and record the answer; commits. The caller's transaction ends
    first: none stays open across the provider's call (on SQLite it would hold the one
    write lock for as long as the provider takes)."""
    await session.commit()
    answer = await ask(provider, account, settings)
    await record(session, account.id, answer, unverified=unverified)
    await session.commit()
    await session.refresh(account)
    return answer.check

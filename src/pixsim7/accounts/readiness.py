"""Which providers a user can run jobs on now, and for the others what is missing, in
words the Generate page shows ("add a Pixverse account").

The same accounts the claim would consider: the user's own, shared ones and the built-in
one. Ready means one of them is in service (active, or cooling down for a moment) with a
balance that is unknown or above zero; a job's own price is the claim's business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.accounts.models import AccountStatus, ProviderAccount, ProviderCredit
from pixsim7.providers.base import Provider
from pixsim7.users.models import User

_IN_SERVICE = (AccountStatus.ACTIVE.value, AccountStatus.COOLING_DOWN.value)


async def missing(
    session: AsyncSession, user: User, providers: Sequence[Provider]
) -> dict[str, str | None]:
    """Provider id -> what the user must do before its jobs can run; None when ready."""
    a = ProviderAccount
    rows = await session.execute(
        select(a.provider_id, a.status, ProviderCredit.amount)
        .outerjoin(
            ProviderCredit,
            and_(ProviderCredit.account_id == a.id, ProviderCredit.credit_type == a.credit_pool),
        )
        .where(or_(a.owner_id == user.id, a.is_shared, a.is_builtin))
    )
    seen: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for provider_id, status, amount in rows:
        seen[provider_id].append((status, amount))
    return {p.info.id: _missing(p, seen.get(p.info.id, [])) for p in providers}


def _missing(provider: Provider, accounts: list[tuple[str, float | None]]) -> str | None:
    name = provider.info.name
    a = "an" if name[:1].lower() in "aeiou" else "a"
    if not accounts:
        return f"add {a} {name} account"
    in_service = [amount for status, amount in accounts if status in _IN_SERVICE]
    if any(amount is None or amount > 0 for amount in in_service):
        return None
    statuses = {status for status, _ in accounts}
    if in_service or AccountStatus.EXHAUSTED in statuses:
        return f"add credits to {a} {name} account"
    if AccountStatus.AUTH_FAILED in statuses:
        return f"set new credentials for your {name} account ({name} refused them)"
    return f"enable {a} {name} account"

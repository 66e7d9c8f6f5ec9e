"""Where an account's calls go: its base URL, checked against the outbound policy when it
is saved (the connection checks it again each time), and the admin's vouching for a
private one (`base_url_trusted`, e.g. a ComfyUI on the LAN)."""

from __future__ import annotations

from typing import Any

from pixsim7 import errors, outbound
from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import Settings
from pixsim7.users.models import User

FIELD = "base_url"
TRUST_FIELD = "base_url_trusted"


async def check(settings: Settings, provider_id: str, url: str | None, *, trusted: bool) -> None:
    """422 naming `base_url` when the policy of calls to it would refuse it."""
    if not url:
        return
    configured = outbound.configured_base(settings, provider_id)
    rules = outbound.for_base(
        outbound.policy(settings), url, configured=configured, trusted=trusted
    )
    try:
        await outbound.check_url(url, rules)
    except outbound.Refused as exc:
        message = f"{exc.message}; an admin can allow this host"
        raise errors.ValidationFailed(message, fields={FIELD: message}) from exc
    except ValueError as exc:
        raise errors.ValidationFailed(str(exc), fields={FIELD: str(exc)}) from exc


def check_trust(user: User, trusted: bool | None) -> None:
    """Only an admin vouches for a host (anyone may withdraw trust)."""
    if trusted and not user.is_admin:
        raise errors.Forbidden(f"only admins can set {TRUST_FIELD}")


async def update(
    settings: Settings, user: User, account: ProviderAccount, changes: dict[str, Any]
) -> None:
    """Apply `base_url` and `base_url_trusted` from a PATCH (removed from `changes`). A
    new base URL set by a user drops an admin's trust in the old one."""
    url_sent, trust_sent = FIELD in changes, TRUST_FIELD in changes
    if not (url_sent or trust_sent):
        return
    url = changes.pop(FIELD) if url_sent else account.base_url
    trusted = changes.pop(TRUST_FIELD, None)
    check_trust(user, trusted)
    if trusted is None:
        moved = url_sent and url != account.base_url
        trusted = account.base_url_trusted and not (moved and not user.is_admin)
    await check(settings, account.provider_id, url, trusted=trusted)
    account.base_url, account.base_url_trusted = url, trusted

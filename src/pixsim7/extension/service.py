"""The extension's downloads, and handing an account's stored session to the extension.

Opening a provider site signed in as an account gives the browser that account's session
cookies, so it is the most sensitive thing the extension does: only the owner's own
accounts (never a shared one, not even for an admin), only to an extension-scoped token,
a bounded number of times per hour per user, each use recorded (who, which account, when;
never the values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.accounts import credentials
from pixsim7.accounts.models import ProviderAccount
from pixsim7.auth.models import UserSession
from pixsim7.config import Settings
from pixsim7.extension.models import SessionOpen
from pixsim7.extension.schemas import SessionCookies
from pixsim7.logging import get_logger
from pixsim7.providers.pixverse.client import TOKEN_COOKIE as PIXVERSE_TOKEN_COOKIE
from pixsim7.users.models import User

log = get_logger(__name__)

ZIP_NAME = "pixsim7-extension.zip"
OPEN_LIMIT = 20  # sites opened signed in, per user per window
OPEN_WINDOW = dt.timedelta(hours=1)
# The cookie under which a provider's web app keeps the session token, where the account
# has the token but no cookie jar (added by hand, not imported from a browser).
_TOKEN_COOKIES = {"pixverse": PIXVERSE_TOKEN_COOKIE}


class NoBrowserSession(errors.Conflict):
    code = "no_browser_session"


class AccountNotFound(errors.NotFound):
    code = "account_not_found"


@dataclass(frozen=True)
class Bundle:
    folder: Path  # the unpacked build (extension/dist)
    archive: Path  # its zip

    @property
    def available(self) -> bool:
        return (self.folder / "manifest.json").is_file() and self.archive.is_file()

    def version(self) -> str | None:
        try:
            manifest = json.loads((self.folder / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        version = manifest.get("version") if isinstance(manifest, dict) else None
        return version if isinstance(version, str) else None

    def digest(self) -> str:
        return hashlib.sha256(self.archive.read_bytes()).hexdigest()

    def files(self) -> list[str]:
        """The build's files, as paths relative to its folder."""
        root = self.folder.resolve()
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    def file(self, path: str) -> Path | None:
        """A file of the build by its relative path; None for anything else (a folder, a
        missing file, or a path that leads out of the build, by `..` or a link)."""
        if not self.available:
            return None
        root = self.folder.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target


def bundle(settings: Settings) -> Bundle:
    root = settings.extension_dir or Path(__file__).resolve().parents[3] / "extension"
    return Bundle(folder=root / "dist", archive=root / ZIP_NAME)


async def open_session(
    session: AsyncSession, settings: Settings, *, user: User, by: UserSession, account_id: int
) -> SessionCookies:
    """The cookies of the user's own account `account_id`. Commits the audit row."""
    account = await session.get(ProviderAccount, account_id)
    if account is None or account.owner_id != user.id:
        raise AccountNotFound("account not found")
    since = clock.now() - OPEN_WINDOW
    used = await session.scalar(
        select(func.count())
        .select_from(SessionOpen)
        .where(SessionOpen.user_id == user.id, SessionOpen.created_at > since)
    )
    if (used or 0) >= OPEN_LIMIT:
        raise errors.RateLimited(
            "too many provider sites opened from the extension; try again later",
            retry_after=int(OPEN_WINDOW.total_seconds()),
        )
    cookies = _cookies(account, settings)
    session.add(
        SessionOpen(
            user_id=user.id,
            account_id=account.id,
            provider_id=account.provider_id,
            session_id=by.id,
        )
    )
    await session.commit()
    log.info(
        "provider session opened from the extension",
        account_id=account.id,
        provider_id=account.provider_id,
        cookie_names=sorted(cookies),
    )
    return SessionCookies(account_id=account.id, provider_id=account.provider_id, cookies=cookies)


def _cookies(account: ProviderAccount, settings: Settings) -> dict[str, str]:
    try:
        stored = credentials.load(account, credentials.box(settings))
    except ValueError as exc:
        raise NoBrowserSession(
            "the stored credentials cannot be decrypted with the configured keys"
        ) from exc
    cookies = dict(stored.cookies)
    token_cookie = _TOKEN_COOKIES.get(account.provider_id)
    if token_cookie and stored.jwt_token and token_cookie not in cookies:
        cookies[token_cookie] = stored.jwt_token
    if not cookies:
        raise NoBrowserSession("this account has no browser session to open (an API key only)")
    return cookies

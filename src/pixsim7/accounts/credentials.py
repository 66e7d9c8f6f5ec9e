"""Provider credentials at rest: encrypted with `SecretBox`, never returned, rotatable.

Keys, newest first: the secret key, then ``PIXSIM7_OLD_SECRET_KEYS`` (comma-separated),
then the lines of ``<data_dir>/secret_key.old`` (written by ``pixsim7 secrets rotate
--generate`` while it re-encrypts). The first key encrypts; every key decrypts.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import EllipsisType

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import SECRET_KEY_FILE, Settings
from pixsim7.fields import COOKIE_NAME_PATTERN, COOKIE_VALUE_PATTERN
from pixsim7.security import SecretBox, mask

OLD_KEYS_FILE = SECRET_KEY_FILE + ".old"
_ENCRYPTED = ("api_key_enc", "jwt_token_enc", "cookies_enc", "password_enc")


@dataclass
class Credentials:
    api_key: str | None = None
    jwt_token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    password: str | None = None  # the app's sign-in password (automation only)

    def __repr__(self) -> str:  # never print credentials
        return "Credentials(...)"


def keys(settings: Settings) -> list[str]:
    """Every key that may have encrypted a stored credential, the current one first."""
    found = [settings.secret]
    if settings.old_secret_keys is not None:
        found += [k.strip() for k in settings.old_secret_keys.get_secret_value().split(",")]
    old_file = settings.data_dir / OLD_KEYS_FILE
    if old_file.exists():
        found += [line.strip() for line in old_file.read_text().splitlines()]
    return list(dict.fromkeys(k for k in found if k))


def box(settings: Settings) -> SecretBox:
    return _box(tuple(keys(settings)))


@lru_cache(maxsize=8)
def _box(secrets_: tuple[str, ...]) -> SecretBox:
    # Deriving keys costs a little; the scheduler decrypts once per job.
    return SecretBox(list(secrets_))


def parse_cookies(value: dict[str, str] | str | None) -> dict[str, str]:
    """A cookie mapping from a mapping or a ``"a=b; c=d"`` header string; ValueError
    when a name or value could not be sent in a Cookie header (the accounts API's schemas
    check the same, with the same patterns)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        jar = {str(k): str(v) for k, v in value.items()}
    else:
        pairs = (part.split("=", 1) for part in value.split(";") if "=" in part)
        jar = {k.strip(): v.strip() for k, v in pairs if k.strip()}
    for name, item in jar.items():
        if not re.fullmatch(COOKIE_NAME_PATTERN, name) or not re.fullmatch(
            COOKIE_VALUE_PATTERN, item
        ):
            raise ValueError("cookie names and values must be printable ASCII, without ';'")
    return jar


def store(
    account: ProviderAccount,
    secret_box: SecretBox,
    *,
    api_key: str | EllipsisType | None = ...,
    jwt_token: str | EllipsisType | None = ...,
    cookies: dict[str, str] | EllipsisType | None = ...,
    password: str | EllipsisType | None = ...,
) -> None:
    """Encrypt the given credentials onto the row; `...` leaves one as it is, None or
    an empty value clears it."""
    if not isinstance(api_key, EllipsisType):
        account.api_key_enc = secret_box.encrypt(api_key) if api_key else None
        account.api_key_hint = mask(api_key)
    if not isinstance(jwt_token, EllipsisType):
        account.jwt_token_enc = secret_box.encrypt(jwt_token) if jwt_token else None
        account.jwt_token_hint = mask(jwt_token)
    if not isinstance(cookies, EllipsisType):
        account.cookies_enc = secret_box.encrypt(json.dumps(cookies)) if cookies else None
    if not isinstance(password, EllipsisType):
        account.password_enc = secret_box.encrypt(password) if password else None


def load(account: ProviderAccount, secret_box: SecretBox) -> Credentials:
    """The decrypted credentials (ValueError when no configured key opens them)."""
    cookies = json.loads(secret_box.decrypt(account.cookies_enc)) if account.cookies_enc else {}
    return Credentials(
        api_key=secret_box.decrypt(account.api_key_enc) if account.api_key_enc else None,
        jwt_token=secret_box.decrypt(account.jwt_token_enc) if account.jwt_token_enc else None,
        cookies=cookies,
        password=secret_box.decrypt(account.password_enc) if account.password_enc else None,
    )


class RotationFailed(Exception):
    def __init__(self, account_ids: list[int]) -> None:
        super().__init__(f"no configured key opens the credentials of accounts {account_ids}")
        self.account_ids = account_ids


async def rotate_all(session: AsyncSession, secret_box: SecretBox) -> int:
    """Re-encrypt every stored credential under the current key, in one transaction:
    if any cannot be decrypted nothing is written (RotationFailed names them).
    Commits. Returns the number of accounts re-encrypted."""
    rows = (await session.scalars(select(ProviderAccount).order_by(ProviderAccount.id))).all()
    failed: list[int] = []
    count = 0
    for account in rows:
        touched = False
        for column in _ENCRYPTED:
            token = getattr(account, column)
            if not token:
                continue
            try:
                # decrypt+encrypt rather than SecretBox.rotate, whose failure is not a
                # ValueError (it lets cryptography's InvalidToken through)
                setattr(account, column, secret_box.encrypt(secret_box.decrypt(token)))
            except ValueError:
                failed.append(account.id)
                break
            touched = True
        count += touched
    if failed:
        await session.rollback()
        raise RotationFailed(sorted(set(failed)))
    await session.commit()
    return count


def generate_key_file(data_dir: Path) -> None:
    """Start a rotation of a generated key: the current key moves to ``secret_key.old``
    (appended, so an interrupted earlier rotation stays readable), a new key takes its
    place. Both files are 0600 and replaced atomically."""
    current = data_dir / SECRET_KEY_FILE
    old = data_dir / OLD_KEYS_FILE
    previous = old.read_text() if old.exists() else ""
    _write_private(old, previous + current.read_text().strip() + "\n")
    _write_private(current, secrets.token_urlsafe(48))


def finish_key_file(data_dir: Path) -> None:
    """After a successful rotation the old keys are no longer needed."""
    (data_dir / OLD_KEYS_FILE).unlink(missing_ok=True)


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)

"""Password hashing (argon2), access tokens (JWT) and secret encryption (Fernet)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_hasher = PasswordHasher()
JWT_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """Hash off the event loop: argon2 takes tens of milliseconds of CPU by design."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


# Verifying against this when the user does not exist keeps the timing of
# "unknown user" and "wrong password" alike.
DUMMY_HASH = hash_password("pixsim7-timing-equaliser")


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_id: str
    expires_at: dt.datetime


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"pixsim7", info=purpose).derive(
        secret.encode()
    )


def create_access_token(
    secret: str, *, user_id: int, session_id: str, issued_at: dt.datetime, expires_at: dt.datetime
) -> str:
    payload = {"sub": str(user_id), "jti": session_id, "iat": issued_at, "exp": expires_at}
    return jwt.encode(payload, _derive(secret, b"jwt"), algorithm=JWT_ALGORITHM)


def decode_access_token(secret: str, token: str, *, now: dt.datetime) -> TokenClaims | None:
    """Claims of a well-signed, unexpired token; None for anything else."""
    try:
        payload = jwt.decode(
            token,
            _derive(secret, b"jwt"),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "jti", "exp"], "verify_exp": False},
        )
        expires_at = dt.datetime.fromtimestamp(int(payload["exp"]), dt.UTC)
        user_id = int(payload["sub"])
        session_id = str(payload["jti"])
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None
    # Expiry is checked against our clock, not the wall clock, so tests can move time.
    if expires_at <= now:
        return None
    return TokenClaims(user_id=user_id, session_id=session_id, expires_at=expires_at)


class SecretBox:
    """Encrypts provider credentials. The first key encrypts; all keys decrypt (rotation)."""

    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise ValueError("at least one secret is needed")
        self._fernet = MultiFernet(
            [Fernet(base64.urlsafe_b64encode(_derive(s, b"fernet"))) for s in secrets]
        )

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("secret cannot be decrypted with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt under the first (newest) key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("secret cannot be decrypted with the configured keys") from exc


def mask(value: str | None) -> str | None:
    """A hint that tells a user which credential is set without revealing it."""
    if not value:
        return None
    return f"…{value[-4:]}" if len(value) >= 12 else "…"

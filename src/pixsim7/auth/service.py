"""Login, sessions and token checks. A token is only as good as its session row."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors, security
from pixsim7.auth.models import SessionKind, UserSession
from pixsim7.auth.ratelimit import LoginLimiter
from pixsim7.config import Settings
from pixsim7.pagination import decode_cursor, fetch_page, keyset_after
from pixsim7.users import service as users_service
from pixsim7.users.models import User
from pixsim7.users.schemas import MeUpdate, UserCreate

BAD_CREDENTIALS = "invalid email or password"
# Writing last_used_at on every request would make each read a write.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


class InvalidToken(errors.NotAuthenticated):
    code = "invalid_token"


class SessionNotFound(errors.NotFound):
    code = "session_not_found"


@dataclass
class Issued:
    token: str
    session: UserSession
    user: User


async def login(
    session: AsyncSession,
    *,
    settings: Settings,
    limiter: LoginLimiter,
    login: str,
    password: str,
    client: str,
    user_agent: str | None,
    kind: SessionKind = SessionKind.WEB,
) -> Issued:
    """Check a password and open a session of `kind`. Throttled per (account, client) and per
    client (ratelimit.py), never per account alone: no one can lock another out."""
    user = await users_service.get_by_login(session, login)
    # Keyed by the user when there is one, so their email and username share a count.
    account = f"user:{user.id}" if user else f"login:{login.strip().lower()}"
    wait = await limiter.retry_after(account, client)
    if wait:
        raise errors.RateLimited("too many failed sign-ins; try again later", retry_after=wait)
    # Verify against a dummy hash for unknown users so both failures take as long.
    ok = await security.verify_password_async(
        user.password_hash if user else security.DUMMY_HASH, password
    )
    if user is None or not ok or not user.is_active:
        await limiter.failed(account, client)
        raise errors.NotAuthenticated(BAD_CREDENTIALS, code="invalid_credentials")
    await limiter.succeeded(account, client)
    return await _sign_in(
        session, settings=settings, user=user, ip=client, user_agent=user_agent, kind=kind
    )


async def register(
    session: AsyncSession,
    *,
    settings: Settings,
    data: UserCreate,
    client: str,
    user_agent: str | None,
) -> Issued:
    """Self-registration, where the settings open it: the new user is signed in."""
    if not settings.allow_registration:
        raise errors.Forbidden("registration is closed", code="registration_disabled")
    user = await users_service.create(
        session, settings=settings, email=data.email, password=data.password, username=data.username
    )
    return await _sign_in(session, settings=settings, user=user, ip=client, user_agent=user_agent)


async def _sign_in(
    session: AsyncSession,
    *,
    settings: Settings,
    user: User,
    ip: str,
    user_agent: str | None,
    kind: SessionKind = SessionKind.WEB,
) -> Issued:
    """A new session and its token for `user`. Commits."""
    now = clock.now()
    user.last_login_at = now
    expires = now + dt.timedelta(minutes=settings.access_token_minutes)
    row = UserSession(
        id=secrets.token_urlsafe(24),
        user_id=user.id,
        kind=kind.value,
        ip_address=ip[:64] or None,
        user_agent=(user_agent or "")[:512] or None,
        created_at=now,
        expires_at=expires,
        last_used_at=now,
    )
    session.add(row)
    token = security.create_access_token(
        settings.secret, user_id=user.id, session_id=row.id, issued_at=now, expires_at=expires
    )
    await session.commit()
    return Issued(token=token, session=row, user=user)


async def authenticate(
    session: AsyncSession, *, settings: Settings, token: str
) -> tuple[User, UserSession]:
    """The user and session a token names; InvalidToken for forged, expired or revoked ones."""
    now = clock.now()
    claims = security.decode_access_token(settings.secret, token, now=now)
    if claims is None:
        raise InvalidToken("invalid or expired token")
    row = await session.get(UserSession, claims.session_id)
    if row is None or row.user_id != claims.user_id or not row.is_live(now):
        raise InvalidToken("session revoked or expired")
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidToken("user disabled")
    if now - row.last_used_at > TOUCH_INTERVAL:
        row.last_used_at = now
        await session.commit()
    return user, row


async def list_sessions(
    session: AsyncSession, user: User, *, cursor: str | None, limit: int
) -> tuple[Sequence[UserSession], str | None]:
    """My live sessions, newest first, paginated on (created_at, id) (ids are random strings)."""
    stmt = select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.revoked_at.is_(None),
        UserSession.expires_at > clock.now(),
    )
    columns = (UserSession.created_at, UserSession.id)
    if cursor:
        created_raw, last_id = decode_cursor(cursor, 2)
        try:
            created = dt.datetime.fromisoformat(created_raw)
        except (TypeError, ValueError):
            created = None
        if created is None or created.tzinfo is None or not isinstance(last_id, str):
            raise errors.ValidationFailed("invalid cursor", fields={"cursor": "invalid cursor"})
        stmt = stmt.where(keyset_after(columns, [created, last_id], descending=True))
    stmt = stmt.order_by(*(c.desc() for c in columns))
    return await fetch_page(
        session, stmt, limit=limit, cursor_of=lambda last: [last.created_at.isoformat(), last.id]
    )


async def revoke(session: AsyncSession, user: User, session_id: str) -> None:
    row = await session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise SessionNotFound("session not found")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
    await session.commit()


async def revoke_others(session: AsyncSession, user: User, keep_session_id: str | None) -> None:
    """Revoke every session of `user` but `keep_session_id` (all of them for None).
    No commit."""
    live = UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    keep = () if keep_session_id is None else (UserSession.id != keep_session_id,)
    await session.execute(update(UserSession).where(*live, *keep).values(revoked_at=clock.now()))


async def reset_password(
    session: AsyncSession, user: User, password: str, *, keep_session_id: str | None = None
) -> User:
    """Set a password without the old one (an admin, or `pixsim7 user set-password`):
    every session of the user ends, but the caller's own."""
    await users_service.set_password(user, password)
    await revoke_others(session, user, keep_session_id)
    await session.commit()
    return user


async def update_profile(
    session: AsyncSession, user: User, data: MeUpdate, *, current_session_id: str
) -> User:
    """A user's own changes; a new password revokes every other session of theirs."""
    if await users_service.update_me(session, user, data):
        await revoke_others(session, user, current_session_id)
    await session.commit()
    return user

"""Users: create, read, update; the first admin; password changes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors, security
from pixsim7.config import Settings
from pixsim7.pagination import paginate
from pixsim7.users.models import Role, User
from pixsim7.users.schemas import MeUpdate, UserAdminUpdate

MAX_PREFERENCES_BYTES = 64 * 1024


class UserNotFound(errors.NotFound):
    code = "user_not_found"


async def get(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound("user not found")
    return user


async def get_by_login(session: AsyncSession, login: str) -> User | None:
    """A user by email (case-insensitive) or username."""
    login = login.strip()
    stmt = select(User).where(or_(func.lower(User.email) == login.lower(), User.username == login))
    return (await session.scalars(stmt)).first()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(User.id))) or 0)


async def list(
    session: AsyncSession, *, cursor: str | None, limit: int
) -> tuple[Sequence[User], str | None]:
    return await paginate(session, select(User), id_column=User.id, cursor=cursor, limit=limit)


async def create(
    session: AsyncSession,
    *,
    settings: Settings,
    email: str,
    password: str,
    username: str | None = None,
    role: Role = Role.USER,
) -> User:
    email = email.strip().lower()
    await _ensure_unique(session, email=email, username=username)
    user = User(
        email=email,
        username=username,
        password_hash=await security.hash_password_async(password),
        role=role.value,
        preferences={},
        max_jobs_per_day=settings.default_max_jobs_per_day,
        max_concurrent_jobs=settings.default_max_concurrent_jobs,
        max_storage_bytes=settings.default_max_storage_bytes,
        max_provider_accounts=settings.default_max_provider_accounts,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:  # lost a race with another registration
        await session.rollback()
        raise errors.Conflict("email or username already taken") from exc
    return user


async def update_me(session: AsyncSession, user: User, data: MeUpdate) -> bool:
    """Apply a user's own changes. Returns True when the password changed."""
    if data.username is not None and data.username != user.username:
        await _ensure_unique(session, username=data.username)
        user.username = data.username
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.preferences is not None:
        if len(json.dumps(data.preferences)) > MAX_PREFERENCES_BYTES:
            raise errors.ValidationFailed(
                "preferences too large", fields={"preferences": "at most 64 KiB"}
            )
        user.preferences = data.preferences
    password_changed = False
    if data.new_password is not None:
        if not data.current_password or not await security.verify_password_async(
            user.password_hash, data.current_password
        ):
            raise errors.ValidationFailed(
                "current password is wrong", fields={"current_password": "incorrect"}
            )
        await set_password(user, data.new_password)
        password_changed = True
    await session.flush()
    return password_changed


async def set_password(user: User, password: str) -> None:
    """Store a new password's hash (the caller revokes sessions and commits)."""
    user.password_hash = await security.hash_password_async(password)


async def admin_update(
    session: AsyncSession, user: User, data: UserAdminUpdate, *, by: User
) -> User:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    demoting = changes.get("role") not in (None, Role.ADMIN) or changes.get("is_active") is False
    if user.is_admin and demoting and await _active_admins(session) <= 1:
        raise errors.Conflict("the last active admin cannot be demoted or deactivated")
    if user.id == by.id and changes.get("is_active") is False:
        raise errors.Conflict("you cannot deactivate yourself")
    for name, value in changes.items():
        setattr(user, name, value.value if isinstance(value, Role) else value)
    await session.commit()
    return user


async def ensure_admin(
    session: AsyncSession, *, settings: Settings, email: str, password: str
) -> User | None:
    """Create the first admin when there are no users yet; None when users exist."""
    if await count(session) > 0:
        return None
    return await create(session, settings=settings, email=email, password=password, role=Role.ADMIN)


async def _active_admins(session: AsyncSession) -> int:
    stmt = select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.is_active)
    return int(await session.scalar(stmt) or 0)


async def _ensure_unique(
    session: AsyncSession, *, email: str | None = None, username: str | None = None
) -> None:
    fields: dict[str, str] = {}
    if email and await session.scalar(select(User.id).where(func.lower(User.email) == email)):
        fields["email"] = "already registered"
    if username and await session.scalar(select(User.id).where(User.username == username)):
        fields["username"] = "already taken"
    if fields:
        raise errors.Conflict("already exists", fields=fields)

from __future__ import annotations

from fastapi import APIRouter, Query, status

from pixsim7.auth import service as auth_service
from pixsim7.auth.deps import AdminPrincipal, AdminUser, PrincipalDep
from pixsim7.deps import SessionDep, SettingsDep
from pixsim7.fields import Id, Text
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from pixsim7.quotas import service as quotas_service
from pixsim7.users import service as users_service
from pixsim7.users.schemas import (
    MeRead,
    MeUpdate,
    PasswordReset,
    UserAdminCreate,
    UserAdminUpdate,
    UserRead,
)

router = APIRouter(prefix="/users", tags=["users"])


async def _me(session: SessionDep, principal: PrincipalDep) -> MeRead:
    usage = await quotas_service.usage(session, principal.user)
    return MeRead.model_validate(
        {**UserRead.model_validate(principal.user).model_dump(), "usage": usage}
    )


@router.get("/me", response_model=MeRead)
async def read_me(principal: PrincipalDep, session: SessionDep) -> MeRead:
    return await _me(session, principal)


@router.patch("/me", response_model=MeRead, responses=error_responses(409))
async def update_me(data: MeUpdate, principal: PrincipalDep, session: SessionDep) -> MeRead:
    await auth_service.update_profile(
        session, principal.user, data, current_session_id=principal.session.id
    )
    return await _me(session, principal)


@router.get("", response_model=Page[UserRead])
async def list_users(
    _: AdminUser,
    session: SessionDep,
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Page[UserRead]:
    rows, next_cursor = await users_service.list(session, cursor=cursor, limit=limit)
    return Page(items=[UserRead.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=UserRead, responses=error_responses(409)
)
async def admin_create(
    data: UserAdminCreate, _: AdminUser, session: SessionDep, settings: SettingsDep
) -> UserRead:
    """An admin adds a user, whether registration is open or not."""
    user = await users_service.create(
        session,
        settings=settings,
        email=data.email,
        password=data.password,
        username=data.username,
        role=data.role,
    )
    return UserRead.model_validate(user)


@router.post("/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT)
async def admin_reset_password(
    user_id: Id, data: PasswordReset, principal: AdminPrincipal, session: SessionDep
) -> None:
    """An admin sets a user's password; the user's sessions end (the admin's own stays)."""
    user = await users_service.get(session, user_id)
    await auth_service.reset_password(
        session, user, data.new_password, keep_session_id=principal.session.id
    )


@router.patch("/{user_id}", response_model=UserRead, responses=error_responses(409))
async def admin_update(
    user_id: Id, data: UserAdminUpdate, admin: AdminUser, session: SessionDep
) -> UserRead:
    user = await users_service.get(session, user_id)
    return UserRead.model_validate(await users_service.admin_update(session, user, data, by=admin))

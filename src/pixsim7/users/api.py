from __future__ import annotations

from fastapi import APIRouter, Query

from pixsim7.auth import service as auth_service
from pixsim7.auth.deps import AdminUser, PrincipalDep
from pixsim7.deps import SessionDep
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from pixsim7.quotas import service as quotas_service
from pixsim7.users import service as users_service
from pixsim7.users.schemas import MeRead, MeUpdate, UserAdminUpdate, UserRead

router = APIRouter(prefix="/users", tags=["users"])


async def _me(session: SessionDep, principal: PrincipalDep) -> MeRead:
    usage = await quotas_service.usage(session, principal.user)
    return MeRead.model_validate(
        {**UserRead.model_validate(principal.user).model_dump(), "usage": usage}
    )


@router.get("/me", response_model=MeRead)
async def read_me(principal: PrincipalDep, session: SessionDep) -> MeRead:
    return await _me(session, principal)


@router.patch("/me", response_model=MeRead)
async def update_me(data: MeUpdate, principal: PrincipalDep, session: SessionDep) -> MeRead:
    await auth_service.update_profile(
        session, principal.user, data, current_session_id=principal.session.id
    )
    return await _me(session, principal)


@router.get("", response_model=Page[UserRead])
async def list_users(
    _: AdminUser,
    session: SessionDep,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Page[UserRead]:
    rows, next_cursor = await users_service.list(session, cursor=cursor, limit=limit)
    return Page(items=[UserRead.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.patch("/{user_id}", response_model=UserRead)
async def admin_update(
    user_id: int, data: UserAdminUpdate, admin: AdminUser, session: SessionDep
) -> UserRead:
    user = await users_service.get(session, user_id)
    return UserRead.model_validate(await users_service.admin_update(session, user, data, by=admin))

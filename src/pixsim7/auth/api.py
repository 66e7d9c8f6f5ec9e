from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status

from pixsim7 import errors
from pixsim7.auth import service as auth_service
from pixsim7.auth.deps import TOKEN_COOKIE, CurrentUser, PrincipalDep
from pixsim7.auth.schemas import LoginRequest, LoginResponse, SessionRead
from pixsim7.deps import SessionDep, SettingsDep
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from pixsim7.users import service as users_service
from pixsim7.users.schemas import UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def register(data: UserCreate, session: SessionDep, settings: SettingsDep) -> UserRead:
    if not settings.allow_registration:
        raise errors.Forbidden("registration is disabled", code="registration_disabled")
    user = await users_service.create(
        session, settings=settings, email=data.email, password=data.password, username=data.username
    )
    return UserRead.model_validate(user)


@router.post("/login", response_model=LoginResponse)
async def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    issued = await auth_service.login(
        session,
        settings=settings,
        limiter=request.app.state.login_limiter,
        login=data.email,
        password=data.password,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    response.set_cookie(
        TOKEN_COOKIE,
        issued.token,
        max_age=settings.access_token_minutes * 60,
        httponly=True,
        samesite="strict",
        path="/api",
    )
    return LoginResponse(
        access_token=issued.token,
        expires_at=issued.session.expires_at,
        user=UserRead.model_validate(issued.user),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: PrincipalDep, session: SessionDep, response: Response) -> None:
    await auth_service.revoke(session, principal.user, principal.session.id)
    response.delete_cookie(TOKEN_COOKIE, path="/api")


@router.get("/sessions", response_model=Page[SessionRead])
async def list_sessions(
    principal: PrincipalDep,
    session: SessionDep,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Page[SessionRead]:
    rows, next_cursor = await auth_service.list_sessions(
        session, principal.user, cursor=cursor, limit=limit
    )
    return Page(
        items=[
            SessionRead.model_validate(r).model_copy(
                update={"current": r.id == principal.session.id}
            )
            for r in rows
        ],
        next_cursor=next_cursor,
    )


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(session_id: str, user: CurrentUser, session: SessionDep) -> None:
    await auth_service.revoke(session, user, session_id)

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status

from pixsim7.auth import service as auth_service
from pixsim7.auth.address import client_address
from pixsim7.auth.deps import TOKEN_COOKIE, CurrentUser, PrincipalDep
from pixsim7.auth.models import SessionKind
from pixsim7.auth.schemas import LoginRequest, LoginResponse, Registration, SessionRead
from pixsim7.config import Settings
from pixsim7.deps import SessionDep, SettingsDep
from pixsim7.fields import Text
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from pixsim7.users.schemas import UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/registration", response_model=Registration)
async def registration(settings: SettingsDep) -> Registration:
    """Whether anyone may register here (the sign-in page offers it only then)."""
    return Registration(open=settings.allow_registration)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=LoginResponse,
    responses=error_responses(403, 409),
)
async def register(
    data: UserCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginResponse:
    """Create an account and sign in to it; 403 `registration_disabled` where closed."""
    issued = await auth_service.register(
        session,
        settings=settings,
        data=data,
        client=client_address(request, settings.trusted_proxies),
        user_agent=request.headers.get("user-agent"),
    )
    return _signed_in(response, settings, issued)


@router.post("/login", response_model=LoginResponse, responses=error_responses(401, 429))
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
        client=client_address(request, settings.trusted_proxies),
        user_agent=request.headers.get("user-agent"),
        kind=data.kind,
    )
    return _signed_in(response, settings, issued)


def _signed_in(
    response: Response, settings: Settings, issued: auth_service.Issued
) -> LoginResponse:
    """The token in the answer, and for the web app in an HttpOnly cookie for <video src>
    and EventSource (the extension sends its token as a header: a cookie would also sign
    the browser's tabs of this server in)."""
    if issued.session.kind == SessionKind.WEB:
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
    cursor: Text | None = None,
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
async def revoke_session(session_id: Text, user: CurrentUser, session: SessionDep) -> None:
    await auth_service.revoke(session, user, session_id)

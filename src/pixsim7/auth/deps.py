"""Who is calling: `CurrentUser` for any signed-in user, `AdminUser` for admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request

from pixsim7 import errors
from pixsim7.auth import service as auth_service
from pixsim7.auth.models import UserSession
from pixsim7.deps import SessionDep, SettingsDep
from pixsim7.users.models import User

TOKEN_COOKIE = "pixsim7_token"


@dataclass
class Principal:
    user: User
    session: UserSession


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    # The cookie lets <video src> and EventSource authenticate. Only for reads: a
    # cross-site form cannot use it to change anything (no CSRF on writes).
    if request.method in ("GET", "HEAD"):
        return request.cookies.get(TOKEN_COOKIE)
    return None


async def current_principal(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Principal:
    token = _token(request)
    if not token:
        raise errors.NotAuthenticated("not authenticated", headers={"WWW-Authenticate": "Bearer"})
    user, row = await auth_service.authenticate(session, settings=settings, token=token)
    structlog.contextvars.bind_contextvars(user_id=user.id)
    return Principal(user=user, session=row)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def current_user(principal: PrincipalDep) -> User:
    return principal.user


async def admin_user(principal: PrincipalDep) -> User:
    if not principal.user.is_admin:
        raise errors.Forbidden("admin only")
    return principal.user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]

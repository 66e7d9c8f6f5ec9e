"""Who is calling: `CurrentUser` for any signed-in user, `AdminUser` for admins (with
their session: `PrincipalDep`, `AdminPrincipal`), `ExtensionPrincipal` for the browser
extension's own sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import structlog
from fastapi import Depends, Request

from pixsim7 import errors
from pixsim7.auth import service as auth_service
from pixsim7.auth.models import SessionKind, UserSession
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


async def admin_principal(principal: PrincipalDep) -> Principal:
    if not principal.user.is_admin:
        raise errors.Forbidden("admin only")
    return principal


async def admin_user(principal: Annotated[Principal, Depends(admin_principal)]) -> User:
    return principal.user


async def extension_principal(principal: PrincipalDep) -> Principal:
    """Only a token issued to the browser extension: a web session (or a token copied out
    of a script) cannot reach what only the extension needs."""
    if principal.session.kind != SessionKind.EXTENSION:
        raise errors.Forbidden("only the browser extension may do this", code="extension_only")
    return principal


CurrentUser = Annotated[User, Depends(current_user)]
ExtensionPrincipal = Annotated[Principal, Depends(extension_principal)]
AdminPrincipal = Annotated[Principal, Depends(admin_principal)]
AdminUser = Annotated[User, Depends(admin_user)]

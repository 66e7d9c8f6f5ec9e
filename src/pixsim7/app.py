"""The FastAPI application: routers, middleware, error envelope, the built web app."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pixsim7 import __version__
from pixsim7.auth.ratelimit import RateLimiter, RedisRateLimiter
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.errors import AppError
from pixsim7.events import EventBus, create_bus
from pixsim7.logging import get_logger
from pixsim7.middleware import RequestContextMiddleware
from pixsim7.providers.registry import Registry

log = get_logger(__name__)

# Hooks run inside the lifespan after the core objects exist (e.g. the embedded worker).
BackgroundHook = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]


def api_router() -> APIRouter:
    from pixsim7.accounts.api import router as accounts
    from pixsim7.assets.api import router as assets
    from pixsim7.auth.api import router as auth
    from pixsim7.jobs.api import router as jobs
    from pixsim7.providers.api import router as providers
    from pixsim7.system.api import router as system
    from pixsim7.users.api import router as users
    from pixsim7.workspaces.api import router as workspaces

    router = APIRouter(prefix="/api/v1")
    for feature in (system, auth, users, workspaces, providers, accounts, jobs, assets):
        router.include_router(feature)
    return router


def create_app(
    settings: Settings,
    *,
    bus: EventBus | None = None,
    background: list[BackgroundHook] | None = None,
) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.ensure_dirs()
        settings.secret  # noqa: B018  (creates the key file on the first start)
        app.state.settings = settings
        app.state.db = Database(settings.effective_database_url)
        app.state.bus = bus or create_bus(settings.redis_url, channel=settings.events_channel)
        app.state.registry = Registry(settings)
        app.state.login_limiter = _login_limiter(settings)
        await app.state.bus.start()
        try:
            async with contextlib.AsyncExitStack() as stack:
                for hook in background or []:
                    await stack.enter_async_context(hook(app))
                yield
        finally:
            await app.state.bus.stop()
            await app.state.registry.aclose()
            await app.state.db.dispose()
            if getattr(app.state.login_limiter, "_redis", None) is not None:
                await app.state.login_limiter._redis.aclose()

    app = FastAPI(
        title="PixSim7",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.add_middleware(RequestContextMiddleware)
    _install_error_handlers(app)
    app.include_router(api_router())
    _mount_web(app, settings.web_dist_dir or _default_web_dist())
    return app


def _login_limiter(settings: Settings) -> RateLimiter:
    limit, window = settings.login_max_attempts, settings.login_window_seconds
    if settings.redis_url:
        import redis.asyncio as redis

        client = redis.from_url(settings.redis_url)
        return RedisRateLimiter(
            client, limit=limit, window_s=window, prefix=f"{settings.redis_prefix}ratelimit:"
        )
    return RateLimiter(limit=limit, window_s=window)


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _install_error_handlers(app: FastAPI) -> None:
    async def app_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.fields),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    async def validation_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            name = ".".join(loc) or "body"
            msg = "invalid JSON" if err.get("type") == "json_invalid" else err.get("msg", "invalid")
            fields.setdefault(name, msg)
        return JSONResponse(
            jsonable_encoder(error_body("validation_error", "invalid request", fields)),
            status_code=422,
        )

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    async def unexpected(_: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "internal server error"), status_code=500)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def _default_web_dist() -> Path:
    return Path(__file__).resolve().parents[2] / "web" / "dist"


def _mount_web(app: FastAPI, dist: Path) -> None:
    """Serve the built single-page app; client-side routes fall back to index.html."""
    dist = dist.resolve()

    async def spa(path: str) -> Response:
        if path.startswith("api/") or path == "api":
            return JSONResponse(error_body("not_found", "Not Found"), status_code=404)
        index = dist / "index.html"
        if not index.is_file():
            return JSONResponse(
                error_body("web_not_built", "the web app is not built; run `make run`"),
                status_code=404,
            )
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist):
            cache = (
                "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
            )
            return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.add_api_route("/{path:path}", spa, methods=["GET", "HEAD"], include_in_schema=False)

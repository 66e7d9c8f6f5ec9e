"""The FastAPI application: routers, middleware, error envelope, the built web app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pixsim7 import __version__, apidocs, openapi
from pixsim7.auth.ratelimit import LoginLimiter, Policy, RedisLoginLimiter
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.errors import AppError
from pixsim7.events import EventBus, create_bus
from pixsim7.fields import message as error_message
from pixsim7.headers import SecurityHeadersMiddleware
from pixsim7.logging import get_logger
from pixsim7.logs import background as logs_background
from pixsim7.logs import exporter as metrics_exporter
from pixsim7.logs.limit import ClientLimiter, RedisClientLimiter
from pixsim7.middleware import RequestContextMiddleware
from pixsim7.providers.registry import Registry
from pixsim7.scenes import usage as scene_usage

log = get_logger(__name__)

# Hooks run inside the lifespan after the core objects exist (e.g. the embedded worker).
BackgroundHook = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]


def api_router() -> APIRouter:
    from pixsim7.accounts.api import router as accounts
    from pixsim7.assets.api import router as assets
    from pixsim7.auth.api import router as auth
    from pixsim7.automation.agent_api import router as automation_agent
    from pixsim7.automation.api import router as automation
    from pixsim7.extension.api import router as extension
    from pixsim7.jobs.api import router as jobs
    from pixsim7.logs.api import router as logs
    from pixsim7.providers.api import router as providers
    from pixsim7.scenes.api import plays_router as plays
    from pixsim7.scenes.api import router as scenes
    from pixsim7.system.api import router as system
    from pixsim7.users.api import router as users
    from pixsim7.workspaces.api import router as workspaces

    router = APIRouter(prefix="/api/v1")
    features = (
        system,
        auth,
        users,
        workspaces,
        providers,
        accounts,
        jobs,
        assets,
        scenes,
        plays,
        extension,
        logs,
        automation,
        automation_agent,
    )
    for feature in features:
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
        app.state.client_log_limiter = _client_log_limiter(settings)
        app.state.stopping = asyncio.Event()  # set by `stop` (server.py)
        await app.state.bus.start()
        try:
            async with contextlib.AsyncExitStack() as stack:
                # First in, last out: the worker's last lines are stored too.
                await stack.enter_async_context(
                    logs_background.running(app.state.db, settings, process="api")
                )
                for hook in background or []:
                    await stack.enter_async_context(hook(app))
                yield
        finally:
            await app.state.bus.stop()
            await app.state.registry.aclose()
            await app.state.db.dispose()
            await app.state.login_limiter.aclose()
            await app.state.client_log_limiter.aclose()

    app = FastAPI(
        title="PixSim7",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served from the package by `apidocs`, not from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.cors_origins:
        # Bearer tokens only: a page of another origin never gets the login cookie's reads.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            allow_credentials=False,
            max_age=600,
        )
    # Scenes hold assets: deleting an asset asks them first (assets/usage.py).
    scene_usage.install()
    _install_error_handlers(app)
    app.include_router(api_router())
    app.include_router(apidocs.router)
    app.include_router(metrics_exporter.router)
    openapi.install(app)
    _mount_web(app, settings.web_dist_dir or _default_web_dist())
    return app


def stop(app: FastAPI) -> None:
    """The process is stopping (SIGTERM, SIGINT): open event streams end and the embedded
    worker stops taking work now, before the server waits for connections to close and
    the lifespan closes the rest."""
    app.state.stopping.set()


def _login_limiter(settings: Settings) -> LoginLimiter:
    policy = Policy(
        free_attempts=settings.login_free_attempts,
        first_delay_s=settings.login_first_delay_seconds,
        max_delay_s=settings.login_max_delay_seconds,
        client_limit=settings.login_client_max_failures,
        client_window_s=settings.login_window_seconds,
    )
    if settings.redis_url:
        client = _limiter_redis(settings.redis_url)
        return RedisLoginLimiter(client, policy, prefix=f"{settings.redis_prefix}login:")
    return LoginLimiter(policy)


def _client_log_limiter(settings: Settings) -> ClientLimiter:
    """Lines the web app and the extension may post (POST /logs), per user and minute."""
    if settings.redis_url:
        client = _limiter_redis(settings.redis_url)
        return RedisClientLimiter(client, prefix=f"{settings.redis_prefix}clientlogs:")
    return ClientLimiter()


def _limiter_redis(url: str) -> Any:
    import redis.asyncio as redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # While Redis is down a request must not wait on retries with backoff: fail fast,
    # and the limiters count in this process.
    return redis.from_url(url, socket_connect_timeout=2, retry=Retry(NoBackoff(), 1))


def error_body(
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **(extra or {})}}


def _install_error_handlers(app: FastAPI) -> None:
    async def app_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return JSONResponse(
            jsonable_encoder(error_body(exc.code, exc.message, exc.fields, exc.extra)),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    async def validation_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        fields: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            name = ".".join(loc) or "body"
            msg = "invalid JSON" if err.get("type") == "json_invalid" else error_message(err)
            fields.setdefault(name, msg)
        return JSONResponse(
            jsonable_encoder(error_body("validation_error", "invalid request", fields)),
            status_code=422,
        )

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
            # FastAPI's body parser answers 400 for anything json.loads raises but a decode
            # error; JSON nested past the interpreter's depth is just another invalid body.
            return JSONResponse(
                error_body("validation_error", "invalid request", {"body": "nested too deeply"}),
                status_code=422,
            )
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

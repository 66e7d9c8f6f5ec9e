"""Fixtures shared by every test.

Database tests take `database_url`, parametrized over SQLite and, when
PIXSIM7_TEST_DATABASE_URL is set, PostgreSQL (with Redis from
PIXSIM7_TEST_REDIS_URL for events and rate limits). Each test gets its own
database: a copy of a migrated SQLite file, or a PostgreSQL database cloned
from a migrated template.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import structlog
from fastapi import FastAPI

from pixsim7 import clock, migrate, outbound
from pixsim7.app import create_app
from pixsim7.config import Settings, async_url
from pixsim7.db import logs_file

# Unconfigured, structlog renders exceptions with rich (which schemathesis brings in),
# locals and all: seconds for each logged error. Tests read plain tracebacks.
structlog.configure(
    processors=[
        *structlog.get_config()["processors"][:-1],
        structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback),
    ]
)

PG_URL = os.environ.get("PIXSIM7_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PIXSIM7_TEST_REDIS_URL")
DIALECTS = ["sqlite", *(["postgresql"] if PG_URL else [])]
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hkdf"
PASSWORD = "correct horse battery"
LOOPBACK = "127.0.0.1"
LOOPBACK_POLICY = outbound.Policy(networks=(ipaddress.ip_network(LOOPBACK),))


def _pg_dsn(database: str) -> str:
    """asyncpg DSN for another database on the test server."""
    assert PG_URL
    base = async_url(PG_URL).replace("postgresql+asyncpg://", "postgresql://")
    return base.rsplit("/", 1)[0] + "/" + database


def _pg_admin(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(_pg_dsn(PG_URL.rsplit("/", 1)[1]))  # type: ignore[union-attr]
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"pixsim7_tpl_{os.getpid()}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(f'CREATE DATABASE "{name}"')
    migrate.upgrade(async_url(_pg_dsn(name)))
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DIALECTS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "pixsim7.db"
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, path)
        # and the log lines' file beside it (db.logs_file)
        template_logs, logs = logs_file(f"sqlite:///{template}"), logs_file(f"sqlite:///{path}")
        assert template_logs is not None and logs is not None
        shutil.copy(template_logs, logs)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"pixsim7_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield async_url(_pg_dsn(name))
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DIALECTS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"pixsim7_e_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    yield async_url(_pg_dsn(name))
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    scaled_out = database_url.startswith("postgresql")
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=database_url,
        redis_url=REDIS_URL if scaled_out else None,
        redis_prefix=f"pixsim7test:{uuid.uuid4().hex[:8]}:",
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        web_dist_dir=tmp_path / "no-web",
        local_max_concurrency=2,
        # Registration is closed on a fresh install (tests/auth checks that); the test
        # app opens it so that `Users` registers users the way they sign up.
        allow_registration=True,
        # The fake providers and file servers listen on loopback. Tests of the outbound
        # policy itself clear this (tests/test_outbound.py).
        outbound_allow=[LOOPBACK],
    )


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """Logging as each test found it: a test that configures it as `pixsim7 serve` does
    (the database copy, a handler on the stderr pytest captured) must not leave that to the
    tests after it (the fuzz test's server then stored lines, and wrote to a closed file)."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


Dns = Callable[[dict[str, list[list[str]]]], list[str]]


@pytest.fixture
def dns() -> Iterator[Dns]:
    """Answer name lookups of the outbound policy from a table: name -> successive answers
    (the last one repeats; an empty one: the name does not resolve). Names not listed, and
    IP literals, answer themselves. Returns the log of names looked up."""
    looked_up: list[str] = []

    def install(answers: dict[str, list[list[str]]]) -> list[str]:
        async def resolve(host: str, port: int) -> list[str]:
            looked_up.append(host)
            queue = answers.get(host)
            if not queue:
                return [host]
            return queue.pop(0) if len(queue) > 1 else queue[0]

        outbound.set_resolver(resolve)
        return looked_up

    yield install
    outbound.set_resolver(None)


class Users:
    """Registers users (signed in by registering), or creates admins and signs them in."""

    def __init__(self, client: httpx.AsyncClient, app: FastAPI) -> None:
        self.client = client
        self.app = app

    async def create(
        self, email: str | None = None, *, admin: bool = False, password: str = PASSWORD
    ) -> dict[str, str]:
        """A new user; returns Authorization headers for them."""
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        if admin:
            # As `pixsim7 user create --admin` does (or the first start, for the first one).
            from pixsim7.users import service as users_service
            from pixsim7.users.models import Role

            async with self.app.state.db.session() as session:
                await users_service.create(
                    session,
                    settings=self.app.state.settings,
                    email=email,
                    password=password,
                    role=Role.ADMIN,
                )
            r = await self.client.post(
                "/api/v1/auth/login", json={"email": email, "password": password}
            )
            assert r.status_code == 200, r.text
        else:
            r = await self.client.post(
                "/api/v1/auth/register", json={"email": email, "password": password}
            )
            assert r.status_code == 201, r.text
        self.client.cookies.clear()  # tests authenticate by header unless they say otherwise
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def users(client: httpx.AsyncClient, app: FastAPI) -> Users:
    return Users(client, app)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's sync API holds an event loop open in the main
    thread for as long as its session fixture lives, which pytest-asyncio cannot run beside."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)

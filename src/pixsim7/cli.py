"""`pixsim7 serve | db | user | fake-provider ...`"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import secrets
import sys

import click

from pixsim7 import logging as plog
from pixsim7 import migrate
from pixsim7.app import BackgroundHook
from pixsim7.config import Settings, get_settings


@click.group()
def main() -> None:
    """PixSim7: a self-hosted AI video studio."""


def _settings() -> Settings:
    settings = get_settings()
    plog.configure(settings.log_level, json=settings.log_json)
    settings.ensure_dirs()
    return settings


@main.command()
@click.option("--host", default=None, help="Address to bind (default PIXSIM7_HOST).")
@click.option("--port", default=None, type=int, help="Port (default PIXSIM7_PORT).")
@click.option("--no-worker", is_flag=True, help="API only; run `pixsim7 worker` elsewhere.")
def serve(host: str | None, port: int | None, no_worker: bool) -> None:
    """Upgrade the database, create the first admin if needed, and serve the API and web app."""
    from pixsim7 import server
    from pixsim7.app import create_app

    settings = _settings()
    migrate.upgrade(settings.effective_database_url)
    asyncio.run(_bootstrap(settings))
    app = create_app(settings, background=[] if no_worker else _worker_hooks())
    server.run(
        app,
        settings,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=False,
        access_log=False,  # RequestContextMiddleware logs each request once, as JSON
    )


def _worker_hooks() -> list[BackgroundHook]:
    """What the embedded worker runs beside the API: the scheduler, media cache eviction,
    trash expiry and automation (executions, loops, device scans)."""
    from pixsim7.assets.cache import eviction_task
    from pixsim7.assets.trash import expiry_task
    from pixsim7.automation.worker import embedded as automation
    from pixsim7.jobs.worker import embedded

    return [embedded, eviction_task, expiry_task, automation]


async def _bootstrap(settings: Settings) -> None:
    """Create the first admin on a fresh database, and the built-in accounts."""
    from pixsim7.accounts import service as accounts_service
    from pixsim7.db import Database
    from pixsim7.users import service as users_service

    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            generated = settings.admin_password is None
            password = (
                secrets.token_urlsafe(12)
                if settings.admin_password is None
                else settings.admin_password.get_secret_value()
            )
            email = settings.admin_email or "admin@pixsim7.local"
            admin = await users_service.ensure_admin(
                session, settings=settings, email=email, password=password
            )
            if admin is not None:
                shown = password if generated else "(from PIXSIM7_ADMIN_PASSWORD)"
                # Printed once, to the terminal only: never logged.
                click.echo(f"\n  First admin created: {email}  password: {shown}\n", err=True)
            await accounts_service.ensure_builtin(session, settings)
    finally:
        await db.dispose()


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(_settings().effective_database_url, revision)
    click.echo(f"upgraded to {revision}")


@db.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(_settings().effective_database_url, revision)
    click.echo(f"downgraded to {revision}")


@db.command("current")
def db_current() -> None:
    click.echo(asyncio.run(migrate.current(_settings().effective_database_url)) or "(empty)")


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--username", default=None)
@click.option("--admin", is_flag=True)
def user_create(email: str, password: str, username: str | None, admin: bool) -> None:
    from pixsim7.users.models import Role
    from pixsim7.users.schemas import UserCreate

    UserCreate(email=email, password=password, username=username)  # same rules as the API
    settings = _settings()
    migrate.upgrade(settings.effective_database_url)

    async def run() -> int:
        from pixsim7.db import Database
        from pixsim7.users import service as users_service

        database = Database(settings.effective_database_url)
        try:
            async with database.session() as session:
                created = await users_service.create(
                    session,
                    settings=settings,
                    email=email,
                    password=password,
                    username=username,
                    role=Role.ADMIN if admin else Role.USER,
                )
                return created.id
        finally:
            await database.dispose()

    from pixsim7.errors import AppError

    try:
        user_id = asyncio.run(run())
    except AppError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from exc
    click.echo(f"created user {user_id} ({'admin' if admin else 'user'})")


@user.command("set-password")
@click.argument("login")
@click.option(
    "--password", required=True, prompt="New password", hide_input=True, confirmation_prompt=True
)
def user_set_password(login: str, password: str) -> None:
    """Set the password of the user LOGIN (email or username), e.g. a lost admin password.

    Every session of that user is signed out.
    """
    from pydantic import ValidationError

    from pixsim7.users.schemas import PasswordReset

    try:
        PasswordReset(new_password=password)  # same rules as the API
    except ValidationError as exc:
        raise click.ClickException("the password must be 8 to 256 characters long") from exc
    settings = _settings()
    migrate.upgrade(settings.effective_database_url)

    async def run() -> str | None:
        from pixsim7.auth import service as auth_service
        from pixsim7.db import Database
        from pixsim7.users import service as users_service

        database = Database(settings.effective_database_url)
        try:
            async with database.session() as session:
                found = await users_service.get_by_login(session, login)
                if found is None:
                    return None
                await auth_service.reset_password(session, found, password)
                return found.email
        finally:
            await database.dispose()

    email = asyncio.run(run())
    if email is None:
        raise click.ClickException(f"no user with the email or username {login!r}")
    click.echo(f"password set for {email}; their sessions are signed out")


@main.command()
def openapi() -> None:
    """Print the API's OpenAPI schema as JSON (the web app's types are generated from it)."""
    import json

    from pixsim7.app import create_app

    # Building the schema needs no database or data dir: the lifespan never runs here.
    app = create_app(Settings(_env_file=None))
    click.echo(json.dumps(app.openapi(), indent=2, sort_keys=True))


@main.group("secrets")
def secrets_group() -> None:
    """The secret key that encrypts provider credentials."""


@secrets_group.command("rotate")
@click.option(
    "--generate",
    is_flag=True,
    help="Replace the generated key file with a new key (not with PIXSIM7_SECRET_KEY).",
)
def secrets_rotate(generate: bool) -> None:
    """Re-encrypt every provider credential under the current key (docs/operations.md).

    With PIXSIM7_SECRET_KEY: set the new key there and list the old one in
    PIXSIM7_OLD_SECRET_KEYS first. With a generated key file: use --generate.
    """
    from pixsim7.accounts import credentials
    from pixsim7.config import set_settings

    settings = _settings()
    migrate.upgrade(settings.effective_database_url)
    if generate:
        if settings.secret_key is not None:
            raise click.ClickException(
                "PIXSIM7_SECRET_KEY is set: put the new key there, list the old one in "
                "PIXSIM7_OLD_SECRET_KEYS and run `pixsim7 secrets rotate` without --generate"
            )
        _ = settings.secret  # make sure there is a key file to move aside
        credentials.generate_key_file(settings.data_dir)
        set_settings(None)  # the key is cached per Settings: read the new one
        settings = _settings()

    async def run() -> int:
        from pixsim7.db import Database

        database = Database(settings.effective_database_url)
        try:
            async with database.session() as session:
                return await credentials.rotate_all(session, credentials.box(settings))
        finally:
            await database.dispose()

    try:
        count = asyncio.run(run())
    except credentials.RotationFailed as exc:
        raise click.ClickException(
            f"{exc}; nothing was changed. List the key they were encrypted with in "
            "PIXSIM7_OLD_SECRET_KEYS and run again."
        ) from exc
    if settings.secret_key is None:
        credentials.finish_key_file(settings.data_dir)
    click.echo(f"re-encrypted {count} account(s) under the current key; old keys are unused now")


@main.command()
@click.option("--lease-seconds", default=60.0, help="Lease, seconds.")
@click.option("--concurrency", default=32, help="Provider submit calls under way at once.")
@click.option("--tick", default=0.5, help="Idle wait between claims, seconds.")
@click.option("--first-poll", default=1.0, help="First status check after a submit, seconds.")
@click.option("--heartbeat", default=5.0, help="Heartbeat interval, seconds.")
@click.option("--retry-delay", default=2.0, help="First retry delay after a transient error.")
@click.option("--no-ingest", is_flag=True, help="Keep outputs at the provider (benchmarks).")
@click.option(
    "--metrics-port",
    default=None,
    type=int,
    help="Serve this worker's own Prometheus metrics on this port (all interfaces).",
)
def worker(
    lease_seconds: float,
    concurrency: int,
    tick: float,
    first_poll: float,
    heartbeat: float,
    retry_delay: float,
    no_ingest: bool,
    metrics_port: int | None,
) -> None:
    """Run the scheduler and poller (any number of these may share one PostgreSQL)."""
    from pixsim7.jobs.outcomes import RetryPolicy
    from pixsim7.jobs.runtime import WorkerConfig
    from pixsim7.jobs.worker import run_process

    settings = _settings()
    migrate.upgrade(settings.effective_database_url)
    config = WorkerConfig(
        lease_s=lease_seconds,
        submit_concurrency=concurrency,
        tick_s=tick,
        first_poll_s=first_poll,
        heartbeat_s=heartbeat,
        retry=RetryPolicy(base_delay_s=retry_delay),
        ingest=not no_ingest,
        shutdown_grace_s=settings.shutdown_grace_s,
    )
    if metrics_port is not None:
        from prometheus_client import start_http_server

        from pixsim7.logs import metrics

        start_http_server(metrics_port, registry=metrics.REGISTRY)
    asyncio.run(run_process(settings, config))


@main.command("fake-provider")
@click.argument("name", type=click.Choice(["pixverse", "runway", "sora", "comfyui"]))
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=9000, type=int)
def fake_provider(name: str, host: str, port: int) -> None:
    """Run a provider's fake server (for demos and tests; speaks the provider's protocol)."""
    import uvicorn

    plog.configure("INFO", json=True)
    module = importlib.import_module(f"pixsim7.providers.{name}.fake")
    uvicorn.run(module.create_app(), host=host, port=port, log_config=None)


@main.command("device-agent")
@click.option("--server", required=True, help="The PixSim7 server's URL, e.g. https://pixsim.lan")
@click.option("--pair", "code", default=None, help="The pairing code shown in the web app.")
@click.option("--adb", "adb_address", default="127.0.0.1:5037", help="The local ADB server.")
@click.option(
    "--token-file", type=click.Path(dir_okay=False), default=None, help="Where the token is kept."
)
def device_agent(server: str, code: str | None, adb_address: str, token_file: str | None) -> None:
    """Serve this machine's phones and emulators to a PixSim7 server (connects out)."""
    import signal
    from pathlib import Path

    from pixsim7.automation import agent

    plog.configure("INFO", json=False)
    path = Path(token_file) if token_file else agent.default_token_file()
    client = agent.DeviceAgentClient(server=server, adb_address=adb_address)

    async def run() -> None:
        if code:
            agent.save_token(path, await client.pair(code))
            click.echo(f"paired; the agent's token is kept in {path}", err=True)
        elif path.is_file():
            client.token = path.read_text().strip()
        else:
            raise click.ClickException("not paired: run with --pair CODE (from the web app)")
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, client.stop)
        await client.run()

    try:
        asyncio.run(run())
    except agent.Revoked as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("fake-adb")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5037, type=int)
@click.option("--serial", "serials", multiple=True, default=["emulator-5554"])
@click.option(
    "--account", "accounts", multiple=True, help="EMAIL:PASSWORD the fake Pixverse app knows."
)
def fake_adb(host: str, port: int, serials: tuple[str, ...], accounts: tuple[str, ...]) -> None:
    """Run the fake ADB server with phones running a fake Pixverse app (demos and tests)."""
    from pixsim7.automation.fake_adb import FakeAdbServer
    from pixsim7.automation.fake_app import FakeAccount, pixverse_phone

    known = {}
    for item in accounts:
        email, _, password = item.partition(":")
        known[email] = FakeAccount(password, credits=50)
    phones = [pixverse_phone(serial, known) for serial in serials]

    async def run() -> None:
        async with FakeAdbServer(phones, host=host, port=port) as server:
            click.echo(f"fake ADB server on {server.address}", err=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

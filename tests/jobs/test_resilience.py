"""Real `pixsim7 worker` processes through outages: Redis killed and restarted mid-run, and
a worker stopped with SIGTERM while it holds jobs.

The database is the source of truth and events are only wake-ups (ARCHITECTURE.md §9,
events.py), so jobs must keep moving while Redis is down and live events must flow again
once it is back, on the same SSE connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7.config import Settings
from pixsim7.jobs.models import Job, ProviderSubmission, Worker
from pixsim7.providers.fakekit import FakeServer, FakeState
from tests.conftest import DIALECTS
from tests.jobs.conftest import add_account, pixverse_job
from tests.jobs.test_crash import CLI, SlowCreates, Workers
from tests.system.test_events import listen, served  # noqa: F401  (SSE over real HTTP)

pytestmark = pytest.mark.crash
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    """A redis-server of our own on a fixed port, so it can be killed and started again."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        self.proc = subprocess.Popen(
            [REDIS_SERVER, *args, "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.proc is not None:
        server.kill()


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeServer, FakeState]]:
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=0.3, limit=None)
    async with FakeServer(SlowCreates(app, 0.3)) as server:
        yield server, app.state.fake


async def _jobs(app: FastAPI) -> list[Job]:
    async with app.state.db.session() as session:
        jobs = list((await session.scalars(select(Job).order_by(Job.id))).all())
        await session.commit()
    return jobs


async def _until_done(app: FastAPI, ids: list[int], seconds: float) -> list[Job]:
    deadline = time.monotonic() + seconds
    while True:
        jobs = [j for j in await _jobs(app) if j.id in ids]
        if all(j.status == "completed" for j in jobs):
            return jobs
        assert time.monotonic() < deadline, "\n".join(
            f"{j.id} {j.status} {j.lease_owner} {j.lease_until} {j.next_check_at} {j.history}"
            for j in jobs
        )
        await asyncio.sleep(0.1)


async def _live(app: FastAPI, proc: subprocess.Popen[bytes], seconds: float) -> Worker:
    """The worker row of process `proc`, once it has heartbeaten."""
    deadline = time.monotonic() + seconds
    while True:
        async with app.state.db.session() as session:
            row = await session.scalar(select(Worker).where(Worker.pid == proc.pid))
            await session.commit()
        if row is not None:
            return row
        assert proc.poll() is None, f"worker exited with {proc.returncode}"
        assert time.monotonic() < deadline, "worker did not start"
        await asyncio.sleep(0.1)


async def _create(client: httpx.AsyncClient, h: dict[str, str], prompts: list[str]) -> list[int]:
    ids = []
    for prompt in prompts:
        r = await client.post("/api/v1/jobs", json=pixverse_job(prompt), headers=h)
        assert r.status_code == 201, r.text
        ids.append(int(r.json()["id"]))
    return ids


async def _exactly_once(app: FastAPI, fake: FakeState) -> None:
    """Each job succeeded at the provider once, and the fake created each prompt once."""
    async with app.state.db.session() as session:
        subs = (await session.scalars(select(ProviderSubmission))).all()
        await session.commit()
    jobs = await _jobs(app)
    succeeded = Counter(s.job_id for s in subs if s.status == "succeeded")
    assert all(succeeded[j.id] == 1 for j in jobs), succeeded
    created = Counter(str(j.params.get("prompt")) for j in fake.jobs.values())
    assert all(n == 1 for n in created.values()), created
    assert sorted(created) == sorted(str(j.params["prompt"]) for j in jobs)


# ------------------------------------------------------------------ Redis restarted


@pytest.fixture
def settings(settings: Settings, redis_server: PrivateRedis) -> Settings:
    # Both databases run scaled out here: events go through our own Redis.
    settings.redis_url = redis_server.url
    return settings


def _completed(stream: Any, ids: list[int]) -> bool:
    done = {
        e["data"]["id"]
        for e in stream.events
        if e["type"] == "job.updated" and e["data"].get("status") == "completed"
    }
    return set(ids) <= done


async def _wait(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_redis_restart_loses_no_job_and_events_resume(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    redis_server: PrivateRedis,
    fake: tuple[FakeServer, FakeState],
    served: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    server, state = fake
    h = await users.create()  # (logins use Redis for their rate limit: log in first)
    for i in range(2):
        await add_account(client, h, server, f"redis-{i}", max_concurrent_jobs=2)
    workers = Workers(settings, server.url, tmp_path)
    try:
        await _live(app, workers.start(), 120)
        async with listen(served, h) as stream:
            # Before: the worker's events reach this process's SSE stream through Redis.
            before = await _create(client, h, [f"before {i}" for i in range(3)])
            await _wait(lambda: _completed(stream, before), 60, "events before the outage")

            redis_server.kill()
            # While Redis is down the queue still moves: the database is the truth.
            during = await _create(client, h, [f"during {i}" for i in range(3)])
            keepalives = stream.keepalives
            down = (await client.get("/api/v1/services", headers=h)).json()
            assert (down["redis"], down["redis_latency_ms"]) == ("error", None), down
            await _until_done(app, during, 60)
            assert stream.keepalives > keepalives  # the SSE connection stayed open
            assert not _completed(stream, during)  # (no event could be carried meanwhile)

            redis_server.start()
            bus = app.state.bus
            await bus.wait_connected(15)
            # After: events flow again on the same stream, from this process (created)
            # and from the worker process (completed).
            # Both processes listen again: this API and the worker (which backs off).
            for _ in range(150):
                up = (await client.get("/api/v1/services", headers=h)).json()
                if up["event_listeners"] == 2:
                    break
                await asyncio.sleep(0.1)
            assert up["redis"] == "ok" and up["event_listeners"] == 2, up
            after = await _create(client, h, [f"after {i}" for i in range(3)])
            await _until_done(app, after, 60)
            await _wait(lambda: _completed(stream, after), 20, "events after the restart")
            created = {e["data"]["id"] for e in stream.events if e["type"] == "job.created"}
            assert set(after) <= created
    finally:
        workers.stop_all()
    assert all(p.returncode == 0 for p in workers.procs), [p.returncode for p in workers.procs]
    await _exactly_once(app, state)
    jobs = await _jobs(app)
    assert len(jobs) == 9 and all(j.status == "completed" for j in jobs)


async def test_a_worker_started_while_redis_is_down_runs_jobs_and_joins_events_later(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    redis_server: PrivateRedis,
    fake: tuple[FakeServer, FakeState],
    served: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    server, state = fake
    h = await users.create()
    await add_account(client, h, server, "redis-late", max_concurrent_jobs=2)
    redis_server.kill()
    workers = Workers(settings, server.url, tmp_path)
    try:
        await _live(app, workers.start(), 120)
        early = await _create(client, h, [f"early {i}" for i in range(2)])
        await _until_done(app, early, 60)
        redis_server.start()
        await app.state.bus.wait_connected(15)
        async with listen(served, h) as stream:
            late = await _create(client, h, [f"late {i}" for i in range(2)])
            await _until_done(app, late, 60)
            # Completion events come from the worker process: it joined the channel.
            await _wait(lambda: _completed(stream, late), 30, "the worker's events")
    finally:
        workers.stop_all()
    await _exactly_once(app, state)


# ------------------------------------------------------------------ SIGTERM


@pytest.fixture
async def slow_fake() -> AsyncIterator[tuple[FakeServer, FakeState]]:
    """Creates take a second and jobs three, so a SIGTERM finds both kinds in flight."""
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=3.0, limit=None)
    async with FakeServer(SlowCreates(app, 1.0)) as server:
        yield server, app.state.fake


LEASE_S = 60  # WorkerConfig's default; longer than the takeover may take


@pytest.mark.parametrize("first_kind", ["worker", "serve"])
async def test_sigterm_releases_leases_so_another_worker_takes_over_at_once(
    first_kind: str,
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    slow_fake: tuple[FakeServer, FakeState],
    tmp_path: Path,
) -> None:
    server, state = slow_fake
    h = await users.create()
    accounts = []
    for i in range(2):
        accounts.append(await add_account(client, h, server, f"term-{i}", max_concurrent_jobs=3))
        state.configure(f"term-{i}", credits={"web": 1000}, limit=3)
    # Eight jobs for six slots, of unequal lengths: as the first finish, the last two are
    # submitted while the others are still at the provider.
    ids = await _create(client, h, [f"term job {i} [secs:{2 + i}]" for i in range(8)])
    costs = {j.id: j.estimated_credits for j in await _jobs(app)}
    workers = LongLeaseWorkers(settings, server.url, tmp_path)
    try:
        # `pixsim7 serve` stops its embedded worker when uvicorn handles the signal.
        first = workers.start() if first_kind == "worker" else workers.serve()
        worker_row = await _live(app, first, 120)  # (starting up takes long on a busy machine)
        # Wait until the worker is mid-submit while other jobs are at the provider (it
        # leases those only while it polls them).
        deadline = time.monotonic() + 60
        while True:
            jobs = await _jobs(app)
            held = Counter(j.status for j in jobs if j.lease_owner == worker_row.id)
            if held["submitting"] and any(j.status == "processing" for j in jobs):
                break
            assert time.monotonic() < deadline, [(j.status, j.wait_reason) for j in jobs]
            await asyncio.sleep(0.05)
        t0 = time.monotonic()
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        stopped_in = time.monotonic() - t0
        # (uvicorn re-raises the signal once it has shut down gracefully.)
        clean = (0,) if first_kind == "worker" else (0, -signal.SIGTERM)
        assert first.returncode in clean, first.returncode
        assert stopped_in < 10, stopped_in  # it does not wait out its leases

        # It left nothing held: no lease of its is still running, and its row is gone.
        now = dt.datetime.now(dt.UTC)
        jobs = await _jobs(app)
        still = [
            (j.id, j.status, j.lease_until)
            for j in jobs
            if j.lease_owner == worker_row.id and j.lease_until and j.lease_until > now
        ]
        assert not still, still
        async with app.state.db.session() as session:
            assert (await session.get(Worker, worker_row.id)) is None
            await session.commit()
        assert {j.status for j in jobs} <= {"pending", "submitting", "processing", "completed"}

        # Another worker finishes everything long before the old leases would have expired.
        await _live(app, workers.start(), 120)
        t1 = time.monotonic()
        await _until_done(app, ids, LEASE_S / 2)
        taken_over_in = time.monotonic() - t1
    finally:
        workers.stop_all()
    assert taken_over_in < LEASE_S / 2, taken_over_in
    await _exactly_once(app, state)
    # No credit lost or charged twice: the provider charged each job once, and once
    # synced our balance agrees with it and no job still holds a reservation.
    jobs = await _jobs(app)
    assert all(j.reserved_credits == 0 for j in jobs), [(j.id, j.reserved_credits) for j in jobs]
    charged = {a: 0.0 for a in accounts}
    for j in jobs:
        assert j.account_id is not None
        charged[j.account_id] += costs[j.id]
    for i, account_id in enumerate(accounts):
        fake_left = state.configure(f"term-{i}").credits["web"]
        assert fake_left == 1000 - charged[account_id], (i, fake_left, charged)
        r = await client.post(f"/api/v1/accounts/{account_id}/sync", headers=h)
        assert r.status_code == 200, r.text
        account = (await client.get(f"/api/v1/accounts/{account_id}", headers=h)).json()
        assert account["credits"]["web"] == fake_left
        assert account["in_flight_jobs"] == 0


class LongLeaseWorkers(Workers):
    """Workers whose leases outlast the test, so only a released lease lets another in."""

    def start(self) -> subprocess.Popen[bytes]:
        args = ["--lease-seconds", str(LEASE_S), "--tick", "0.05", "--first-poll", "0.1"]
        return self._run("worker", *args, "--heartbeat", "0.5", "--retry-delay", "0.1")

    def serve(self) -> subprocess.Popen[bytes]:
        """API and embedded worker, whose lease is the default (LEASE_S)."""
        return self._run("serve", "--port", str(_free_port()))

    def _run(self, *args: str) -> subprocess.Popen[bytes]:
        with open(self.tmp / f"worker-{len(self.procs)}.log", "wb") as log:
            proc = subprocess.Popen(
                [str(CLI), *args],
                env=self.env,
                cwd=self.tmp,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc


@pytest.mark.parametrize(
    "database_url", [d for d in DIALECTS if d == "postgresql"], indirect=True
)  # SQLite has no server whose connections can die
async def test_a_worker_transaction_survives_its_connection_dying(database_url: str) -> None:
    """Workers skip the test query before each transaction (`pixsim7 worker`); a pooled
    connection that died meanwhile (the server restarted, or killed it) fails one attempt,
    is dropped, and the work runs again on a fresh one."""
    from types import SimpleNamespace

    import asyncpg
    from sqlalchemy import text

    from pixsim7.db import Database
    from pixsim7.jobs.runtime import transaction

    db = Database(database_url, pre_ping=False)
    try:
        async with db.session() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            await session.commit()
        dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
        admin = await asyncpg.connect(dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        tries: list[int] = []

        async def work(tx: Any) -> int:
            tries.append(await tx.scalar(text("SELECT pg_backend_pid()")))
            return tries[-1]

        rt: Any = SimpleNamespace(db=db)
        assert await transaction(rt, work) != pid
        assert len(tries) == 1  # the first attempt died before its statement returned
    finally:
        await db.dispose()

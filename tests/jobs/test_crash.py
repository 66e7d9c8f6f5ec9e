"""Real `pixsim7 worker` processes against the fake Pixverse: kill -9 mid-run, many workers.

The fake answers create calls slowly (a test middleware), so a worker killed at a random
moment leaves attempts in `submitting` whose fate it never learned; the next worker must
ask the provider (find_submission) instead of submitting again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.types import ASGIApp, Receive, Scope, Send

from pixsim7.config import Settings
from pixsim7.jobs.models import Job, ProviderSubmission
from pixsim7.providers.fakekit import FakeServer, FakeState
from tests.conftest import TEST_SECRET
from tests.jobs.conftest import add_account, pixverse_job

pytestmark = pytest.mark.crash
CLI = Path(sys.executable).parent / "pixsim7"


def is_create(path: str) -> bool:
    """A Pixverse generation call, on the web API or the platform API."""
    if path.startswith("/openapi/v2/video/"):
        return path.endswith("/generate")
    return path.startswith("/creative_platform/video/") and path.rsplit("/", 1)[-1] not in (
        "personal",
        "delete",
    )


class SlowCreates:
    """Delay generation calls so a kill lands mid-submit."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_create(scope.get("path", "")):
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)


@pytest.fixture
async def slow_fake() -> AsyncIterator[tuple[FakeServer, FakeState]]:
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=1.0, limit=None)
    async with FakeServer(SlowCreates(app, 0.4)) as server:
        yield server, app.state.fake


class Workers:
    def __init__(self, settings: Settings, fake_url: str, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "PIXSIM7_DATABASE_URL": settings.effective_database_url,
            "PIXSIM7_DATA_DIR": str(settings.data_dir),
            "PIXSIM7_SECRET_KEY": TEST_SECRET,
            "PIXSIM7_REDIS_URL": settings.redis_url or "",
            "PIXSIM7_REDIS_PREFIX": settings.redis_prefix,
            "PIXSIM7_PIXVERSE_BASE_URL": fake_url,
            "PIXSIM7_LOG_LEVEL": "WARNING",
        }
        if not settings.redis_url:
            self.env.pop("PIXSIM7_REDIS_URL")
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        args = ["--lease-seconds", "3", "--tick", "0.05", "--first-poll", "0.1"]
        args += ["--heartbeat", "0.5", "--retry-delay", "0.1"]
        with open(self.tmp / f"worker-{len(self.procs)}.log", "wb") as log:
            proc = subprocess.Popen(
                [str(CLI), "worker", *args],
                env=self.env,
                cwd=self.tmp,
                stdout=log,  # the child keeps its own copy of the descriptor
                stderr=subprocess.STDOUT,
            )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(settings: Settings, slow_fake: Any, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(settings, slow_fake[0].url, tmp_path)
    yield pool
    pool.stop_all()


async def _counts(app: FastAPI) -> Counter[str]:
    async with app.state.db.session() as session:
        rows = (await session.execute(select(Job.status, func.count()).group_by(Job.status))).all()
        await session.commit()
    return Counter({status: n for status, n in rows})


async def _until(app: FastAPI, check: Any, seconds: float) -> Counter[str]:
    for _ in range(int(seconds / 0.05)):
        counts = await _counts(app)
        if check(counts):
            return counts
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting; jobs by status: {await _counts(app)}")


async def _check_exactly_once(app: FastAPI, fake: FakeState, n: int, limit: int) -> None:
    async with app.state.db.session() as session:
        jobs = (await session.scalars(select(Job))).all()
        subs = (await session.scalars(select(ProviderSubmission))).all()
        await session.commit()
    assert len(jobs) == n and all(j.status == "completed" for j in jobs)
    succeeded = Counter(s.job_id for s in subs if s.status == "succeeded")
    assert all(succeeded[j.id] == 1 for j in jobs), succeeded
    assert not [s for s in subs if s.error_class == "concurrency"]
    # The fake created each job's video once: no attempt reached it twice.
    created = Counter(str(j.params.get("prompt")) for j in fake.jobs.values())
    twice = [p for p, c in created.items() if c > 1]
    detail = [
        (j.history, [(s.status, s.provider_job_id) for s in subs if s.job_id == j.id])
        for j in jobs
        if j.params.get("prompt") in twice
    ]
    assert not twice, detail
    for key, account in fake.accounts.items():
        assert account.max_running <= limit, (key, account.max_running)
        assert fake.running(key) == 0
    assert (await _counts(app))["completed"] == n  # nothing left submitting/processing


async def test_kill_9_mid_run_then_another_worker_finishes(
    app: FastAPI, client: httpx.AsyncClient, users, slow_fake: Any, workers: Workers
) -> None:
    server, fake = slow_fake
    h = await users.create()
    for i in range(3):
        await add_account(client, h, server, f"crash-{i}", max_concurrent_jobs=2)
        fake.configure(f"crash-{i}", limit=2)
    n = 12
    for i in range(n):
        # Runs of 0.5 to 2 s at the fake: slots free at different times, so new submits
        # overlap jobs still processing (equal runs would move in waves of six).
        job = pixverse_job(f"crash job {i} [secs:{0.5 + (i % 4) * 0.5}]")
        r = await client.post("/api/v1/jobs", json=job, headers=h)
        assert r.status_code == 201, r.text
    first = workers.start()
    await _until(app, lambda c: c["submitting"] and c["processing"], 60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    workers.start()
    await _until(app, lambda c: c["completed"] == n, 90)
    await _check_exactly_once(app, fake, n, limit=2)
    async with app.state.db.session() as session:
        jobs = (await session.scalars(select(Job))).all()
        await session.commit()
    # The kill caught at least one attempt mid-submit; the next worker took it over.
    recovered = [j for j in jobs if any(e["event"] == "recovered" for e in j.history)]
    assert recovered, [j.history for j in jobs]


async def test_four_workers_many_jobs_on_postgresql(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    slow_fake: Any,
    workers: Workers,
) -> None:
    if settings.is_sqlite:
        pytest.skip("many workers is the PostgreSQL deployment")
    server, fake = slow_fake
    fake.job_seconds = 0.3
    h = await users.create()
    for i in range(10):
        await add_account(client, h, server, f"many-{i}", max_concurrent_jobs=2)
        fake.configure(f"many-{i}", limit=2)
    n = 200
    for i in range(n):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"many job {i}"), headers=h)
        assert r.status_code == 201, r.text
    for _ in range(4):
        workers.start()
    await _until(app, lambda c: c["completed"] == n, 100)
    await _check_exactly_once(app, fake, n, limit=2)

"""SIGTERM while a provider hangs on a submit call: the worker still exits in bounded time
(well inside a supervisor's stop timeout), and the attempt it abandoned is recovered by
the next worker by asking the provider, not submitted twice nor counted as a failure."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer, FakeState
from tests.jobs.conftest import add_account
from tests.jobs.test_crash import SlowCreates
from tests.jobs.test_resilience import (
    LongLeaseWorkers,
    _create,
    _exactly_once,
    _jobs,
    _live,
    _until_done,
)

pytestmark = pytest.mark.crash
HANG_S = 25.0  # a provider create call this slow (Pixverse's can be, under load)


@pytest.fixture
async def hanging_fake() -> AsyncIterator[tuple[FakeServer, FakeState]]:
    from pixsim7.providers.pixverse.fake import create_app

    app = create_app(job_seconds=0.5, limit=None)
    async with FakeServer(SlowCreates(app, HANG_S)) as server:
        yield server, app.state.fake


async def test_sigterm_during_a_hung_submit_exits_promptly(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    hanging_fake: tuple[FakeServer, FakeState],
    tmp_path: Path,
) -> None:
    server, state = hanging_fake
    h = await users.create()
    await add_account(client, h, server, "hung-0")
    ids = await _create(client, h, ["hung job"])
    workers = LongLeaseWorkers(settings, server.url, tmp_path)
    try:
        first = workers.start()
        await _live(app, first, 120)
        deadline = time.monotonic() + 30
        while not [j for j in await _jobs(app) if j.status == "submitting" and j.lease_owner]:
            assert time.monotonic() < deadline, "the job was never claimed"
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # the create call is now under way at the fake
        t0 = time.monotonic()
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=90)
        stopped_in = time.monotonic() - t0
        assert first.returncode == 0, first.returncode
        await _live(app, workers.start(), 120)
        done = await _until_done(app, ids, 2 * HANG_S)
    finally:
        workers.stop_all()
    await _exactly_once(app, state)
    # The call the stop cut off was handed back, not counted as the job's failure.
    assert [(j.retries, j.error_message) for j in done] == [(0, None)], [j.history for j in done]
    # Docker's `stop` sends SIGKILL after 10 s: a worker that waits out a slow provider
    # past that leaves its lease live, and the job waits for the lease to expire.
    assert stopped_in < 10, f"stopping took {stopped_in:.1f} s"

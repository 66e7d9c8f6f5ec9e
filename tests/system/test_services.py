"""GET /services: live workers with what they hold, the database, Redis and providers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.jobs.worker import JobWorker
from pixsim7.migrate import current
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import add_account, pixverse_job, wait_for
from tests.jobs.test_crash import SlowCreates


@pytest.fixture
async def pixverse() -> AsyncIterator[FakeServer]:
    """Creates take a few seconds: a job stays in `submitting`, its lease held by the
    worker. (Between polls a processing job is held by no worker: any may poll it.)"""
    from pixsim7.providers.pixverse.fake import create_app

    async with FakeServer(SlowCreates(create_app(job_seconds=0.1, limit=None), 4.0)) as server:
        yield server


@pytest.fixture
def settings(settings: Settings, pixverse: FakeServer) -> Settings:
    settings.pixverse_base_url = pixverse.url
    # The other providers point at a closed local port: probes fail at once, not after a
    # timeout, so a look at /services stays inside the window a job is held.
    settings.runway_base_url = settings.sora_base_url = "http://127.0.0.1:9"
    settings.comfyui_base_url = "http://127.0.0.1:9"
    return settings


async def _services(client: httpx.AsyncClient, h: dict[str, str]) -> dict[str, Any]:
    r = await client.get("/api/v1/services", headers=h)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _provider(body: dict[str, Any], provider_id: str) -> dict[str, Any]:
    return dict(next(p for p in body["providers"] if p["id"] == provider_id))


async def test_services_say_what_each_part_holds(
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    pixverse: FakeServer,
    worker: JobWorker,
) -> None:
    h, other = await users.create(), await users.create()
    admin = await users.create(admin=True)
    await add_account(client, h, pixverse, "services-tok")
    r = await client.post("/api/v1/jobs", json=pixverse_job("held"), headers=h)
    assert r.status_code == 201, r.text
    job_id = r.json()["id"]
    for _ in range(200):
        root = await _services(client, admin)
        if root["workers"] and root["workers"][0]["job_ids"] == [job_id]:
            break
        await asyncio.sleep(0.05)
    mine, theirs = await _services(client, h), await _services(client, other)

    # Workers: who, where, since when, what they hold; to admins only. Users see a count.
    [w] = root["workers"]
    assert w["id"] == worker.rt.worker_id and w["job_ids"] == [job_id], w
    assert w["pid"] > 0 and w["hostname"] and w["started_at"] <= w["heartbeat_at"]
    assert w["jobs_held"] == 1 and not w["stopping"]
    assert root["workers_live"] == mine["workers_live"] == theirs["workers_live"] == 1
    assert mine["workers"] is None and theirs["workers"] is None
    assert worker.rt.worker_id not in str(mine) + str(theirs)

    # Database: dialect, the migration applied (the newest), jobs by status.
    assert mine["database"] == "ok"
    assert mine["database_dialect"] == ("sqlite" if settings.is_sqlite else "postgresql")
    applied = await current(settings.effective_database_url)
    assert applied and mine["database_revision"] == applied == mine["database_head"]
    assert mine["jobs_by_status"] == {"submitting": 1}
    assert theirs["jobs_by_status"] == {}
    assert root["jobs_by_status"] == {"submitting": 1}

    # Redis: reachable with a latency and this process listening, or not configured.
    assert mine["event_subscribers"] >= 1  # (the worker listens for wake-ups)
    if settings.redis_url:
        assert mine["redis"] == "ok"
        assert 0 < mine["redis_latency_ms"] < 1000
        assert mine["event_listeners"] == 1  # this test's API process, whose worker shares it
    else:
        assert mine["redis"] == "disabled"
        assert mine["redis_latency_ms"] is None and mine["event_listeners"] is None

    # Providers: reachability, the accounts the caller may use, jobs in flight.
    px = _provider(mine, "pixverse")
    assert px["status"] == "ok" and px["base_url"] is None  # provider URLs: admins only
    assert _provider(root, "pixverse")["base_url"] == pixverse.url
    assert pixverse.url not in str(mine) + str(theirs)
    assert (px["accounts"], px["accounts_active"], px["in_flight"]) == (1, 1, 1)
    px_theirs = _provider(theirs, "pixverse")
    assert (px_theirs["accounts"], px_theirs["in_flight"]) == (0, 0)
    local = _provider(mine, "local")
    assert local["status"] == "ok" and local["accounts"] == 1  # the shared built-in renderer
    assert _provider(theirs, "local")["accounts"] == 1

    assert (await wait_for(client, h, job_id))["status"] == "completed"
    after = await _services(client, h)
    assert after["jobs_by_status"] == {"completed": 1}
    done = (await _services(client, admin))["workers"][0]
    assert done["job_ids"] == [] and done["jobs_held"] == 0
    assert _provider(after, "pixverse")["in_flight"] == 0
    assert (await client.get("/api/v1/services")).status_code == 401


async def test_an_unreachable_provider_is_reported_not_an_error(
    client: httpx.AsyncClient, users, settings: Settings
) -> None:
    body = await _services(client, await users.create())
    runway = _provider(body, "runway")
    assert runway["status"].startswith("unreachable"), runway
    assert body["workers_live"] == 0  # no worker runs in this test

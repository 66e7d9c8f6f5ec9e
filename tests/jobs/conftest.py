"""Job fixtures: a worker running inside the test's app, fake providers, accounts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.accounts import service as accounts_service
from pixsim7.jobs.outcomes import RetryPolicy
from pixsim7.jobs.runtime import Runtime, WorkerConfig
from pixsim7.jobs.worker import JobWorker, new_worker_id, running
from pixsim7.providers.fakekit import FakeServer

FAST = WorkerConfig(
    lease_s=5.0,
    tick_s=0.05,
    first_poll_s=0.05,
    max_poll_interval_s=0.2,
    heartbeat_s=0.5,
    explain_every_s=0.2,
    retry=RetryPolicy(budget=2, base_delay_s=0.05, max_delay_s=0.2),
)


def text_job(prompt: str = "hello", **extra: Any) -> dict[str, Any]:
    return {
        "provider_id": "local",
        "operation_type": "text_to_video",
        "params": {"prompt": prompt, "duration": 1, "resolution": "360p", "fps": 8},
        **extra,
    }


@pytest.fixture
async def builtin(app: FastAPI) -> int:
    async with app.state.db.session() as session:
        return (await accounts_service.ensure_builtin(session, app.state.settings)).id


def app_runtime(app: FastAPI, config: WorkerConfig = FAST) -> Runtime:
    """A worker's runtime on the test app's database, bus and adapters."""
    state = app.state
    return Runtime(new_worker_id(), state.db, state.bus, state.registry, state.settings, config)


@pytest.fixture
async def worker(app: FastAPI, builtin: int) -> AsyncIterator[JobWorker]:
    async with running(app_runtime(app)) as w:
        yield w


async def wait_for(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    job_id: int,
    done: Callable[[dict[str, Any]], bool] = lambda j: (
        j["status"] in ("completed", "failed", "cancelled")
    ),
    within: float = 30.0,
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        r = await client.get(f"/api/v1/jobs/{job_id}", headers=headers)
        assert r.status_code == 200, r.text
        job = r.json()
        if done(job):
            return job
        assert asyncio.get_running_loop().time() < deadline, f"job stuck: {job}"
        await asyncio.sleep(0.05)


Waiter = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def pixverse() -> AsyncIterator[FakeServer]:
    from pixsim7.providers.pixverse.fake import create_app

    async with FakeServer(create_app(job_seconds=0.3, limit=None)) as server:
        yield server


async def add_account(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    server: FakeServer,
    token: str,
    *,
    credits: float = 1000.0,
    platform: bool = False,
    **fields: Any,
) -> int:
    """A Pixverse account at the fake with `credits` in its pool: a web account (session
    token, pool `web`), or with `platform` a platform-API key (pool `openapi`; no list of
    past jobs, no cancel) whose balance at the fake is set to the same."""
    pool = "openapi" if platform else "web"
    if platform:
        async with httpx.AsyncClient() as control:
            r = await control.post(
                f"{server.url}/_fake/control", json={"key": token, "credits": {pool: credits}}
            )
            assert r.status_code == 200, r.text
    secret = {"api_key": token} if platform else {"jwt_token": token}
    r = await client.post(
        "/api/v1/accounts",
        json={"provider_id": "pixverse", **secret, "base_url": server.url, **fields},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    account_id = int(r.json()["id"])
    r = await client.post(
        f"/api/v1/accounts/{account_id}/credits",
        json={"credit_type": pool, "amount": credits},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    return account_id


def pixverse_job(prompt: str, **extra: Any) -> dict[str, Any]:
    return {
        "provider_id": "pixverse",
        "operation_type": "text_to_video",
        "params": {"prompt": prompt},
        **extra,
    }

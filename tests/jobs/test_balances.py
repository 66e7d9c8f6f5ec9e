"""Balances as the scheduler sees them, through the API against fake providers: an account
runs as soon as it is added, a balance never read is not zero, a provider without one
runs unchecked unless the user sets a budget, and balances are refreshed on a schedule
kept in the rows (once per account per interval, whatever the number of workers)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.config import Settings
from pixsim7.jobs.worker import JobWorker, running
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import FAST, app_runtime, pixverse_job, wait_for

BALANCE = "/openapi/v2/account/balance"


def _key() -> str:
    return f"pk-{uuid.uuid4().hex}"


def _reads(server: FakeServer, key: str) -> int:
    return sum(r.headers.get("api-key") == key for r in server.state.log.all(BALANCE))


async def _add(
    client: httpx.AsyncClient, h: dict[str, str], server: FakeServer, key: str, **body: Any
) -> dict[str, Any]:
    """A Pixverse account with a platform API key, as the Add account form sends it."""
    r = await client.post(
        "/api/v1/accounts",
        json={"provider_id": "pixverse", "api_key": key, "base_url": server.url, **body},
        headers=h,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_new_pixverse_key_runs_a_job_with_no_sync_and_no_credits_set_by_hand(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    """The issue's steps: add a Pixverse account with an API key, queue a text-to-video,
    wait. It completes; nobody pressed Sync or typed a balance."""
    h = await users.create()
    key = _key()
    account = await _add(client, h, pixverse, key)
    r = await client.post("/api/v1/jobs", json=pixverse_job("a lighthouse"), headers=h)
    assert r.status_code == 201, r.text
    done = await wait_for(client, h, r.json()["id"], within=20)
    assert done["status"] == "completed", done
    assert done["account_id"] == account["id"] and done["credit_type"] == "openapi"


@pytest.fixture
async def quick(app: FastAPI, builtin: int) -> AsyncIterator[JobWorker]:
    """A worker that reads an account's balance after every round of jobs that ended."""
    config = dataclasses.replace(FAST, balance_after_jobs_s=0.0)
    async with running(app_runtime(app, config)) as w:
        yield w


async def test_a_balance_never_read_is_not_zero_and_is_learnt_from_the_jobs_answer(
    client: httpx.AsyncClient, users, quick: JobWorker, pixverse: FakeServer
) -> None:
    """Pixverse is rate limiting when the account is added: it cools down for the
    Retry-After, its balance unknown. Then the scheduler tries it rather than wait for
    credits nobody read, and the balance comes back with the finished job."""
    h = await users.create()
    key = _key()
    limited = [{"code": "429", "on": "balance"}]
    pixverse.state.configure(key, credits={"openapi": 900}, errors=limited)
    account = await _add(client, h, pixverse, key)
    assert account["status"] == "cooling_down" and account["credits"] == {}
    r = await client.post("/api/v1/jobs", json=pixverse_job("unknown balance"), headers=h)
    assert r.json()["wait_reason"] == "every account unavailable (cooling_down)"
    done = await wait_for(client, h, r.json()["id"], within=20)
    assert done["status"] == "completed", done
    left = pixverse.state.configure(key).credits["openapi"]
    assert left == 900 - done["estimated_credits"]
    for _ in range(100):
        now = (await client.get(f"/api/v1/accounts/{account['id']}", headers=h)).json()
        if now["credits"]:
            break
        await asyncio.sleep(0.05)
    assert now["credits"] == {"openapi": left} and now["status"] == "active", now


async def test_a_quota_answer_reads_the_balance_the_provider_has(
    client: httpx.AsyncClient, users, quick: JobWorker, pixverse: FakeServer
) -> None:
    """Our figure said plenty (typed by hand), the provider refuses for want of credits: the
    account's balance is read at once, so the job waits for credits, saying so, instead of
    the account staying out of service with a figure nobody believes."""
    h = await users.create()
    key = _key()
    pixverse.state.configure(key, credits={"openapi": 10})
    account = await _add(client, h, pixverse, key)
    r = await client.post(
        f"/api/v1/accounts/{account['id']}/credits",
        json={"credit_type": "openapi", "amount": 1000},
        headers=h,
    )
    assert r.status_code == 200, r.text
    job = (await client.post("/api/v1/jobs", json=pixverse_job("too dear"), headers=h)).json()
    waited = await wait_for(
        client, h, job["id"], lambda j: j["wait_reason"] == "no account with enough credits"
    )
    assert waited["status"] == "pending" and waited["attempts"] == 1, waited
    now = (await client.get(f"/api/v1/accounts/{account['id']}", headers=h)).json()
    assert now["credits"] == {"openapi": 10.0} and now["status"] == "active", now


@pytest.fixture
async def sora(settings: Settings) -> AsyncIterator[FakeServer]:
    from pixsim7.providers.sora.fake import create_app

    async with FakeServer(create_app(job_seconds=0.2)) as server:
        yield server


async def test_a_provider_with_no_balance_runs_unchecked_unless_the_user_sets_a_budget(
    client: httpx.AsyncClient, users, worker: JobWorker, sora: FakeServer
) -> None:
    h = await users.create()
    key = f"sk-{uuid.uuid4().hex}"
    body = {"provider_id": "sora", "api_key": key, "base_url": sora.url + "/v1"}
    r = await client.post("/api/v1/accounts", json=body, headers=h)
    assert r.status_code == 201 and r.json()["check"]["ok"], r.text
    account = r.json()["id"]
    job = {"provider_id": "sora", "operation_type": "text_to_video", "params": {"prompt": "owl"}}
    first = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    assert first["wait_reason"] is None or "credits" not in first["wait_reason"]
    assert (await wait_for(client, h, first["id"]))["status"] == "completed"
    synced = (await client.post(f"/api/v1/accounts/{account}/sync", headers=h)).json()
    assert synced["ok"] and synced["account"]["credits"] == {}  # still none: unchecked

    # A budget the user sets is checked, and spent.
    price = first["estimated_credits"]
    r = await client.post(
        f"/api/v1/accounts/{account}/credits",
        json={"credit_type": "usd_cents", "amount": price * 1.5},
        headers=h,
    )
    assert r.status_code == 200, r.text
    second = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    assert (await wait_for(client, h, second["id"]))["status"] == "completed"
    third = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    assert third["wait_reason"] == "no account with enough credits"
    # Taken away, the budget no longer holds jobs back.
    r = await client.delete(f"/api/v1/accounts/{account}/credits/usd_cents", headers=h)
    assert r.status_code == 200 and r.json()["credits"] == {}, r.text
    assert (await wait_for(client, h, third["id"]))["status"] == "completed"


async def test_balances_are_refreshed_once_per_interval_across_workers_and_restarts(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    pixverse: FakeServer,
    builtin: int,
) -> None:
    """Two workers, an interval of 1 s: the balance changed at the provider shows up
    without a Sync, and the provider is asked once per interval, not once per worker.
    Workers started afresh keep to the schedule the rows hold (no read at start)."""
    settings.account_refresh_s = 1.0
    h = await users.create()
    key = _key()
    pixverse.state.configure(key, credits={"openapi": 300})
    account = await _add(client, h, pixverse, key)
    assert account["credits"] == {"openapi": 300.0}
    config = dataclasses.replace(FAST, refresh_tick_s=0.1)
    pixverse.state.configure(key, credits={"openapi": 250})
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with running(app_runtime(app, config)), running(app_runtime(app, config)):
        for _ in range(60):
            now = (await client.get(f"/api/v1/accounts/{account['id']}", headers=h)).json()
            if now["credits"] == {"openapi": 250.0}:
                break
            await asyncio.sleep(0.05)
        assert now["credits"] == {"openapi": 250.0}, now
        await asyncio.sleep(2.6)
    elapsed = loop.time() - start
    reads = _reads(pixverse, key) - 1  # the creation's check
    assert 2 <= reads <= elapsed / 1.0 + 1, (reads, elapsed)

    # Restarted with a longer interval: the rows say the last read was seconds ago, so
    # nobody asks again at start (an in-memory timer would, at once).
    settings.account_refresh_s = 60.0
    before = _reads(pixverse, key)
    async with running(app_runtime(app, config)), running(app_runtime(app, config)):
        await asyncio.sleep(0.5)
    assert _reads(pixverse, key) == before

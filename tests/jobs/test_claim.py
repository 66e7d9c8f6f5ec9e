"""The claim on its own (jobs/claim.py), no worker running: a batch takes each free slot
once, never spends credits an account does not have, keeps to the owner's limit, and
reads no pending job while every account is busy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, update

from pixsim7 import clock
from pixsim7.jobs import claim
from pixsim7.providers.fakekit import FakeServer
from pixsim7.users.models import User
from tests.jobs.conftest import add_account, pixverse_job, text_job


async def _claim(app: FastAPI, limit: int = 16) -> list[claim.Claimed]:
    async with app.state.db.session() as session:
        await session.connection()
        now = clock.now()
        got = await claim.claim_jobs(
            session,
            worker_id="test-worker",
            now=now,
            lease_until=now + dt.timedelta(seconds=60),
            strategies={},
            limit=limit,
        )
        await session.commit()
    return got


async def _jobs(client: httpx.AsyncClient, h: dict[str, str], n: int) -> list[dict[str, Any]]:
    made = []
    for i in range(n):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"claim {i}"), headers=h)
        assert r.status_code == 201, r.text
        made.append(r.json())
    return made


async def _credits(client: httpx.AsyncClient, h: dict[str, str], account: int) -> float:
    r = await client.get(f"/api/v1/accounts/{account}", headers=h)
    assert r.status_code == 200, r.text
    return float(r.json()["credits"]["web"])


class _CandidateReads:
    """Counts the claim's read of pending jobs (the statement joining the free accounts)."""

    def __init__(self, app: FastAPI) -> None:
        self.engine, self.count = app.state.db.engine.sync_engine, 0

    def __enter__(self) -> _CandidateReads:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("SELECT jobs.") and ") AS free" in statement:
            self.count += 1


async def test_a_batch_takes_each_free_slot_once_and_spends_only_what_accounts_hold(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    h = await users.create()
    jobs = await _jobs(client, h, 6)
    price = jobs[0]["estimated_credits"]
    assert price > 0
    # A: two slots but credits for one job; B: three slots and plenty.
    a = await add_account(
        client, h, pixverse, "claim-a", credits=1.5 * price, max_concurrent_jobs=2
    )
    b = await add_account(client, h, pixverse, "claim-b", credits=1000, max_concurrent_jobs=3)

    got = await _claim(app)
    by_account = sorted(c.account_id for c in got)
    assert by_account == sorted([a, b, b, b]), by_account
    # The oldest four, each with its price reserved on the account that took it.
    assert sorted(c.job.id for c in got) == [j["id"] for j in jobs[:4]]
    assert all(c.job.status == "submitting" and c.job.attempts == 1 for c in got)
    assert all(c.job.reserved_credits == price for c in got)
    assert await _credits(client, h, a) == 0.5 * price
    assert await _credits(client, h, b) == 1000 - 3 * price
    for job in jobs[4:]:
        r = await client.get(f"/api/v1/jobs/{job['id']}", headers=h)
        assert r.json()["status"] == "pending"

    # A still has a slot but cannot pay; B is full: nothing more is taken.
    assert await _claim(app) == []
    assert await _credits(client, h, a) == 0.5 * price


async def test_a_batch_keeps_to_the_owners_limit_of_jobs_at_once(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    h = await users.create()
    me = (await client.get("/api/v1/users/me", headers=h)).json()["id"]
    async with app.state.db.session() as session:
        await session.execute(update(User).where(User.id == me).values(max_concurrent_jobs=3))
        await session.commit()
    await _jobs(client, h, 5)
    await add_account(client, h, pixverse, "claim-limit", max_concurrent_jobs=10)
    assert len(await _claim(app)) == 3
    assert await _claim(app) == []


async def test_no_pending_job_is_read_while_every_account_is_busy(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "claim-busy", max_concurrent_jobs=1)
    await _jobs(client, h, 3)
    with _CandidateReads(app) as reads:
        assert len(await _claim(app)) == 1
        assert reads.count == 1
        assert await _claim(app) == []  # the one account is full: jobs are not read
        assert reads.count == 1


async def test_a_free_account_of_another_provider_does_not_unlock_these_jobs(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer, builtin: int
) -> None:
    """The builtin `local` account is always free; with every Pixverse account busy, the
    claim reads only pending `local` jobs (by the index on status and provider)."""
    h = await users.create()
    await add_account(client, h, pixverse, "claim-other", max_concurrent_jobs=1)
    await _jobs(client, h, 3)
    assert len(await _claim(app)) == 1
    assert await _claim(app) == []
    r = await client.post("/api/v1/jobs", json=text_job("local one"), headers=h)
    assert r.status_code == 201, r.text
    got = await _claim(app)
    assert [(c.job.id, c.account_id) for c in got] == [(r.json()["id"], builtin)]


async def test_jobs_waiting_at_the_head_of_the_queue_do_not_hide_a_ready_one(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    """Pending jobs are read a window at a time in the claim's order (first twice the
    batch, then twice as many each time); a window whose jobs all wait (here for a parent
    not done) leads to the next, until ready ones are found."""
    h = await users.create()
    await add_account(client, h, pixverse, "claim-window", max_concurrent_jobs=5)
    later = (clock.now() + dt.timedelta(hours=1)).isoformat()
    parent = (
        await client.post("/api/v1/jobs", json=text_job(scheduled_at=later), headers=h)
    ).json()
    children = [
        pixverse_job(f"child {i}", priority=10, depends_on=[parent["id"]]) for i in range(13)
    ]
    r = await client.post("/api/v1/jobs/batch", json={"jobs": children}, headers=h)
    assert r.status_code == 201, r.text
    ready = (await client.post("/api/v1/jobs", json=pixverse_job("ready"), headers=h)).json()
    with _CandidateReads(app) as reads:
        got = await _claim(app, limit=2)
    assert [c.job.id for c in got] == [ready["id"]]
    assert reads.count == 3  # windows of 4, 8, then the last child and `ready`


async def test_owners_paused_or_at_their_limit_do_not_hold_up_the_others(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    """Owners who may start nothing now are left out of the windows: their jobs at the
    head of the queue are not read at all, and the jobs behind them are claimed."""
    alice, bob = await users.create(), await users.create()
    await add_account(client, alice, pixverse, "claim-alice", max_concurrent_jobs=5)
    await add_account(client, bob, pixverse, "claim-bob", max_concurrent_jobs=5)
    first = [pixverse_job(f"alice {i}", priority=10) for i in range(6)]
    r = await client.post("/api/v1/jobs/batch", json={"jobs": first}, headers=alice)
    assert r.status_code == 201, r.text
    bobs = (await client.post("/api/v1/jobs", json=pixverse_job("bob"), headers=bob)).json()
    assert (await client.post("/api/v1/jobs/pause", headers=alice)).status_code == 200
    assert [c.job.id for c in await _claim(app, limit=2)] == [bobs["id"]]

    me = (await client.get("/api/v1/users/me", headers=alice)).json()["id"]
    async with app.state.db.session() as session:
        await session.execute(update(User).where(User.id == me).values(max_concurrent_jobs=1))
        await session.commit()
    assert (await client.post("/api/v1/jobs/resume", headers=alice)).status_code == 200
    assert [c.job.id for c in await _claim(app, limit=2)] == [r.json()["jobs"][0]["id"]]
    with _CandidateReads(app) as reads:
        assert await _claim(app, limit=2) == []  # alice is at her limit of one
        assert reads.count == 0

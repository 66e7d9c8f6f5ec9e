"""Polling by account (jobs/poller.py): where the provider lists an account's jobs in one
call, one call per round answers for every running job of the account, whenever each was
submitted. Counted against the Pixverse fake's request log, on a frozen clock (no timing)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import httpx
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.jobs import scheduler
from pixsim7.jobs.poller import Poller
from pixsim7.jobs.runtime import WorkerConfig
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import FAST, add_account, app_runtime, pixverse_job

LIST = "/creative_platform/video/list/personal"
JOBS = 6
STAGGER = dt.timedelta(seconds=0.4)  # between two submissions
JOB_SECONDS = 3.0  # each job's time at the fake
STEP = dt.timedelta(seconds=0.25)  # the clock between two polling rounds
# The worker's own schedule: first check after 1 s, then a tenth of the job's age.
SCHEDULE = dataclasses.replace(FAST, first_poll_s=1.0, max_poll_interval_s=30.0)


async def _staggered_run(
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    server: FakeServer,
    token: str,
    config: WorkerConfig,
) -> tuple[int, int]:
    """JOBS jobs of one web account submitted STAGGER apart, then polling rounds every
    STEP until all are completed; returns (list calls, the most made in one round)."""
    h = await users.create()
    async with httpx.AsyncClient() as control:
        r = await control.post(
            f"{server.url}/_fake/control",
            json={"key": token, "job_seconds": JOB_SECONDS, "limit": JOBS},
        )
        assert r.status_code == 200, r.text
    await add_account(client, h, server, token, max_concurrent_jobs=JOBS)
    rt = app_runtime(app, config)
    poller = Poller(rt)

    def calls() -> int:
        return sum(1 for r in server.state.log.all(LIST) if r.headers.get("token") == token)

    clock.freeze()
    ids = []
    before, most = calls(), 0
    for i in range(JOBS):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"staggered {i}"), headers=h)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
        [attempt] = await scheduler.claim_batch(rt, 1)
        await scheduler.submit(rt, attempt)
        for _ in range(int(STAGGER / STEP)):
            clock.advance(STEP)
            seen = calls()
            await poller.round()
            most = max(most, calls() - seen)
    for _ in range(200):
        statuses = set()
        for job_id in ids:
            r = await client.get(f"/api/v1/jobs/{job_id}", headers=h)
            statuses.add(r.json()["status"])
        if statuses == {"completed"}:
            break
        clock.advance(STEP)
        seen = calls()
        await poller.round()
        most = max(most, calls() - seen)
    assert statuses == {"completed"}
    clock.reset()  # tokens issued next must not predate the real time
    return calls() - before, most


async def test_one_list_call_per_account_answers_every_running_job(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    whole, most = await _staggered_run(app, client, users, pixverse, "poll-whole", SCHEDULE)
    assert most == 1  # one call per account per round
    assert whole <= 1.5 * JOBS, whole
    # The same run polling only the jobs due each round: each job's schedule brings calls of
    # its own. This is what the whole-account round saves.
    due_only = dataclasses.replace(SCHEDULE, poll_whole_accounts=False)
    alone, _ = await _staggered_run(app, client, users, pixverse, "poll-due", due_only)
    assert whole < alone, (whole, alone)


async def test_platform_accounts_are_not_asked_for_jobs_not_due(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer
) -> None:
    """The platform API answers one video per call: only due jobs are asked for there."""
    h = await users.create()
    await add_account(client, h, pixverse, "poll-platform", platform=True, max_concurrent_jobs=3)
    rt = app_runtime(app, SCHEDULE)
    clock.freeze()
    for i in range(2):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"platform {i}"), headers=h)
        assert r.status_code == 201, r.text
        [attempt] = await scheduler.claim_batch(rt, 1)
        await scheduler.submit(rt, attempt)
        clock.advance(dt.timedelta(seconds=0.6))
    # 1.2 s after the first submit, 0.6 s after the second: only the first is due.
    assert await Poller(rt).round() == 1
    assert len(pixverse.state.log.all("/openapi/v2/video/result")) == 1

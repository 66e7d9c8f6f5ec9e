"""The worker inside the app: local renders end to end, dependencies, cancel while running."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt

import httpx
from fastapi import FastAPI
from sqlalchemy import event, update

from pixsim7 import clock
from pixsim7.assets import pipeline
from pixsim7.jobs.models import Job
from pixsim7.jobs.states import JobStatus
from pixsim7.jobs.worker import JobWorker, running
from pixsim7.providers.base import OperationType
from pixsim7.providers.comfyui import templates
from pixsim7.providers.fakekit import FakeServer
from tests.assets.conftest import png_bytes
from tests.jobs.conftest import (
    FAST,
    add_account,
    app_runtime,
    pixverse_job,
    text_job,
    wait_for,
)


async def test_local_job_completes_with_its_history(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    h = await users.create()
    first = (await client.post("/api/v1/jobs", json=text_job("one"), headers=h)).json()
    second = (
        await client.post("/api/v1/jobs", json=text_job("two", depends_on=[first["id"]]), headers=h)
    ).json()
    done = await wait_for(client, h, second["id"])
    assert done["status"] == "completed", done
    parent = (await client.get(f"/api/v1/jobs/{first['id']}", headers=h)).json()
    assert parent["status"] == "completed"
    assert parent["completed_at"] <= done["started_at"]  # it waited for its dependency
    assert parent["result_url"] and parent["asset_id"]
    events = [e["event"] for e in parent["history"]]
    assert events == ["created", "claimed", "submitted", "completed"]
    [sub] = parent["submissions"]
    assert sub["status"] == "succeeded" and sub["provider_job_id"] == parent["provider_job_id"]


async def test_each_account_pays_from_its_own_pool(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    """A platform-API account spends its `openapi` pool at that pool's price, and a job no
    account can pay for waits without holding up the jobs behind it."""
    h = await users.create()
    platform = await add_account(client, h, pixverse, "platform-key", platform=True, credits=100)
    # 1080p for 5 s: 120 credits on the platform API, more than the account has; it is
    # first in line (priority 9) and must not block the cheaper job behind it.
    costly = pixverse_job("x", priority=9)
    costly["params"] |= {"quality": "1080p", "duration": 5}
    first = (await client.post("/api/v1/jobs", json=costly, headers=h)).json()
    assert first["credit_type"] == "web"  # the estimate shown before an account is chosen
    cheap = pixverse_job("a fox")
    cheap["params"] |= {"quality": "360p", "duration": 5}
    second = (await client.post("/api/v1/jobs", json=cheap, headers=h)).json()
    done = await wait_for(client, h, second["id"])
    assert done["status"] == "completed", done
    assert (done["credit_type"], done["estimated_credits"]) == ("openapi", 45)
    assert done["account_id"] == platform
    waiting = (await client.get(f"/api/v1/jobs/{first['id']}", headers=h)).json()
    assert waiting["status"] == "pending"
    assert waiting["wait_reason"] == "no account with enough credits"


async def test_concurrent_limit_makes_jobs_wait_their_turn(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    admin, h = await users.create(admin=True), await users.create()
    me = (await client.get("/api/v1/users/me", headers=h)).json()
    r = await client.patch(
        f"/api/v1/users/{me['id']}", json={"max_concurrent_jobs": 1}, headers=admin
    )
    assert r.status_code == 200, r.text
    await client.post("/api/v1/jobs/pause", headers=h)  # queue all three, then let go
    ids = []
    for prompt in ("one", "two", "three"):
        r = await client.post("/api/v1/jobs", json=text_job(prompt), headers=h)
        assert r.status_code == 201, r.text  # the limit queues jobs, it does not refuse them
        ids.append(r.json()["id"])
    await client.post("/api/v1/jobs/resume", headers=h)
    most_at_once, reasons = 0, set()
    for _ in range(600):
        jobs = (await client.get("/api/v1/jobs", headers=h)).json()["items"]
        states = [j["status"] for j in jobs]
        most_at_once = max(most_at_once, sum(s in ("submitting", "processing") for s in states))
        reasons |= {j["wait_reason"] for j in jobs if j["status"] == "pending"}
        if all(s == "completed" for s in states):
            break
        await asyncio.sleep(0.05)
    assert states == ["completed"] * 3, jobs
    assert most_at_once == 1
    assert "your limit of 1 jobs at once is reached" in reasons


async def test_a_dependent_created_as_its_parent_fails_is_failed_too(
    client: httpx.AsyncClient, users, app: FastAPI, worker: JobWorker
) -> None:
    """The race `fail_dependents` cannot see: the child is committed after the parent's
    failure was handled. The worker's housekeeping fails it instead of leaving it waiting."""
    h = await users.create()
    later = (clock.now() + dt.timedelta(hours=1)).isoformat()
    parent = (
        await client.post("/api/v1/jobs", json=text_job(scheduled_at=later), headers=h)
    ).json()
    child = (
        await client.post("/api/v1/jobs", json=text_job(depends_on=[parent["id"]]), headers=h)
    ).json()
    async with app.state.db.session() as session:  # the parent failed, its dependents unseen
        await session.execute(
            update(Job).where(Job.id == parent["id"]).values(status=JobStatus.FAILED.value)
        )
        await session.commit()
    done = await wait_for(client, h, child["id"], within=10)
    assert done["status"] == "failed"
    assert done["error_class"] == "dependency"
    assert f"job {parent['id']}" in done["error_message"]


async def test_comfyui_job_runs_the_owners_registered_workflow(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    """The scheduler hands the owner's template to the adapter; another user's jobs keep
    the shipped one."""
    from pixsim7.providers.comfyui.fake import create_app

    alice, bob = await users.create(), await users.create()
    workflow = copy.deepcopy(templates.shipped_template(OperationType.TEXT_TO_VIDEO))
    workflow["5"]["inputs"]["text"] = "alice style, {{prompt}}"
    r = await client.put(
        "/api/v1/providers/comfyui/templates/text_to_video",
        json={"name": "mine", "workflow": workflow},
        headers=alice,
    )
    assert r.status_code == 200, r.text
    async with FakeServer(create_app(run_seconds=0.2)) as comfy:
        for h in (alice, bob):
            r = await client.post(
                "/api/v1/accounts",
                json={"provider_id": "comfyui", "base_url": comfy.url, "nickname": "home"},
                headers=h,
            )
            assert r.status_code == 201, r.text
        job = {
            "provider_id": "comfyui",
            "operation_type": "text_to_video",
            "params": {"prompt": "a heron", "width": 160, "height": 96, "frames": 8, "fps": 8},
        }
        ids = []
        for h in (alice, bob):
            r = await client.post("/api/v1/jobs", json=job, headers=h)
            assert r.status_code == 201, r.text
            ids.append((h, r.json()["id"]))
        for h, job_id in ids:
            done = await wait_for(client, h, job_id)
            assert done["status"] == "completed", done
        texts = sorted(
            req.json["prompt"]["5"]["inputs"]["text"] for req in comfy.state.log.all("/prompt")
        )
    shipped = templates.shipped_template(OperationType.TEXT_TO_VIDEO)["5"]["inputs"]["text"]
    assert texts == sorted(["alice style, a heron", shipped.replace("{{prompt}}", "a heron")])


async def test_cancel_on_an_api_without_cancel_waits_for_the_job_to_end_there(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    """The platform API cannot stop a job: it keeps its account slot (the provider counts
    it) until the provider finishes it, and is cancelled then, its output not kept."""
    h = await users.create()
    await add_account(
        client, h, pixverse, "platform-key", platform=True, credits=100, max_concurrent_jobs=1
    )
    job = (await client.post("/api/v1/jobs", json=pixverse_job("slow [secs:2]"), headers=h)).json()
    after = (await client.post("/api/v1/jobs", json=pixverse_job("next"), headers=h)).json()
    await wait_for(client, h, job["id"], lambda j: j["status"] == "processing")
    pixverse.state.log.clear()
    r = await client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=h)
    assert r.status_code == 200, r.text
    asked = r.json()
    assert asked["status"] == "processing" and asked["cancel_requested_at"], asked
    detail = (await client.get(f"/api/v1/jobs/{job['id']}", headers=h)).json()
    [entry] = [e for e in detail["history"] if e["event"] == "cancel requested"]
    assert "runs to its end" in entry["reason"]
    await asyncio.sleep(0.5)
    waiting = (await client.get(f"/api/v1/jobs/{after['id']}", headers=h)).json()
    assert waiting["status"] == "pending", waiting  # the slot is still taken
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "cancelled" and done["asset_id"] is None, done
    assert [e["event"] for e in done["history"]][-1] == "cancelled"
    assert not [q for q in pixverse.state.log.all() if "cancel" in q.path or q.method == "DELETE"]
    finished = await wait_for(client, h, after["id"])
    assert finished["status"] == "completed" and finished["started_at"] >= done["completed_at"]


async def test_an_output_that_cannot_be_downloaded_yet_is_fetched_again_not_regenerated(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    """The generation is done and paid for: a failed download is retried as a download."""
    h = await users.create()
    await add_account(client, h, pixverse, "dl-token")
    # One pipeline ingest makes DOWNLOAD_ATTEMPTS tries: fail a whole ingest and a bit.
    fails = pipeline.DOWNLOAD_ATTEMPTS + 1
    async with httpx.AsyncClient() as fake:
        r = await fake.post(f"{pixverse.url}/_fake/control", json={"file_failures": fails})
        assert r.json()["file_failures"] == fails
    job = (await client.post("/api/v1/jobs", json=pixverse_job("flaky store"), headers=h)).json()
    done = await wait_for(client, h, job["id"])
    assert done["status"] == "completed" and done["asset_id"], done
    assert len(done["submissions"]) == 1  # never submitted (and charged) again
    retries = [e for e in done["history"] if e["event"] == "output retry"]
    assert retries and "503" in retries[0]["message"]
    assert len(pixverse.state.log.all("/creative_platform/video/t2v", "POST")) == 1


async def test_an_output_that_can_never_be_downloaded_fails_without_regenerating(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "dl-token-2")
    async with httpx.AsyncClient() as fake:
        await fake.post(f"{pixverse.url}/_fake/control", json={"file_failures": 10_000})
    job = (await client.post("/api/v1/jobs", json=pixverse_job("gone"), headers=h)).json()
    done = await wait_for(client, h, job["id"], within=60)
    assert done["status"] == "failed" and done["asset_id"] is None, done
    assert done["error_message"].startswith("output not stored")
    assert len(done["submissions"]) == 1
    assert len(pixverse.state.log.all("/creative_platform/video/t2v", "POST")) == 1


async def test_the_worker_publishes_the_accounts_it_changes(
    client: httpx.AsyncClient, users, app: FastAPI, worker: JobWorker, pixverse: FakeServer
) -> None:
    """The accounts page stays live: a job's claim, completion and the balance sync after
    it each reach the owner as account.updated (state only, no credentials)."""
    h = await users.create()
    account = await add_account(client, h, pixverse, "live-token", credits=500)
    seen: list[dict] = []
    async with app.state.bus.subscribe() as queue:
        # Running for 2 s at the fake: several of the worker's 0.5 s publishing rounds see
        # the slot taken.
        job = (
            await client.post("/api/v1/jobs", json=pixverse_job("live [secs:2]"), headers=h)
        ).json()
        assert (await wait_for(client, h, job["id"]))["status"] == "completed"
        # Balance sync happens after completion: wait until an event shows the balance the
        # account now has, with its slot free.
        now = (await client.get(f"/api/v1/accounts/{account}", headers=h)).json()
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:
            if seen and seen[-1]["in_flight_jobs"] == 0 and seen[-1]["credits"] == now["credits"]:
                break
            try:
                event = await asyncio.wait_for(queue.get(), 0.5)
            except TimeoutError:
                now = (await client.get(f"/api/v1/accounts/{account}", headers=h)).json()
                continue
            if event.type == "account.updated" and event.data["id"] == account:
                seen.append(event.data)
    assert any(e["in_flight_jobs"] == 1 for e in seen), seen
    assert seen[-1]["in_flight_jobs"] == 0, seen
    # Reserved, then reconciled from the provider's balance (the fake's default, not 500).
    assert seen[-1]["credits"] == now["credits"] and now["credits"]["web"] != 500, seen
    assert all("live-token" not in str(e) for e in seen)


async def test_a_cached_upload_the_provider_no_longer_knows_is_uploaded_again(
    client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "cache-token")
    r = await client.post(
        "/api/v1/assets/upload",
        files={"file": ("cat.png", png_bytes((640, 360)), "image/png")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    image = r.json()["id"]
    job = pixverse_job("it moves", operation_type="image_to_video")
    job["inputs"] = [{"role": "source_image", "asset_id": image}]
    uploads = pixverse.app.state.pixverse.web_uploads  # type: ignore[attr-defined]

    first = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    assert (await wait_for(client, h, first["id"]))["status"] == "completed"
    assert len(uploads) == 1
    uploads.clear()  # the provider dropped it: the id we cached is now refused (400017)
    second = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    done = await wait_for(client, h, second["id"])
    assert done["status"] == "completed", done
    assert [e["event"] for e in done["history"]].count("inputs uploaded again") == 1
    assert len(uploads) == 1  # uploaded again, and that id is cached for next time
    third = (await client.post("/api/v1/jobs", json=job, headers=h)).json()
    done = await wait_for(client, h, third["id"])
    assert done["status"] == "completed" and "inputs uploaded again" not in str(done["history"])
    assert len(uploads) == 1


async def test_jobs_no_account_can_serve_back_off_until_credits_arrive(
    app: FastAPI, client: httpx.AsyncClient, users, worker: JobWorker, pixverse: FakeServer
) -> None:
    """A claim that finds pending jobs but no account able to pay for them reads through
    every pending job; the worker waits longer after each such claim instead of repeating
    it at every tick (0.05 s here), and adding credits wakes it at once."""
    h = await users.create()
    account = await add_account(client, h, pixverse, "broke-token", credits=0)
    ids = []
    for i in range(3):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"broke {i}"), headers=h)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    claims: list[float] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        # The claim's read of the jobs the accounts with a free slot could serve (claim.py),
        # once per provider with such an account (here also the builtin `local` one): the
        # reads of one claim come within milliseconds.
        if statement.startswith("SELECT jobs.") and ") AS free" in statement:
            now = asyncio.get_running_loop().time()
            if not claims or now - claims[-1] > 0.03:
                claims.append(now)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await asyncio.sleep(3.0)
        tried = len(claims)
        # At a steady tick this would be about 60; doubling waits give a handful.
        assert 1 <= tried <= 8, tried
        assert claims[-1] - claims[-2] >= 0.4, claims  # the wait has grown
        job = (await client.get(f"/api/v1/jobs/{ids[0]}", headers=h)).json()
        assert job["status"] == "pending"
        assert job["wait_reason"] == "no account with enough credits"
        start = asyncio.get_running_loop().time()
        r = await client.post(
            f"/api/v1/accounts/{account}/credits",
            json={"credit_type": "web", "amount": 1000},
            headers=h,
        )
        assert r.status_code == 200, r.text
        done = [await wait_for(client, h, i) for i in ids]
        assert [d["status"] for d in done] == ["completed"] * 3, done
        # Woken by the account change, not by the end of a wait that had reached seconds.
        assert claims[tried] - start < 0.5, (start, claims)
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_a_scheduled_job_starts_on_time_while_the_worker_backs_off(
    app: FastAPI, client: httpx.AsyncClient, users, builtin: int, pixverse: FakeServer
) -> None:
    """Jobs no account can serve make the worker wait seconds between claims; a job that
    becomes due meanwhile wakes it at its time instead of waiting out that backoff. (Wait
    reasons are refreshed rarely here: a refresh that finds the job due wakes it too.)"""
    h = await users.create()
    await add_account(client, h, pixverse, "broke-token", credits=0)
    for i in range(2):
        r = await client.post("/api/v1/jobs", json=pixverse_job(f"broke {i}"), headers=h)
        assert r.status_code == 201, r.text
    rt = app_runtime(app, dataclasses.replace(FAST, explain_every_s=30.0))
    async with running(rt):
        await asyncio.sleep(4.0)  # waits 0.1, 0.2, ... 1.6 s: the next is over 3 s
        due = clock.now() + dt.timedelta(seconds=1)
        r = await client.post(
            "/api/v1/jobs", json=text_job("on time", scheduled_at=due.isoformat()), headers=h
        )
        assert r.status_code == 201, r.text
        assert r.json()["wait_reason"].startswith("scheduled for")
        done = await wait_for(client, h, r.json()["id"])
    assert done["status"] == "completed", done
    late = dt.datetime.fromisoformat(done["started_at"]) - due
    assert dt.timedelta(0) <= late < dt.timedelta(seconds=1.2), late


async def test_a_stop_that_arrives_with_a_wake_up_still_stops_the_worker(app: FastAPI) -> None:
    """The loops wait for a wake-up or their tick; a stop landing as they are woken must
    still end them (Python 3.11's asyncio.wait_for lost such a cancel: the worker, and a
    test tearing it down, then ran forever)."""
    for _ in range(20):
        rt = app_runtime(app)
        worker = JobWorker(rt)
        task = asyncio.create_task(worker.run())
        await asyncio.sleep(0.05)  # idle: every loop waits for a wake-up
        # Woken, then stopped at once: the loops' waits end in the same turn of the event
        # loop as run() cancels them.
        rt.wake_scheduler.set()
        rt.wake_poller.set()
        worker.stop()
        done, _ = await asyncio.wait([task], timeout=5)
        if not done:
            task.cancel()  # again, so that the failure does not hang the session
        assert done, "the worker did not stop"


async def test_a_batch_event_wakes_the_worker_as_its_jobs_would(app: FastAPI) -> None:
    """Past the threshold a queue action publishes one job.batch naming the statuses its
    jobs now have: pending ones wake the scheduler (and when due), ended ones the fills."""
    rt = app_runtime(app)
    worker = JobWorker(rt)
    listening = asyncio.create_task(worker._listen())
    try:
        await asyncio.sleep(0.05)  # subscribed
        rt.wake_scheduler.clear()
        batch = {"action": "updated", "ids": [1, 2], "count": 2}
        cancelled = {**batch, "statuses": ["cancelled"], "scheduled_at": None}
        await rt.bus.emit("job.batch", cancelled, user_id=1)
        await asyncio.wait_for(worker._job_ended.wait(), 5)
        assert not rt.wake_scheduler.is_set()
        soon = (clock.now() + dt.timedelta(seconds=0.3)).isoformat()
        retried = {**batch, "statuses": ["pending"], "scheduled_at": soon}
        await rt.bus.emit("job.batch", retried, user_id=1)
        await asyncio.wait_for(rt.wake_scheduler.wait(), 5)
        rt.wake_scheduler.clear()
        await asyncio.wait_for(rt.wake_scheduler.wait(), 5)  # again when they are due
    finally:
        listening.cancel()

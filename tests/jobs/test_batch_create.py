"""POST /jobs/batch: several jobs at once, all or none, each validated and explained."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from pixsim7.jobs.schemas import MAX_BATCH
from tests.conftest import Users
from tests.jobs.conftest import text_job


async def _ids(client: httpx.AsyncClient, headers: dict[str, str]) -> list[int]:
    r = await client.get("/api/v1/jobs", headers=headers)
    assert r.status_code == 200, r.text
    return [j["id"] for j in r.json()["items"]]


async def test_a_batch_is_created_in_order_with_events_and_wait_reasons(
    app: FastAPI, client: httpx.AsyncClient, users: Users, builtin: int
) -> None:
    h = await users.create()
    parent = (await client.post("/api/v1/jobs", json=text_job("parent"), headers=h)).json()
    batch = [
        text_job("first", priority=5),
        text_job("second", depends_on=[parent["id"]]),
        text_job("third", scheduled_at="2099-01-01T00:00:00Z", name="later"),
    ]
    async with app.state.bus.subscribe() as queue:
        r = await client.post("/api/v1/jobs/batch", json={"jobs": batch}, headers=h)
        assert r.status_code == 201, r.text
        jobs = r.json()["jobs"]
        created = []
        while len(created) < len(jobs):
            event = await asyncio.wait_for(queue.get(), 5)
            if event.type == "job.created":
                created.append(event.data["id"])
    assert created == [j["id"] for j in jobs]
    assert [j["params"]["prompt"] for j in jobs] == ["first", "second", "third"]
    assert jobs[0]["id"] < jobs[1]["id"] < jobs[2]["id"]
    assert jobs[0]["priority"] == 5 and jobs[2]["name"] == "later"
    # Each explained by its own facts: the dependency and the schedule.
    assert jobs[1]["wait_reason"] == f"waiting for job {parent['id']}"
    assert jobs[2]["wait_reason"].startswith("scheduled for 2099-01-01")
    detail = (await client.get(f"/api/v1/jobs/{jobs[1]['id']}", headers=h)).json()
    assert detail["status"] == "pending"
    assert set(await _ids(client, h)) == {parent["id"], *(j["id"] for j in jobs)}
    me = (await client.get("/api/v1/users/me", headers=h)).json()
    assert me["usage"]["jobs_created"] == 4


async def test_a_refused_job_refuses_the_batch_and_is_named_by_its_place(
    client: httpx.AsyncClient, users: Users
) -> None:
    alice, bob = await users.create(), await users.create()
    theirs = (await client.post("/api/v1/jobs", json=text_job(), headers=alice)).json()["id"]
    bad_params = text_job()
    bad_params["params"] = {"duration": 99}
    cases = [
        ([text_job(), bad_params], "jobs.1.params.prompt"),
        ([text_job(), text_job(), {**text_job(), "provider_id": "nope"}], "jobs.2.provider_id"),
        ([text_job(depends_on=[theirs])], "jobs.0.depends_on"),  # another user's job
        ([text_job(account_id=999)], "jobs.0.account_id"),
        ([text_job(), {**text_job(), "priority": 10**6}], "jobs.1.priority"),  # schema
        ([{**text_job(), "extra": 1}], "jobs.0.extra"),
    ]
    for batch, field in cases:
        r = await client.post("/api/v1/jobs/batch", json={"jobs": batch}, headers=bob)
        assert r.status_code == 422, (field, r.text)
        assert field in r.json()["error"]["fields"], (field, r.json())
    assert await _ids(client, bob) == []
    me = (await client.get("/api/v1/users/me", headers=bob)).json()
    assert me["usage"]["jobs_created"] == 0


async def test_batch_size_and_body_are_checked(client: httpx.AsyncClient, users: Users) -> None:
    h = await users.create()
    for body in ({"jobs": []}, {"jobs": [text_job()] * (MAX_BATCH + 1)}, {}, {"jobs": "x"}):
        r = await client.post("/api/v1/jobs/batch", json=body, headers=h)
        assert r.status_code == 422, r.text
        assert "jobs" in r.json()["error"]["fields"]
    r = await client.post("/api/v1/jobs/batch", json={"jobs": [text_job()]})
    assert r.status_code == 401
    assert await _ids(client, h) == []


async def test_a_batch_past_the_daily_limit_creates_nothing(
    client: httpx.AsyncClient, users: Users
) -> None:
    admin, h = await users.create(admin=True), await users.create()
    me = (await client.get("/api/v1/users/me", headers=h)).json()
    r = await client.patch(f"/api/v1/users/{me['id']}", json={"max_jobs_per_day": 3}, headers=admin)
    assert r.status_code == 200, r.text
    assert (await client.post("/api/v1/jobs", json=text_job(), headers=h)).status_code == 201
    r = await client.post("/api/v1/jobs/batch", json={"jobs": [text_job()] * 3}, headers=h)
    assert r.status_code == 429 and r.json()["error"]["code"] == "quota_jobs_per_day"
    assert len(await _ids(client, h)) == 1
    r = await client.post("/api/v1/jobs/batch", json={"jobs": [text_job()] * 2}, headers=h)
    assert r.status_code == 201, r.text
    me = (await client.get("/api/v1/users/me", headers=h)).json()
    assert me["usage"]["jobs_created"] == 3 and len(await _ids(client, h)) == 3

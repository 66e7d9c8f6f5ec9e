"""Quotas as a user meets them: limits an admin sets, refusals with their codes, usage."""

from __future__ import annotations

import asyncio

import httpx

from tests.assets.conftest import png_bytes
from tests.conftest import Users
from tests.jobs.conftest import text_job


async def _limit(
    client: httpx.AsyncClient, admin: dict[str, str], user_id: int, **quotas: int
) -> None:
    r = await client.patch(f"/api/v1/users/{user_id}", json=quotas, headers=admin)
    assert r.status_code == 200, r.text


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> dict:
    r = await client.get("/api/v1/users/me", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_daily_job_limit(client: httpx.AsyncClient, users: Users) -> None:
    admin, h = await users.create(admin=True), await users.create()
    me = await _me(client, h)
    await _limit(client, admin, me["id"], max_jobs_per_day=2)
    for prompt in ("one", "two"):
        r = await client.post("/api/v1/jobs", json=text_job(prompt), headers=h)
        assert r.status_code == 201, r.text
    first = (await client.get("/api/v1/jobs", headers=h)).json()["items"][0]["id"]
    assert (await client.post(f"/api/v1/jobs/{first}/cancel", headers=h)).status_code == 200
    r = await client.post("/api/v1/jobs", json=text_job("three"), headers=h)
    assert r.status_code == 429 and r.json()["error"]["code"] == "quota_jobs_per_day"
    r = await client.post(f"/api/v1/jobs/{first}/retry", headers=h)  # a retry is a new run
    assert r.status_code == 429 and r.json()["error"]["code"] == "quota_jobs_per_day"
    assert (await _me(client, h))["usage"]["jobs_created"] == 2


async def test_concurrent_creates_cannot_pass_the_daily_limit(
    client: httpx.AsyncClient, users: Users
) -> None:
    admin, h = await users.create(admin=True), await users.create()
    me = await _me(client, h)
    await _limit(client, admin, me["id"], max_jobs_per_day=3)
    answers = await asyncio.gather(
        *(client.post("/api/v1/jobs", json=text_job(f"race {i}"), headers=h) for i in range(8))
    )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [429] * 5
    assert (await _me(client, h))["usage"]["jobs_created"] == 3
    assert len((await client.get("/api/v1/jobs", headers=h)).json()["items"]) == 3


async def test_storage_limit_and_usage(client: httpx.AsyncClient, users: Users) -> None:
    admin, h = await users.create(admin=True), await users.create()
    first = png_bytes((64, 48), (1, 2, 3))
    r = await client.post(
        "/api/v1/assets/upload", files={"file": ("a.png", first, "image/png")}, headers=h
    )
    assert r.status_code == 201, r.text
    me = await _me(client, h)
    assert me["usage"]["storage_bytes"] == len(first)
    await _limit(client, admin, me["id"], max_storage_bytes=len(first) + 10)
    second = png_bytes((64, 48), (200, 2, 3))
    r = await client.post(
        "/api/v1/assets/upload", files={"file": ("b.png", second, "image/png")}, headers=h
    )
    assert r.status_code == 429 and r.json()["error"]["code"] == "quota_storage"
    assert (await _me(client, h))["usage"]["storage_bytes"] == len(first)

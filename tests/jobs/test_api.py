"""The jobs API: validation, ownership, listing, changes, cancel, retry, pause, stats."""

from __future__ import annotations

import datetime as dt

import httpx

from pixsim7 import clock
from tests.jobs.conftest import text_job


async def test_create_validates_against_the_spec(client: httpx.AsyncClient, users) -> None:
    h = await users.create()
    r = await client.post("/api/v1/jobs", json={**text_job(), "provider_id": "nope"}, headers=h)
    assert r.status_code == 422
    assert "provider_id" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/jobs", json={**text_job(), "operation_type": "fusionx"}, headers=h
    )
    assert r.status_code == 422
    assert "operation_type" in r.json()["error"]["fields"]
    bad = text_job()
    bad["params"] = {"duration": 99}
    r = await client.post("/api/v1/jobs", json=bad, headers=h)
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert "params.prompt" in fields and "params.duration" in fields


async def test_create_checks_references(client: httpx.AsyncClient, users) -> None:
    alice, bob = await users.create(), await users.create()
    r = await client.post("/api/v1/jobs", json=text_job(), headers=alice)
    assert r.status_code == 201, r.text
    alices = r.json()["id"]
    for field, value in (("depends_on", [alices]), ("workspace_id", 999), ("account_id", 999)):
        r = await client.post("/api/v1/jobs", json=text_job(**{field: value}), headers=bob)
        assert r.status_code == 422, (field, r.text)
        assert field in r.json()["error"]["fields"]


async def test_waiting_reason_list_and_isolation(
    client: httpx.AsyncClient, users, builtin: int
) -> None:
    alice, bob = await users.create(), await users.create()
    later = clock.now() + dt.timedelta(hours=1)
    r = await client.post(
        "/api/v1/jobs", json=text_job(scheduled_at=later.isoformat()), headers=alice
    )
    job = r.json()
    assert job["status"] == "pending"
    assert job["wait_reason"].startswith("scheduled for")
    child = (
        await client.post("/api/v1/jobs", json=text_job(depends_on=[job["id"]]), headers=alice)
    ).json()
    assert child["wait_reason"] == f"waiting for job {job['id']}"
    for method, path in (
        ("GET", f"/api/v1/jobs/{job['id']}"),
        ("PATCH", f"/api/v1/jobs/{job['id']}"),
        ("POST", f"/api/v1/jobs/{job['id']}/cancel"),
        ("POST", f"/api/v1/jobs/{job['id']}/retry"),
    ):
        kw = {"json": {"priority": 5}} if method == "PATCH" else {}
        r = await client.request(method, path, headers=bob, **kw)
        assert r.status_code == 404, (method, path, r.text)
    page = (await client.get("/api/v1/jobs?limit=1", headers=alice)).json()
    assert [j["id"] for j in page["items"]] == [child["id"]]
    page2 = (
        await client.get(f"/api/v1/jobs?limit=1&cursor={page['next_cursor']}", headers=alice)
    ).json()
    assert [j["id"] for j in page2["items"]] == [job["id"]]
    assert (await client.get("/api/v1/jobs", headers=bob)).json()["items"] == []
    r = await client.get("/api/v1/jobs?status=completed", headers=alice)
    assert r.json()["items"] == []


async def test_patch_cancel_retry_pause_stats(
    client: httpx.AsyncClient, users, builtin: int
) -> None:
    h = await users.create()
    later = (clock.now() + dt.timedelta(hours=1)).isoformat()
    job = (await client.post("/api/v1/jobs", json=text_job(scheduled_at=later), headers=h)).json()
    r = await client.patch(f"/api/v1/jobs/{job['id']}", json={"priority": 7}, headers=h)
    assert r.status_code == 200 and r.json()["priority"] == 7
    child = (
        await client.post("/api/v1/jobs", json=text_job(depends_on=[job["id"]]), headers=h)
    ).json()
    r = await client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    kid = (await client.get(f"/api/v1/jobs/{child['id']}", headers=h)).json()
    assert kid["status"] == "failed" and str(job["id"]) in kid["error_message"]
    r = await client.patch(f"/api/v1/jobs/{job['id']}", json={"priority": 1}, headers=h)
    assert r.status_code == 409
    r = await client.post(f"/api/v1/jobs/{job['id']}/retry", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert (await client.post("/api/v1/jobs/pause", headers=h)).json() == {"paused": True}
    fresh = (await client.post("/api/v1/jobs", json=text_job(), headers=h)).json()
    assert fresh["wait_reason"] == "queue paused"
    stats = (await client.get("/api/v1/jobs/stats", headers=h)).json()
    assert stats["paused"] is True
    assert stats["by_status"]["pending"] == 2 and stats["by_status"]["failed"] == 1
    assert (await client.post("/api/v1/jobs/resume", headers=h)).json() == {"paused": False}
    detail = (await client.get(f"/api/v1/jobs/{job['id']}", headers=h)).json()
    assert [e["event"] for e in detail["history"]][:3] == ["created", "updated", "cancelled"]


async def test_estimate_prices_every_pool_and_creates_nothing(
    client: httpx.AsyncClient, users
) -> None:
    h = await users.create()
    body = {
        "provider_id": "pixverse",
        "operation_type": "text_to_video",
        "params": {"prompt": "a cat", "duration": 5, "quality": "540p"},
    }
    r = await client.post("/api/v1/jobs/estimate", json=body, headers=h)
    assert r.status_code == 200, r.text
    est = r.json()
    assert set(est["costs"]) == {"web", "openapi"}
    assert all(v > 0 for v in est["costs"].values())
    assert est["credit_type"] == "web"
    assert est["estimated_credits"] == est["costs"]["web"]
    longer = {**body, "params": {**body["params"], "duration": 8}}
    more = (await client.post("/api/v1/jobs/estimate", json=longer, headers=h)).json()
    assert more["costs"]["web"] > est["costs"]["web"]
    # The same field errors as create, and nothing created either way.
    r = await client.post(
        "/api/v1/jobs/estimate", json={**body, "params": {"duration": 5}}, headers=h
    )
    assert r.status_code == 422
    assert "params.prompt" in r.json()["error"]["fields"]
    assert (await client.get("/api/v1/jobs", headers=h)).json()["items"] == []
    assert (await client.post("/api/v1/jobs/estimate", json=body)).status_code == 401


async def test_depending_on_a_failed_or_cancelled_job_is_refused(
    client: httpx.AsyncClient, users, builtin: int
) -> None:
    h = await users.create()
    later = (clock.now() + dt.timedelta(hours=1)).isoformat()
    parent = (
        await client.post("/api/v1/jobs", json=text_job(scheduled_at=later), headers=h)
    ).json()
    r = await client.post(f"/api/v1/jobs/{parent['id']}/cancel", headers=h)
    assert r.json()["status"] == "cancelled"
    r = await client.post("/api/v1/jobs", json=text_job(depends_on=[parent["id"]]), headers=h)
    assert r.status_code == 422
    assert f"job {parent['id']} is cancelled" in r.json()["error"]["fields"]["depends_on"]
    r = await client.post(
        "/api/v1/jobs",
        json={**text_job(), "inputs": [{"role": "source_image", "job_id": parent["id"]}]},
        headers=h,
    )
    assert r.status_code == 422

"""GET /services: live workers with what they hold, database, Redis, providers."""

from __future__ import annotations

import httpx

from pixsim7.jobs.worker import JobWorker


async def test_services_show_the_worker_and_reachability(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    h = await users.create()
    admin = await users.create(admin=True)
    r = await client.get("/api/v1/services", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["database"] == "ok"
    assert [w["id"] for w in body["workers"]] == [worker.rt.worker_id]
    assert body["workers"][0]["job_ids"] is None  # only admins see job ids
    local = next(p for p in body["providers"] if p["id"] == "local")
    assert local["status"] == "ok"
    # The default Pixverse URL points at the internet, which the test machine cannot reach
    # (or can): either way it is reported, never an error of the endpoint.
    assert all(p["status"] for p in body["providers"])
    r = await client.get("/api/v1/services", headers=admin)
    assert r.json()["workers"][0]["job_ids"] == []
    assert (await client.get("/api/v1/services")).status_code == 401

"""The worker inside the app: local renders end to end, dependencies, cancel while running."""

from __future__ import annotations

import httpx

from pixsim7.jobs.worker import JobWorker
from tests.jobs.conftest import text_job, wait_for


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

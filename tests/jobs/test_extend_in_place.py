"""A video a provider made is extended there by its own id, not downloaded and uploaded
back (ARCHITECTURE.md §8: only an asset the provider has not seen is uploaded to it)."""

from __future__ import annotations

import httpx

from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import add_account, pixverse_job, wait_for


async def test_a_pixverse_video_is_extended_in_place(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "tok-in-place")
    r = await client.post("/api/v1/jobs", json=pixverse_job("made at pixverse"), headers=h)
    a = r.json()
    r = await client.post(
        "/api/v1/jobs",
        json={
            "provider_id": "pixverse",
            "operation_type": "video_extend",
            "params": {"prompt": "and then"},
            "inputs": [{"role": "source_video", "job_id": a["id"]}],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    done = await wait_for(client, h, r.json()["id"])
    assert done["status"] == "completed", done
    done_a = await wait_for(client, h, a["id"])
    extends = [q.json for q in pixverse.state.log.all("/creative_platform/video/extend")]
    want = [int(done_a["provider_job_id"])]
    assert [e.get("original_video_id") for e in extends] == want, extends
    assert not pixverse.state.log.all("/creative_platform/media/upload")  # nothing sent back

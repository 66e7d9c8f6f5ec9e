"""Jobs that take other jobs' outputs as inputs: they wait, receive the parent's asset,
record lineage, and fail (or are refused) when a parent cannot complete."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import av
import httpx
import numpy as np
from fastapi import FastAPI

from pixsim7.jobs.models import JobDependency
from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.fakekit import FakeServer
from tests.jobs.conftest import add_account, pixverse_job, text_job, wait_for


def extend_job(parent_id: int, **extra: Any) -> dict[str, Any]:
    """A local extend whose source video is the output of job `parent_id`."""
    return {
        "provider_id": "local",
        "operation_type": "video_extend",
        "params": {"duration": 1, "resolution": "360p", "fps": 8},
        "inputs": [{"role": "source_video", "job_id": parent_id}],
        **extra,
    }


async def _frames(client: httpx.AsyncClient, h: dict[str, str], asset_id: int) -> list[Any]:
    r = await client.get(f"/api/v1/assets/{asset_id}/file", headers=h)
    assert r.status_code == 200, r.text
    with av.open(io.BytesIO(r.content)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def _diff(a: Any, b: Any) -> float:
    """Mean absolute difference; a larger frame is first shrunk to the smaller by block means."""
    if a.shape[0] < b.shape[0]:
        a, b = b, a
    k = a.shape[0] // b.shape[0]
    h, w = b.shape[:2]
    a = a[: h * k, : w * k].reshape(h, k, w, k, 3).mean(axis=(1, 3))
    return float(np.abs(a - b.astype(float)).mean())


async def _post(client: httpx.AsyncClient, h: dict[str, str], body: dict[str, Any]) -> Any:
    r = await client.post("/api/v1/jobs", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


async def test_child_waits_for_parent_and_receives_its_asset(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    h = await users.create()
    # The parent is scheduled a moment ahead, so the child is surely seen waiting for it.
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat()
    a = await _post(client, h, text_job("parent", scheduled_at=soon))
    b = await _post(client, h, extend_job(a["id"]))
    assert b["status"] == "pending"
    assert b["wait_reason"] == f"waiting for job {a['id']}", b
    detail = (await client.get(f"/api/v1/jobs/{b['id']}", headers=h)).json()
    assert detail["depends_on"] == [a["id"]]  # an input naming a job is a dependency
    done_b = await wait_for(client, h, b["id"])
    done_a = (await client.get(f"/api/v1/jobs/{a['id']}", headers=h)).json()
    assert done_a["status"] == "completed" and done_a["asset_id"], done_a
    assert done_b["status"] == "completed", done_b
    assert done_a["completed_at"] <= done_b["started_at"]  # B ran only after A completed
    assert done_b["asset_id"] and done_b["asset_id"] != done_a["asset_id"]
    # What A's output became is written on B ("Reuse" of B fills the form with it).
    assert [i.get("resolved_asset_id") for i in done_b["inputs"]] == [done_a["asset_id"]]
    # B ran on A's file: an extend starts on the last frame of the video it continues.
    first_b = (await _frames(client, h, done_b["asset_id"]))[0]
    frames_a = await _frames(client, h, done_a["asset_id"])
    assert _diff(first_b, frames_a[-1]) < 3
    assert _diff(frames_a[0], frames_a[-1]) > 3  # (A moves, so that match means something)
    # Lineage shows A's asset as B's parent.
    r = await client.get(f"/api/v1/assets/{done_b['asset_id']}", headers=h)
    assert r.status_code == 200, r.text
    lineage = r.json()["lineage"]
    assert [p["asset_id"] for p in lineage["parents"]] == [done_a["asset_id"]], lineage
    assert lineage["parents"][0]["relation"] == "source_video"
    r = await client.get(f"/api/v1/assets/{done_a['asset_id']}", headers=h)
    assert r.json()["lineage"]["child_count"] == 1


async def test_parent_failure_fails_children_transitively(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "tok-deps")
    # Invalid params at the provider: the parent fails at once, without retries. The queue
    # is paused meanwhile so that it fails only once the whole chain exists.
    await client.post("/api/v1/jobs/pause", headers=h)
    a = await _post(client, h, pixverse_job("[fail:400017]"))
    b = await _post(client, h, extend_job(a["id"]))
    c = await _post(client, h, text_job("grandchild", depends_on=[b["id"]]))
    await client.post("/api/v1/jobs/resume", headers=h)
    done_a = await wait_for(client, h, a["id"])
    assert done_a["status"] == "failed" and done_a["error_class"] == "invalid", done_a
    for child, parent in ((b, a), (c, b)):
        done = await wait_for(client, h, child["id"])
        assert done["status"] == "failed", done
        assert done["error_class"] == "dependency"
        # The reason names a job up the chain that did not complete.
        assert "did not complete" in done["error_message"], done
        assert any(f"job {j['id']} " in done["error_message"] for j in (a, parent)), done
        assert done["submissions"] == [] and done["attempts"] == 0  # never sent anywhere
        assert done["wait_reason"] is None


async def test_depending_on_a_job_that_already_failed_is_refused(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    h = await users.create()
    await add_account(client, h, pixverse, "tok-dead")
    failed = await _post(client, h, pixverse_job("[fail:400017]"))
    assert (await wait_for(client, h, failed["id"]))["status"] == "failed"
    await client.post("/api/v1/jobs/pause", headers=h)
    pending = await _post(client, h, text_job("to be cancelled"))
    r = await client.post(f"/api/v1/jobs/{pending['id']}/cancel", headers=h)
    assert r.status_code == 200, r.text
    await client.post("/api/v1/jobs/resume", headers=h)
    bodies = [
        extend_job(failed["id"]),  # as an input
        text_job("after", depends_on=[failed["id"]]),  # as a plain dependency
        extend_job(pending["id"]),  # a cancelled parent can never complete either
    ]
    before = (await client.get("/api/v1/jobs", headers=h)).json()["items"]
    for body in bodies:
        r = await client.post("/api/v1/jobs", json=body, headers=h)
        # Refused rather than left waiting forever, and the field is named.
        assert r.status_code == 422, r.text
        assert "depends_on" in r.json()["error"]["fields"], r.text
    after = (await client.get("/api/v1/jobs", headers=h)).json()["items"]
    assert len(after) == len(before)  # nothing was created


async def test_another_users_job_cannot_be_a_parent(
    client: httpx.AsyncClient, users, worker: JobWorker
) -> None:
    alice, bob = await users.create(), await users.create()
    a = await _post(client, alice, text_job("alice's"))
    assert (await wait_for(client, alice, a["id"]))["status"] == "completed"
    r = await client.post("/api/v1/jobs", json=extend_job(a["id"]), headers=bob)
    assert r.status_code == 422, r.text
    assert "depends_on" in r.json()["error"]["fields"]


async def test_a_child_committed_after_its_parent_failed_still_fails(
    app: FastAPI, client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    """The race the 422 cannot catch: the parent fails between the child's check and its
    commit, so the parent's failure never saw the child. The worker's sweep fails it."""
    h = await users.create()
    await add_account(client, h, pixverse, "tok-race")
    parent = await _post(client, h, pixverse_job("[fail:400017]"))
    assert (await wait_for(client, h, parent["id"]))["status"] == "failed"
    await client.post("/api/v1/jobs/pause", headers=h)
    child = await _post(client, h, text_job("late child"))
    async with app.state.db.session() as session:  # the dependency lands after the failure
        session.add(JobDependency(job_id=child["id"], depends_on_id=parent["id"]))
        await session.commit()
    await client.post("/api/v1/jobs/resume", headers=h)
    done = await wait_for(client, h, child["id"], within=15)
    assert done["status"] == "failed" and done["error_class"] == "dependency", done
    assert f"job {parent['id']} " in done["error_message"]
    assert done["attempts"] == 0 and done["submissions"] == []


async def test_outputs_cross_providers(
    client: httpx.AsyncClient, users, pixverse: FakeServer, worker: JobWorker
) -> None:
    """A Pixverse video feeds a local extend (from the downloaded file) and a Pixverse
    extend; both record it as their parent."""
    h = await users.create()
    await add_account(client, h, pixverse, "tok-cross")
    a = await _post(client, h, pixverse_job("a pixverse parent"))
    local = await _post(client, h, extend_job(a["id"]))
    remote = await _post(
        client,
        h,
        {
            "provider_id": "pixverse",
            "operation_type": "video_extend",
            "params": {"prompt": "and then"},
            "inputs": [{"role": "source_video", "job_id": a["id"]}],
        },
    )
    done_a = await wait_for(client, h, a["id"])
    assert done_a["status"] == "completed" and done_a["asset_id"], done_a
    for child in (local, remote):
        done = await wait_for(client, h, child["id"])
        assert done["status"] == "completed", done
        r = await client.get(f"/api/v1/assets/{done['asset_id']}", headers=h)
        parents = [p["asset_id"] for p in r.json()["lineage"]["parents"]]
        assert parents == [done_a["asset_id"]], (child["id"], parents)
    first = (await _frames(client, h, (await wait_for(client, h, local["id"]))["asset_id"]))[0]
    assert _diff(first, (await _frames(client, h, done_a["asset_id"]))[-1]) < 3

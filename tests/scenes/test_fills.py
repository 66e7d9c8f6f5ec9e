"""Generation into a scene's node: the job is linked to the node on the server, its clip is
attached when it completes (a new version, lineage from its inputs), and a job that fails,
is cancelled or outlives its node leaves the scene as it was, saying why."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from pixsim7.jobs.worker import running
from pixsim7.scenes import fills
from tests.jobs.conftest import app_runtime, builtin, text_job  # noqa: F401 (fixture)
from tests.scenes.conftest import API, Studio

SMALL = {"duration": 1, "resolution": "360p", "fps": 8}


async def _scene(me: Studio) -> dict[str, Any]:
    clip = await me.video()
    return await me.create(
        {
            "title": "Fill me",
            "start": "intro",
            "nodes": [
                {"id": "intro", "type": "video", "media": [{"asset_id": clip}]},
                {"id": "next", "type": "video"},
                {"id": "ask", "type": "choice"},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "from": "intro", "to": "next"},
                {"id": "e2", "from": "next", "to": "ask"},
                {"id": "e3", "from": "ask", "to": "end", "label": "Go"},
            ],
        }
    )


async def _fills(me: Studio, scene_id: int) -> list[dict[str, Any]]:
    r = await me.get(f"{API}/{scene_id}/fills")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def _until(
    me: Studio, scene_id: int, done: Any, within: float = 60.0
) -> list[dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = await _fills(me, scene_id)
        if done(found):
            return found
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.1)


def _settled(items: list[dict[str, Any]]) -> bool:
    return all(f["state"] != "waiting" for f in items)


async def test_a_generated_clip_arrives_in_its_node(
    app: FastAPI,
    studio: Any,
    builtin: int,  # noqa: F811
) -> None:
    me: Studio = await studio()
    scene = await _scene(me)
    source = scene["nodes"][0]["media"][0]["asset_id"]
    assert "video_without_media" in {p["code"] for p in scene["problems"]}
    extend = {
        "provider_id": "local",
        "operation_type": "video_extend",
        "params": SMALL,
        "inputs": [{"role": "source_video", "asset_id": source}],
    }
    r = await me.post(
        f"{API}/{scene['id']}/fills",
        {"fills": [{"node": "next", "job": extend}, {"node": "next", "job": text_job("two")}]},
    )
    assert r.status_code == 201, r.text
    made = r.json()["items"]
    assert [(f["node"], f["state"]) for f in made] == [("next", "waiting"), ("next", "waiting")]

    async with running(app_runtime(app)):
        done = await _until(me, scene["id"], _settled)
    assert {f["state"] for f in done} == {"attached"}
    after = (await me.get(f"{API}/{scene['id']}")).json()
    assert after["version"] > scene["version"]
    media = after["nodes"][1]["media"]
    assert len(media) == 2
    assert "video_without_media" not in {p["code"] for p in after["problems"]}
    jobs = {f["job_id"]: f for f in done}
    extended = (await me.get(f"/api/v1/jobs/{made[0]['job_id']}")).json()
    assert extended["asset_id"] in {m["asset_id"] for m in media} and len(jobs) == 2
    # The new clip is linked to the clip it continues.
    detail = (await me.get(f"/api/v1/assets/{extended['asset_id']}")).json()
    assert [p["asset_id"] for p in detail["lineage"]["parents"]] == [source], detail["lineage"]


async def test_a_cancelled_job_and_a_deleted_node_leave_the_scene_as_it_was(
    app: FastAPI,
    studio: Any,
    builtin: int,  # noqa: F811
) -> None:
    me: Studio = await studio()
    scene = await _scene(me)
    later = text_job("later", scheduled_at="2999-01-01T00:00:00Z")
    r = await me.post(
        f"{API}/{scene['id']}/fills",
        {"fills": [{"node": "next", "job": later}, {"node": "next", "job": text_job("soon")}]},
    )
    assert r.status_code == 201, r.text
    cancelled, soon = (f["job_id"] for f in r.json()["items"])
    assert (await me.post(f"/api/v1/jobs/{cancelled}/cancel")).status_code == 200
    # The node goes before the other clip arrives.
    current = (await me.get(f"{API}/{scene['id']}")).json()
    r = await me.patch(
        f"{API}/{scene['id']}",
        {
            "version": current["version"],
            "nodes": [n for n in current["nodes"] if n["id"] != "next"],
            "edges": [e for e in current["edges"] if "next" not in (e["from"], e["to"])],
        },
    )
    assert r.status_code == 200, r.text
    version = r.json()["version"]

    # No worker ran meanwhile (a server down): the next one to start settles both.
    assert (await _fills(me, scene["id"]))[-1]["state"] == "waiting"
    async with running(app_runtime(app)):
        done = await _until(me, scene["id"], _settled)
    states = {f["job_id"]: (f["state"], f["message"], f["job_status"]) for f in done}
    assert states[cancelled][0] == "failed" and states[cancelled][2] == "cancelled"
    assert states[cancelled][1]
    assert states[soon][:1] == ("gone",) and "deleted" in states[soon][1]
    assert (await me.get(f"{API}/{scene['id']}")).json()["version"] == version


async def test_fills_are_checked_and_owned(
    app: FastAPI,
    studio: Any,
    client: httpx.AsyncClient,
    builtin: int,  # noqa: F811
) -> None:
    me: Studio = await studio()
    other: Studio = await studio()
    scene = await _scene(me)
    url = f"{API}/{scene['id']}/fills"
    for node, why in (("nope", "no such node"), ("ask", "only a video node takes a clip")):
        r = await me.post(url, {"fills": [{"node": node, "job": text_job()}]})
        assert r.status_code == 422 and r.json()["error"]["fields"] == {"fills.0.node": why}
    bad = {**text_job(), "params": {"duration": 1}}  # no prompt
    r = await me.post(
        url, {"fills": [{"node": "next", "job": text_job()}, {"node": "next", "job": bad}]}
    )
    assert r.status_code == 422, r.text
    assert list(r.json()["error"]["fields"]) == ["fills.1.job.params.prompt"]
    assert (await me.post(url, {"fills": []})).status_code == 422
    assert (await _fills(me, scene["id"])) == []  # all or none
    assert (
        await other.post(url, {"fills": [{"node": "next", "job": text_job()}]})
    ).status_code == 404
    assert (await other.get(url)).status_code == 404
    jobs = (await me.get("/api/v1/jobs")).json()["items"]
    assert jobs == []
    async with app.state.db.session() as session:
        assert await fills.settle(session, settings=app.state.settings, bus=None) == 0

"""What a scene uses cannot vanish silently: deleting an asset or a called scene is refused
naming the scenes, or with force leaves their nodes marked missing."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import FastAPI

from pixsim7.events import BATCH_THRESHOLD
from tests.assets.conftest import copies
from tests.scenes.conftest import API, Studio

ASSETS = "/api/v1/assets"


def _caller(callee: int, title: str = "Caller") -> dict[str, Any]:
    return {
        "title": title,
        "start": "call",
        "nodes": [
            {"id": "call", "type": "scene_call", "scene": callee},
            {"id": "e", "type": "end"},
        ],
        "edges": [{"id": "x", "from": "call", "to": "e"}],
    }


async def test_an_asset_in_use_is_409_naming_the_scenes(studio: Any) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    asset = scene["nodes"][0]["media"][0]["asset_id"]
    r = await me.delete(f"{ASSETS}/{asset}")
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "asset_in_use"
    assert error["scenes"] == [{"id": scene["id"], "title": "Forest"}]
    assert f"{scene['id']} (Forest)" in error["message"]
    assert (await me.get(f"{ASSETS}/{asset}")).status_code == 200
    assert (await me.get(f"{API}/{scene['id']}")).json()["version"] == 1


async def test_forcing_marks_the_media_missing_in_the_scene_and_its_revisions(
    studio: Any, app: FastAPI
) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    url = f"{API}/{scene['id']}"
    await me.post(f"{url}/publish")
    asset = scene["nodes"][0]["media"][0]["asset_id"]
    async with app.state.bus.subscribe() as queue:
        assert (await me.delete(f"{ASSETS}/{asset}?force=true")).status_code == 204
        events = [await queue.get(), await queue.get()]
    assert [(e.type, e.data["id"]) for e in events] == [
        ("scene.updated", scene["id"]),
        ("asset.trashed", asset),
    ]
    after = (await me.get(url)).json()
    assert after["nodes"][0]["media"][0] | {"tags": []} == {
        "asset_id": None,
        "missing": True,
        "start": None,
        "end": None,
        "tags": [],
    }
    assert (after["version"], after["status"]) == (2, "draft")
    assert {(p["code"], p["node"]) for p in after["problems"]} == {
        ("media_missing", "intro"),
        ("video_without_media", "intro"),
    }
    # Restoring the first revision cannot bring the deleted asset back.
    r = await me.post(f"{url}/revisions/1/restore", {"version": 2})
    assert r.status_code == 200, r.text
    assert r.json()["nodes"][0]["media"][0]["asset_id"] is None
    # Nor does restoring the asset from the trash; deleting it there deletes it for good.
    assert (await me.post(f"{ASSETS}/batch/restore", {"ids": [asset]})).status_code == 200
    assert (await me.get(url)).json()["nodes"][0]["media"][0]["asset_id"] is None
    for _ in range(2):
        assert (await me.delete(f"{ASSETS}/{asset}")).status_code == 204
    assert (await me.delete(f"{ASSETS}/{asset}")).status_code == 404


async def test_a_called_scene_is_409_naming_its_callers_or_forced(studio: Any) -> None:
    me: Studio = await studio()
    callee = await me.scene()
    caller = await me.create(_caller(callee["id"]))
    assert caller["problems"] == []
    r = await me.delete(f"{API}/{callee['id']}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "scene_in_use"
    assert r.json()["error"]["scenes"] == [{"id": caller["id"], "title": "Caller"}]
    assert (await me.delete(f"{API}/{callee['id']}?force=true")).status_code == 204
    after = (await me.get(f"{API}/{caller['id']}")).json()
    assert after["nodes"][0] | {} == {
        "id": "call",
        "type": "scene_call",
        "label": None,
        "position": None,
        "scene": None,
        "missing": True,
        "bindings": {},
        "returns": {},
    }
    assert [p["code"] for p in after["problems"]] == ["call_target_missing"]
    # The caller saves again as it is (a draft with an error), then its call is fixed.
    other = await me.scene()
    fixed = await me.patch(
        f"{API}/{caller['id']}",
        {
            "version": after["version"],
            **{
                "nodes": [
                    {"id": "call", "type": "scene_call", "scene": other["id"]},
                    {"id": "e", "type": "end"},
                ]
            },
        },
    )
    assert fixed.status_code == 200 and fixed.json()["problems"] == []


async def test_a_scene_calling_itself_can_be_deleted(studio: Any) -> None:
    me: Studio = await studio()
    scene = await me.create({"title": "Self"})
    r = await me.patch(f"{API}/{scene['id']}", {"version": 1, **_caller(scene["id"], "Self")})
    assert r.status_code == 200, r.text
    assert "call_cycle_without_return" in {p["code"] for p in r.json()["problems"]}
    assert (await me.delete(f"{API}/{scene['id']}")).status_code == 204


async def test_restoring_a_revision_marks_what_has_gone_since(studio: Any) -> None:
    """An asset only an old revision plays is not in use (it can go without force); the
    revision, restored, comes back with that media marked missing."""
    me: Studio = await studio()
    scene = await me.scene()
    url = f"{API}/{scene['id']}"
    old = scene["nodes"][0]["media"][0]["asset_id"]
    nodes = [dict(n) for n in scene["nodes"]]
    nodes[0] = {**nodes[0], "media": [{"asset_id": await me.video()}]}
    assert (await me.patch(url, {"version": 1, "nodes": nodes})).status_code == 200
    assert (await me.delete(f"{ASSETS}/{old}")).status_code == 204
    r = await me.post(f"{url}/revisions/1/restore", {"version": 2})
    assert r.status_code == 200, r.text
    assert r.json()["nodes"][0]["media"][0] | {"start": None} == {
        "asset_id": None,
        "missing": True,
        "start": None,
        "end": None,
        "tags": [],
    }
    assert "media_missing" in {p["code"] for p in r.json()["problems"]}


async def test_a_large_selection_asks_once_and_is_announced_in_one_event(
    studio: Any, app: FastAPI
) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    played = scene["nodes"][0]["media"][0]["asset_id"]
    ids = await copies(app, played, BATCH_THRESHOLD + 20)  # the copies play in no scene
    r = await me.post(f"{ASSETS}/batch/trash", {"ids": ids})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["scenes"] == [{"id": scene["id"], "title": "Forest"}]
    trashed = await me.get(ASSETS, params={"trashed": "true"})
    assert trashed.json()["total"] == 0

    async with app.state.bus.subscribe() as queue:
        r = await me.post(f"{ASSETS}/batch/trash", {"ids": ids, "force": True})
        assert r.status_code == 200, r.text
        events = [await asyncio.wait_for(queue.get(), 10)]
        with contextlib.suppress(TimeoutError):
            while True:
                events.append(await asyncio.wait_for(queue.get(), 0.5))
    assert [e.type for e in events] == ["scene.updated", "asset.batch"]
    assert events[1].data["action"] == "trashed" and sorted(events[1].data["ids"]) == ids
    assert (await me.get(f"{API}/{scene['id']}")).json()["nodes"][0]["media"][0]["asset_id"] is None
    trashed = await me.get(ASSETS, params={"trashed": "true", "limit": 1})
    assert trashed.json()["total"] == len(ids)

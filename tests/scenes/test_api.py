"""Scenes over HTTP: create, read, list, save with versions, validate, publish, delete, events,
and another user's scene answering 404 everywhere."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from pixsim7.events import Event
from tests.scenes.conftest import API, PLAYS, Studio, codes, graph


async def test_create_read_list_and_save_with_versions(studio: Any, app: FastAPI) -> None:
    me: Studio = await studio()
    events: list[Event] = []
    body = graph(await me.video(), await me.video())
    async with app.state.bus.subscribe() as queue:
        scene = await me.create(body)
        events.append(await queue.get())
    assert scene["version"] == 1 and scene["status"] == "draft" and scene["node_count"] == 6
    assert scene["problems"] == [] and scene["start"] == "intro"
    assert scene["edges"][1]["from"] == "fork" and scene["edges"][1]["effects"][0]["op"] == "set"
    assert (events[0].type, events[0].data["id"]) == ("scene.created", scene["id"])
    url = f"{API}/{scene['id']}"
    assert (await me.get(url)).json() == scene

    async with app.state.bus.subscribe() as queue:
        r = await me.patch(url, {"version": 1, "title": "Dark forest", "start": "fork"})
        events.append(await queue.get())
    assert r.status_code == 200, r.text
    saved = r.json()
    assert (saved["version"], saved["title"], saved["start"]) == (2, "Dark forest", "fork")
    assert saved["nodes"] == scene["nodes"]  # graph fields not given are kept
    assert {(p["code"], p["node"]) for p in saved["problems"]} == {("unreachable", "intro")}
    assert (events[1].type, events[1].data["version"]) == ("scene.updated", 2)

    stale = await me.patch(url, {"version": 1, "title": "Lost"})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    assert (await me.get(url)).json()["title"] == "Dark forest"


async def test_list_pages_with_a_cursor(studio: Any) -> None:
    me: Studio = await studio()
    ids = [(await me.create({"title": f"S{i}"}))["id"] for i in range(5)]
    first = (await me.get(API, params={"limit": 2})).json()
    assert [s["id"] for s in first["items"]] == ids[::-1][:2]
    assert "nodes" not in first["items"][0]
    rest = (await me.get(API, params={"limit": 10, "cursor": first["next_cursor"]})).json()
    assert [s["id"] for s in rest["items"]] == ids[::-1][2:] and rest["next_cursor"] is None
    assert (await me.get(API, params={"cursor": "!!"})).status_code == 422


async def test_validate_publish_and_back_to_draft(studio: Any) -> None:
    me: Studio = await studio()
    empty = await me.create({"title": "Empty"})
    assert [p["code"] for p in empty["problems"]] == ["start_missing"]
    report = (await me.post(f"{API}/{empty['id']}/validate")).json()
    assert (report["errors"], report["warnings"]) == (1, 0)
    refused = await me.post(f"{API}/{empty['id']}/publish")
    assert refused.status_code == 422 and codes(refused) == {"start_missing"}

    scene = await me.scene()
    url = f"{API}/{scene['id']}"
    published = (await me.post(f"{url}/publish")).json()
    assert published["status"] == "published" and published["published_at"]
    edges = [e for e in scene["edges"] if e["from"] != "brave-check"]
    r = await me.patch(url, {"version": published["version"], "edges": edges})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "draft"  # saved, with errors: no longer published
    assert {p["code"] for p in r.json()["problems"]} == {"dead_end", "unreachable"}


async def test_delete(studio: Any, app: FastAPI) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    url = f"{API}/{scene['id']}"
    async with app.state.bus.subscribe() as queue:
        assert (await me.delete(url)).status_code == 204
        event = await queue.get()
    assert (event.type, event.data["id"]) == ("scene.deleted", scene["id"])
    assert (await me.get(url)).status_code == 404


async def test_another_users_scene_is_404_everywhere(
    studio: Any, client: httpx.AsyncClient
) -> None:
    owner: Studio = await studio()
    intruder: Studio = await studio()
    scene = await owner.scene()
    play = (await owner.post(f"{API}/{scene['id']}/plays", {"seed": 1})).json()
    url = f"{API}/{scene['id']}"
    answers = [
        await intruder.get(url),
        await intruder.patch(url, {"version": 1, "title": "mine"}),
        await intruder.post(f"{url}/validate"),
        await intruder.post(f"{url}/publish"),
        await intruder.get(f"{url}/revisions"),
        await intruder.post(f"{url}/revisions/1/restore", {"version": 1}),
        await intruder.get(f"{url}/export.json"),
        await intruder.get(f"{url}/bundle"),
        await intruder.get(f"{url}/export.zip"),
        await intruder.post(f"{url}/plays", {}),
        await intruder.get(f"{PLAYS}/{play['id']}"),
        await intruder.patch(f"{PLAYS}/{play['id']}", {"inputs": [{"kind": "segment_end"}]}),
        await intruder.delete(f"{PLAYS}/{play['id']}"),
        await intruder.delete(url),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers)
    assert (await intruder.get(API)).json()["items"] == []
    assert (await intruder.get(PLAYS)).json()["items"] == []
    assert (await owner.get(url)).json()["version"] == 1
    assert (await owner.get(f"{PLAYS}/{play['id']}")).json()["version"] == 1
    assert (await client.get(API)).status_code == 401


async def test_references_to_what_another_user_has_are_422_naming_them(studio: Any) -> None:
    owner: Studio = await studio()
    other: Studio = await studio()
    theirs = await other.scene()
    asset = theirs["nodes"][0]["media"][0]["asset_id"]
    body = graph(await owner.video(), asset)
    r = await owner.post(API, body)
    assert r.status_code == 422 and codes(r) == {"media_not_owned"}
    assert f"asset {asset}" in str(r.json()["error"]["problems"])
    call = {
        "title": "Caller",
        "start": "c",
        "nodes": [
            {"id": "c", "type": "scene_call", "scene": theirs["id"]},
            {"id": "e", "type": "end"},
        ],
        "edges": [{"id": "x", "from": "c", "to": "e"}],
    }
    r = await owner.post(API, call)
    assert r.status_code == 422 and codes(r) == {"call_target_unknown"}
    assert f"scene {theirs['id']}" in r.json()["error"]["fields"]["nodes.c"]
    assert (await owner.get(API)).json()["items"] == []


async def test_workspace_must_be_the_owners(studio: Any) -> None:
    me: Studio = await studio()
    other: Studio = await studio()
    ws = (await other.post("/api/v1/workspaces", {"name": "W"})).json()
    r = await me.post(API, {"title": "T", "workspace_id": ws["id"]})
    assert r.status_code == 422 and "workspace_id" in r.json()["error"]["fields"]
    mine = (await me.post("/api/v1/workspaces", {"name": "Mine"})).json()
    scene = await me.create({"title": "T", "workspace_id": mine["id"]})
    listed = (await me.get(API, params={"workspace_id": mine["id"]})).json()["items"]
    assert [s["id"] for s in listed] == [scene["id"]]

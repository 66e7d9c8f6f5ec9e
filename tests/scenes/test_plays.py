"""Play sessions: the server runs the engine, so a play advances only by what it offers;
a play resumes anywhere with the bundle it began with, and each save is announced."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from pixsim7.events import Event
from tests.conftest import PASSWORD
from tests.scenes.conftest import API, PLAYS, Studio

SEG = {"kind": "segment_end"}


def _pick(edge: str) -> dict[str, str]:
    return {"kind": "choice", "edge": edge}


async def test_play_through_with_back(studio: Any) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    r = await me.post(f"{API}/{scene['id']}/plays", {"label": "Slot 1", "seed": 42})
    assert r.status_code == 201, r.text
    play = r.json()
    assert (play["seed"], play["label"], play["version"], play["status"]) == (
        42,
        "Slot 1",
        1,
        "playing",
    )
    assert play["state"]["node"] == "intro" and play["state"]["phase"] == "segment"
    assert play["bundle"]["root"] == scene["id"] and play["options"]["options"] == []
    url = f"{PLAYS}/{play['id']}"

    r = await me.patch(url, {"inputs": [SEG], "version": 1})
    assert r.status_code == 200, r.text
    assert [o["edge"] for o in r.json()["options"]["options"]] == ["in", "out"]
    assert "bundle" not in r.json()
    r = await me.patch(url, {"inputs": [_pick("in"), SEG]})
    state = r.json()["state"]
    assert (state["node"], state["phase"], state["flags"]) == ("win", "ended", {"brave": True})
    assert r.json()["status"] == "ended" and r.json()["version"] == 3
    r = await me.patch(url, {"inputs": [{"kind": "back"}, _pick("out")]})
    state = r.json()["state"]
    assert (state["end"]["node"], state["flags"]) == ("lose", {"brave": False})


async def test_an_input_not_offered_is_422_and_changes_nothing(studio: Any) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    play = (await me.post(f"{API}/{scene['id']}/plays", {"seed": 1})).json()
    url = f"{PLAYS}/{play['id']}"
    for inputs, index, reason in [
        ([SEG, _pick("teleport")], 1, "option_not_offered"),
        ([_pick("in")], 0, "unexpected_input"),
        ([SEG, {"kind": "jump"}], 1, "bad_input"),
        ([{"kind": "back"}], 0, "no_history"),
    ]:
        r = await me.patch(url, {"inputs": inputs})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert (error["code"], error["input"], error["reason"]) == ("input_refused", index, reason)
        assert error["fields"] == {f"inputs.{index}": reason}
    after = (await me.get(url)).json()
    assert (after["version"], after["state"]) == (1, play["state"])
    assert (await me.patch(url, {"inputs": [{"kind": "x"}] * 101})).status_code == 422


async def test_resume_on_another_device_with_the_pinned_scene(
    studio: Any, client: httpx.AsyncClient
) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    play = (await me.post(f"{API}/{scene['id']}/plays", {"seed": 7})).json()
    url = f"{PLAYS}/{play['id']}"
    await me.patch(url, {"inputs": [SEG], "version": 1})
    # The scene changes meanwhile: the play goes on with the scene it began with.
    edges = [e for e in scene["edges"] if e["id"] != "in"]
    assert (
        await me.patch(f"{API}/{scene['id']}", {"version": 1, "edges": edges})
    ).status_code == 200

    email = (await me.get("/api/v1/users/me")).json()["email"]
    login = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    phone = {"Authorization": f"Bearer {login.json()['access_token']}"}
    resumed = (await client.get(url, headers=phone)).json()
    assert resumed["state"]["node"] == "fork" and resumed["scene_version"] == 1
    assert [o["edge"] for o in resumed["options"]["options"]] == ["in", "out"]
    stale = await client.patch(url, headers=phone, json={"inputs": [_pick("in")], "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 2
    r = await client.patch(url, headers=phone, json={"inputs": [_pick("in")], "version": 2})
    assert r.status_code == 200 and r.json()["state"]["node"] == "cave"

    listed = (await me.get(PLAYS, params={"scene_id": scene["id"]})).json()["items"]
    assert [p["id"] for p in listed] == [play["id"]]
    renamed = await me.patch(url, {"label": "Before the cave"})
    assert renamed.json()["label"] == "Before the cave" and renamed.json()["version"] == 3
    assert (await me.delete(url)).status_code == 204
    assert (await me.get(url)).status_code == 404


async def test_a_draft_plays_until_its_graph_runs_out(studio: Any) -> None:
    me: Studio = await studio()
    draft = await me.create({"title": "Draft"})
    play = (await me.post(f"{API}/{draft['id']}/plays", {})).json()
    assert play["status"] == "ended" and 0 <= play["seed"] < 2**32
    assert play["state"]["end"] == {"node": None, "outcome": "stuck", "message": "unknown_node"}
    assert (await me.post(f"{API}/{draft['id']}/plays", {"seed": 2**32})).status_code == 422


async def test_each_save_is_announced_to_the_owner_and_a_stale_one_is_409(
    studio: Any, app: FastAPI
) -> None:
    """What a player open on another device hears when the play moves on: `play.updated`
    with the new version (not the state), to the owner only; a save that follows an older
    version is 409 with the current one, and announces nothing."""
    me: Studio = await studio()
    scene = await me.scene()
    play = (await me.post(f"{API}/{scene['id']}/plays", {"seed": 3})).json()
    url = f"{PLAYS}/{play['id']}"
    events: list[Event] = []
    async with app.state.bus.subscribe() as queue:
        assert (await me.patch(url, {"inputs": [SEG], "version": 1})).status_code == 200
        events.append(await asyncio.wait_for(queue.get(), 10))
        stale = await me.patch(url, {"inputs": [_pick("in")], "version": 1})
        assert stale.status_code == 409, stale.text
        assert stale.json()["error"]["current_version"] == 2
        assert (await me.patch(url, {"label": "Mine"})).status_code == 200
        events.append(await asyncio.wait_for(queue.get(), 10))
        assert queue.empty()
    owner = (await me.get("/api/v1/users/me")).json()["id"]
    assert [(e.type, e.user_id) for e in events] == [("play.updated", owner)] * 2
    first, renamed = (e.data for e in events)
    assert {k: first[k] for k in ("id", "scene_id", "version", "status", "label")} == {
        "id": play["id"],
        "scene_id": scene["id"],
        "version": 2,
        "status": "playing",
        "label": None,
    }
    assert "state" not in first and first["updated_at"] >= play["updated_at"][:19]
    assert (renamed["version"], renamed["label"]) == (2, "Mine")

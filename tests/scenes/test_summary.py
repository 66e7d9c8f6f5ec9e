"""What the scene list shows of each scene without its graph: problem counts and a poster."""

from __future__ import annotations

from typing import Any

from tests.scenes.conftest import API, Studio, graph


async def test_the_list_counts_problems_and_names_a_poster(studio: Any) -> None:
    me: Studio = await studio()
    a, b = await me.video(), await me.video()
    draft = await me.create({"title": "Draft", "nodes": [{"id": "v", "type": "video"}]})
    sound = await me.create(graph(a, b))
    listed = {s["id"]: s for s in (await me.get(API)).json()["items"]}
    assert listed[draft["id"]]["error_count"] == 3  # no start, no media, no way out
    assert listed[draft["id"]]["poster_asset_id"] is None
    summary = listed[sound["id"]]
    assert (summary["error_count"], summary["warning_count"]) == (0, 0)
    assert summary["poster_asset_id"] == a  # the start node's clip

    # Fixed in the editor: the counts follow the save; a poster from the start's first clip.
    r = await me.patch(
        f"{API}/{draft['id']}",
        {
            "version": 1,
            "start": "v",
            "nodes": [{"id": "v", "type": "video", "media": [{"asset_id": b}]}],
        },
    )
    assert r.status_code == 200, r.text
    again = {s["id"]: s for s in (await me.get(API)).json()["items"]}[draft["id"]]
    assert (again["error_count"], again["poster_asset_id"]) == (1, b)  # a dead end left

    # An asset deleted with force marks its media missing: counted at once.
    assert (await me.delete(f"/api/v1/assets/{b}?force=true")).status_code == 204
    gone = {s["id"]: s for s in (await me.get(API)).json()["items"]}
    problems = (await me.get(f"{API}/{draft['id']}")).json()["problems"]
    errors = [p["code"] for p in problems if p["severity"] == "error"]
    assert "media_missing" in errors
    assert gone[draft["id"]]["error_count"] == len(errors)
    assert gone[draft["id"]]["poster_asset_id"] is None


async def test_the_editors_frames_are_kept_with_the_scene(studio: Any) -> None:
    me: Studio = await studio()
    frame = {"id": "f1", "label": "Act one", "x": -20.5, "y": 0, "width": 400, "height": 240}
    scene = await me.create({"title": "Framed", "layout": {"frames": [frame]}})
    assert scene["layout"] == {"frames": [frame]}
    url = f"{API}/{scene['id']}"
    # A save without a layout keeps it; one with a layout replaces it.
    r = await me.patch(url, {"version": 1, "title": "Still framed"})
    assert r.status_code == 200 and r.json()["layout"] == {"frames": [frame]}
    r = await me.patch(url, {"version": 2, "layout": {"frames": []}})
    assert r.status_code == 200 and r.json()["layout"] == {"frames": []}
    for bad in ({**frame, "width": 10}, {**frame, "id": "no spaces"}, {**frame, "colour": "red"}):
        r = await me.patch(url, {"version": 3, "layout": {"frames": [bad]}})
        assert r.status_code == 422, r.text
    assert (await me.get(API)).json()["items"][0]["title"] == "Still framed"
    plain = await me.create({"title": "Plain"})
    assert plain["layout"] == {"frames": []}

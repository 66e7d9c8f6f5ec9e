"""Revisions (the newest kept, restorable) and the bundle format: export.json with the scenes
a scene calls, imported back as new scenes."""

from __future__ import annotations

from typing import Any

from pixsim7.config import Settings
from pixsim7.scenes.format import Bundle
from tests.scenes.conftest import API, Studio, codes


async def test_revisions_are_kept_and_restored(studio: Any, settings: Settings) -> None:
    settings.scene_revisions_kept = 3
    me: Studio = await studio()
    scene = await me.create({"title": "v1"})
    url = f"{API}/{scene['id']}"
    for version in range(1, 5):
        r = await me.patch(url, {"version": version, "title": f"v{version + 1}"})
        assert r.status_code == 200, r.text
    listed = (await me.get(f"{url}/revisions")).json()["items"]
    assert [(r["version"], r["title"]) for r in listed] == [(5, "v5"), (4, "v4"), (3, "v3")]
    r = await me.post(f"{url}/revisions/3/restore", {"version": 5})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["title"]) == (6, "v3")
    assert (await me.post(f"{url}/revisions/1/restore", {"version": 6})).status_code == 404
    stale = await me.post(f"{url}/revisions/4/restore", {"version": 5})
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 6


def _sub(asset: int) -> dict[str, Any]:
    return {
        "title": "Shop",
        "start": "buy",
        "flags": {"gold": 0},
        "nodes": [
            {"id": "buy", "type": "video", "media": [{"asset_id": asset}]},
            {
                "id": "done",
                "type": "return",
                "port": "bought",
                "values": {"left": {"flag": "gold"}},
            },
        ],
        "edges": [
            {
                "id": "b",
                "from": "buy",
                "to": "done",
                "effects": [{"flag": "gold", "op": "dec", "value": 3}],
            }
        ],
    }


async def _with_a_call(me: Studio) -> tuple[dict[str, Any], dict[str, Any]]:
    sub = await me.create(_sub(await me.video()))
    root = await me.create(
        {
            "title": "Town",
            "start": "walk",
            "flags": {"gold": 10},
            "nodes": [
                {"id": "walk", "type": "video", "media": [{"asset_id": await me.video()}]},
                {
                    "id": "shop",
                    "type": "scene_call",
                    "scene": sub["id"],
                    "bindings": {"gold": {"flag": "gold"}},
                    "returns": {"gold": "left"},
                },
                {"id": "home", "type": "end", "outcome": "success"},
            ],
            "edges": [
                {"id": "w", "from": "walk", "to": "shop"},
                {"id": "h", "from": "shop", "to": "home", "port": "bought"},
            ],
        }
    )
    assert root["problems"] == [] and sub["problems"] == []
    return root, sub


async def test_export_json_holds_the_called_scenes_and_their_media(studio: Any) -> None:
    me: Studio = await studio()
    root, sub = await _with_a_call(me)
    r = await me.get(f"{API}/{root['id']}/export.json")
    assert r.status_code == 200, r.text
    bundle = r.json()
    Bundle.model_validate(bundle)
    assert bundle["format"] == "pixsim7.scene/1" and bundle["root"] == root["id"]
    assert [s["id"] for s in bundle["scenes"]] == [root["id"], sub["id"]]
    assets = {root["nodes"][0]["media"][0]["asset_id"], sub["nodes"][0]["media"][0]["asset_id"]}
    assert set(bundle["assets"]) == {str(a) for a in assets}
    entry = bundle["assets"][str(root["nodes"][0]["media"][0]["asset_id"])]
    assert entry["src"].endswith("/file") and entry["poster"].endswith("/thumbnail")
    assert entry["media_type"] == "video" and entry["duration"] > 0
    # The URLs answer the owner (a browser authenticates them with its cookie).
    assert (await me.get(entry["src"])).status_code == 200

    draft = await me.create({"title": "Draft"})
    r = await me.get(f"{API}/{draft['id']}/export.json")
    assert r.status_code == 422 and codes(r) == {"start_missing"}
    # The editor's preview plays drafts too: the same bundle, errors or not.
    r = await me.get(f"{API}/{draft['id']}/bundle")
    assert r.status_code == 200, r.text
    assert r.json()["scenes"][0]["start"] is None and r.json()["root"] == draft["id"]
    assert (await me.get(f"{API}/{root['id']}/bundle")).json() == bundle


async def test_import_makes_new_scenes_with_calls_repointed(studio: Any) -> None:
    me: Studio = await studio()
    root, sub = await _with_a_call(me)
    bundle = (await me.get(f"{API}/{root['id']}/export.json")).json()
    r = await me.post(f"{API}/import", {"bundle": bundle})
    assert r.status_code == 201, r.text
    body = r.json()
    new_root, new_sub = body["scene_ids"][str(root["id"])], body["scene_ids"][str(sub["id"])]
    assert {new_root, new_sub}.isdisjoint({root["id"], sub["id"]})
    assert body["scene"]["id"] == new_root and body["scene"]["problems"] == []
    assert body["scene"]["nodes"][1]["scene"] == new_sub
    listed = (await me.get(API)).json()["items"]
    assert len(listed) == 4
    again = (await me.get(f"{API}/{new_root}/export.json")).json()
    assert [s["title"] for s in again["scenes"]] == ["Town", "Shop"]


async def test_import_refuses_what_is_not_the_importers(studio: Any) -> None:
    owner: Studio = await studio()
    thief: Studio = await studio()
    root, _ = await _with_a_call(owner)
    bundle = (await owner.get(f"{API}/{root['id']}/export.json")).json()
    r = await thief.post(f"{API}/import", {"bundle": bundle})
    assert r.status_code == 422 and codes(r) == {"media_not_owned"}
    assert (await thief.get(API)).json()["items"] == []  # all or nothing
    bundle["root"] = 999_999
    r = await owner.post(f"{API}/import", {"bundle": bundle})
    assert r.status_code == 422 and "bundle.root" in r.json()["error"]["fields"]
    bundle["format"] = "pixsim7.scene/2"
    assert (await owner.post(f"{API}/import", {"bundle": bundle})).status_code == 422

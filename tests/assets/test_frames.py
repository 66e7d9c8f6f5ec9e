"""A frame of a video kept as a picture (POST /assets/{id}/frames): the last one by default,
or the one at a time; linked to the video in the lineage; the same frame again is the same
asset; anything else a clean 4xx."""

from __future__ import annotations

import io

import httpx
import numpy as np
from PIL import Image

from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


async def _upload(client: httpx.AsyncClient, h: dict[str, str], name: str, data: bytes) -> int:
    r = await client.post(f"{API}/upload", headers=h, files={"file": (name, data)})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _pixels(client: httpx.AsyncClient, h: dict[str, str], asset_id: int) -> np.ndarray:
    r = await client.get(f"{API}/{asset_id}/file", headers=h)
    assert r.status_code == 200
    return np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB")).astype(int)


async def test_the_last_frame_and_one_at_a_time_become_linked_pictures(
    client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    h = await users.create()
    video = await _upload(client, h, "clip.mp4", video_bytes)

    r = await client.post(f"{API}/{video}/frames", headers=h, json={})
    assert r.status_code == 201, r.text
    last = r.json()
    assert (last["media_type"], last["width"], last["height"]) == ("image", 160, 90)
    assert last["upload_method"] == "frame" and last["thumbnail_url"]
    # The clip's bar grows from the left until, in its last frame, it fills the width.
    right_edge = (await _pixels(client, h, last["id"]))[5, 150]
    assert np.abs(right_edge - (200, 80, 40)).max() < 40, right_edge

    first = (await client.post(f"{API}/{video}/frames", headers=h, json={"at_sec": 0})).json()
    assert first["id"] != last["id"]
    assert (await _pixels(client, h, first["id"]))[5, 150].max() < 40  # not reached yet

    again = await client.post(f"{API}/{video}/frames", headers=h, json={})
    assert again.status_code == 200 and again.json()["id"] == last["id"]
    for still in (last["id"], first["id"]):
        detail = (await client.get(f"{API}/{still}", headers=h)).json()
        parents = [(p["asset_id"], p["relation"]) for p in detail["lineage"]["parents"]]
        assert parents == [(video, "frame")]  # once, though taken twice


async def test_what_has_no_such_frame_is_refused(
    client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    h = await users.create()
    video = await _upload(client, h, "clip.mp4", video_bytes)
    picture = await _upload(client, h, "p.png", png_bytes())
    url = f"{API}/{video}/frames"

    for body in ({"at_sec": -1}, {"at_sec": 5}, {"at_sec": "last"}, {"frame": 1}):
        r = await client.post(url, headers=h, json=body)
        assert r.status_code == 422, (body, r.text)
    r = await client.post(f"{API}/{picture}/frames", headers=h, json={})
    assert r.status_code == 422 and "only a video" in r.json()["error"]["message"]

    other = await users.create()
    assert (await client.post(url, headers=other, json={})).status_code == 404
    assert (await client.post(url, json={})).status_code == 401
    assert (await client.delete(f"{API}/{video}", headers=h)).status_code == 204  # the trash
    assert (await client.post(url, headers=h, json={})).status_code == 404
    # Nothing was added by the refusals.
    listed = [a["id"] for a in (await client.get(API, headers=h)).json()["items"]]
    assert listed == [picture]

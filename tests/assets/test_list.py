"""GET /assets: every filter, both sorts, the total and the cursor, on a small library whose
assets differ in exactly one way each, so a filter that is ignored or wrong shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from pixsim7.assets.models import Asset
from pixsim7.jobs.models import Job
from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"
DAY0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


async def _ids(client: httpx.AsyncClient, h: dict[str, str], **params: Any) -> list[int]:
    r = await client.get(API, headers=h, params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])  # every page here fits the default limit
    return [a["id"] for a in body["items"]]


async def _library(
    app: FastAPI, client: httpx.AsyncClient, users: Users, video: bytes
) -> dict[str, Any]:
    """Five assets made a day apart: [0] image, [1] video, [2] in a workspace and tagged,
    [3] a job's output at pixverse with a prompt, [4] described. Plus another user's."""
    h = await users.create()
    ws = await client.post("/api/v1/workspaces", headers=h, json={"name": "shoot"})
    assert ws.status_code == 201, ws.text
    ids: list[int] = []
    for i in range(5):
        if i == 1:
            files = {"file": ("v.mp4", video)}
        else:
            files = {"file": (f"{i}.png", png_bytes(color=(i * 30, 5, 5)))}
        r = await client.post(f"{API}/upload", headers=h, files=files)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    patched = await client.patch(
        f"{API}/{ids[2]}", headers=h, json={"workspace_id": ws.json()["id"], "tags": ["hero"]}
    )
    assert patched.status_code == 200, patched.text
    described = await client.patch(
        f"{API}/{ids[4]}", headers=h, json={"description": "Sunset over the HARBOUR"}
    )
    assert described.status_code == 200
    async with app.state.db.session() as s:
        owner_id = (await s.get(Asset, ids[0])).owner_id  # type: ignore[union-attr]
        job = Job(owner_id=owner_id, provider_id="pixverse", operation_type="text_to_video")
        s.add(job)
        await s.flush()
        await s.execute(
            update(Asset)
            .where(Asset.id == ids[3])
            .values(provider_id="pixverse", source_job_id=job.id, prompt="a red fox at dawn")
        )
        for i, asset_id in enumerate(ids):
            await s.execute(
                update(Asset).where(Asset.id == asset_id).values(created_at=DAY0 + i * DAY)
            )
        await s.commit()
        job_id = job.id
    other = await users.create()
    theirs = await client.post(
        f"{API}/upload", headers=other, files={"file": ("o.png", png_bytes(color=(1, 250, 1)))}
    )
    assert theirs.status_code == 201
    created = [(DAY0 + i * DAY).isoformat() for i in range(5)]
    return {"h": h, "ids": ids, "created": created, "ws": ws.json()["id"], "job": job_id}


async def test_each_filter_narrows_to_its_asset(
    app: FastAPI, client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    lib = await _library(app, client, users, video_bytes)
    h, ids = lib["h"], lib["ids"]
    newest_first = ids[::-1]
    assert await _ids(client, h) == newest_first  # the other user's asset is not listed
    assert await _ids(client, h, media_type="video") == [ids[1]]
    assert await _ids(client, h, media_type="image") == [i for i in newest_first if i != ids[1]]
    assert await _ids(client, h, provider_id="pixverse") == [ids[3]]
    assert await _ids(client, h, provider_id="sora") == []
    assert await _ids(client, h, workspace_id=lib["ws"]) == [ids[2]]
    assert await _ids(client, h, tag="hero") == [ids[2]]
    assert await _ids(client, h, tag="her") == []  # tags match whole, not as a prefix
    assert await _ids(client, h, source_job_id=lib["job"]) == [ids[3]]
    # Text: in the prompt, the description or the tags, case-insensitively, anywhere in
    # the text (three characters and more through the database's text index, fewer by a scan).
    assert await _ids(client, h, q="FOX AT") == [ids[3]]
    assert await _ids(client, h, q="harbour") == [ids[4]]
    assert await _ids(client, h, q="o") == [ids[4], ids[3], ids[2]]  # ids[2]: tag "hero"
    assert await _ids(client, h, q="ero") == [ids[2]]
    assert await _ids(client, h, q="_") == []  # LIKE wildcards are taken literally
    assert await _ids(client, h, q="%_%") == []
    assert await _ids(client, h, q='"') == []  # the tags' JSON is not searched as such
    assert await _ids(client, h, q='a "quoted" fox') == []  # quotes in an FTS phrase
    # Created range: after is inclusive, before exclusive.
    created = lib["created"]
    assert await _ids(client, h, created_after=created[3]) == [ids[4], ids[3]]
    assert await _ids(client, h, created_before=created[1]) == [ids[0]]
    assert await _ids(
        client, h, created_after=created[1], created_before=created[3], sort="oldest"
    ) == [ids[1], ids[2]]
    # A time without an offset is read as UTC (it used to fail with a 500).
    naive = (DAY0 + 2 * DAY).replace(tzinfo=None).isoformat()
    assert await _ids(client, h, created_after=naive) == [ids[4], ids[3], ids[2]]
    # Filters combine with AND.
    assert await _ids(client, h, media_type="image", provider_id="pixverse", q="fox") == [ids[3]]
    assert await _ids(client, h, media_type="video", provider_id="pixverse") == []


async def test_sort_cursor_and_total_across_pages(
    app: FastAPI, client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    lib = await _library(app, client, users, video_bytes)
    h, ids = lib["h"], lib["ids"]
    for sort, expected in (("newest", ids[::-1]), ("oldest", ids)):
        seen: list[int] = []
        cursor = None
        for _ in range(3):
            params: dict[str, Any] = {"sort": sort, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(API, headers=h, params=params)).json()
            assert page["total"] == 5  # the total counts every match, not the page
            seen += [a["id"] for a in page["items"]]
            cursor = page["next_cursor"]
        assert seen == expected and cursor is None
    # The cursor keeps its place when new assets arrive in front of it.
    first = (await client.get(API, headers=h, params={"limit": 2})).json()
    r = await client.post(
        f"{API}/upload", headers=h, files={"file": ("n.png", png_bytes(color=(9, 99, 199)))}
    )
    assert r.status_code == 201
    rest = (
        await client.get(API, headers=h, params={"limit": 10, "cursor": first["next_cursor"]})
    ).json()
    assert [a["id"] for a in rest["items"]] == ids[::-1][2:] and rest["total"] == 6
    # Filtered totals and bad parameters.
    assert (await client.get(API, headers=h, params={"media_type": "image"})).json()["total"] == 5
    for bad in ({"cursor": "!!"}, {"sort": "random"}, {"limit": 0}, {"media_type": "pdf"}):
        assert (await client.get(API, headers=h, params=bad)).status_code == 422, bad

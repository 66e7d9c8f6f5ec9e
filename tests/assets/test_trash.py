"""The trash: delete moves there, restore brings back, emptying (by hand or after
PIXSIM7_TRASH_DAYS) deletes for good, keeping files other assets use; the quota counts it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import clock
from pixsim7.assets import trash
from pixsim7.config import Settings
from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Tokens outlive the months the expiry test moves the clock by.
    settings.access_token_minutes = 60 * 24 * 365
    return settings


async def _upload(
    client: httpx.AsyncClient, h: dict[str, str], color: tuple[int, int, int]
) -> dict[str, Any]:
    files = {"file": ("x.png", png_bytes(color=color), "image/png")}
    r = await client.post(f"{API}/upload", headers=h, files=files)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def _path(app: FastAPI, sha: str) -> Path:
    return Path(app.state.settings.media_dir) / sha[:2] / sha[2:4] / sha


async def _ids(client: httpx.AsyncClient, h: dict[str, str], query: str = "") -> list[int]:
    r = await client.get(f"{API}?{query}", headers=h)
    assert r.status_code == 200, r.text
    return sorted(a["id"] for a in r.json()["items"])


async def _storage(client: httpx.AsyncClient, h: dict[str, str]) -> int:
    return int((await client.get("/api/v1/users/me", headers=h)).json()["usage"]["storage_bytes"])


async def test_trash_restore_and_delete_for_good(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    h, other = await users.create(), await users.create()
    a, b, c = [await _upload(client, h, (i, 10, 10)) for i in (1, 2, 3)]
    used = await _storage(client, h)
    assert used == a["file_size_bytes"] + b["file_size_bytes"] + c["file_size_bytes"]

    r = await client.post(f"{API}/batch/trash", headers=h, json={"ids": [a["id"], b["id"]]})
    assert r.status_code == 200 and sorted(r.json()["ids"]) == sorted([a["id"], b["id"]])
    assert await _ids(client, h) == [c["id"]]
    assert await _ids(client, h, "trashed=true") == sorted([a["id"], b["id"]])
    app.state.settings.trash_days = 12
    listed = (await client.get(f"{API}?trashed=true", headers=h)).json()
    assert listed["trash_days"] == 12  # the trash says when it empties itself
    assert (await client.get(API, headers=h)).json()["trash_days"] is None
    # Still readable (the trash shows it), still counted against the quota.
    detail = (await client.get(f"{API}/{a['id']}", headers=h)).json()
    assert detail["trashed_at"] is not None
    assert (await client.get(a["file_url"], headers=h)).status_code == 200
    assert await _storage(client, h) == used
    # Not usable as a job's input while there.
    job = {
        "provider_id": "local",
        "operation_type": "image_to_video",
        "params": {"duration": 1, "resolution": "360p", "fps": 8},
        "inputs": [{"role": "source_image", "asset_id": a["id"]}],
    }
    r = await client.post("/api/v1/jobs", headers=h, json=job)
    assert r.status_code == 422, r.text
    assert "trash" in r.json()["error"]["fields"].get("inputs.0", ""), r.text

    # Another user's asset in a batch: 404, and nothing moves.
    for action in ("restore", "delete", "trash"):
        r = await client.post(f"{API}/batch/{action}", headers=other, json={"ids": [a["id"]]})
        assert r.status_code == 404, (action, r.text)
    assert await _ids(client, h, "trashed=true") == sorted([a["id"], b["id"]])

    r = await client.post(f"{API}/batch/restore", headers=h, json={"ids": [a["id"]]})
    assert r.json()["ids"] == [a["id"]]
    assert await _ids(client, h) == sorted([a["id"], c["id"]])
    assert (await client.post("/api/v1/jobs", headers=h, json=job)).status_code == 201

    # For good: only what is in the trash, all or none.
    r = await client.post(f"{API}/batch/delete", headers=h, json={"ids": [b["id"], c["id"]]})
    assert r.status_code == 409 and r.json()["error"]["ids"] == [c["id"]]
    assert _path(app, b["sha256"]).exists()
    r = await client.post(f"{API}/batch/delete", headers=h, json={"ids": [b["id"]]})
    assert r.status_code == 200 and r.json()["ids"] == [b["id"]]
    assert not _path(app, b["sha256"]).exists()
    assert (await client.get(f"{API}/{b['id']}", headers=h)).status_code == 404
    assert await _storage(client, h) == used - b["file_size_bytes"]


async def test_emptying_keeps_files_other_assets_use(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    alice, bob = await users.create(), await users.create()
    shared_a = await _upload(client, alice, (9, 9, 9))
    shared_b = await _upload(client, bob, (9, 9, 9))  # the same bytes: one file
    own = await _upload(client, alice, (8, 8, 8))
    assert shared_a["sha256"] == shared_b["sha256"]
    for asset in (shared_a, own):
        assert (await client.delete(f"{API}/{asset['id']}", headers=alice)).status_code == 204
    # Bob trashes his copy too: a trashed asset still holds the file.
    assert (await client.delete(f"{API}/{shared_b['id']}", headers=bob)).status_code == 204

    r = await client.post(f"{API}/trash/empty", headers=alice)
    assert r.status_code == 200 and sorted(r.json()["ids"]) == sorted([shared_a["id"], own["id"]])
    assert await _ids(client, alice, "trashed=true") == []
    assert not _path(app, own["sha256"]).exists()
    assert _path(app, shared_a["sha256"]).exists()  # bob's trashed copy holds it
    assert (await client.get(shared_b["file_url"], headers=bob)).status_code == 200
    assert await _ids(client, bob, "trashed=true") == [shared_b["id"]]
    r = await client.post(f"{API}/trash/empty", headers=bob)
    assert r.json()["ids"] == [shared_b["id"]]
    assert not _path(app, shared_a["sha256"]).exists()


async def test_the_trash_expires_after_its_days(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    h = await users.create()
    old, new, kept = [await _upload(client, h, (i, 50, 50)) for i in (1, 2, 3)]
    clock.freeze()
    assert (await client.delete(f"{API}/{old['id']}", headers=h)).status_code == 204
    clock.advance(dt.timedelta(days=10))
    assert (await client.delete(f"{API}/{new['id']}", headers=h)).status_code == 204
    settings = app.state.settings
    assert settings.trash_days == 30

    clock.advance(dt.timedelta(days=20, seconds=-1))  # the first: a second short of 30 days
    assert await trash.expire(app.state.db, settings, app.state.bus) == 0
    clock.advance(dt.timedelta(seconds=2))
    assert await trash.expire(app.state.db, settings, app.state.bus) == 1
    assert (await client.get(f"{API}/{old['id']}", headers=h)).status_code == 404
    assert not _path(app, old["sha256"]).exists()
    assert await _ids(client, h, "trashed=true") == [new["id"]]
    assert await _ids(client, h) == [kept["id"]]
    clock.advance(dt.timedelta(days=10))
    assert await trash.expire(app.state.db, settings, app.state.bus) == 1
    assert await _ids(client, h, "trashed=true") == []


async def test_trash_and_restore_by_filter(client: httpx.AsyncClient, users: Users) -> None:
    h = await users.create()
    tagged = [await _upload(client, h, (i, 70, 70)) for i in (1, 2)]
    plain = await _upload(client, h, (3, 70, 70))
    r = await client.post(
        f"{API}/batch/tags", headers=h, json={"ids": [a["id"] for a in tagged], "add": ["sea"]}
    )
    assert r.status_code == 200
    r = await client.post(f"{API}/batch/trash", headers=h, json={"filter": {"tag": "sea"}})
    assert sorted(r.json()["ids"]) == sorted(a["id"] for a in tagged)
    assert await _ids(client, h) == [plain["id"]]
    # Restoring by filter acts within the trash.
    r = await client.post(f"{API}/batch/restore", headers=h, json={"filter": {"tag": "sea"}})
    assert sorted(r.json()["ids"]) == sorted(a["id"] for a in tagged)
    assert len(await _ids(client, h)) == 3


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": []},
        {"ids": [0]},
        {"ids": [1], "filter": {}},
        {"ids": list(range(1, 10_002))},
        {"filter": {"tag": "a\x00"}},
        {"filter": {"media_type": "sculpture"}},
        {"filter": {"nope": True}},
    ],
)
async def test_bad_selections_are_422(
    client: httpx.AsyncClient, users: Users, body: dict[str, Any]
) -> None:
    h = await users.create()
    for action in ("trash", "restore", "delete", "favorite", "move", "tags"):
        extra = {"favorite": {"favorite": True}, "move": {"workspace_id": None}}.get(action, {})
        r = await client.post(f"{API}/batch/{action}", headers=h, json={**body, **extra})
        assert r.status_code == 422, (action, r.text)
    assert (await client.post(f"{API}/trash/empty")).status_code == 401

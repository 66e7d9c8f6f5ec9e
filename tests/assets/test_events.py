"""asset.created, asset.updated and asset.deleted reach their owner's event stream (SSE over
a real HTTP server, Redis pub/sub on PostgreSQL runs), and nobody else's."""

from __future__ import annotations

import asyncio

import httpx

from tests.assets.conftest import png_bytes
from tests.conftest import Users
from tests.system.test_events import _until, listen, served  # noqa: F401

API = "/api/v1/assets"


async def test_asset_lifecycle_events_go_to_the_owner_only(
    client: httpx.AsyncClient,
    users: Users,
    served: str,  # noqa: F811
) -> None:
    owner, other = await users.create(), await users.create()
    async with listen(served, owner) as mine, listen(served, other) as theirs:
        files = {"file": ("a.png", png_bytes())}
        up = await client.post(f"{API}/upload", headers=owner, files=files)
        assert up.status_code == 201, up.text
        asset_id = up.json()["id"]
        patched = await client.patch(
            f"{API}/{asset_id}", headers=owner, json={"description": "d", "workspace_id": None}
        )
        assert patched.status_code == 200, patched.text
        # A refused change emits nothing.
        refused = await client.patch(f"{API}/{asset_id}", headers=other, json={"description": "x"})
        assert refused.status_code == 404
        r = await client.post(
            f"{API}/batch/favorite", headers=owner, json={"ids": [asset_id], "favorite": True}
        )
        assert r.status_code == 200, r.text
        assert (await client.delete(f"{API}/{asset_id}", headers=owner)).status_code == 204
        r = await client.post(f"{API}/batch/restore", headers=owner, json={"ids": [asset_id]})
        assert r.json()["ids"] == [asset_id]
        for _ in range(2):  # to the trash, then for good
            assert (await client.delete(f"{API}/{asset_id}", headers=owner)).status_code == 204
        await _until(lambda: len([e for e in mine.events if e["type"].startswith("asset.")]) >= 7)
        await asyncio.sleep(0.2)  # anything late or misrouted would arrive by now
    seen = [(e["type"], e["data"]["id"]) for e in mine.events if e["type"].startswith("asset.")]
    assert seen == [
        ("asset.created", asset_id),
        ("asset.updated", asset_id),
        ("asset.updated", asset_id),
        ("asset.trashed", asset_id),
        ("asset.restored", asset_id),
        ("asset.trashed", asset_id),
        ("asset.deleted", asset_id),
    ]
    updated = next(e for e in mine.events if e["type"] == "asset.updated")
    assert updated["data"]["media_type"] == "image"
    assert not [e for e in theirs.events if e["type"].startswith("asset.")]

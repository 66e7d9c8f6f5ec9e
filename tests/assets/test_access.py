"""Another user's asset answers 404 on every asset route, reads and writes alike, with
valid bodies (so the 404 is the ownership check, not validation), and changes nothing.

The routes are taken from the app itself: a new route under /assets/{asset_id} fails this
test until it is listed here."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"
PREFIX = f"{API}/{{asset_id}}"

# Route template (below /assets/{asset_id}) and method -> a valid JSON body, or None.
# Ids in bodies are filled in from the attacker's own assets ("{mine}").
CALLS: dict[tuple[str, str], Any] = {
    ("", "GET"): None,
    ("", "PATCH"): {"description": "taken over", "tags": ["x"]},
    ("", "DELETE"): None,
    ("/file", "GET"): None,
    ("/thumbnail", "GET"): None,
    ("/preview", "GET"): None,
    ("/frames", "POST"): {},
    ("/lineage", "GET"): None,
    ("/lineage", "POST"): {"parent_asset_id": "{mine}", "relation": "reference"},
    ("/lineage/{edge_id}", "DELETE"): None,
    ("/branches", "GET"): None,
    ("/branches", "POST"): {"branch_time": 0.1, "branch_name": "evil"},
    ("/branches/{branch_id}", "DELETE"): None,
    ("/branches/{branch_id}/variants", "POST"): {
        "variant_asset_id": "{mine}",
        "variant_name": "evil",
    },
    ("/branches/{branch_id}/variants/{variant_id}", "DELETE"): None,
    ("/clips", "GET"): None,
    ("/clips", "POST"): {"start_time": 0, "end_time": 0.5, "clip_name": "evil"},
    ("/clips/{clip_id}", "DELETE"): None,
    ("/variants", "GET"): None,
    ("/variants", "POST"): {"variant_type": "upscale", "width": 2, "height": 2},
    ("/variants/{variant_id}", "DELETE"): None,
    ("/segments", "GET"): None,
    ("/segments", "POST"): {"start_time": 0, "end_time": 0.5, "segment_type": "scene"},
    ("/segments/{segment_id}", "DELETE"): None,
    ("/metadata/{kind}", "GET"): None,
    ("/metadata/{kind}", "PUT"): {"intensity": 1},
    ("/metadata/{kind}", "DELETE"): None,
}


def _asset_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(template below /assets/{asset_id}, method) of every such route, from the OpenAPI."""
    found = set()
    for path, operations in app.openapi()["paths"].items():
        if path == PREFIX or path.startswith(PREFIX + "/"):
            for method in operations:
                found.add((path.removeprefix(PREFIX), method.upper()))
    return found


async def _owner_library(client: httpx.AsyncClient, h: dict[str, str], video: bytes) -> dict:
    """A video with one of everything hanging off it."""
    up = await client.post(f"{API}/upload", headers=h, files={"file": ("v.mp4", video)})
    parent = await client.post(f"{API}/upload", headers=h, files={"file": ("p.png", png_bytes())})
    assert up.status_code == parent.status_code == 201, up.text
    v, p = up.json()["id"], parent.json()["id"]
    base = f"{API}/{v}"

    async def post(path: str, body: dict[str, Any], method: str = "POST") -> dict[str, Any]:
        r = await client.request(method, base + path, headers=h, json=body)
        assert r.status_code in (200, 201), (path, r.text)
        return r.json()

    edge = await post("/lineage", {"parent_asset_id": p})
    branch = await post("/branches", {"branch_time": 0.2, "branch_name": "fork"})
    bvar = await post(
        f"/branches/{branch['id']}/variants", {"variant_asset_id": p, "variant_name": "a"}
    )
    clip = await post("/clips", {"start_time": 0, "end_time": 0.5, "clip_name": "c"})
    variant = await post("/variants", {"variant_type": "upscale", "width": 4, "height": 4})
    segment = await post("/segments", {"start_time": 0, "end_time": 0.5, "segment_type": "s"})
    await post("/metadata/adult", {"intensity": 3}, method="PUT")
    return {
        "asset_id": v,
        "edge_id": edge["id"],
        "branch_id": branch["id"],
        "variant_id": bvar["id"],
        "clip_id": clip["id"],
        "segment_id": segment["id"],
        "kind": "adult",
        "asset_variant_id": variant["id"],
    }


def _fill(template: str, ids: dict[str, Any]) -> str:
    if template.startswith("/variants/"):  # asset variants, not branch variants
        ids = {**ids, "variant_id": ids["asset_variant_id"]}
    return template.format(**ids)


async def _snapshot(client: httpx.AsyncClient, h: dict[str, str], asset_id: int) -> list[Any]:
    base = f"{API}/{asset_id}"
    parts = ["", "/lineage", "/branches", "/clips", "/variants", "/segments", "/metadata/adult"]
    out = []
    for part in parts:
        r = await client.get(base + part, headers=h)
        assert r.status_code == 200, (part, r.text)
        out.append(r.json())
    return out


async def test_another_users_asset_is_404_on_every_route(
    app: FastAPI, client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    assert _asset_routes(app) == set(CALLS), "list every asset route in CALLS"
    owner, other = await users.create(), await users.create()
    ids = await _owner_library(client, owner, video_bytes)
    before = await _snapshot(client, owner, ids["asset_id"])
    mine = (
        await client.post(
            f"{API}/upload", headers=other, files={"file": ("m.png", png_bytes(color=(3, 3, 3)))}
        )
    ).json()["id"]

    async def call(asset_id: int, template: str, method: str) -> httpx.Response:
        body = CALLS[(template, method)]
        if isinstance(body, dict):
            body = {k: mine if v == "{mine}" else v for k, v in body.items()}
        url = f"{API}/{asset_id}" + _fill(template, ids)
        return await client.request(method, url, headers=other, json=body)

    for template, method in sorted(CALLS):
        # The owner's asset in the path...
        r = await call(ids["asset_id"], template, method)
        assert r.status_code == 404, (method, template, r.status_code, r.text)
        assert r.json()["error"]["code"] == "asset_not_found", (method, template)
        # ...and the attacker's own asset in the path with the owner's sub-object ids.
        if "{" in template and "{kind}" not in template:
            r = await call(mine, template, method)
            assert r.status_code == 404, ("own asset, foreign id", method, template, r.text)
    # An invalid body does not tell a foreign asset from a missing one either.
    bad = await client.put(
        f"{API}/{ids['asset_id']}/metadata/adult", headers=other, json={"intensity": 99}
    )
    assert bad.status_code == 404
    # Nothing of the owner's changed, and a missing id answers exactly like a foreign one.
    assert await _snapshot(client, owner, ids["asset_id"]) == before
    missing = await client.get(f"{API}/999999/file", headers=other)
    foreign = await client.get(f"{API}/{ids['asset_id']}/file", headers=other)
    assert missing.status_code == 404 and missing.json() == foreign.json()

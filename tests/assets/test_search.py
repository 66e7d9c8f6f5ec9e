"""Asset search (assets/search.py) on each database's own index: the index follows every
change of the text (a description edited, tags set, an asset deleted), text of another user
is never found, a tag's page and count read by (owner, tag), and the total is exact up to the
cap and says so past it."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from pixsim7.assets import search
from pixsim7.assets.models import Asset, MediaType
from pixsim7.assets.schemas import AssetFilters, Sort
from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


async def _upload(client: httpx.AsyncClient, h: dict[str, str], n: int) -> int:
    r = await client.post(
        f"{API}/upload", headers=h, files={"file": (f"{n}.png", png_bytes(color=(n, 9, 99)))}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _found(client: httpx.AsyncClient, h: dict[str, str], **params: object) -> list[int]:
    r = await client.get(API, headers=h, params=params)
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["items"]]


async def test_the_index_follows_every_change_and_keeps_owners_apart(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    h, other = await users.create(), await users.create()
    a, b = await _upload(client, h, 1), await _upload(client, h, 2)
    theirs = await _upload(client, other, 3)
    for asset_id, headers in ((a, h), (theirs, other)):
        r = await client.patch(
            f"{API}/{asset_id}", headers=headers, json={"description": "Lighthouse at night"}
        )
        assert r.status_code == 200, r.text
    assert await _found(client, h, q="lighthouse") == [a]
    assert await _found(client, other, q="lighthouse") == [theirs]
    # Edited: the old text is gone from the index, the new one is in it.
    r = await client.patch(f"{API}/{a}", headers=h, json={"description": "Harbour crane"})
    assert r.status_code == 200
    assert await _found(client, h, q="lighthouse") == []
    assert await _found(client, h, q="bour cra") == [a]
    # Tags are searched as text too (and filtered on whole).
    r = await client.patch(f"{API}/{b}", headers=h, json={"tags": ["blue hour"]})
    assert r.status_code == 200, r.text
    assert await _found(client, h, q="BLUE HO") == [b]
    assert await _found(client, h, tag="blue hour") == [b]
    assert await _found(client, other, tag="blue hour") == []
    r = await client.patch(f"{API}/{b}", headers=h, json={"tags": []})
    assert await _found(client, h, q="blue ho") == []
    # A prompt written by the pipeline (not through the API) is found as well.
    async with app.state.db.session() as s:
        await s.execute(update(Asset).where(Asset.id == b).values(prompt="a paper boat"))
        await s.commit()
    assert await _found(client, h, q="paper boat") == [b]
    # Deleted: not found, and the index does not hold it against a new asset.
    assert (await client.delete(f"{API}/{b}", headers=h)).status_code == 204
    assert await _found(client, h, q="paper boat") == []
    assert await _found(client, h, q="crane", tag="nothing") == []


async def test_total_is_exact_up_to_the_cap_and_says_so_past_it(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    h = await users.create()
    ids = [await _upload(client, h, n) for n in range(5)]
    for asset_id in ids[:4]:
        r = await client.patch(
            f"{API}/{asset_id}", headers=h, json={"description": "storm", "tags": ["sea"]}
        )
        assert r.status_code == 200
    page = (await client.get(API, headers=h, params={"q": "storm", "limit": 1})).json()
    assert (page["total"], page["total_exact"]) == (4, True)
    owner_id = (await client.get("/api/v1/users/me", headers=h)).json()["id"]
    async with app.state.db.session() as s:
        for filters in (
            AssetFilters(q="storm"),
            AssetFilters(tag="sea"),
            AssetFilters(q="storm", tag="sea", sort=Sort.OLDEST),
            AssetFilters(q="st"),  # too short for a trigram: scanned
            AssetFilters(q="storm", media_type=MediaType.IMAGE),
            AssetFilters(tag="sea", media_type=MediaType.IMAGE),
            AssetFilters(),
        ):
            expected = 5 if filters == AssetFilters() else 4
            for cap, exact in ((expected, True), (expected - 1, False), (2, False)):
                rows, _, total, is_exact = await search.find(
                    s, owner_id, filters, cursor=None, limit=50, cap=cap
                )
                assert len(rows) == expected, filters  # the page is not capped
                assert (total, is_exact) == (min(expected, cap), exact), (filters, cap)
    # Pages of a text search walk the matches in order, whatever the driving index.
    seen, cursor = [], None
    for _ in range(4):
        params: dict[str, object] = {"q": "storm", "tag": "sea", "limit": 1, "sort": "oldest"}
        if cursor:
            params["cursor"] = cursor
        body = (await client.get(API, headers=h, params=params)).json()
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
    assert seen == ids[:4]


async def test_text_with_query_syntax_is_taken_as_text(
    client: httpx.AsyncClient, users: Users
) -> None:
    """FTS5 and LIKE syntax in `q` is plain text: never an error, never a wider match."""
    h = await users.create()
    a = await _upload(client, h, 1)
    r = await client.patch(
        f"{API}/{a}", headers=h, json={"description": 'say "hi" (NEAR the door): 100% * ok'}
    )
    assert r.status_code == 200
    for q, found in [
        ('"hi"', [a]),
        ("(near the", [a]),
        ("door): 100%", [a]),
        ("% * ok", [a]),
        ("hi OR nothing", []),
        ("NEAR(say door)", []),
        ("description: say", []),
        ("owner : x", []),
        ("*", [a]),  # in the text itself
        ("^say", []),
        ("  ", [a]),  # blank: no text filter
    ]:
        assert await _found(client, h, q=q) == found, q

"""Gallery batch actions: tags, workspace, favourite; by ids (owner-checked, all or none)
or by filter; and the Favourites view."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select, update

from pixsim7.assets.models import Asset
from pixsim7.assets.schemas import MAX_TAGS
from pixsim7.events import BATCH_THRESHOLD, Event
from tests.assets.conftest import copies, png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


async def _upload(client: httpx.AsyncClient, h: dict[str, str], n: int, **form: str) -> int:
    files = {"file": ("x.png", png_bytes(color=(n, 120, 30)), "image/png")}
    r = await client.post(f"{API}/upload", headers=h, files=files, data=form)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _list(client: httpx.AsyncClient, h: dict[str, str], **query: Any) -> dict[int, dict]:  # type: ignore[type-arg]
    r = await client.get(API, headers=h, params=query)
    assert r.status_code == 200, r.text
    return {a["id"]: a for a in r.json()["items"]}


async def test_tags_by_ids_and_by_filter(client: httpx.AsyncClient, users: Users) -> None:
    h, other = await users.create(), await users.create()
    ids = [await _upload(client, h, i, tags="old, keep") for i in range(3)]
    theirs = await _upload(client, other, 9)

    r = await client.post(
        f"{API}/batch/tags", headers=h, json={"ids": [*ids, theirs], "add": ["x"]}
    )
    assert r.status_code == 404
    assert all(a["tags"] == ["old", "keep"] for a in (await _list(client, h)).values())

    r = await client.post(
        f"{API}/batch/tags",
        headers=h,
        json={"ids": ids[:2], "add": [" sea ", "sky", "sea"], "remove": ["old"]},
    )
    assert r.status_code == 200 and sorted(r.json()["ids"]) == sorted(ids[:2])
    listed = await _list(client, h)
    assert [listed[i]["tags"] for i in ids] == [
        ["keep", "sea", "sky"],
        ["keep", "sea", "sky"],
        ["old", "keep"],
    ]
    # The tag filter (an indexed table) follows.
    assert sorted(await _list(client, h, tag="sea")) == sorted(ids[:2])
    assert sorted(await _list(client, h, tag="old")) == [ids[2]]
    # By filter: every asset tagged "keep" loses it; an unchanged asset is not reported.
    r = await client.post(
        f"{API}/batch/tags", headers=h, json={"filter": {"tag": "sky"}, "remove": ["keep"]}
    )
    assert sorted(r.json()["ids"]) == sorted(ids[:2])
    assert sorted(await _list(client, h, tag="keep")) == [ids[2]]
    assert (await _list(client, other))[theirs]["tags"] == []
    # Bad tags are 422 naming the field.
    for bad in ({"add": [""]}, {"add": ["x" * 65]}, {"add": [f"t{i}" for i in range(51)]}):
        r = await client.post(f"{API}/batch/tags", headers=h, json={"ids": ids, **bad})
        assert r.status_code == 422 and "add" in r.json()["error"]["fields"], bad
    # A tag list past the limit on one asset refuses the batch whole.
    many = [f"t{i}" for i in range(49)]  # 49 + the 2 asset 3 has: 51
    r = await client.post(f"{API}/batch/tags", headers=h, json={"ids": ids, "add": many})
    assert r.status_code == 422
    assert sorted(await _list(client, h, tag="t0")) == []


async def test_move_and_favourites(client: httpx.AsyncClient, users: Users) -> None:
    h, other = await users.create(), await users.create()
    ids = [await _upload(client, h, i) for i in range(3)]
    ws = (await client.post("/api/v1/workspaces", headers=h, json={"name": "Board"})).json()
    theirs = (await client.post("/api/v1/workspaces", headers=other, json={"name": "X"})).json()

    r = await client.post(
        f"{API}/batch/move", headers=h, json={"ids": ids, "workspace_id": theirs["id"]}
    )
    assert r.status_code == 422 and "workspace_id" in r.json()["error"]["fields"]
    r = await client.post(
        f"{API}/batch/move", headers=other, json={"ids": ids, "workspace_id": theirs["id"]}
    )
    assert r.status_code == 404
    r = await client.post(
        f"{API}/batch/move", headers=h, json={"ids": ids[:2], "workspace_id": ws["id"]}
    )
    assert r.status_code == 200
    assert sorted(await _list(client, h, workspace_id=ws["id"])) == sorted(ids[:2])
    r = await client.post(
        f"{API}/batch/move", headers=h, json={"ids": [ids[0]], "workspace_id": None}
    )
    assert sorted(await _list(client, h, workspace_id=ws["id"])) == [ids[1]]

    r = await client.post(
        f"{API}/batch/favorite", headers=h, json={"ids": ids[1:], "favorite": True}
    )
    assert r.status_code == 200
    favourites = await _list(client, h, favorite="true")
    assert sorted(favourites) == sorted(ids[1:]) and all(a["favorite"] for a in favourites.values())
    assert sorted(await _list(client, h, favorite="false")) == [ids[0]]
    # One at a time, too (the heart on a thumbnail).
    r = await client.patch(f"{API}/{ids[2]}", headers=h, json={"favorite": False})
    assert r.status_code == 200 and r.json()["favorite"] is False
    assert (
        await client.patch(f"{API}/{ids[2]}", headers=h, json={"favorite": None})
    ).status_code == 422
    assert sorted(await _list(client, h, favorite="true")) == [ids[1]]
    r = await client.post(f"{API}/batch/favorite", headers=h, json={"ids": ids})
    assert r.status_code == 422 and "favorite" in r.json()["error"]["fields"]


async def _events(queue: asyncio.Queue[Event]) -> list[Event]:
    """What the bus delivered until it has been quiet a moment."""
    got = [await asyncio.wait_for(queue.get(), 10)]
    while True:
        try:
            got.append(await asyncio.wait_for(queue.get(), 0.5))
        except TimeoutError:
            return got


async def test_many_tagged_at_once_are_one_batch_event(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    h, other = await users.create(), await users.create()
    ids = await copies(app, await _upload(client, h, 1, tags="keep"), BATCH_THRESHOLD + 50)
    theirs = await _upload(client, other, 2, tags="keep")
    async with app.state.bus.subscribe() as queue:
        r = await client.post(
            f"{API}/batch/tags", headers=h, json={"filter": {"tag": "keep"}, "add": ["many"]}
        )
        assert r.status_code == 200, r.text
        events = await _events(queue)
    assert sorted(r.json()["ids"]) == ids
    # One event for them all, to their owner: the pages refetch instead of patching 151 times.
    assert [(e.type, e.user_id) for e in events] == [("asset.batch", events[0].user_id)]
    assert events[0].data["action"] == "updated" and events[0].data["count"] == len(ids)
    assert sorted(events[0].data["ids"]) == ids
    # Every row is tagged, in the JSON list and in the tag table the filter reads.
    listed = await _list(client, h, tag="many", limit=200)
    assert sorted(listed) == ids and all(a["tags"] == ["keep", "many"] for a in listed.values())
    assert (await _list(client, other))[theirs]["tags"] == ["keep"]

    # Removing is the same; a few at a time are still announced one by one.
    async with app.state.bus.subscribe() as queue:
        r = await client.post(
            f"{API}/batch/tags", headers=h, json={"filter": {}, "remove": ["keep"]}
        )
        assert r.status_code == 200
        assert [e.type for e in await _events(queue)] == ["asset.batch"]
        r = await client.post(f"{API}/batch/tags", headers=h, json={"ids": ids[:2], "add": ["x"]})
        events = await _events(queue)
    assert sorted((e.type, e.data["id"]) for e in events) == [
        ("asset.updated", ids[0]),
        ("asset.updated", ids[1]),
    ]
    assert await _list(client, h, tag="keep") == {}
    listed = await _list(client, h, limit=200)
    assert [listed[i]["tags"] for i in ids[:3]] == [["many", "x"], ["many", "x"], ["many"]]
    assert all(listed[i]["tags"] == ["many"] for i in ids[2:])

    # All or none over a large selection too: one asset past MAX_TAGS refuses the batch.
    full = [f"f{i}" for i in range(MAX_TAGS - 1)]
    r = await client.patch(f"{API}/{ids[-1]}", headers=h, json={"tags": ["many", *full]})
    assert r.status_code == 200, r.text
    r = await client.post(f"{API}/batch/tags", headers=h, json={"filter": {}, "add": ["y"]})
    assert r.status_code == 422 and str(ids[-1]) in r.json()["error"]["fields"]["add"]
    assert await _list(client, h, tag="y") == {}


async def test_tagging_2000_takes_a_bounded_number_of_statements(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    h = await users.create()
    first = await _upload(client, h, 1, tags="a, b")
    ids = await copies(app, first, 999)
    # A hundred with lists of their own (written row by row: one executemany), the rest
    # sharing theirs (one UPDATE … IN per chunk of ids).
    async with app.state.db.session() as session:
        for n, asset_id in enumerate(ids[:100]):
            await session.execute(
                update(Asset).where(Asset.id == asset_id).values(tags=["a", "b", f"u{n}"])
            )
        await session.commit()
    ids += (await copies(app, first, 1000, tags=[]))[1:]
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        r = await client.post(
            f"{API}/batch/tags", headers=h, json={"filter": {}, "add": ["c"], "remove": ["b"]}
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["ids"]) == sorted(ids)
    # Not one per asset: a few per chunk of 1,000 ids, and the request's own few.
    assert len(statements) <= 25, statements
    for tag, total in (("c", 2000), ("b", 0), ("a", 1000)):
        r = await client.get(API, headers=h, params={"tag": tag, "limit": 1})
        assert r.json()["total"] == total, tag
    async with app.state.db.session() as session:
        lists = (await session.execute(select(Asset.id, Asset.tags).where(Asset.id.in_(ids)))).all()
    written = {i: tags for i, tags in lists}
    assert [written[i] for i in ids[:2]] == [["a", "u0", "c"], ["a", "u1", "c"]]
    assert all(written[i] == ["a", "c"] for i in ids[100:1000])
    assert all(written[i] == ["c"] for i in ids[1000:])


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("trash", {}),
        ("restore", {}),
        ("delete", {}),
        ("tags", {"add": ["x"]}),
        ("move", {"workspace_id": None}),
        ("favorite", {"favorite": True}),
    ],
)
async def test_every_batch_action_refuses_another_users_asset_whole(
    client: httpx.AsyncClient, users: Users, action: str, extra: dict[str, Any]
) -> None:
    h, other = await users.create(), await users.create()
    mine = [await _upload(client, h, i) for i in range(2)]
    theirs = await _upload(client, other, 9)
    r = await client.post(
        f"{API}/batch/{action}", headers=h, json={"ids": [*mine, theirs], **extra}
    )
    assert r.status_code == 404, r.text
    for who, ids in ((h, mine), (other, [theirs])):
        listed = await _list(client, who)
        for i in ids:
            assert (listed[i]["favorite"], listed[i]["tags"]) == (False, []), listed[i]

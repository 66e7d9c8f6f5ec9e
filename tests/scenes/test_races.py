"""A save and the deletion of what it refers to, at the same moment: whichever way they
interleave, each answers a clean 4xx, never the foreign key's 500.

The deletion is made to fall between the save's check of its references and the writing of
its link rows, by sending the real DELETE request from where those rows are written, just
before they are. On PostgreSQL it commits in between; on SQLite it cannot (a writer holds
the write lock from its first statement), so it waits for the save and is refused as in
use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pixsim7.scenes import references
from tests.scenes.conftest import API, Studio

ASSETS = "/api/v1/assets"
Save = Callable[[], Awaitable[httpx.Response]]


async def _race(
    me: Studio, app: FastAPI, monkeypatch: pytest.MonkeyPatch, doomed: str, save: Save
) -> tuple[httpx.Response, httpx.Response]:
    """`save()` while `doomed` is deleted after the save's check, before its link rows are
    written; returns both answers."""
    link = references.link
    deletion: asyncio.Task[httpx.Response] | None = None
    in_between = app.state.db.dialect == "postgresql"

    async def delete_then_link(*args: Any, **kwargs: Any) -> None:
        nonlocal deletion
        if deletion is None:
            deletion = asyncio.create_task(me.delete(doomed))
            done, _ = await asyncio.wait({deletion}, timeout=None if in_between else 0.5)
            assert bool(done) == in_between  # on SQLite the deletion waits for the save
        await link(*args, **kwargs)

    monkeypatch.setattr(references, "link", delete_then_link)
    saved = await save()
    monkeypatch.setattr(references, "link", link)
    assert deletion is not None
    return saved, await deletion


async def test_a_new_scene_and_the_deletion_of_its_asset(
    studio: Any, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    me: Studio = await studio()
    asset = await me.video()
    body = {
        "title": "Doomed",
        "start": "clip",
        "nodes": [{"id": "clip", "type": "video", "media": [{"asset_id": asset}]}],
    }
    saved, deleted = await _race(
        me,
        app,
        monkeypatch,
        f"{ASSETS}/{asset}",
        lambda: me.post(API, body),
    )
    scenes = (await me.get(API)).json()["items"]
    if app.state.db.dialect == "postgresql":
        assert deleted.status_code == 204, deleted.text
        assert saved.status_code == 422, saved.text
        error = saved.json()["error"]
        assert error["message"] == f"deleted while the scene was saved: asset {asset}"
        assert [(p["code"], p["node"]) for p in error["problems"]] == [("media_not_owned", "clip")]
        assert scenes == []  # nothing written
    else:
        assert saved.status_code == 201, saved.text
        assert deleted.status_code == 409 and deleted.json()["error"]["code"] == "asset_in_use"
        assert [s["id"] for s in scenes] == [saved.json()["id"]]


async def test_a_saved_call_and_the_deletion_of_the_called_scene(
    studio: Any, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    me: Studio = await studio()
    callee = await me.create({"title": "Callee"})
    caller = await me.create({"title": "Caller"})
    url = f"{API}/{caller['id']}"
    body = {
        "version": 1,
        "start": "call",
        "nodes": [{"id": "call", "type": "scene_call", "scene": callee["id"]}],
    }
    saved, deleted = await _race(
        me, app, monkeypatch, f"{API}/{callee['id']}", lambda: me.patch(url, body)
    )
    after = (await me.get(url)).json()
    if app.state.db.dialect == "postgresql":
        assert deleted.status_code == 204, deleted.text
        assert saved.status_code == 422, saved.text
        error = saved.json()["error"]
        assert error["message"] == f"deleted while the scene was saved: scene {callee['id']}"
        assert [(p["code"], p["node"]) for p in error["problems"]] == [
            ("call_target_unknown", "call")
        ]
        assert (after["version"], after["nodes"]) == (1, [])  # nothing written
    else:
        assert saved.status_code == 200, saved.text
        assert deleted.status_code == 409 and deleted.json()["error"]["code"] == "scene_in_use"
        assert after["version"] == 2


async def test_an_import_and_the_deletion_of_an_asset_it_plays(
    studio: Any, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    me: Studio = await studio()
    asset = await me.video()
    scenes = [
        {"id": 7, "title": "Root", "start": "call",
         "nodes": [{"id": "call", "type": "scene_call", "scene": 8}]},
        {"id": 8, "title": "Clip", "start": "clip",
         "nodes": [{"id": "clip", "type": "video", "media": [{"asset_id": asset}]}]},
    ]  # fmt: skip
    bundle = {"format": "pixsim7.scene/1", "root": 7, "scenes": scenes}
    saved, deleted = await _race(
        me,
        app,
        monkeypatch,
        f"{ASSETS}/{asset}",
        lambda: me.post(f"{API}/import", {"bundle": bundle}),
    )
    titles = [s["title"] for s in (await me.get(API)).json()["items"]]
    if app.state.db.dialect == "postgresql":
        assert deleted.status_code == 204, deleted.text
        assert saved.status_code == 422, saved.text
        error = saved.json()["error"]
        assert error["message"] == f"deleted while the scene was saved: asset {asset}"
        assert [(p["code"], p["node"]) for p in error["problems"]] == [("media_not_owned", "clip")]
        assert titles == []  # all or nothing: the scene calling the other is not there either
    else:
        assert saved.status_code == 201, saved.text
        assert deleted.status_code == 409 and deleted.json()["error"]["code"] == "asset_in_use"
        assert titles == ["Clip", "Root"]


async def test_a_deletion_and_a_scene_saved_after_its_usage_check(
    studio: Any, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way round: the save comes between the deletion's "is it in use?" and its
    delete. The deletion holds the asset's row, so the save waits for it, then is refused."""
    me: Studio = await studio()
    asset = await me.video()
    body = {
        "title": "Late",
        "start": "clip",
        "nodes": [{"id": "clip", "type": "video", "media": [{"asset_id": asset}]}],
    }
    ask = references.users_of_asset
    saving: asyncio.Task[httpx.Response] | None = None

    async def ask_then_save(*args: Any, **kwargs: Any) -> Any:
        nonlocal saving
        users = await ask(*args, **kwargs)
        saving = asyncio.create_task(me.post(API, body))
        done, _ = await asyncio.wait({saving}, timeout=1.0)
        assert not done  # the save waits for the deletion
        return users

    monkeypatch.setattr(references, "users_of_asset", ask_then_save)
    deleted = await me.delete(f"{ASSETS}/{asset}")
    monkeypatch.setattr(references, "users_of_asset", ask)
    assert saving is not None
    saved = await saving
    assert deleted.status_code == 204, deleted.text
    assert saved.status_code == 422, saved.text
    assert [p["code"] for p in saved.json()["error"]["problems"]] == ["media_not_owned"]
    assert f"asset {asset}" in saved.json()["error"]["problems"][0]["message"]
    assert (await me.get(API)).json()["items"] == []

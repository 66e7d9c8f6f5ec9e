"""Malformed upload forms answer 4xx with the field at fault, never 500, and leave no file."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from pixsim7.assets import cache
from tests.assets.conftest import Files, png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


async def test_malformed_forms_are_refused_cleanly(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    h, other = await users.create(), await users.create()
    theirs = await client.post("/api/v1/workspaces", headers=other, json={"name": "theirs"})
    assert theirs.status_code == 201, theirs.text
    cases = {
        "no file part": ({"data": {"description": "x"}, "files": {"other": ("a", b"1")}}, 422),
        "empty file": ({"files": {"file": ("e.png", b"")}}, 415),
        "bad workspace id": (
            {"files": {"file": ("a.png", png_bytes())}, "data": {"workspace_id": "abc"}},
            422,
        ),
        "someone else's workspace": (
            {
                "files": {"file": ("a.png", png_bytes())},
                "data": {"workspace_id": str(theirs.json()["id"])},
            },
            422,
        ),
        "two files": (
            {"files": [("file", ("a.png", png_bytes())), ("file", ("b.png", png_bytes()))]},
            422,
        ),
    }
    for name, (kwargs, status) in cases.items():
        r = await client.post(f"{API}/upload", headers=h, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == status, (name, r.status_code, r.text)
        assert r.json()["error"]["fields"], name
    # Each of these was a 500 (a parser exception), or, for the cut-off body, an accepted
    # file: a client that goes away mid-upload must not leave a truncated asset.
    raw = {
        "not multipart": ("application/json", b'{"file": "x"}', 415),
        "garbage body": ("multipart/form-data; boundary=zz", b"\x00\xff garbage --zz-- \r\n", 422),
        "unterminated part": (
            "multipart/form-data; boundary=zz",
            b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
            + png_bytes(),
            422,
        ),
    }
    for name, (ctype, body, status) in raw.items():
        r = await client.post(f"{API}/upload", headers={**h, "content-type": ctype}, content=body)
        assert r.status_code == status, (name, r.status_code, r.text)
        assert r.json()["error"]["fields"]["file"], name
    assert (await client.get(API, headers=h)).json()["total"] == 0
    leftovers = [p for p in app.state.settings.media_dir.rglob("*") if p.is_file()]
    assert leftovers == []


async def test_an_upload_keeps_the_page_it_was_found_on(
    app: FastAPI, client: httpx.AsyncClient, users: Users, http_files: tuple[Files, str]
) -> None:
    """The browser extension's capture: the page's URL and title are the asset's source.
    The page is no link to the file, so the file is never evicted to be fetched from it."""
    files, base = http_files
    files.content["album"] = b"<!doctype html><title>Album</title>"  # answers, but is no image
    h = await users.create()
    form = {"source_url": f"{base}/album", "source_title": "Holiday album"}
    r = await client.post(
        f"{API}/upload", headers=h, files={"file": ("p.png", png_bytes())}, data=form
    )
    assert r.status_code == 201, r.text
    asset = r.json()
    assert asset["original_source_url"] == f"{base}/album"
    assert asset["description"] == "Holiday album"
    settings = app.state.settings
    settings.allow_private_urls, settings.media_cache_gb = True, 0.0
    assert (await cache.run_eviction(app.state.db, settings)).evicted_files == 0
    assert (await client.get(f"{API}/{asset['id']}/file", headers=h)).status_code == 200

    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://x/" + "a" * 4000):
        r = await client.post(
            f"{API}/upload",
            headers=h,
            files={"file": ("q.png", png_bytes(color=(1, 2, 3)))},
            data={"source_url": bad},
        )
        assert r.status_code == 422 and "source_url" in r.json()["error"]["fields"], bad

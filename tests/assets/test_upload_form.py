"""Malformed upload forms answer 4xx with the field at fault, never 500, and leave no file."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.assets.conftest import png_bytes
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
        "not multipart": ("application/json", b'{"file": "x"}'),
        "garbage body": ("multipart/form-data; boundary=zz", b"\x00\xff garbage --zz-- \r\n"),
        "unterminated part": (
            "multipart/form-data; boundary=zz",
            b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
            + png_bytes(),
        ),
    }
    for name, (ctype, body) in raw.items():
        r = await client.post(f"{API}/upload", headers={**h, "content-type": ctype}, content=body)
        assert r.status_code == 422, (name, r.status_code, r.text)
        assert r.json()["error"]["fields"]["file"], name
    assert (await client.get(API, headers=h)).json()["total"] == 0
    leftovers = [p for p in app.state.settings.media_dir.rglob("*") if p.is_file()]
    assert leftovers == []

"""Asset API over HTTP: upload, list, read, change, delete, files with Range, bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI

from pixsim7.events import Event
from tests.assets.conftest import Files, make_video, png_bytes
from tests.conftest import Dns, Users

API = "/api/v1/assets"


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "x.png",
    **form: str,
) -> httpx.Response:
    return await client.post(
        f"{API}/upload", headers=headers, files={"file": (name, data, "image/png")}, data=form
    )


async def test_upload_image_then_duplicate_answers_existing(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    h = await users.create()
    events: list[Event] = []
    async with app.state.bus.subscribe() as queue:
        r = await upload(client, h, png_bytes(), tags="a, b", description="green")
        assert r.status_code == 201, r.text
        events.append(await queue.get())
    body = r.json()
    assert (body["media_type"], body["mime_type"], body["width"], body["height"]) == (
        "image",
        "image/png",
        64,
        48,
    )
    assert body["tags"] == ["a", "b"] and body["upload_method"] == "upload"
    assert body["thumbnail_url"] and body["preview_url"] is None
    assert events[0].type == "asset.created" and events[0].data["id"] == body["id"]
    again = await upload(client, h, png_bytes(), name="other.png")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    thumb = await client.get(body["thumbnail_url"], headers=h)
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"


async def test_video_upload_file_range_and_caching(
    client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    h = await users.create()
    data = video_bytes
    r = await upload(client, h, data, name="clip.mp4")
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["media_type"] == "video" and a["mime_type"] == "video/mp4"
    assert a["duration_sec"] > 0.5 and a["fps"] == 12 and a["file_size_bytes"] == len(data)
    full = await client.get(a["file_url"], headers=h)
    assert full.status_code == 200 and full.content == data
    assert full.headers["content-type"] == "video/mp4"
    assert full.headers["etag"] == f'"{a["sha256"]}"' and "max-age" in full.headers["cache-control"]
    part = await client.get(a["file_url"], headers={**h, "Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    bad = await client.get(a["file_url"], headers={**h, "Range": f"bytes={len(data) + 5}-"})
    assert bad.status_code == 416
    cached = await client.get(a["file_url"], headers={**h, "If-None-Match": full.headers["etag"]})
    assert cached.status_code == 304
    preview = await client.get(a["preview_url"], headers=h)
    assert preview.status_code == 200 and preview.content[4:8] == b"ftyp"


async def test_list_filters_sort_pagination_total(client: httpx.AsyncClient, users: Users) -> None:
    h = await users.create()
    ids = []
    for i in range(5):
        r = await upload(client, h, png_bytes(color=(i * 40, 10, 10)), tags="red" if i % 2 else "")
        ids.append(r.json()["id"])
    await client.patch(f"{API}/{ids[0]}", headers=h, json={"description": "A cat on 50% sale"})
    page = (await client.get(API, headers=h, params={"limit": 2})).json()
    assert [a["id"] for a in page["items"]] == ids[::-1][:2] and page["total"] == 5
    nxt = (
        await client.get(API, headers=h, params={"limit": 2, "cursor": page["next_cursor"]})
    ).json()
    assert [a["id"] for a in nxt["items"]] == ids[::-1][2:4]
    oldest = (await client.get(API, headers=h, params={"sort": "oldest", "limit": 1})).json()
    assert oldest["items"][0]["id"] == ids[0]
    red = (await client.get(API, headers=h, params={"tag": "red", "media_type": "image"})).json()
    assert {a["id"] for a in red["items"]} == {ids[1], ids[3]} and red["total"] == 2
    text = (await client.get(API, headers=h, params={"q": "50%"})).json()
    assert [a["id"] for a in text["items"]] == [ids[0]]
    assert (await client.get(API, headers=h, params={"media_type": "video"})).json()["total"] == 0
    other = await users.create()
    assert (await client.get(API, headers=other)).json()["total"] == 0


async def test_patch_and_delete_keeps_shared_file(
    client: httpx.AsyncClient, users: Users, app: FastAPI
) -> None:
    a_h, b_h = await users.create(), await users.create()
    a = (await upload(client, a_h, png_bytes())).json()
    b = (await upload(client, b_h, png_bytes())).json()
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    r = await client.patch(
        f"{API}/{a['id']}",
        headers=a_h,
        json={"tags": ["x"], "style_tags": ["noir"], "content_rating": "mature"},
    )
    assert r.status_code == 200 and r.json()["style_tags"] == ["noir"]
    bad = await client.patch(f"{API}/{a['id']}", headers=a_h, json={"content_rating": "nope"})
    assert bad.status_code == 422
    path = app.state.settings.media_dir / a["sha256"][:2] / a["sha256"][2:4] / a["sha256"]
    # Deleting moves to the trash; deleting there deletes for good.
    for _ in range(2):
        assert (await client.delete(f"{API}/{a['id']}", headers=a_h)).status_code == 204
    assert (await client.get(f"{API}/{a['id']}", headers=a_h)).status_code == 404
    assert path.exists()  # b still uses it
    assert (await client.get(b["file_url"], headers=b_h)).status_code == 200
    for _ in range(2):
        assert (await client.delete(f"{API}/{b['id']}", headers=b_h)).status_code == 204
    assert not path.exists()


async def test_bad_uploads(client: httpx.AsyncClient, users: Users, tmp_path: Path) -> None:
    h = await users.create()
    text = await upload(client, h, b"hello, I am text\n" * 10, name="movie.mp4")
    assert text.status_code == 415 and text.json()["error"]["fields"]["file"]
    video = make_video(tmp_path / "t.mp4", seconds=2).read_bytes()
    cut = await upload(client, h, video[: len(video) // 2], name="cut.mp4")
    assert cut.status_code == 422 and "truncated" in cut.json()["error"]["message"]
    hostile = "../../../etc/passwd\x00\r\n<script>.png"
    r = await upload(client, h, png_bytes(color=(1, 2, 3)), name=hostile)
    shown = r.json()["original_filename"]
    assert r.status_code == 201 and shown.startswith("passwd") and "/" not in shown
    assert not any(ord(c) < 32 for c in shown)
    assert not (tmp_path / "etc").exists()
    # 30000 x 30000 pixels: a few hundred bytes of PNG header, refused before decoding.
    import struct
    import zlib

    def png_chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + png_chunk(b"IEND", b"")
    )
    big = await upload(client, h, bomb, name="bomb.png")
    message = big.json()["error"]["message"]
    assert big.status_code == 422 and "pixels" in message and "/tmp" not in message
    assert (await client.get(API, headers=h)).json()["total"] == 1


async def test_over_limit_is_refused_before_the_body_is_read(
    client: httpx.AsyncClient, users: Users
) -> None:
    h = await users.create()
    declared = await client.post(
        f"{API}/upload",
        headers={
            **h,
            "content-type": "multipart/form-data; boundary=xx",
            "content-length": str(50 * 1024 * 1024),
        },
        content=b"",
    )
    assert declared.status_code == 413
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
        for _ in range(400):  # 400 x 64 KiB = 25 MiB, well over the 2 MiB limit
            sent += 1
            yield b"\x00" * 65536

    streamed = await client.post(
        f"{API}/upload",
        headers={**h, "content-type": "multipart/form-data; boundary=xx"},
        content=body(),
    )
    assert streamed.status_code == 413
    assert sent < 40  # stopped shortly after the limit, not after 25 MiB


async def test_upload_from_url(
    client: httpx.AsyncClient, users: Users, app: FastAPI, http_files: tuple[Files, str]
) -> None:
    files, base = http_files
    files.content["pic"] = png_bytes(color=(5, 5, 250))
    files.content["big"] = b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1024 * 1024)
    h = await users.create()
    app.state.settings.outbound_allow = []  # the test settings allow loopback; not here
    refused = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{base}/pic"})
    assert refused.status_code == 422 and "private" in refused.json()["error"]["message"]
    ftp = await client.post(f"{API}/upload-from-url", headers=h, json={"url": "ftp://x.org/a"})
    assert ftp.status_code == 422
    app.state.settings.allow_private_urls = True
    ok = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{base}/pic"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["upload_method"] == "url" and ok.json()["original_source_url"] == f"{base}/pic"
    big = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{base}/big"})
    assert big.status_code == 413
    app.state.settings.allow_private_urls = False


async def test_upload_from_url_checks_every_redirect_hop(
    client: httpx.AsyncClient,
    users: Users,
    app: FastAPI,
    http_files: tuple[Files, str],
    dns: Dns,
) -> None:
    """An allowed first hop (a host name on the allow-list) that redirects to a refused
    address (loopback, not listed) is refused at that hop; the refused server sees nothing."""
    files, base = http_files
    files.content["pic"] = png_bytes()
    port = base.rsplit(":", 1)[1]
    dns({"files.test": [["127.0.0.1"]]})
    app.state.settings.outbound_allow = ["files.test"]
    h = await users.create()
    allowed = f"http://files.test:{port}"
    ok = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{allowed}/pic"})
    assert ok.status_code == 201, ok.text
    hop = await client.post(
        f"{API}/upload-from-url", headers=h, json={"url": f"{allowed}/redirect?to={base}/pic"}
    )
    assert hop.status_code == 422 and "private" in hop.json()["error"]["message"], hop.text
    assert files.hits == {"pic": 1, "redirect": 1}


async def test_patch_checks_workspace_and_fields(client: httpx.AsyncClient, users: Users) -> None:
    h, other = await users.create(), await users.create()
    a = (await upload(client, h, png_bytes())).json()
    mine = (await client.post("/api/v1/workspaces", headers=h, json={"name": "m"})).json()
    theirs = (await client.post("/api/v1/workspaces", headers=other, json={"name": "t"})).json()
    url = f"{API}/{a['id']}"
    for body, field in (
        ({"workspace_id": theirs["id"]}, "workspace_id"),
        ({"workspace_id": 999999}, "workspace_id"),
        ({"tags": None}, "tags"),
        ({"tags": [" "]}, "tags"),
        ({"owner_id": 5}, "owner_id"),
    ):
        r = await client.patch(url, headers=h, json=body)
        assert r.status_code == 422, (body, r.text)
        assert any(field in k for k in r.json()["error"]["fields"]), (body, r.json())
    moved = await client.patch(url, headers=h, json={"workspace_id": mine["id"], "tags": ["a"]})
    assert moved.status_code == 200 and moved.json()["workspace_id"] == mine["id"]
    cleared = await client.patch(url, headers=h, json={"workspace_id": None})
    assert cleared.status_code == 200 and cleared.json()["workspace_id"] is None
    assert cleared.json()["tags"] == ["a"]  # fields not sent are left alone
    shown = (await client.get(url, headers=h)).json()
    assert shown["workspace_id"] is None and shown["tags"] == ["a"]

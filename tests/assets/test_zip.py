"""Downloading many assets as one zip: the right files under unique names, owner-checked,
and written as a stream (the server's memory does not grow with the selection)."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import httpx

from pixsim7.assets import download
from tests.assets.conftest import png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


async def test_download_by_ids_and_by_filter(client: httpx.AsyncClient, users: Users) -> None:
    h, other = await users.create(), await users.create()
    images = {}
    for n, name in enumerate(("a.png", "b.png", "a.png")):  # two of the same name
        data = png_bytes(color=(n, 0, 200))
        r = await client.post(
            f"{API}/upload",
            headers=h,
            files={"file": (name, data, "image/png")},
            data={"tags": "z" if n else ""},
        )
        images[r.json()["id"]] = data
    ids = sorted(images)
    r = await client.get(f"{API}/download", headers=h, params={"ids": ids})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(
        f"{i}-{n}" for i, n in zip(ids, ("a.png", "b.png", "a.png"), strict=True)
    )
    for i in ids:
        assert archive.read(f"{i}-{'b.png' if i == ids[1] else 'a.png'}") == images[i]

    r = await client.get(f"{API}/download", headers=h, params={"tag": "z"})
    assert sorted(zipfile.ZipFile(io.BytesIO(r.content)).namelist()) == [
        f"{ids[1]}-b.png",
        f"{ids[2]}-a.png",
    ]
    # Another user's id: 404, no zip; bad ids: 422.
    assert (
        await client.get(f"{API}/download", headers=other, params={"ids": ids})
    ).status_code == 404
    assert (await client.get(f"{API}/download", headers=h, params={"ids": [0]})).status_code == 422
    many = {"ids": list(range(1, 1002))}
    assert (await client.get(f"{API}/download", headers=h, params=many)).status_code == 422
    assert (await client.get(f"{API}/download", params={"ids": ids})).status_code == 401


def test_the_zip_is_written_as_it_is_read(tmp_path: Path) -> None:
    """60 MB of files through the stream: Python's allocations peak at a few chunks."""
    files = []
    for i in range(12):
        path = tmp_path / f"clip{i}.mp4"
        path.write_bytes(os.urandom(5 * 1024 * 1024))
        files.append((f"{i}-clip.mp4", path))
    out = tmp_path / "out.zip"
    tracemalloc.start()
    try:
        with out.open("wb") as sink:
            for chunk in download.stream(files):
                sink.write(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * download.CHUNK, peak  # one file alone is 5 chunks
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert [i.file_size for i in archive.infolist()] == [5 * 1024 * 1024] * 12
        assert archive.read("3-clip.mp4") == files[3][1].read_bytes()

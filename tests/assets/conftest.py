"""Asset test fixtures: small real media files and a loopback HTTP server that serves them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image
from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pixsim7 import media
from pixsim7.assets.models import Asset, AssetTag
from pixsim7.config import Settings
from pixsim7.providers.fakekit import FakeServer


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.max_upload_bytes = 2 * 1024 * 1024
    return settings


def make_video(path: Path, *, seconds: float = 1.0, size: tuple[int, int] = (160, 90)) -> Path:
    w, h = size
    fps = 12
    frames = []
    for i in range(int(seconds * fps)):
        rgb = np.zeros((h, w, 3), np.uint8)
        rgb[:, : (i + 1) * w // int(seconds * fps)] = (200, 80, 40)
        rgb[h // 3 : 2 * h // 3] += np.uint8(30)
        frames.append(rgb)
    return media.write_video(frames, path, w, h, fps)


def png_bytes(
    size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (10, 200, 90)
) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    return make_video(tmp_path / "clip.mp4")


class Files:
    """What the loopback server serves: path -> bytes; /redirect?to=... redirects."""

    def __init__(self) -> None:
        self.content: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}


@pytest.fixture
def http_files() -> Iterator[tuple[Files, str]]:
    files = Files()

    async def serve(request: Request) -> Response:
        name = request.path_params["name"]
        files.hits[name] = files.hits.get(name, 0) + 1
        if name == "redirect":
            return RedirectResponse(request.query_params["to"], status_code=302)
        if name not in files.content:
            return Response(status_code=404)
        body = files.content[name]
        if request.headers.get("range") == "bytes=0-0":
            return Response(body[:1], status_code=206)
        return Response(body, media_type="application/octet-stream")

    app = Starlette(routes=[Route("/{name}", serve)])
    with FakeServer(app) as server:
        yield files, server.url


@pytest.fixture
def video_bytes(video_file: Path) -> bytes:
    return video_file.read_bytes()


async def copies(app: FastAPI, asset_id: int, n: int, **values: Any) -> list[int]:
    """`n` more rows like this asset (its file, its owner), made in SQL: a large selection
    without as many uploads. Their tag rows (asset_tags) are made to match."""
    async with app.state.db.session() as session:
        asset = await session.get(Asset, asset_id)
        assert asset is not None
        row = {
            c.key: getattr(asset, c.key)
            for c in Asset.__table__.columns
            if c.key not in ("id", "source_job_id")
        }
        ids = list(
            await session.scalars(
                insert(Asset).returning(Asset.id), [{**row, **values} for _ in range(n)]
            )
        )
        for name in values.get("tags", asset.tags):
            rows = [{"asset_id": i, "tag": name, "owner_id": asset.owner_id} for i in ids]
            await session.execute(insert(AssetTag), rows)
        await session.commit()
    return [asset_id, *ids]

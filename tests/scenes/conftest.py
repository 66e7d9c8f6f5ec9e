"""Scene test helpers: videos uploaded through the API, scene bodies, a scene-making client."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.assets.conftest import make_video
from tests.conftest import Users

API = "/api/v1/scenes"
PLAYS = "/api/v1/plays"


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Distinct small videos (the same bytes uploaded twice would be one asset)."""
    folder = tmp_path_factory.mktemp("clips")
    return [
        make_video(folder / f"{i}.mp4", seconds=0.5, size=(96 + 16 * i, 64)).read_bytes()
        for i in range(4)
    ]


def graph(asset_a: int, asset_b: int, **extra: Any) -> dict[str, Any]:
    """A small sound scene: a clip, a choice, a flag set on one way, a condition, two ends."""
    return {
        "title": "Forest",
        "start": "intro",
        "flags": {"brave": False},
        "nodes": [
            {"id": "intro", "type": "video", "media": [{"asset_id": asset_a}]},
            {"id": "fork", "type": "choice", "prompt": "Which way?"},
            {"id": "cave", "type": "video", "media": [{"asset_id": asset_b}]},
            {"id": "brave-check", "type": "condition", "flag": "brave", "op": "eq", "value": True},
            {"id": "win", "type": "end", "outcome": "success", "message": "Out!"},
            {"id": "lose", "type": "end", "outcome": "failure"},
        ],
        "edges": [
            {"id": "e1", "from": "intro", "to": "fork"},
            {"id": "in", "from": "fork", "to": "cave", "label": "Enter",
             "effects": [{"flag": "brave", "op": "set", "value": True}]},
            {"id": "out", "from": "fork", "to": "brave-check", "label": "Leave"},
            {"id": "e2", "from": "cave", "to": "brave-check"},
            {"id": "t", "from": "brave-check", "to": "win", "port": "true"},
            {"id": "f", "from": "brave-check", "to": "lose", "port": "false"},
        ],
        **extra,
    }  # fmt: skip


class Studio:
    """One user's way into scenes through the API: their headers, videos and scenes."""

    def __init__(
        self, client: httpx.AsyncClient, headers: dict[str, str], clips: list[bytes]
    ) -> None:
        self.client = client
        self.h = headers
        self.clips = clips
        self.uploaded = 0

    async def video(self, name: str = "clip.mp4") -> int:
        data = self.clips[self.uploaded % len(self.clips)]
        self.uploaded += 1
        r = await self.client.post(
            "/api/v1/assets/upload", headers=self.h, files={"file": (name, data, "video/mp4")}
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    async def create(self, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        r = await self.client.post(API, headers=self.h, json=body)
        assert r.status_code == status, r.text
        return dict(r.json())

    async def scene(self) -> dict[str, Any]:
        return await self.create(graph(await self.video("a.mp4"), await self.video("b.mp4")))

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.client.get(path, headers=self.h, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.client.post(path, headers=self.h, json=body, **kw)

    async def patch(self, path: str, body: Any) -> httpx.Response:
        return await self.client.patch(path, headers=self.h, json=body)

    async def delete(self, path: str) -> httpx.Response:
        return await self.client.delete(path, headers=self.h)


@pytest.fixture
def studio(client: httpx.AsyncClient, users: Users, clips: list[bytes]) -> Any:
    async def make() -> Studio:
        return Studio(client, await users.create(), clips)

    return make


def codes(response: httpx.Response) -> set[str]:
    return {p["code"] for p in response.json()["error"].get("problems", [])}

"""export.zip: one folder with the player, the scene (JSON and script), the media and their
posters, relative paths only; only a scene without errors exports."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pixsim7.config import Settings
from tests.scenes.conftest import API, Studio, codes


@pytest.fixture
def player(settings: Settings, tmp_path: Path) -> Path:
    """A stand-in for the built standalone player (the web app builds the real one)."""
    folder = tmp_path / "dist-player"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text('<script src="scene.js"></script>')
    (folder / "assets" / "player.js").write_text("/* player */")
    (folder / "assets" / "player.css").write_text("/* style */")
    settings.scene_player_dir = folder
    return folder


async def test_the_zip_holds_a_folder_that_plays_from_disk(
    studio: Any, player: Path, settings: Settings
) -> None:
    me: Studio = await studio()
    scene = await me.scene()
    r = await me.get(f"{API}/{scene['id']}/export.zip")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    folder = f"forest-{scene['id']}"
    assert f'filename="{folder}.zip"' in r.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.testzip() is None
    ids = [n["media"][0]["asset_id"] for n in scene["nodes"] if n["type"] == "video"]
    assert sorted(archive.namelist()) == sorted(
        [
            f"{folder}/index.html",
            f"{folder}/assets/player.js",
            f"{folder}/assets/player.css",
            f"{folder}/scene.json",
            f"{folder}/scene.js",
        ]
        + [f"{folder}/media/{i}.mp4" for i in ids]
        + [f"{folder}/media/{i}.poster.jpg" for i in ids]
    )
    bundle = json.loads(archive.read(f"{folder}/scene.json"))
    assert bundle["root"] == scene["id"]
    assert bundle["assets"][str(ids[0])]["src"] == f"media/{ids[0]}.mp4"
    assert bundle["assets"][str(ids[0])]["poster"] == f"media/{ids[0]}.poster.jpg"
    script = archive.read(f"{folder}/scene.js").decode()
    assert script.startswith("window.PIXSIM7_SCENE = ") and script.endswith(";\n")
    assert json.loads(script[len("window.PIXSIM7_SCENE = ") : -2]) == bundle
    original = await me.get(f"/api/v1/assets/{ids[0]}/file")
    assert archive.read(f"{folder}/media/{ids[0]}.mp4") == original.content
    assert archive.read(f"{folder}/media/{ids[0]}.poster.jpg")[:3] == b"\xff\xd8\xff"
    assert archive.getinfo(f"{folder}/media/{ids[0]}.mp4").compress_type == zipfile.ZIP_STORED
    assert not any(n.startswith("/") or ".." in n for n in archive.namelist())
    assert "/api/" not in archive.read(f"{folder}/scene.json").decode()
    assert not list((settings.media_dir / "tmp").glob("*.zip"))  # the temporary file is gone


async def test_only_a_scene_without_errors_exports(studio: Any, player: Path) -> None:
    me: Studio = await studio()
    draft = await me.create({"title": "Draft"})
    r = await me.get(f"{API}/{draft['id']}/export.zip")
    assert r.status_code == 422 and codes(r) == {"start_missing"}


async def test_without_a_built_player_the_export_says_so(
    studio: Any, settings: Settings, tmp_path: Path
) -> None:
    settings.scene_player_dir = tmp_path / "not-built"
    me: Studio = await studio()
    scene = await me.scene()
    r = await me.get(f"{API}/{scene['id']}/export.zip")
    assert r.status_code == 503 and r.json()["error"]["code"] == "player_not_built"

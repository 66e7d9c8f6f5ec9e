"""The exported scene: one folder, zipped, that plays from disk (file://) with no server.

    <folder>/index.html, player files   the built standalone player, copied as they are
    <folder>/scene.json                 the bundle (format pixsim7.scene/1), relative paths
    <folder>/scene.js                   the same bundle as `window.PIXSIM7_SCENE = {...};`
    <folder>/media/<asset id>.<ext>     every clip the scenes play
    <folder>/media/<asset id>.poster.jpg  its thumbnail, when it has one

scene.js exists because a page opened from disk may not fetch() files beside it; a
<script src> may. The player itself is built elsewhere (the web app's standalone player):
this module takes whatever is in the player directory, which must hold an index.html.
"""

from __future__ import annotations

import asyncio
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.assets import cache
from pixsim7.assets.models import Asset
from pixsim7.assets.service import store_for
from pixsim7.config import Settings
from pixsim7.scenes import bundles
from pixsim7.scenes.models import Scene

# The seam with the web app: `make` builds the standalone player here (or set
# PIXSIM7_SCENE_PLAYER_DIR).
PLAYER_DIST = Path(__file__).resolve().parents[3] / "web" / "dist-player"
EXTENSIONS = {
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
SCENE_GLOBAL = "PIXSIM7_SCENE"


class PlayerNotBuilt(errors.ServiceUnavailable):
    code = "player_not_built"


def player_dir(settings: Settings) -> Path:
    folder = settings.scene_player_dir or PLAYER_DIST
    if not (folder / "index.html").is_file():
        raise PlayerNotBuilt("the standalone scene player is not built; run `make run`")
    return folder


def folder_name(scene: Scene) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", scene.title.lower()).strip("-")[:40].strip("-")
    return f"{slug or 'scene'}-{scene.id}"


def media_name(asset: Asset) -> str:
    return f"media/{asset.id}{EXTENSIONS.get(asset.mime_type, '.bin')}"


def _relative(asset: Asset) -> tuple[str, str | None]:
    return media_name(asset), f"media/{asset.id}.poster.jpg" if asset.thumbnail_at else None


async def build(session: AsyncSession, settings: Settings, scene: Scene) -> tuple[Path, str]:
    """Write the zip to a temporary file (the caller removes it); returns it and its name."""
    player = player_dir(settings)
    bundle, scenes, assets = await bundles.build(session, scene, locate=_relative)
    await bundles.require_no_errors(session, scenes, "exported")
    store = store_for(settings)
    files: list[tuple[str, Path]] = []
    for asset in assets:
        files.append((media_name(asset), await cache.ensure_local(session, settings, asset)))
        poster = store.derived(asset.sha256, "thumbnail")
        if asset.thumbnail_at and poster.is_file():
            files.append((f"media/{asset.id}.poster.jpg", poster))
    folder = folder_name(scene)
    target = store.temp_path(".zip")
    try:
        await asyncio.to_thread(_write, target, folder, player, bundle, files)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, f"{folder}.zip"


def _write(
    target: Path, folder: str, player: Path, bundle: dict[str, Any], files: list[tuple[str, Path]]
) -> None:
    text = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
    deflate = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(p for p in player.rglob("*") if p.is_file()):
            archive.write(path, f"{folder}/{path.relative_to(player).as_posix()}", deflate)
        archive.writestr(f"{folder}/scene.json", text, deflate)
        archive.writestr(f"{folder}/scene.js", f"window.{SCENE_GLOBAL} = {text};\n", deflate)
        for name, path in files:  # video and images are compressed already
            archive.write(path, f"{folder}/{name}", zipfile.ZIP_STORED)

"""What bench/assets.py measures side by side with what replaced it, in one run: the ingest
media steps before the one-pass scan, and the asset list before 0019_search (both as of
commit 0bfe362).

Before: probe (decodes the last second: for a clip with one keyframe, all of it), then a
poster (probes again, then seeks to three points and decodes from the keyframe before each),
then a preview (probes again, decodes the first 3 s, a new swscale set-up per frame).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
from PIL import Image
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import media
from pixsim7.assets import processing
from pixsim7.assets.models import Asset, AssetTag
from pixsim7.assets.schemas import AssetFilters
from pixsim7.media import MediaInfo
from pixsim7.pagination import paginate
from pixsim7.storage import LocalStore
from pixsim7.users.models import User


class _OldWriter(media.VideoWriter):
    """The writer as it was: a new reformatter (swscale set-up) for every frame."""

    def write(self, image: np.ndarray | Image.Image) -> None:
        rgb = np.asarray(image.convert("RGB")) if isinstance(image, Image.Image) else image
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame = frame.reformat(
            format="yuv420p",
            dst_colorspace=1,
            dst_color_range="MPEG",
            dst_color_trc=1,
            dst_color_primaries=1,
        )
        frame.pts = self.frames
        self._container.mux(self._stream.encode(frame))
        self.frames += 1


def _poster_frame(path: Path) -> np.ndarray:
    duration = media.probe(path).duration_sec or 0.0
    best, best_score = None, -1.0
    for share in (0.1, 0.25, 0.5):
        rgb = next((f for _, f in media.iter_frames(path, start_sec=duration * share)), None)
        if rgb is None:
            continue
        luma = rgb[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
        score = float(luma.std()) + (0.0 if luma.mean() > 16 else -1000.0)
        if score > best_score:
            best, best_score = rgb, score
    assert best is not None
    return best


def make_thumbnail(src: Path, dest: Path, max_side: int = 480) -> None:
    picture = Image.fromarray(_poster_frame(src))
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    picture.save(dest, format="JPEG", quality=85)


def make_preview(video: Path, dest: Path, max_side: int = 320, seconds: float = 3.0) -> None:
    fps = 12
    info = media.probe(video)
    width, height = media.fit_size(info.width, info.height, max_side)
    wanted = max(1, round(min(info.duration_sec or seconds, seconds) * fps))
    with _OldWriter(dest, width, height, fps, crf=28) as writer:
        for t, rgb in media.iter_frames(video):
            while writer.frames < wanted and t + 0.5 / (info.fps or fps) >= writer.frames / fps:
                small = np.asarray(
                    Image.fromarray(rgb).resize((width, height), Image.Resampling.BILINEAR)
                )
                writer.write(small)
            if writer.frames >= wanted:
                break


def take_in(
    store: LocalStore, path: Path, max_pixels: int
) -> tuple[str, int, MediaInfo, tuple[bool, bool]]:
    """What `pipeline._take_in` replaced: probe, store, then poster and preview apart."""
    info = processing.inspect(path, max_pixels=max_pixels)
    sha, size = store.put(path)
    src = store.path(sha)
    thumb, preview = store.derived(sha, "thumbnail"), store.derived(sha, "preview")
    thumb.parent.mkdir(parents=True, exist_ok=True)
    make_thumbnail(src, thumb)
    make_preview(src, preview)
    return sha, size, info, (thumb.exists(), preview.exists())


# ---------------------------------------------------------------- the asset list before


async def list_assets(
    session: AsyncSession, user: User, f: AssetFilters, *, cursor: str | None, limit: int
) -> tuple[Sequence[Asset], str | None, int, bool]:
    """`assets.service.list` before 0019_search: text by ILIKE on prompt and description,
    the tag by an IN over `asset_tags` by tag (its index (tag, asset_id), which the bench
    puts back for this), every match counted."""
    stmt = select(Asset).where(Asset.owner_id == user.id)
    if f.media_type is not None:
        stmt = stmt.where(Asset.media_type == f.media_type.value)
    if f.provider_id is not None:
        stmt = stmt.where(Asset.provider_id == f.provider_id)
    if f.tag is not None:
        stmt = stmt.where(Asset.id.in_(select(AssetTag.asset_id).where(AssetTag.tag == f.tag)))
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Asset.prompt.ilike(pattern, escape="\\"),
                Asset.description.ilike(pattern, escape="\\"),
            )
        )
    total = await session.scalar(
        select(func.count()).select_from(stmt.with_only_columns(Asset.id).subquery())
    )
    rows, next_cursor = await paginate(
        session, stmt, id_column=Asset.id, cursor=cursor, limit=limit, descending=True
    )
    return rows, next_cursor, int(total or 0), True

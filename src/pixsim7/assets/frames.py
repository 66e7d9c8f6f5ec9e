"""A still taken from a video (its last frame, or the one at a given time), kept as the
user's image asset with a lineage edge from the video.

What a scene needs to animate on from where a clip ends (`image_to_video` from the previous
clip's last frame), and what a person wants when a frame is worth keeping. The still goes
through the same intake as an upload (content check, per-user deduplication, quota,
thumbnail), so taking the same frame twice answers with the asset it already is.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import db, errors, media
from pixsim7.assets import cache, intake, lineage
from pixsim7.assets import service as asset_service
from pixsim7.assets.graph_models import AssetLineage
from pixsim7.assets.models import Asset, MediaType, UploadMethod
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.users.models import User

RELATION = "frame"


async def take(
    session: AsyncSession,
    settings: Settings,
    *,
    user: User,
    asset_id: int,
    at_sec: float | None,
    bus: EventBus | None,
) -> tuple[Asset, bool]:
    """The frame of the user's video `asset_id` at `at_sec` (None: its last) as an image
    asset. Returns (asset, created)."""
    video = await asset_service.get_owned(session, user, asset_id)
    if video.trashed_at is not None:
        raise asset_service.AssetNotFound("asset not found")
    if video.media_type != MediaType.VIDEO.value:
        raise errors.ValidationFailed(
            "only a video has frames to take", fields={"asset_id": "not a video"}
        )
    if at_sec is not None and video.duration_sec is not None and at_sec > video.duration_sec:
        raise errors.ValidationFailed(
            f"the video is {video.duration_sec:.2f} s long",
            fields={"at_sec": "past the end of the video"},
        )
    path = await cache.ensure_local(session, settings, video)
    store = asset_service.store_for(settings)
    writer = store.writer()
    try:
        png = await asyncio.to_thread(_png, path, at_sec)
        writer.write(png)
    except media.MediaError as exc:
        writer.discard()
        raise errors.ValidationFailed(str(exc), fields={"asset_id": str(exc)}) from exc
    label = "last frame" if at_sec is None else f"frame at {at_sec:.2f} s"
    origin = intake.Origin(
        upload_method=UploadMethod.FRAME,
        original_filename=f"asset-{video.id}-{label.replace(' ', '-')}.png",
        workspace_id=video.workspace_id,
        description=f"The {label} of asset {video.id}",
    )
    still, created = await intake.add_file(
        session, settings, user=user, writer=writer, origin=origin, bus=bus
    )
    # Also when the still existed already (taken before, or the same picture uploaded): it
    # is this video's frame all the same, unless the video was made from it (no cycle).
    if not created and still.id in await lineage.ancestors_or_self(session, video.id):
        return still, created
    await session.execute(
        db.insert_ignore_into(session, AssetLineage).values(
            parent_asset_id=video.id,
            child_asset_id=still.id,
            relation=RELATION,
            operation=None,
            sequence_order=0,
            manual=False,
            created_at=still.created_at,
            updated_at=still.created_at,
        )
    )
    await session.commit()
    return still, created


def _png(path: Path, at_sec: float | None) -> bytes:
    pixels = media.last_frame(path) if at_sec is None else _frame_at(path, at_sec)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def _frame_at(path: Path, at_sec: float) -> np.ndarray:
    last: np.ndarray | None = None
    for t, pixels in media.iter_frames(path, start_sec=at_sec):
        if t + 1e-6 >= at_sec:
            return pixels
        last = pixels
    if last is None:
        raise media.MediaError("no frame at that time")
    return last

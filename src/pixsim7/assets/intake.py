"""Files coming in from a person: multipart uploads and upload-from-url.

A file is checked by content (never by name or declared type), deduplicated per user (the
same bytes answer with the existing asset), counted against the storage quota, stored once
by sha256, and given its thumbnail and preview before the asset row is committed.
"""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, outbound
from pixsim7.assets import fetch, processing
from pixsim7.assets import service as asset_service
from pixsim7.assets.models import Asset, UploadMethod
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.media import MediaInfo
from pixsim7.quotas import service as quota_service
from pixsim7.storage import FileWriter
from pixsim7.users.models import User


@dataclass
class Origin:
    """Where a file came from and what the user said about it."""

    upload_method: UploadMethod
    original_source_url: str | None = None
    original_filename: str | None = None
    workspace_id: int | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    provider_id: str | None = None
    provider_asset_id: str | None = None
    # original_source_url is the page the file was found on (the extension's capture), not
    # a link that fetches the file again: such an asset is never evicted to be re-fetched.
    source_is_page: bool = False


def safe_filename(name: str | None) -> str | None:
    """A display name only: path parts, control characters and excess length removed."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:255] or None


async def add_file(
    session: AsyncSession,
    settings: Settings,
    *,
    user: User,
    writer: FileWriter,
    origin: Origin,
    bus: EventBus | None,
    field: str = "file",
) -> tuple[Asset, bool]:
    """Turn a finished temp file into the user's asset. Returns (asset, created).

    The writer is consumed: committed into the store, or discarded."""
    try:
        sha = writer.finish()
        info = await asyncio.to_thread(
            processing.inspect, writer.tmp, max_pixels=settings.max_image_pixels, field=field
        )
        existing = await session.scalar(
            select(Asset).where(Asset.owner_id == user.id, Asset.sha256 == sha).limit(1)
        )
        if existing is not None:
            return existing, False
        if origin.workspace_id is not None:
            await _check_workspace(session, user, origin.workspace_id)
        used = await asset_service.storage_used(session, user.id)
        quota_service.check_storage(user, used_bytes=used, adding_bytes=writer.size)
        writer.commit()
    finally:
        writer.discard()
    asset = await create_row(
        session, settings, owner_id=user.id, sha256=sha, size=writer.size, info=info, origin=origin
    )
    await session.commit()
    await asset_service.emit(bus, "asset.created", asset)
    return asset, True


async def create_row(
    session: AsyncSession,
    settings: Settings,
    *,
    owner_id: int,
    sha256: str,
    size: int,
    info: MediaInfo,
    origin: Origin,
    source_job_id: int | None = None,
    prompt: str | None = None,
    derived: tuple[bool, bool] | None = None,
) -> Asset:
    """Make the derived files (thumbnail, preview) unless `derived` says whether they were
    made already, and add the asset row (not committed)."""
    if derived is None:
        store = asset_service.store_for(settings)
        derived = await asyncio.to_thread(processing.make_derived, store, sha256, info.media_type)
    has_thumb, has_preview = derived
    now = clock.now()
    asset = Asset(
        owner_id=owner_id,
        workspace_id=origin.workspace_id,
        media_type=info.media_type,
        mime_type=info.mime_type,
        sha256=sha256,
        file_size_bytes=size,
        width=info.width,
        height=info.height,
        duration_sec=info.duration_sec,
        fps=info.fps,
        codec=info.codec,
        has_audio=info.has_audio,
        provider_id=origin.provider_id,
        provider_asset_id=origin.provider_asset_id,
        source_job_id=source_job_id,
        original_source_url=origin.original_source_url,
        remote_url_valid=origin.original_source_url is not None and not origin.source_is_page,
        upload_method=origin.upload_method.value,
        original_filename=origin.original_filename,
        prompt=prompt,
        description=origin.description,
        tags=[],
        style_tags=[],
        stored_at=now,
        probed_at=now,
        thumbnail_at=now if has_thumb else None,
        preview_at=now if has_preview else None,
        last_accessed_at=now,
    )
    session.add(asset)
    await session.flush()
    if origin.tags:
        await asset_service.set_tags(session, asset, origin.tags)
    return asset


async def from_url(
    session: AsyncSession,
    settings: Settings,
    *,
    user: User,
    url: str,
    origin: Origin,
    bus: EventBus | None,
    field: str = "url",
) -> tuple[Asset, bool]:
    """Download `url` (http/https, size-capped, private addresses refused unless allowed)."""
    if origin.workspace_id is not None:
        await _check_workspace(session, user, origin.workspace_id)
    writer = await fetch.download(
        url,
        asset_service.store_for(settings),
        max_bytes=settings.max_upload_bytes,
        timeout_s=settings.provider_timeout_s,
        policy=outbound.policy(settings),
        field=field,
    )
    origin.original_source_url = url
    return await add_file(
        session, settings, user=user, writer=writer, origin=origin, bus=bus, field=field
    )


async def _check_workspace(session: AsyncSession, user: User, workspace_id: int) -> None:
    from pixsim7.workspaces import service as workspace_service

    await workspace_service.check_target(session, user, workspace_id)

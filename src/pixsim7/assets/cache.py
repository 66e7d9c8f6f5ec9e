"""The local media cache: evict least recently accessed originals past PIXSIM7_MEDIA_CACHE_GB
when they can be downloaded again, and bring them back on access.

A file is evicted only if some asset holding it has an original URL that answers *now*; a file
with no remote copy (an upload, an expired link) is never evicted. Thumbnails and previews
are small and always stay, so the gallery keeps working while originals are away. A restored
file must hash to the same sha256, or it is refused and that URL marked invalid.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors, outbound, tasks
from pixsim7.assets import fetch
from pixsim7.assets.models import Asset, UploadMethod
from pixsim7.assets.service import store_for
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.logging import get_logger

log = get_logger(__name__)
EVICTION_INTERVAL_S = 300.0


class FileUnavailable(errors.ServiceUnavailable):
    code = "asset_file_unavailable"


@dataclass
class EvictionReport:
    cached_bytes: int  # before
    evicted_files: int = 0
    freed_bytes: int = 0


def _policy(asset: Asset, settings: Settings) -> outbound.Policy:
    # A URL a person gave us is checked as at upload time; a provider's output URL is
    # where the provider serves its results, so its configured host counts (the file must
    # hash as before to be kept, so nothing else is learnt from it).
    rules = outbound.policy(settings)
    configured = outbound.configured_base(settings, asset.provider_id or "")
    if asset.upload_method == UploadMethod.URL.value or configured is None:
        return rules
    return rules.trusting(configured)


async def ensure_local(session: AsyncSession, settings: Settings, asset: Asset) -> Path:
    """The asset's local file, downloaded again first if it was evicted."""
    store = store_for(settings)
    path = store.path(asset.sha256)
    if not path.is_file():
        await _restore(session, settings, asset)
    if asset.evicted_at is not None:
        await session.execute(
            update(Asset).where(Asset.sha256 == asset.sha256).values(evicted_at=None)
        )
        await session.commit()
        await session.refresh(asset)
    return path


async def _restore(session: AsyncSession, settings: Settings, asset: Asset) -> None:
    sources = await session.scalars(
        select(Asset).where(
            Asset.sha256 == asset.sha256,
            Asset.remote_url_valid.is_(True),
            Asset.original_source_url.is_not(None),
        )
    )
    for source in sources:
        assert source.original_source_url is not None
        try:
            writer = await fetch.download(
                source.original_source_url,
                store_for(settings),
                max_bytes=max(asset.file_size_bytes, 1),
                timeout_s=settings.provider_timeout_s,
                policy=_policy(source, settings),
            )
        except errors.AppError as exc:
            log.warning("asset.restore_failed", asset_id=source.id, error=exc.message)
            source.remote_url_valid = False
            continue
        if writer.finish() != asset.sha256:
            writer.discard()
            log.warning("asset.restore_mismatch", asset_id=source.id)
            source.remote_url_valid = False
            continue
        writer.commit()
        return
    await session.commit()
    raise FileUnavailable("the file is not stored here and its original cannot be downloaded")


async def url_answers(url: str, *, policy: outbound.Policy, timeout_s: float) -> bool:
    """Whether `url` still serves content (first byte only)."""
    try:
        fetch.check_scheme(url)
        async with httpx.AsyncClient(
            timeout=timeout_s, follow_redirects=True, transport=outbound.transport(policy)
        ) as client:
            response = await client.get(url, headers={"Range": "bytes=0-0"})
    except (errors.AppError, httpx.HTTPError, outbound.Refused):
        return False
    return response.status_code in (200, 206)


async def run_eviction(db: Database, settings: Settings) -> EvictionReport:
    """Evict least recently accessed restorable originals until the cache fits its limit."""
    limit = int(settings.media_cache_gb * 1024**3)
    store = store_for(settings)
    async with db.session() as session:
        last = func.max(func.coalesce(Asset.last_accessed_at, Asset.created_at))
        restorable = func.max(
            case((Asset.remote_url_valid.is_(True), 1), else_=0)  # any copy with a live URL
        )
        groups = (
            await session.execute(
                select(Asset.sha256, func.max(Asset.file_size_bytes), last, restorable)
                .where(Asset.evicted_at.is_(None))
                .group_by(Asset.sha256)
                .order_by(last)
            )
        ).all()
        report = EvictionReport(cached_bytes=sum(int(g[1]) for g in groups))
        total = report.cached_bytes
        for sha, size, _, can_restore in groups:
            if total <= limit:
                break
            if not can_restore or not await _still_downloadable(session, settings, sha):
                continue
            store.delete(sha)
            await session.execute(
                update(Asset).where(Asset.sha256 == sha).values(evicted_at=clock.now())
            )
            await session.commit()
            total -= int(size)
            report.evicted_files += 1
            report.freed_bytes += int(size)
        await session.commit()
    if report.evicted_files:
        log.info("asset.eviction", files=report.evicted_files, freed_bytes=report.freed_bytes)
    return report


async def _still_downloadable(session: AsyncSession, settings: Settings, sha256: str) -> bool:
    sources = await session.scalars(
        select(Asset).where(Asset.sha256 == sha256, Asset.remote_url_valid.is_(True))
    )
    for source in sources:
        url = source.original_source_url
        rules = _policy(source, settings)
        if url and await url_answers(url, policy=rules, timeout_s=10.0):
            return True
        source.remote_url_valid = False
    return False


@contextlib.asynccontextmanager
async def eviction_task(app: FastAPI) -> AsyncIterator[None]:
    """Background hook for `create_app(background=[...])`: run eviction every few minutes."""
    state = app.state
    loop = tasks.every(
        EVICTION_INTERVAL_S,
        lambda: run_eviction(state.db, state.settings),
        "asset.eviction_failed",
    )
    async with tasks.running(loop, "cache-eviction"):
        yield

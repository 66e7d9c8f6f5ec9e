"""The asset library: find, read, change and delete a user's assets.

Ownership is checked here, on single ids and on sets of ids; a missing asset and another
user's asset answer the same NotFound so existence never leaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.assets import search
from pixsim7.assets.graph_models import AssetLineage
from pixsim7.assets.models import Asset, AssetTag
from pixsim7.assets.schemas import AssetFilters, AssetRead, AssetUpdate
from pixsim7.config import Settings
from pixsim7.events import EventBus, emit_each
from pixsim7.jobs.models import Job
from pixsim7.storage import LocalStore
from pixsim7.users.models import User

# Touching last_accessed_at on every range request would be a write per video chunk.
ACCESS_RESOLUTION = dt.timedelta(minutes=10)


class AssetNotFound(errors.NotFound):
    code = "asset_not_found"


def store_for(settings: Settings) -> LocalStore:
    return LocalStore(settings.media_dir)


async def get_owned(
    session: AsyncSession, user: User, asset_id: int, *, lock: bool = False
) -> Asset:
    """The asset if `user` owns it, else AssetNotFound. `lock` holds its row until commit."""
    asset = await session.get(Asset, asset_id, with_for_update=lock)
    if asset is None or asset.owner_id != user.id:
        raise AssetNotFound("asset not found")
    return asset


async def get_owned_many(
    session: AsyncSession, owner_id: int, asset_ids: Iterable[int]
) -> dict[int, Asset]:
    """The assets among `asset_ids` that `owner_id` owns, by id (one query for the set)."""
    ids = set(asset_ids)
    if not ids:
        return {}
    rows = await session.scalars(select(Asset).where(Asset.id.in_(ids), Asset.owner_id == owner_id))
    return {a.id: a for a in rows}


def to_read(asset: Asset) -> AssetRead:
    base = f"/api/v1/assets/{asset.id}"
    values: dict[str, Any] = {
        c.key: getattr(asset, c.key) for c in Asset.__table__.columns if c.key in _READ_FIELDS
    }
    return AssetRead(
        **values,
        is_local=asset.evicted_at is None,
        file_url=f"{base}/file",
        thumbnail_url=f"{base}/thumbnail" if asset.thumbnail_at else None,
        preview_url=f"{base}/preview" if asset.preview_at else None,
    )


_READ_FIELDS = set(AssetRead.model_fields) - {
    "is_local",
    "file_url",
    "thumbnail_url",
    "preview_url",
}


def filtered(session: AsyncSession, user: User, f: AssetFilters) -> Select[Any]:
    """The user's assets matching the filters (the gallery's, the trash's, a selection's):
    the query the gallery's pages are read with, so a selection of "all matching" is what
    the gallery shows."""
    return search.matching(session, user.id, f)


async def list(
    session: AsyncSession, user: User, filters: AssetFilters, *, cursor: str | None, limit: int
) -> tuple[Sequence[Asset], str | None, int, bool]:
    """One page of the user's assets, the cursor of the next, how many match in all (up to
    `search.TOTAL_CAP`), and whether that total is exact."""
    return await search.find(session, user.id, filters, cursor=cursor, limit=limit)


async def set_tags(session: AsyncSession, asset: Asset, tags: Sequence[str]) -> None:
    """Write the tag list and its index rows. The asset must have an id (flushed)."""
    asset.tags = [*tags]
    await session.execute(sql_delete(AssetTag).where(AssetTag.asset_id == asset.id))
    session.add_all(AssetTag(asset_id=asset.id, tag=t, owner_id=asset.owner_id) for t in tags)


async def update(
    session: AsyncSession, user: User, asset_id: int, data: AssetUpdate, *, bus: EventBus
) -> Asset:
    from pixsim7.workspaces import service as workspace_service

    asset = await get_owned(session, user, asset_id)
    changes = data.model_dump(exclude_unset=True)
    await workspace_service.check_target(session, user, changes.get("workspace_id"))
    if "tags" in changes:
        await set_tags(session, asset, changes.pop("tags"))
    for name, value in changes.items():
        setattr(asset, name, value)
    asset.updated_at = clock.now()
    await session.commit()
    await emit(bus, "asset.updated", asset)
    return asset


async def storage_used(session: AsyncSession, owner_id: int) -> int:
    used = await session.scalar(
        select(func.coalesce(func.sum(Asset.file_size_bytes), 0)).where(Asset.owner_id == owner_id)
    )
    return int(used or 0)


async def touch(session: AsyncSession, asset: Asset) -> None:
    """Record an access (drives eviction order), at most once per ACCESS_RESOLUTION."""
    now = clock.now()
    if asset.last_accessed_at is None or now - asset.last_accessed_at > ACCESS_RESOLUTION:
        asset.last_accessed_at = now
        await session.commit()


async def lineage_summary(
    session: AsyncSession, asset_id: int
) -> tuple[Sequence[AssetLineage], int, int]:
    """Direct parents (edges into the asset), and how many parents and children it has."""
    parents = (
        await session.scalars(
            select(AssetLineage)
            .where(AssetLineage.child_asset_id == asset_id)
            .order_by(AssetLineage.sequence_order, AssetLineage.id)
        )
    ).all()
    children = await session.scalar(
        select(func.count()).where(AssetLineage.parent_asset_id == asset_id)
    )
    return parents, len(parents), int(children or 0)


async def source_job(session: AsyncSession, asset: Asset) -> Job | None:
    if asset.source_job_id is None:
        return None
    return await session.get(Job, asset.source_job_id)


async def account_nickname(session: AsyncSession, job: Job) -> str | None:
    """The nickname of the account the job ran on (none for a job not run yet)."""
    if job.account_id is None:
        return None
    from pixsim7.accounts.models import ProviderAccount

    return await session.scalar(
        select(ProviderAccount.nickname).where(ProviderAccount.id == job.account_id)
    )


# What an asset's event tells (`event_data`): these columns suffice, no need for the row.
EVENT_COLUMNS = (
    Asset.id,
    Asset.owner_id,
    Asset.media_type,
    Asset.provider_id,
    Asset.source_job_id,
    Asset.workspace_id,
)


def event_data(asset: Any) -> dict[str, Any]:
    """An asset's event data, from an Asset or a row of EVENT_COLUMNS."""
    return {
        "id": asset.id,
        "media_type": asset.media_type,
        "provider_id": asset.provider_id,
        "source_job_id": asset.source_job_id,
        "workspace_id": asset.workspace_id,
    }


async def emit(bus: EventBus | None, kind: str, asset: Asset) -> None:
    if bus is None:
        return
    await bus.emit(kind, event_data(asset), user_id=asset.owner_id)


async def emit_many(bus: EventBus | None, kind: str, assets: Sequence[Any], **changed: Any) -> None:
    """`kind` for each of these assets (Assets or rows of EVENT_COLUMNS), with the values
    `changed` says they now have; past events.BATCH_THRESHOLD, one "asset.batch" instead."""
    items = []
    for asset in assets:
        data = event_data(asset)
        data.update((k, v) for k, v in changed.items() if k in data)
        items.append((data, asset.owner_id))
    await emit_each(bus, kind, items)

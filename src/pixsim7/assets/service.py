"""The asset library: find, read, change and delete a user's assets.

Ownership is checked here, on single ids and on sets of ids; a missing asset and another
user's asset answer the same NotFound so existence never leaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.assets.graph_models import AssetLineage
from pixsim7.assets.models import Asset, AssetTag
from pixsim7.assets.schemas import AssetFilters, AssetRead, AssetUpdate, Sort
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.jobs.models import Job
from pixsim7.pagination import paginate
from pixsim7.storage import LocalStore
from pixsim7.users.models import User

# Touching last_accessed_at on every range request would be a write per video chunk.
ACCESS_RESOLUTION = dt.timedelta(minutes=10)


class AssetNotFound(errors.NotFound):
    code = "asset_not_found"


def store_for(settings: Settings) -> LocalStore:
    return LocalStore(settings.media_dir)


async def get_owned(session: AsyncSession, user: User, asset_id: int) -> Asset:
    asset = await session.get(Asset, asset_id)
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


def _filtered(user: User, f: AssetFilters) -> Select[Any]:
    stmt = select(Asset).where(Asset.owner_id == user.id)
    if f.media_type is not None:
        stmt = stmt.where(Asset.media_type == f.media_type.value)
    if f.provider_id is not None:
        stmt = stmt.where(Asset.provider_id == f.provider_id)
    if f.workspace_id is not None:
        stmt = stmt.where(Asset.workspace_id == f.workspace_id)
    if f.source_job_id is not None:
        stmt = stmt.where(Asset.source_job_id == f.source_job_id)
    if f.tag is not None:
        stmt = stmt.where(Asset.id.in_(select(AssetTag.asset_id).where(AssetTag.tag == f.tag)))
    if f.created_after is not None:
        stmt = stmt.where(Asset.created_at >= f.created_after)
    if f.created_before is not None:
        stmt = stmt.where(Asset.created_at < f.created_before)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Asset.prompt.ilike(pattern, escape="\\"),
                Asset.description.ilike(pattern, escape="\\"),
            )
        )
    return stmt


async def list(
    session: AsyncSession, user: User, filters: AssetFilters, *, cursor: str | None, limit: int
) -> tuple[Sequence[Asset], str | None, int]:
    """One page of the user's assets, the cursor of the next, and how many match in all."""
    stmt = _filtered(user, filters)
    total = await session.scalar(
        select(func.count()).select_from(stmt.with_only_columns(Asset.id).subquery())
    )
    rows, next_cursor = await paginate(
        session,
        stmt,
        id_column=Asset.id,
        cursor=cursor,
        limit=limit,
        descending=filters.sort == Sort.NEWEST,
    )
    return rows, next_cursor, int(total or 0)


async def set_tags(session: AsyncSession, asset: Asset, tags: Sequence[str]) -> None:
    """Write the tag list and its index rows. The asset must have an id (flushed)."""
    asset.tags = [*tags]
    await session.execute(sql_delete(AssetTag).where(AssetTag.asset_id == asset.id))
    session.add_all(AssetTag(asset_id=asset.id, tag=t) for t in tags)


async def update(
    session: AsyncSession, user: User, asset_id: int, data: AssetUpdate, *, bus: EventBus
) -> Asset:
    from pixsim7.workspaces import service as workspace_service

    asset = await get_owned(session, user, asset_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("workspace_id") is not None:
        try:
            await workspace_service.get_owned(session, user, changes["workspace_id"])
        except errors.NotFound as exc:
            raise errors.ValidationFailed(
                "workspace not found", fields={"workspace_id": "not found"}
            ) from exc
    for name in ("tags", "style_tags", "content_domain", "content_rating", "searchable"):
        if name in changes and changes[name] is None:
            raise errors.ValidationFailed(f"{name} cannot be null", fields={name: "required"})
    if "tags" in changes:
        await set_tags(session, asset, changes.pop("tags"))
    for name, value in changes.items():
        setattr(asset, name, value)
    asset.updated_at = clock.now()
    await session.commit()
    await emit(bus, "asset.updated", asset)
    return asset


async def delete(
    session: AsyncSession, user: User, asset_id: int, *, settings: Settings, bus: EventBus
) -> None:
    """Delete the asset; its file goes only when no other asset (of anyone) still uses it."""
    asset = await get_owned(session, user, asset_id)
    sha, owner_id = asset.sha256, asset.owner_id
    await session.delete(asset)
    await session.flush()
    still_used = await session.scalar(select(Asset.id).where(Asset.sha256 == sha).limit(1))
    await session.commit()
    if still_used is None:
        store = store_for(settings)
        store.delete(sha)
        store.delete_derived(sha)
    await bus.emit("asset.deleted", {"id": asset_id}, user_id=owner_id)


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


async def emit(bus: EventBus | None, kind: str, asset: Asset) -> None:
    if bus is None:
        return
    data = {
        "id": asset.id,
        "media_type": asset.media_type,
        "provider_id": asset.provider_id,
        "source_job_id": asset.source_job_id,
        "workspace_id": asset.workspace_id,
    }
    await bus.emit(kind, data, user_id=asset.owner_id)

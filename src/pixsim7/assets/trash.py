"""The trash: deleting an asset moves it here; from here it is restored, or deleted for good
when the trash is emptied, by hand or PIXSIM7_TRASH_DAYS after it was trashed.

A trashed asset keeps its row and its file: it is listed only in the trash, cannot be a
job's input, and still counts against the storage quota. Moving to the trash asks what
uses the asset (scenes, `usage`): refused with a 409 naming them, or with `force` they let
go of it then (restoring does not bring that back). A file goes only when the trash is
emptied of the last asset (of anyone, trashed or not) that uses it.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Sequence

from fastapi import FastAPI
from sqlalchemy import delete as sql_delete
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pixsim7 import clock, errors, tasks
from pixsim7.assets import service, usage
from pixsim7.assets.bulk import select_owned
from pixsim7.assets.models import Asset
from pixsim7.assets.schemas import AssetFilters, AssetSelection
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus, emit_each
from pixsim7.logging import get_logger
from pixsim7.users.models import User

log = get_logger(__name__)
EXPIRY_INTERVAL_S = 3600.0
CHUNK = 500  # assets deleted per transaction when the trash expires


class NotInTrash(errors.Conflict):
    code = "asset_not_in_trash"


async def trash(
    session: AsyncSession,
    user: User,
    selection: AssetSelection,
    *,
    force: bool,
    bus: EventBus,
) -> builtins.list[int]:
    """Move the selected assets to the trash (those already there stay as they are)."""
    assets = [a for a in await select_owned(session, user, selection) if a.trashed_at is None]
    # Held, like a deletion: a scene save that links one waits, then sees it trashed.
    await _lock(session, assets)
    announcements = await usage.release_many(session, assets, force=force)
    now = clock.now()
    await _stamp(session, assets, trashed_at=now, updated_at=now)
    await session.commit()
    for announce in announcements:
        await announce(bus)
    await service.emit_many(bus, "asset.trashed", assets)
    return [a.id for a in assets]


async def delete_one(
    session: AsyncSession,
    user: User,
    asset_id: int,
    *,
    force: bool,
    settings: Settings,
    bus: EventBus,
) -> None:
    """DELETE of one asset: to the trash, or for good when it is there already."""
    asset = await service.get_owned(session, user, asset_id, lock=True)
    if asset.trashed_at is None:
        await trash(session, user, AssetSelection(ids=[asset.id]), force=force, bus=bus)
    else:
        await purge(session, [asset], settings=settings, bus=bus)


async def restore(
    session: AsyncSession, user: User, selection: AssetSelection, *, bus: EventBus
) -> builtins.list[int]:
    """Take the selected assets out of the trash (those not in it stay as they are)."""
    assets = [a for a in await select_owned(session, user, selection, trashed=True) if a.trashed_at]
    await _stamp(session, assets, trashed_at=None, updated_at=clock.now())
    await session.commit()
    await service.emit_many(bus, "asset.restored", assets)
    return [a.id for a in assets]


async def delete(
    session: AsyncSession,
    user: User,
    selection: AssetSelection,
    *,
    settings: Settings,
    bus: EventBus,
) -> builtins.list[int]:
    """Delete trashed assets for good, all or none: one not in the trash makes it a 409."""
    assets = await select_owned(session, user, selection, trashed=True)
    kept = [a.id for a in assets if a.trashed_at is None]
    if kept:
        raise NotInTrash(
            "only assets in the trash can be deleted for good: nothing was deleted",
            fields={"ids": f"not in the trash: {', '.join(map(str, kept[:10]))}"},
            extra={"ids": kept},
        )
    return await purge(session, assets, settings=settings, bus=bus)


async def empty(
    session: AsyncSession, user: User, *, settings: Settings, bus: EventBus
) -> builtins.list[int]:
    """Everything in the user's trash, deleted for good."""
    deleted: builtins.list[int] = []
    while True:  # in chunks: a trash may hold more than one selection may
        rows = (
            await session.scalars(
                service.filtered(session, user, AssetFilters(trashed=True))
                .order_by(Asset.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return deleted
        deleted += await purge(session, rows, settings=settings, bus=bus)


async def purge(
    session: AsyncSession, assets: Sequence[Asset], *, settings: Settings, bus: EventBus
) -> builtins.list[int]:
    """Delete these assets' rows, then the files no asset uses any more. Commits."""
    if not assets:
        await session.commit()
        return []
    await _lock(session, assets)
    announcements = await usage.release_many(session, assets, force=True)
    ids = [a.id for a in assets]
    owners = {a.id: a.owner_id for a in assets}
    shas = {a.sha256 for a in assets}
    await session.execute(sql_delete(Asset).where(Asset.id.in_(ids)))
    still_used = set(
        (await session.scalars(select(Asset.sha256).where(Asset.sha256.in_(shas)))).all()
    )
    await session.commit()
    store = service.store_for(settings)
    for sha in shas - still_used:
        store.delete(sha)
        store.delete_derived(sha)
    for announce in announcements:
        await announce(bus)
    await emit_each(bus, "asset.deleted", [({"id": i}, owners[i]) for i in ids])
    return ids


async def expire(db: Database, settings: Settings, bus: EventBus) -> int:
    """Empty what has been in the trash longer than PIXSIM7_TRASH_DAYS (every user's)."""
    before = clock.now() - dt.timedelta(days=settings.trash_days)
    total = 0
    while True:
        async with db.session() as session:
            rows = (
                await session.scalars(
                    select(Asset)
                    .where(Asset.trashed_at.is_not(None), Asset.trashed_at < before)
                    .order_by(Asset.id)
                    .limit(CHUNK)
                )
            ).all()
            if not rows:
                break
            total += len(await purge(session, rows, settings=settings, bus=bus))
    if total:
        log.info("asset.trash_expired", assets=total)
    return total


@contextlib.asynccontextmanager
async def expiry_task(app: FastAPI) -> AsyncIterator[None]:
    """Background hook for `create_app(background=[...])`: empty expired trash hourly."""
    state = app.state
    loop = tasks.every(
        EXPIRY_INTERVAL_S,
        lambda: expire(state.db, state.settings, state.bus),
        "asset.trash_expiry_failed",
    )
    async with tasks.running(loop, "trash-expiry"):
        yield


async def _lock(session: AsyncSession, assets: Sequence[Asset]) -> None:
    """Hold the rows until the commit (PostgreSQL; SQLite's writer holds the database)."""
    ids = [a.id for a in assets]
    for start in range(0, len(ids), 1000):
        await session.execute(
            select(Asset.id).where(Asset.id.in_(ids[start : start + 1000])).with_for_update()
        )


async def _stamp(session: AsyncSession, assets: Sequence[Asset], **values: object) -> None:
    ids = [a.id for a in assets]
    for start in range(0, len(ids), 1000):
        await session.execute(
            update(Asset)
            .where(Asset.id.in_(ids[start : start + 1000]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for asset in assets:  # as the database has them now: nothing left for a flush to write
        for name, value in values.items():
            set_committed_value(asset, name, value)

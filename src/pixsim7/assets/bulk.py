"""Actions on many assets at once (the gallery's multi-select): tag, move, favourite.

Each is one transaction, all or none. A selection by ids must name only the user's assets
(else 404, as for one asset: existence never leaks); a selection by filter takes what the
filter matches, up to MAX_SELECTION. The trash has its own module (`trash`).

A selection may be 10,000 assets, so these read only the columns they need (no ORM
objects), write in set-based statements by chunks of ids, and past
events.BATCH_THRESHOLD announce the change in one event ("asset.batch").
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Row, Select, func, literal, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.assets import service
from pixsim7.assets.models import Asset, AssetTag
from pixsim7.assets.schemas import MAX_SELECTION, MAX_TAGS, AssetSelection
from pixsim7.db import insert_ignore_into, update_each
from pixsim7.events import EventBus
from pixsim7.users.models import User
from pixsim7.workspaces import service as workspaces_service

CHUNK = 1000  # ids in one statement's IN (...): bounds its parameters on both databases
# A tag list shared by fewer assets than this is written row by row (one executemany);
# by more, one UPDATE … WHERE id IN (…) per chunk.
SHARED = 20


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


async def _selection(
    session: AsyncSession, user: User, selection: AssetSelection, trashed: bool | None
) -> Select[Any]:
    """What the selection names, owner-checked (over MAX_SELECTION by filter: 422)."""
    if selection.ids is not None:
        return select(Asset).where(Asset.id.in_(set(selection.ids)), Asset.owner_id == user.id)
    assert selection.filter is not None
    chosen = selection.filter
    if trashed is not None:
        chosen = chosen.model_copy(update={"trashed": trashed})
    stmt = service.filtered(session, user, chosen)
    count = await session.scalar(
        select(func.count()).select_from(stmt.with_only_columns(Asset.id).subquery())
    )
    if (count or 0) > MAX_SELECTION:
        raise errors.ValidationFailed(
            "too many assets match",
            fields={"filter": f"{count} assets match; narrow it to {MAX_SELECTION} at most"},
        )
    return stmt


def _all_found(selection: AssetSelection, found: int) -> None:
    if selection.ids is not None and found != len(set(selection.ids)):
        raise service.AssetNotFound("asset not found")


async def select_owned(
    session: AsyncSession, user: User, selection: AssetSelection, *, trashed: bool | None = False
) -> builtins.list[Asset]:
    """The selected assets, in id order, read afresh. By filter, `trashed` overrides the
    filter's own (the trash's actions act on the trash); by ids, the caller decides what a
    trashed asset means for its action."""
    stmt = await _selection(session, user, selection, trashed)
    assets = builtins.list(
        (
            await session.scalars(stmt.order_by(Asset.id).execution_options(populate_existing=True))
        ).all()
    )
    _all_found(selection, len(assets))
    return assets


async def select_rows(
    session: AsyncSession,
    user: User,
    selection: AssetSelection,
    *columns: Any,
    trashed: bool | None = False,
) -> builtins.list[Row[Any]]:
    """As `select_owned`, only these columns (and service.EVENT_COLUMNS) of each."""
    stmt = await _selection(session, user, selection, trashed)
    rows = builtins.list(
        (
            await session.execute(
                stmt.with_only_columns(*service.EVENT_COLUMNS, *columns).order_by(Asset.id)
            )
        ).all()
    )
    _all_found(selection, len(rows))
    return rows


async def tag(
    session: AsyncSession,
    user: User,
    selection: AssetSelection,
    *,
    add: Sequence[str],
    remove: Sequence[str],
    bus: EventBus,
) -> builtins.list[int]:
    """Add and remove tags on every selected asset (at most MAX_TAGS on each, else 422)."""
    rows = await select_rows(session, user, selection, Asset.tags)
    gone = set(remove)
    changed: builtins.list[tuple[Row[Any], builtins.list[str]]] = []
    for row in rows:
        old = row.tags or []
        tags = [t for t in old if t not in gone]
        tags += [t for t in add if t not in tags]
        if len(tags) > MAX_TAGS:
            raise errors.ValidationFailed(
                "too many tags", fields={"add": f"asset {row.id} would have over {MAX_TAGS}"}
            )
        if tags != old:
            changed.append((row, tags))
    if changed:
        await _write_tags(session, changed, gone=gone, add=add)
    await session.commit()
    await service.emit_many(bus, "asset.updated", [row for row, _ in changed])
    return [row.id for row, _ in changed]


async def _write_tags(
    session: AsyncSession,
    changed: Sequence[tuple[Row[Any], builtins.list[str]]],
    *,
    gone: set[str],
    add: Sequence[str],
) -> None:
    """The new lists into the JSON column, and the tag table (asset_tags) to match."""
    now = clock.now()
    # Assets that end with the same list (all of a selection, often) share an UPDATE.
    shared: dict[str, tuple[builtins.list[str], builtins.list[int]]] = {}
    for row, tags in changed:
        shared.setdefault(json.dumps(tags), (tags, []))[1].append(row.id)
    apart: builtins.list[tuple[int, dict[str, Any]]] = []
    for tags, ids in shared.values():
        if len(ids) < SHARED:
            apart += [(id_, {"tags": tags, "updated_at": now}) for id_ in ids]
            continue
        for part in chunks(ids):
            await session.execute(
                update(Asset)
                .where(Asset.id.in_(part))
                .values(tags=tags, updated_at=now)
                .execution_options(synchronize_session=False)
            )
    await update_each(session, Asset.__table__, apart)  # type: ignore[arg-type]
    ids = [row.id for row, _ in changed]
    for part in chunks(ids):
        if gone:
            await session.execute(
                sql_delete(AssetTag).where(AssetTag.asset_id.in_(part), AssetTag.tag.in_(gone))
            )
        for name in add:  # (a row there already stays: ON CONFLICT DO NOTHING)
            rows = select(Asset.id, literal(name), Asset.owner_id).where(Asset.id.in_(part))
            await session.execute(
                insert_ignore_into(session, AssetTag).from_select(
                    ["asset_id", "tag", "owner_id"], rows
                )
            )


async def move(
    session: AsyncSession,
    user: User,
    selection: AssetSelection,
    workspace_id: int | None,
    *,
    bus: EventBus,
) -> builtins.list[int]:
    await workspaces_service.check_target(session, user, workspace_id)
    rows = await select_rows(session, user, selection)
    return await _set(session, bus, rows, workspace_id=workspace_id)


async def favorite(
    session: AsyncSession, user: User, selection: AssetSelection, value: bool, *, bus: EventBus
) -> builtins.list[int]:
    rows = await select_rows(session, user, selection)
    return await _set(session, bus, rows, favorite=value)


async def _set(
    session: AsyncSession, bus: EventBus, rows: Sequence[Row[Any]], **values: object
) -> builtins.list[int]:
    ids = [row.id for row in rows]
    now = clock.now()
    for part in chunks(ids):
        await session.execute(
            update(Asset)
            .where(Asset.id.in_(part))
            .values(**values, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    await service.emit_many(bus, "asset.updated", rows, **values)
    return ids

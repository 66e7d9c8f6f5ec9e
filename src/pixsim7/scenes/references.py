"""What a scene refers to: the facts validation needs (which of its assets and called scenes
the owner has, what those scenes call), and the link rows that make each reference a real
foreign key (scene_assets, scene_calls), kept equal to the graph on every save."""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pixsim7.assets.models import Asset, MediaType
from pixsim7.scenes.format import Graph, SceneCallNode, VideoNode
from pixsim7.scenes.models import Scene, SceneAsset, SceneCall
from pixsim7.scenes.validate import Facts, SceneFacts

# How many scenes a call chain may reach: past this, calls are not followed further (each
# level of the chain is one query).
MAX_REACHED = 500


def asset_ids(graph: Graph) -> set[int]:
    return {
        m.asset_id
        for n in graph.nodes
        if isinstance(n, VideoNode)
        for m in n.media
        if m.asset_id is not None
    }


def callee_ids(graph: Graph) -> set[int]:
    return {n.scene for n in graph.nodes if isinstance(n, SceneCallNode) and n.scene is not None}


async def facts(
    session: AsyncSession, owner_id: int, graph: Graph, *, scene_id: int | None
) -> Facts:
    wanted = asset_ids(graph)
    owned = (
        (
            await session.execute(
                select(Asset.id, Asset.media_type).where(
                    # A trashed asset is gone for scenes: none may link it again.
                    Asset.id.in_(wanted),
                    Asset.owner_id == owner_id,
                    Asset.trashed_at.is_(None),
                )
            )
        ).all()
        if wanted
        else []
    )
    return Facts(
        scene_id=scene_id,
        owned_assets=frozenset(row.id for row in owned),
        videos=frozenset(row.id for row in owned if row.media_type == MediaType.VIDEO.value),
        scenes=await _reached(session, owner_id, callee_ids(graph), skip=scene_id),
    )


async def _reached(
    session: AsyncSession, owner_id: int, start: Iterable[int], *, skip: int | None
) -> dict[int, SceneFacts]:
    """The owner's scenes reachable through calls from `start`, with what each calls.
    `skip` (the scene being saved) is not read: its new graph stands in for its row."""
    found: dict[int, SceneFacts] = {}
    frontier = set(start) - {skip}
    while frontier and len(found) < MAX_REACHED:
        rows = (
            await session.execute(
                select(Scene.id, Scene.params, Scene.has_return).where(
                    Scene.id.in_(frontier), Scene.owner_id == owner_id
                )
            )
        ).all()
        calls: dict[int, set[int]] = {row.id: set() for row in rows}
        if calls:
            links = await session.execute(
                select(SceneCall.scene_id, SceneCall.callee_id).where(SceneCall.scene_id.in_(calls))
            )
            for scene, callee in links.all():
                calls[scene].add(callee)
        for row in rows:
            found[row.id] = SceneFacts(
                params=frozenset(row.params),
                calls=frozenset(calls[row.id]),
                has_return=row.has_return,
            )
        frontier = {c for cs in calls.values() for c in cs} - set(found) - {skip}
    return found


class Gone(Exception):
    """An asset the save links was trashed after the save checked it."""


async def link(session: AsyncSession, scene_id: int, graph: Graph) -> None:
    """Make the link rows of `scene_id` those of `graph` (only the differences are written).

    Raises `Gone` if one of the assets was trashed since the save checked it: trashing keeps
    the row, so the foreign key does not catch that one. The rows are held (PostgreSQL) until
    the commit, so a trash coming later waits and then sees the link."""
    wanted = asset_ids(graph)
    await _sync(session, SceneAsset, SceneAsset.asset_id, scene_id, wanted)
    await _sync(session, SceneCall, SceneCall.callee_id, scene_id, callee_ids(graph))
    if wanted:
        held = await session.scalars(
            select(Asset.id)
            .where(Asset.id.in_(wanted), Asset.trashed_at.is_(None))
            .with_for_update(read=True, key_share=True)
        )
        if len(set(held)) < len(wanted):
            raise Gone


async def _sync(
    session: AsyncSession,
    table: type[SceneAsset | SceneCall],
    column: InstrumentedAttribute[int],
    scene_id: int,
    wanted: set[int],
) -> None:
    have = set(await session.scalars(select(column).where(table.scene_id == scene_id)))
    gone = have - wanted
    if gone:
        await session.execute(delete(table).where(table.scene_id == scene_id, column.in_(gone)))
    if wanted - have:
        session.add_all(table(scene_id=scene_id, **{column.key: i}) for i in sorted(wanted - have))


async def users_of_asset(session: AsyncSession, asset_id: int) -> list[Scene]:
    return list(
        await session.scalars(
            select(Scene)
            .join(SceneAsset, SceneAsset.scene_id == Scene.id)
            .where(SceneAsset.asset_id == asset_id)
            .order_by(Scene.id)
        )
    )


async def used_assets(session: AsyncSession, asset_ids: Sequence[int]) -> set[int]:
    """Which of these assets some scene plays."""
    rows = await session.scalars(
        select(SceneAsset.asset_id).where(SceneAsset.asset_id.in_(asset_ids)).distinct()
    )
    return set(rows)


async def callers_of(session: AsyncSession, scene_id: int) -> list[Scene]:
    return list(
        await session.scalars(
            select(Scene)
            .join(SceneCall, SceneCall.scene_id == Scene.id)
            .where(SceneCall.callee_id == scene_id, Scene.id != scene_id)
            .order_by(Scene.id)
        )
    )


def mark_missing(
    graph: dict[str, Any], *, assets: Set[int] = frozenset(), scenes: Set[int] = frozenset()
) -> bool:
    """Mark, in a stored graph, the media of `assets` and the calls of `scenes` as missing
    (`asset_id`/`scene` null, `missing` true). True if anything changed."""
    changed = False
    for node in graph["nodes"]:
        if node["type"] == "video":
            for media in node["media"]:
                if media["asset_id"] in assets:
                    media.update(asset_id=None, missing=True)
                    changed = True
        elif node["type"] == "scene_call" and node["scene"] in scenes:
            node.update(scene=None, missing=True)
            changed = True
    return changed

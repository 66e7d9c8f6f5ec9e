"""Lineage: which assets an asset was made from (ancestors) and what was made from it.

Edges are written automatically from a job's inputs when its output is ingested, and by hand
through the API. The graph walk is breadth-first, one query per level and direction, and only
ever crosses into the owner's own assets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.assets import service as asset_service
from pixsim7.assets.graph_models import AssetLineage
from pixsim7.assets.models import Asset
from pixsim7.db import insert_ignore
from pixsim7.users.models import User

MAX_DEPTH = 10
MAX_NODES = 500

# Job input roles -> lineage relation. Roles not listed keep their own name.
ROLE_RELATIONS = {
    "source_image": "source_image",
    "image": "source_image",
    "images": "transition_input",
    "source_video": "source_video",
    "video": "source_video",
    "subject": "fusion_subject",
    "background": "fusion_background",
}


async def add_job_edges(
    session: AsyncSession,
    *,
    child: Asset,
    job_id: int,
    operation: str,
    inputs: Sequence[tuple[str, int]],
) -> None:
    """Edges from a job's input assets (role, asset id), in input order, to its output.
    Idempotent: re-running for the same job adds nothing new."""
    order: dict[str, int] = {}
    for role, parent_id in inputs:
        seq = order.get(role, 0)
        order[role] = seq + 1
        await insert_ignore(
            session,
            AssetLineage,
            {
                "parent_asset_id": parent_id,
                "child_asset_id": child.id,
                "relation": ROLE_RELATIONS.get(role, role),
                "operation": operation,
                "sequence_order": seq,
                "source_job_id": job_id,
                "manual": False,
                "created_at": child.created_at,
                "updated_at": child.created_at,
            },
        )


async def add_manual(
    session: AsyncSession,
    user: User,
    *,
    parent_id: int,
    child_id: int,
    relation: str,
    operation: str | None,
    sequence_order: int,
) -> AssetLineage:
    if parent_id == child_id:
        raise errors.ValidationFailed(
            "an asset cannot be its own parent", fields={"parent_asset_id": "same as child"}
        )
    owned = await asset_service.get_owned_many(session, user.id, [parent_id, child_id])
    if child_id not in owned:
        raise asset_service.AssetNotFound("asset not found")
    if parent_id not in owned:
        raise errors.ValidationFailed(
            "parent asset not found", fields={"parent_asset_id": "not found"}
        )
    if child_id in await ancestors_or_self(session, parent_id):
        raise errors.ValidationFailed(
            "that edge would make a cycle", fields={"parent_asset_id": "would make a cycle"}
        )
    edge = AssetLineage(
        parent_asset_id=parent_id,
        child_asset_id=child_id,
        relation=relation,
        operation=operation,
        sequence_order=sequence_order,
        manual=True,
    )
    session.add(edge)
    try:
        await session.commit()
    except Exception as exc:  # unique (parent, child, relation, order)
        await session.rollback()
        raise errors.Conflict("that edge exists already") from exc
    return edge


async def delete_edge(session: AsyncSession, user: User, asset_id: int, edge_id: int) -> None:
    await asset_service.get_owned(session, user, asset_id)
    edge = await session.get(AssetLineage, edge_id)
    if edge is None or asset_id not in (edge.parent_asset_id, edge.child_asset_id):
        raise errors.NotFound("lineage edge not found", code="lineage_edge_not_found")
    await session.delete(edge)
    await session.commit()


async def ancestors_or_self(session: AsyncSession, asset_id: int) -> set[int]:
    seen, frontier = {asset_id}, {asset_id}
    while frontier and len(seen) < MAX_NODES * 4:
        parents = set(
            await session.scalars(
                select(AssetLineage.parent_asset_id).where(
                    AssetLineage.child_asset_id.in_(frontier)
                )
            )
        )
        frontier = parents - seen
        seen |= frontier
    return seen


async def graph(session: AsyncSession, user: User, asset_id: int, *, depth: int) -> dict[str, Any]:
    """Ancestors and descendants up to `depth` levels, as nodes and edges."""
    root = await asset_service.get_owned(session, user, asset_id)
    depth = max(1, min(depth, MAX_DEPTH))
    edges: dict[int, AssetLineage] = {}
    levels: dict[int, int] = {root.id: 0}
    for direction in (-1, 1):
        frontier = {root.id}
        for level in range(1, depth + 1):
            if not frontier or len(levels) >= MAX_NODES:
                break
            near, far = (
                (AssetLineage.child_asset_id, AssetLineage.parent_asset_id)
                if direction < 0
                else (AssetLineage.parent_asset_id, AssetLineage.child_asset_id)
            )
            found = (await session.scalars(select(AssetLineage).where(near.in_(frontier)))).all()
            nxt: set[int] = set()
            for edge in found:
                edges[edge.id] = edge
                other = getattr(edge, far.key)
                if other not in levels:
                    levels[other] = level * direction
                    nxt.add(other)
            frontier = nxt
    owned = await asset_service.get_owned_many(session, user.id, levels)
    nodes = [
        {"asset": asset_service.to_read(owned[i]), "level": lvl}
        for i, lvl in sorted(levels.items(), key=lambda kv: (kv[1], kv[0]))
        if i in owned
    ]
    kept = [e for e in edges.values() if e.parent_asset_id in owned and e.child_asset_id in owned]
    return {"root_id": root.id, "nodes": nodes, "edges": kept}

"""Bundles (format pixsim7.scene/1): a scene with every scene it calls and the media they
play, built for export and for play sessions, and imported back as new scenes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import errors
from pixsim7.assets.models import Asset
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.scenes import references, service
from pixsim7.scenes.format import FORMAT, MAX_BUNDLE_SCENES, BundleScene, Graph, dump
from pixsim7.scenes.models import Scene, SceneAsset, SceneCall
from pixsim7.scenes.schemas import SceneImport
from pixsim7.scenes.validate import BLOCKING, Problem
from pixsim7.users.models import User

# Where a player finds an asset's file and poster: API URLs, or paths inside an export.
Locate = Callable[[Asset], tuple[str, str | None]]


def api_urls(asset: Asset) -> tuple[str, str | None]:
    base = f"/api/v1/assets/{asset.id}"
    return f"{base}/file", f"{base}/thumbnail" if asset.thumbnail_at else None


async def gather(session: AsyncSession, root: Scene) -> list[Scene]:
    """The root and every scene of its owner it calls, directly or not, root first."""
    found = {root.id: root}
    frontier = {root.id}
    while frontier:
        called = set(
            await session.scalars(
                select(SceneCall.callee_id).where(SceneCall.scene_id.in_(frontier))
            )
        ) - set(found)
        rows = await session.scalars(
            select(Scene).where(Scene.id.in_(called), Scene.owner_id == root.owner_id)
        )
        frontier = set()
        for scene in rows:
            found[scene.id] = scene
            frontier.add(scene.id)
        if len(found) > MAX_BUNDLE_SCENES:
            raise errors.ValidationFailed(
                f"the scene calls more than {MAX_BUNDLE_SCENES - 1} scenes", code="bundle_too_big"
            )
    return [found[root.id], *sorted((s for i, s in found.items() if i != root.id), key=_id)]


def _id(scene: Scene) -> int:
    return scene.id


def scene_doc(scene: Scene) -> dict[str, Any]:
    return {
        "id": scene.id,
        "title": scene.title,
        "description": scene.description,
        "start": scene.start_node,
        **scene.graph,
    }


async def assets_of(session: AsyncSession, scenes: Sequence[Scene]) -> list[Asset]:
    ids = select(SceneAsset.asset_id).where(SceneAsset.scene_id.in_([s.id for s in scenes]))
    return list(await session.scalars(select(Asset).where(Asset.id.in_(ids)).order_by(Asset.id)))


async def build(
    session: AsyncSession, root: Scene, *, locate: Locate = api_urls
) -> tuple[dict[str, Any], list[Scene], list[Asset]]:
    """The bundle of `root` (normalized, as the engine reads it), its scenes and assets."""
    scenes = await gather(session, root)
    assets = await assets_of(session, scenes)
    entries = {}
    for asset in assets:
        src, poster = locate(asset)
        entries[str(asset.id)] = {
            "media_type": asset.media_type,
            "mime_type": asset.mime_type,
            "duration": asset.duration_sec,
            "width": asset.width,
            "height": asset.height,
            "src": src,
            "poster": poster,
        }
    bundle = {"format": FORMAT, "root": root.id, "scenes": [scene_doc(s) for s in scenes]}
    return {**bundle, "assets": entries}, scenes, assets


async def require_no_errors(session: AsyncSession, scenes: Sequence[Scene], what: str) -> None:
    """Refuse (422 with every scene's errors) unless the scenes validate without error."""
    found: list[dict[str, Any]] = []
    for scene in scenes:
        for problem in await service.problems_of(session, scene):
            if problem.severity == "error":
                found.append({**problem.as_dict(), "scene": scene.id})
    if found:
        raise service.SceneInvalid(
            f"a scene with errors cannot be {what}",
            fields={f"scenes.{p['scene']}": p["message"] for p in reversed(found)},
            extra={"problems": found},
        )


async def import_bundle(
    session: AsyncSession, user: User, data: SceneImport, *, settings: Settings, bus: EventBus
) -> tuple[Scene, dict[str, int], list[Problem]]:
    """Every scene of the bundle as a new scene of `user`, calls among them re-pointed at the
    new ids; all or nothing."""
    bundle = data.bundle
    ids = [s.id for s in bundle.scenes]
    if len(set(ids)) != len(ids):
        raise errors.ValidationFailed("scene ids repeat", fields={"bundle.scenes": "ids repeat"})
    if bundle.root not in ids:
        raise errors.ValidationFailed("root is not in scenes", fields={"bundle.root": "unknown"})
    await service.check_workspace(session, user, data.workspace_id)
    rows = {
        s.id: Scene(owner_id=user.id, workspace_id=data.workspace_id, title=s.title,
                    description=s.description, version=0, status="draft", graph={})
        for s in bundle.scenes
    }  # fmt: skip
    session.add_all(rows.values())
    await session.flush()
    new_ids = {old: row.id for old, row in rows.items()}
    graphs = {old: _repointed(scene_graph, new_ids) for old, scene_graph in _graphs(bundle.scenes)}
    root_problems: list[Problem] = []
    async with service.refusing_deleted(
        session, user.id, list(graphs.values()), created=set(new_ids.values())
    ):
        for old, graph in graphs.items():  # first every scene's calls, so validation sees them
            rows[old].has_return = any(n.type == "return" for n in graph.nodes)
            rows[old].params = sorted(graph.flags)
            await references.link(session, rows[old].id, graph)
        await session.flush()
        for old, graph in graphs.items():
            problems = await service.problems_of(session, rows[old], graph)
            blocking = [p for p in problems if p.code in BLOCKING]
            if blocking:
                service.refuse(f"scene {old} of the bundle cannot be imported", blocking)
            await service.store(session, rows[old], graph, problems, settings=settings)
            if old == bundle.root:
                root_problems = problems
        await session.commit()
    for row in rows.values():
        await service.emit(bus, "scene.created", row)
    return rows[bundle.root], {str(old): new for old, new in new_ids.items()}, root_problems


def _graphs(scenes: Sequence[BundleScene]) -> list[tuple[int, dict[str, Any]]]:
    return [(s.id, {k: v for k, v in dump(s).items() if k in service.GRAPH_FIELDS}) for s in scenes]


def _repointed(graph: dict[str, Any], new_ids: dict[int, int]) -> Graph:
    for node in graph["nodes"]:
        if node["type"] == "scene_call" and node["scene"] in new_ids:
            node["scene"] = new_ids[node["scene"]]
    return Graph.model_validate(graph)

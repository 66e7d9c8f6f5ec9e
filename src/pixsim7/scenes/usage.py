"""What happens to scenes when something they use is deleted: an asset (asked through
assets/usage.py) or a scene they call.

Without `force` the deletion is refused, 409 naming the scenes. With it, each node that
used the thing is marked missing (`asset_id: null, missing: true` on the media entry,
`scene: null, missing: true` on the call), in the scene and in its kept revisions, so a
restore cannot bring the reference back; each scene so changed gets a new version, goes back
to draft (it now has errors), and is announced as updated after the commit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.assets import usage as asset_usage
from pixsim7.assets.models import Asset
from pixsim7.events import EventBus
from pixsim7.scenes import references, service
from pixsim7.scenes.models import Scene, SceneAsset, SceneCall, SceneRevision
from pixsim7.users.models import User

Mark = Callable[[dict[str, Any]], bool]  # changes a stored graph; True if it did


class InUse(errors.Conflict):
    code = "in_use"


def install() -> None:
    """Make asset deletion ask the scenes first (once per process; idempotent)."""
    asset_usage.register(release_asset, used=references.used_assets)


async def release_asset(
    session: AsyncSession, asset: Asset, force: bool
) -> asset_usage.Announcement | None:
    scenes = await references.users_of_asset(session, asset.id)
    if not scenes:
        return None
    if not force:
        raise _in_use("asset_in_use", f"asset {asset.id} is played by", scenes)
    for scene in scenes:
        await _rewrite(session, scene, lambda g: references.mark_missing(g, assets={asset.id}))
    await session.execute(delete(SceneAsset).where(SceneAsset.asset_id == asset.id))
    return _announce(scenes)


async def delete_scene(
    session: AsyncSession, user: User, scene_id: int, *, force: bool, bus: EventBus
) -> None:
    scene = await service.get_owned(session, user, scene_id, lock=True)
    callers = await references.callers_of(session, scene.id)
    if callers and not force:
        raise _in_use("scene_in_use", f"scene {scene.id} is called by", callers)
    for caller in callers:
        await _rewrite(session, caller, lambda g: references.mark_missing(g, scenes={scene.id}))
    await session.execute(delete(SceneCall).where(SceneCall.callee_id == scene.id))
    await session.delete(scene)
    await session.commit()
    await _announce(callers)(bus)
    await bus.emit("scene.deleted", {"id": scene.id}, user_id=scene.owner_id)


def _in_use(code: str, what: str, scenes: Sequence[Scene]) -> InUse:
    names = ", ".join(f"{s.id} ({s.title})" for s in scenes)
    return InUse(
        f"{what} scene{'s' if len(scenes) > 1 else ''} {names}; delete with force=true to "
        "mark them as missing it",
        code=code,
        extra={"scenes": [{"id": s.id, "title": s.title} for s in scenes]},
    )


def _announce(scenes: Sequence[Scene]) -> asset_usage.Announcement:
    async def announce(bus: EventBus) -> None:
        for scene in scenes:
            await service.emit(bus, "scene.updated", scene)

    return announce


async def _rewrite(session: AsyncSession, scene: Scene, mark: Mark) -> None:
    graph = copy.deepcopy(scene.graph)
    if mark(graph):
        scene.graph = graph
        scene.version += 1
        scene.updated_at = clock.now()
        scene.status, scene.published_at = "draft", None
        graph_now = service.graph_of(scene)
        service.summarize(scene, graph_now, await service.problems_of(session, scene, graph_now))
        service.add_revision(session, scene)
    kept = await session.scalars(select(SceneRevision).where(SceneRevision.scene_id == scene.id))
    for revision in kept:
        old = copy.deepcopy(revision.graph)
        if mark(old):
            revision.graph = old

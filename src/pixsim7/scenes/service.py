"""Scenes: an owner's branching videos, saved whole with optimistic concurrency and
validated on every save, with their newest revisions kept for restoring.

A save checks the graph and its references (validate.py, with facts from references.py):
a graph that is not a graph, or a reference to an asset or scene the owner does not have,
is refused with the problem list and nothing is written; any other problem is saved with
the draft, and errors keep the scene from being published (a published scene saved with
errors goes back to draft).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Sequence, Set
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeAlias

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.pagination import paginate
from pixsim7.scenes import references
from pixsim7.scenes.format import Graph, dump
from pixsim7.scenes.models import Scene, SceneRevision
from pixsim7.scenes.schemas import SceneCreate, SceneUpdate
from pixsim7.scenes.validate import (
    BLOCKING,
    STRUCTURAL,
    Facts,
    Problem,
    SceneFacts,
    has_errors,
    validate,
)
from pixsim7.users.models import User

GRAPH_FIELDS = ("start", "flags", "nodes", "edges")
Problems: TypeAlias = list[Problem]  # spelled before `list` below takes the name


class SceneNotFound(errors.NotFound):
    code = "scene_not_found"


class SceneInvalid(errors.ValidationFailed):
    code = "scene_invalid"


class StaleVersion(errors.Conflict):
    code = "version_conflict"


async def get_owned(
    session: AsyncSession, user: User, scene_id: int, *, lock: bool = False
) -> Scene:
    """The scene if `user` owns it, else SceneNotFound (existence is not leaked). `lock`
    holds the row until commit, so two saves of one version cannot both pass the check."""
    stmt = select(Scene).where(Scene.id == scene_id)
    scene = await session.scalar(stmt.with_for_update() if lock else stmt)
    if scene is None or scene.owner_id != user.id:
        raise SceneNotFound("scene not found")
    return scene


def graph_of(scene: Scene) -> Graph:
    return Graph.model_validate({"start": scene.start_node, **scene.graph})


async def problems_of(session: AsyncSession, scene: Scene, graph: Graph | None = None) -> Problems:
    graph = graph or graph_of(scene)
    facts = await references.facts(session, scene.owner_id, graph, scene_id=scene.id)
    return validate(graph, facts)


def refuse(message: str, problems: Sequence[Problem], *, code: str = "scene_invalid") -> NoReturn:
    """A 422 carrying the problems: fields for generic clients, the list for editors."""
    fields: dict[str, str] = {}
    for p in problems:
        where = f"nodes.{p.node}" if p.node else f"edges.{p.edge}" if p.edge else "graph"
        fields.setdefault(where, p.message)
    raise SceneInvalid(
        message, fields=fields, code=code, extra={"problems": [p.as_dict() for p in problems]}
    )


def _refuse_blocking(problems: Problems) -> None:
    blocking = [p for p in problems if p.code in BLOCKING]
    if blocking:
        refuse("the scene cannot be saved as it is", blocking)


@asynccontextmanager
async def refusing_deleted(
    session: AsyncSession,
    owner_id: int,
    graphs: Sequence[Graph],
    *,
    created: Set[int] = frozenset(),
) -> AsyncIterator[None]:
    """Around the writes of a save whose references were checked: an asset or called scene
    deleted or trashed since the check (committed in between, on PostgreSQL) meets the
    link rows' foreign key or `references.link`'s check; that is the 422 a save a moment
    later gets, naming what went.
    `created`: the scenes this transaction makes (an import), gone with its rollback."""
    try:
        yield
    except (IntegrityError, references.Gone):
        await session.rollback()  # expires every row: `owner_id` is read before
        names: dict[str, None] = {}  # in order, once each
        problems: Problems = []
        for graph in graphs:
            found = await references.facts(session, owner_id, graph, scene_id=None)
            scenes = {**found.scenes, **{c: SceneFacts() for c in created}}
            gone_assets = references.asset_ids(graph) - found.owned_assets
            names |= dict.fromkeys(f"asset {i}" for i in sorted(gone_assets))
            gone_scenes = references.callee_ids(graph) - set(scenes)
            names |= dict.fromkeys(f"scene {i}" for i in sorted(gone_scenes))
            facts = Facts(owned_assets=found.owned_assets, scenes=scenes)
            problems += [p for p in validate(graph, facts) if p.code in BLOCKING - STRUCTURAL]
        if not problems:
            raise
        refuse(f"deleted while the scene was saved: {', '.join(names)}", problems)


async def list(
    session: AsyncSession,
    user: User,
    *,
    cursor: str | None,
    limit: int,
    workspace_id: int | None = None,
    status: str | None = None,
) -> tuple[Sequence[Scene], str | None]:
    stmt = select(Scene).where(Scene.owner_id == user.id)
    if workspace_id is not None:
        from pixsim7.workspaces import service as workspace_service

        stmt = stmt.where(Scene.workspace_id.in_(workspace_service.subtree(user.id, workspace_id)))
    if status is not None:
        stmt = stmt.where(Scene.status == status)
    return await paginate(session, stmt, id_column=Scene.id, cursor=cursor, limit=limit)


async def create(
    session: AsyncSession, user: User, data: SceneCreate, *, settings: Settings, bus: EventBus
) -> tuple[Scene, Problems]:
    await check_workspace(session, user, data.workspace_id)
    # The parsed nodes and edges go in as they are (Pydantic does not validate them again).
    graph = Graph.model_validate({k: getattr(data, k) for k in GRAPH_FIELDS})
    problems = validate(graph, await references.facts(session, user.id, graph, scene_id=None))
    _refuse_blocking(problems)
    scene = Scene(
        owner_id=user.id,
        workspace_id=data.workspace_id,
        title=data.title,
        description=data.description,
        version=0,
        status="draft",
        layout=data.layout.model_dump() if data.layout else None,
    )
    async with refusing_deleted(session, user.id, [graph]):
        session.add(scene)
        await store(session, scene, graph, problems, settings=settings)
        await session.commit()
    await emit(bus, "scene.created", scene)
    return scene, problems


async def update(
    session: AsyncSession,
    user: User,
    scene_id: int,
    data: SceneUpdate,
    *,
    settings: Settings,
    bus: EventBus,
) -> tuple[Scene, Problems]:
    scene = await get_owned(session, user, scene_id, lock=True)
    _check_version(scene, data.version)
    changes = {k: getattr(data, k) for k in data.model_fields_set}
    if "title" in changes and changes["title"] is None:
        raise errors.ValidationFailed("title cannot be empty", fields={"title": "required"})
    if changes.get("workspace_id") is not None:
        await check_workspace(session, user, changes["workspace_id"])
    for name in ("title", "description", "workspace_id"):
        if name in changes:
            setattr(scene, name, changes[name])
    if data.layout is not None:
        scene.layout = data.layout.model_dump()
    current = {"start": scene.start_node, **scene.graph}
    given = {
        k: v for k, v in changes.items() if k in GRAPH_FIELDS and (v is not None or k == "start")
    }
    graph = Graph.model_validate({**current, **given})
    problems = await problems_of(session, scene, graph)
    _refuse_blocking(problems)
    async with refusing_deleted(session, user.id, [graph]):
        await store(session, scene, graph, problems, settings=settings)
        await session.commit()
    await emit(bus, "scene.updated", scene)
    return scene, problems


async def restore(
    session: AsyncSession,
    user: User,
    scene_id: int,
    version: int,
    *,
    current: int,
    settings: Settings,
    bus: EventBus,
) -> tuple[Scene, Problems]:
    """Save an earlier revision again, as the newest version."""
    scene = await get_owned(session, user, scene_id, lock=True)
    _check_version(scene, current)
    revision = await session.scalar(
        select(SceneRevision).where(
            SceneRevision.scene_id == scene.id, SceneRevision.version == version
        )
    )
    if revision is None:
        raise errors.NotFound(f"no revision {version} of this scene", code="revision_not_found")
    scene.title, scene.description = revision.title, revision.description
    graph = await _still_there(session, scene, {"start": revision.start_node, **revision.graph})
    problems = await problems_of(session, scene, graph)
    _refuse_blocking(problems)
    async with refusing_deleted(session, user.id, [graph]):
        await store(session, scene, graph, problems, settings=settings)
        await session.commit()
    await emit(bus, "scene.updated", scene)
    return scene, problems


async def _still_there(session: AsyncSession, scene: Scene, doc: dict[str, Any]) -> Graph:
    """A revision's graph with what has gone since (assets, called scenes) marked missing:
    the owner's own references then, so any not found now was deleted."""
    graph = Graph.model_validate(doc)
    facts = await references.facts(session, scene.owner_id, graph, scene_id=scene.id)
    gone_assets = references.asset_ids(graph) - facts.owned_assets
    gone_scenes = references.callee_ids(graph) - set(facts.scenes) - {scene.id}
    if not (gone_assets or gone_scenes):
        return graph
    doc = copy.deepcopy(doc)
    references.mark_missing(doc, assets=gone_assets, scenes=gone_scenes)
    return Graph.model_validate(doc)


async def revisions(session: AsyncSession, user: User, scene_id: int) -> Sequence[SceneRevision]:
    scene = await get_owned(session, user, scene_id)
    return (
        await session.scalars(
            select(SceneRevision)
            .where(SceneRevision.scene_id == scene.id)
            .order_by(SceneRevision.version.desc())
        )
    ).all()


async def publish(
    session: AsyncSession, user: User, scene_id: int, *, bus: EventBus
) -> tuple[Scene, Problems]:
    scene = await get_owned(session, user, scene_id, lock=True)
    problems = await problems_of(session, scene)
    if has_errors(problems):
        refuse(
            "a scene with errors cannot be published",
            [p for p in problems if p.severity == "error"],
        )
    if scene.status != "published":
        scene.status, scene.published_at = "published", clock.now()
        await session.commit()
        await emit(bus, "scene.updated", scene)
    return scene, problems


async def store(
    session: AsyncSession,
    scene: Scene,
    graph: Graph,
    problems: Problems,
    *,
    settings: Settings,
) -> None:
    """Write the graph, its link rows and a revision (pruned to the newest kept)."""
    doc = dump(graph)
    scene.start_node = doc.pop("start")
    scene.graph = doc
    scene.version += 1
    scene.node_count = len(graph.nodes)
    scene.has_return = any(n.type == "return" for n in graph.nodes)
    scene.params = sorted(graph.flags)
    scene.updated_at = clock.now()
    summarize(scene, graph, problems)
    if scene.status == "published" and has_errors(problems):
        scene.status, scene.published_at = "draft", None
    await session.flush()
    await references.link(session, scene.id, graph)
    add_revision(session, scene)
    await session.execute(
        sql_delete(SceneRevision).where(
            SceneRevision.scene_id == scene.id,
            SceneRevision.version <= scene.version - settings.scene_revisions_kept,
        )
    )


def summarize(scene: Scene, graph: Graph, problems: Problems) -> None:
    """What the scene list shows without reading graphs: problem counts and a poster."""
    scene.error_count = sum(p.severity == "error" for p in problems)
    scene.warning_count = len(problems) - scene.error_count
    scene.poster_asset_id = poster_of(graph)


def poster_of(graph: Graph) -> int | None:
    """The first clip the start node plays, else the first clip of any video node."""
    videos = [n for n in graph.nodes if n.type == "video"]
    videos.sort(key=lambda n: n.id != graph.start)  # the start first, the rest in order
    for node in videos:
        for media in node.media:
            if media.asset_id is not None and not media.missing:
                return media.asset_id
    return None


def add_revision(session: AsyncSession, scene: Scene) -> None:
    # The graph dict is shared, not copied (a deep copy of 2,000 nodes cost more than the
    # rest of the save): stored graphs are replaced whole, never changed in place.
    session.add(
        SceneRevision(
            scene_id=scene.id,
            version=scene.version,
            title=scene.title,
            description=scene.description,
            start_node=scene.start_node,
            graph=scene.graph,
            node_count=scene.node_count,
        )
    )


def _check_version(scene: Scene, version: int) -> None:
    if version != scene.version:
        raise StaleVersion(
            f"the scene changed: its version is now {scene.version}",
            fields={"version": "stale"},
            extra={"current_version": scene.version},
        )


async def check_workspace(session: AsyncSession, user: User, workspace_id: int | None) -> None:
    from pixsim7.workspaces import service as workspace_service

    await workspace_service.check_target(session, user, workspace_id)


async def emit(bus: EventBus | None, kind: str, scene: Scene) -> None:
    if bus is None:
        return
    data: dict[str, Any] = {
        "id": scene.id,
        "title": scene.title,
        "version": scene.version,
        "status": scene.status,
        "workspace_id": scene.workspace_id,
    }
    await bus.emit(kind, data, user_id=scene.owner_id)

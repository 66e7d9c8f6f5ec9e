"""Generation into a scene's node: a job asked for from a video node, whose clip is added to
that node when the job completes.

The link is a row (`SceneFill`) written in the transaction that queues the jobs, so it holds
through a closed browser and a server restart. Workers settle fills (`settle`): woken by a
job's end, and on a tick for what an event missed (a worker that died before announcing).
A completed job's asset is appended to the node's clips and the scene saved as a new
version, so open editors hear `scene.updated` and merge it; a failed or cancelled job, or a
node deleted meanwhile, leaves the scene as it was and the fill says why. A fill leaves
`waiting` once: the state is claimed with a conditional update before the scene is touched.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors
from pixsim7.config import Settings
from pixsim7.events import EventBus
from pixsim7.jobs import service as jobs_service
from pixsim7.jobs.models import Job
from pixsim7.jobs.states import TERMINAL, JobStatus
from pixsim7.providers.registry import Registry
from pixsim7.scenes import service
from pixsim7.scenes.format import Graph
from pixsim7.scenes.models import Scene, SceneFill
from pixsim7.scenes.schemas import FillBatch
from pixsim7.scenes.validate import BLOCKING
from pixsim7.users.models import User

WAITING, ATTACHED, FAILED, GONE = "waiting", "attached", "failed", "gone"
FILL_STATES = (WAITING, ATTACHED, FAILED, GONE)
RECENT = 200  # settled fills listed with the waiting ones
MAX_MEDIA = 50  # clips a video node may hold (format.py)


async def create(
    session: AsyncSession,
    user: User,
    scene_id: int,
    data: FillBatch,
    *,
    registry: Registry,
    settings: Settings,
    bus: EventBus,
) -> list[tuple[SceneFill, Job]]:
    """Queue one job per fill, all or none, each linked to the video node it fills."""
    scene = await service.get_owned(session, user, scene_id)
    nodes = {n["id"]: n for n in scene.graph.get("nodes", [])}
    for place, fill in enumerate(data.fills):
        node = nodes.get(fill.node)
        if node is None or node["type"] != "video":
            what = "no such node" if node is None else "only a video node takes a clip"
            raise errors.ValidationFailed(what, fields={f"fills.{place}.node": what})
    links: list[SceneFill] = []

    async def link(tx: AsyncSession, jobs: list[Job]) -> None:
        for fill, job in zip(data.fills, jobs, strict=True):
            links.append(
                SceneFill(owner_id=user.id, scene_id=scene.id, node_id=fill.node, job_id=job.id)
            )
        tx.add_all(links)

    try:
        jobs = await jobs_service.create_many(
            session,
            user,
            [f.job for f in data.fills],
            registry=registry,
            settings=settings,
            bus=bus,
            link=link,
        )
    except errors.ValidationFailed as exc:
        # jobs.<n>.<field> is the job of fills.<n>.
        exc.fields = {_fill_field(k): v for k, v in exc.fields.items()}
        raise
    return list(zip(links, jobs, strict=True))


def _fill_field(name: str) -> str:
    head, _, rest = name.partition(".")
    place, _, field = rest.partition(".")
    return f"fills.{place}.job.{field}" if head == "jobs" and place.isdigit() else name


async def recent(
    session: AsyncSession, user: User, scene_id: int
) -> Sequence[tuple[SceneFill, Job]]:
    """The scene's waiting fills and the newest settled ones, newest first."""
    scene = await service.get_owned(session, user, scene_id)
    rows = await session.execute(
        select(SceneFill, Job)
        .join(Job, Job.id == SceneFill.job_id)
        .where(SceneFill.scene_id == scene.id)
        .order_by(SceneFill.id.desc())
        .limit(RECENT)
    )
    return [(fill, job) for fill, job in rows]


async def settle(
    session: AsyncSession, *, settings: Settings, bus: EventBus | None, limit: int = 50
) -> int:
    """Deal with fills whose job has ended; returns how many were settled."""
    due = (
        await session.execute(
            select(SceneFill, Job)
            .join(Job, Job.id == SceneFill.job_id)
            .where(SceneFill.state == WAITING, Job.status.in_([s.value for s in TERMINAL]))
            .order_by(SceneFill.id)
            .limit(limit)
        )
    ).all()
    by_scene: dict[int, list[tuple[SceneFill, Job]]] = defaultdict(list)
    for fill, job in due:
        by_scene[fill.scene_id].append((fill, job))
    settled: list[SceneFill] = []
    changed: list[Scene] = []
    for scene_id in sorted(by_scene):  # scenes locked in one order: no deadlock
        scene = await session.scalar(select(Scene).where(Scene.id == scene_id).with_for_update())
        mine = [(f, j) for f, j in by_scene[scene_id] if await _claim(session, f)]
        if scene is None or not mine:
            continue
        if await _attach(session, scene, mine, settings=settings):
            changed.append(scene)
        settled += [f for f, _ in mine]
    await session.commit()
    for scene in changed:
        await service.emit(bus, "scene.updated", scene)
    for fill in settled:
        await _emit(bus, fill)
    return len(settled)


async def _claim(session: AsyncSession, fill: SceneFill) -> bool:
    """Only one settler takes a fill: the one whose update finds it still waiting."""
    result = await session.execute(
        update(SceneFill)
        .where(SceneFill.id == fill.id, SceneFill.state == WAITING)
        .values(state=FAILED, settled_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _attach(
    session: AsyncSession,
    scene: Scene,
    fills: list[tuple[SceneFill, Job]],
    *,
    settings: Settings,
) -> bool:
    """Each completed job's clip into its node; returns whether the scene changed."""
    doc: dict[str, Any] = {"start": scene.start_node, **copy.deepcopy(scene.graph)}
    nodes = {n["id"]: n for n in doc.get("nodes", [])}
    attached: list[SceneFill] = []
    for fill, job in fills:
        node = nodes.get(fill.node_id)
        fill.settled_at = clock.now()
        if job.status != JobStatus.COMPLETED.value or job.asset_id is None:
            fill.state = FAILED
            fill.message = job.error_message or f"the job was {job.status}"
        elif node is None or node["type"] != "video":
            fill.state = GONE
            fill.message = "the node was deleted or changed type before the clip arrived"
        elif len(node.get("media", [])) >= MAX_MEDIA:
            fill.state = FAILED
            fill.message = f"the node already has {MAX_MEDIA} clips"
        else:
            node.setdefault("media", []).append({"asset_id": job.asset_id})
            fill.state, fill.message = ATTACHED, None
            attached.append(fill)
    if not attached:
        return False
    graph = Graph.model_validate(doc)
    problems = await service.problems_of(session, scene, graph)
    if any(p.code in BLOCKING for p in problems):
        # The clip went meanwhile (deleted with force): the scene stays as it was.
        for fill in attached:
            fill.state, fill.message = FAILED, "the generated clip is no longer in the library"
        return False
    await service.store(session, scene, graph, problems, settings=settings)
    return True


async def _emit(bus: EventBus | None, fill: SceneFill) -> None:
    if bus is None:
        return
    data = {
        "id": fill.id,
        "scene_id": fill.scene_id,
        "node": fill.node_id,
        "job_id": fill.job_id,
        "state": fill.state,
    }
    await bus.emit("scene_fill.updated", data, user_id=fill.owner_id)

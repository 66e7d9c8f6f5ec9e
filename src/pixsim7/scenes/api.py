"""HTTP routes of scenes (/scenes) and play sessions (/plays)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, RegistryDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text
from pixsim7.jobs.models import Job
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT
from pixsim7.scenes import bundles, export, fills, plays, service, usage
from pixsim7.scenes.format import Bundle
from pixsim7.scenes.models import PlaySession, Scene, SceneFill
from pixsim7.scenes.schemas import (
    FillBatch,
    FillList,
    FillRead,
    ImportResult,
    PlayCreate,
    PlayDetail,
    PlayPage,
    PlayRead,
    PlayUpdate,
    ProblemRead,
    Restore,
    RevisionList,
    RevisionRead,
    SceneCreate,
    SceneImport,
    ScenePage,
    SceneRead,
    SceneSummary,
    SceneUpdate,
    ValidationReport,
)
from pixsim7.scenes.validate import Problem

router = APIRouter(prefix="/scenes", tags=["scenes"])
plays_router = APIRouter(prefix="/plays", tags=["scenes"])
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _read(scene: Scene, problems: list[Problem]) -> SceneRead:
    return SceneRead.model_validate(
        {
            **SceneSummary.model_validate(scene).model_dump(),
            "start": scene.start_node,
            **scene.graph,
            "layout": scene.layout or {},
            "problems": [p.as_dict() for p in problems],
        }
    )


@router.get("", response_model=ScenePage)
async def list_scenes(
    user: CurrentUser,
    session: SessionDep,
    workspace_id: Id | None = None,
    status: Literal["draft", "published"] | None = None,
    cursor: Text | None = None,
    limit: int = Limit,
) -> ScenePage:
    rows, next_cursor = await service.list(
        session, user, cursor=cursor, limit=limit, workspace_id=workspace_id, status=status
    )
    return ScenePage(items=[SceneSummary.model_validate(s) for s in rows], next_cursor=next_cursor)


@router.post("", response_model=SceneRead, status_code=status.HTTP_201_CREATED)
async def create_scene(
    data: SceneCreate, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> SceneRead:
    return _read(*await service.create(session, user, data, settings=settings, bus=bus))


@router.post("/import", response_model=ImportResult, status_code=status.HTTP_201_CREATED)
async def import_scenes(
    data: SceneImport,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    bus: BusDep,
) -> ImportResult:
    scene, ids, problems = await bundles.import_bundle(
        session, user, data, settings=settings, bus=bus
    )
    return ImportResult(scene=_read(scene, problems), scene_ids=ids)


@router.get("/{scene_id}", response_model=SceneRead)
async def get_scene(scene_id: Id, user: CurrentUser, session: SessionDep) -> SceneRead:
    scene = await service.get_owned(session, user, scene_id)
    return _read(scene, await service.problems_of(session, scene))


@router.patch("/{scene_id}", response_model=SceneRead)
async def update_scene(
    scene_id: Id,
    data: SceneUpdate,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    bus: BusDep,
) -> SceneRead:
    return _read(*await service.update(session, user, scene_id, data, settings=settings, bus=bus))


@router.delete("/{scene_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_scene(
    scene_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep, force: bool = False
) -> None:
    """409 naming the scenes that call this one, unless `force` (their calls are then
    marked as missing their scene)."""
    await usage.delete_scene(session, user, scene_id, force=force, bus=bus)


@router.post("/{scene_id}/validate", response_model=ValidationReport)
async def validate_scene(scene_id: Id, user: CurrentUser, session: SessionDep) -> ValidationReport:
    scene = await service.get_owned(session, user, scene_id)
    problems = await service.problems_of(session, scene)
    return ValidationReport(
        problems=[ProblemRead(**p.as_dict()) for p in problems],
        errors=sum(p.severity == "error" for p in problems),
        warnings=sum(p.severity == "warning" for p in problems),
    )


@router.post("/{scene_id}/publish", response_model=SceneRead)
async def publish_scene(
    scene_id: Id, user: CurrentUser, session: SessionDep, bus: BusDep
) -> SceneRead:
    return _read(*await service.publish(session, user, scene_id, bus=bus))


@router.get("/{scene_id}/revisions", response_model=RevisionList)
async def list_revisions(scene_id: Id, user: CurrentUser, session: SessionDep) -> RevisionList:
    rows = await service.revisions(session, user, scene_id)
    return RevisionList(items=[RevisionRead.model_validate(r) for r in rows])


@router.post("/{scene_id}/revisions/{version}/restore", response_model=SceneRead)
async def restore_revision(
    scene_id: Id,
    version: Id,
    data: Restore,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    bus: BusDep,
) -> SceneRead:
    return _read(
        *await service.restore(
            session, user, scene_id, version, current=data.version, settings=settings, bus=bus
        )
    )


@router.get("/{scene_id}/export.json", response_model=Bundle)
async def export_json(scene_id: Id, user: CurrentUser, session: SessionDep) -> dict[str, object]:
    """The scene, the scenes it calls and their media (format pixsim7.scene/1)."""
    scene = await service.get_owned(session, user, scene_id)
    bundle, scenes, _ = await bundles.build(session, scene)
    await bundles.require_no_errors(session, scenes, "exported")
    return bundle


@router.get("/{scene_id}/bundle", response_model=Bundle)
async def preview_bundle(scene_id: Id, user: CurrentUser, session: SessionDep) -> dict[str, object]:
    """The scene's bundle as it is now, errors or not: what the editor's preview plays
    (export.json is the same, for scenes without errors)."""
    scene = await service.get_owned(session, user, scene_id)
    bundle, _, _ = await bundles.build(session, scene)
    return bundle


def _fill(fill: SceneFill, job: Job) -> FillRead:
    return FillRead(
        id=fill.id,
        scene_id=fill.scene_id,
        node=fill.node_id,
        job_id=fill.job_id,
        state=fill.state,
        message=fill.message,
        job_status=job.status,
        created_at=fill.created_at,
        settled_at=fill.settled_at,
    )


@router.post(
    "/{scene_id}/fills",
    response_model=FillList,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(429),
)
async def create_fills(
    scene_id: Id,
    data: FillBatch,
    user: CurrentUser,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    bus: BusDep,
) -> FillList:
    """Generate clips into video nodes: one job per fill (the body of POST /jobs), all
    queued or none; each completed job's clip is added to its node (a new version)."""
    made = await fills.create(
        session, user, scene_id, data, registry=registry, settings=settings, bus=bus
    )
    return FillList(items=[_fill(f, j) for f, j in made])


@router.get("/{scene_id}/fills", response_model=FillList)
async def list_fills(scene_id: Id, user: CurrentUser, session: SessionDep) -> FillList:
    """The scene's generations into nodes: waiting, and the newest settled (why one failed)."""
    return FillList(items=[_fill(f, j) for f, j in await fills.recent(session, user, scene_id)])


@router.get("/{scene_id}/export.zip", response_class=FileResponse)
async def export_zip(
    scene_id: Id, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """A folder that plays from disk: index.html, the player, scene.json, the media."""
    scene = await service.get_owned(session, user, scene_id)
    path, name = await export.build(session, settings, scene)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.post("/{scene_id}/plays", response_model=PlayDetail, status_code=status.HTTP_201_CREATED)
async def create_play(
    scene_id: Id, data: PlayCreate, user: CurrentUser, session: SessionDep
) -> PlayDetail:
    return _play_detail(await plays.create(session, user, scene_id, data))


def _play(play: PlaySession) -> PlayRead:
    fields = {k: getattr(play, k) for k in PlayRead.model_fields if k != "options"}
    return PlayRead(**fields, options=plays.options(play))


def _play_detail(play: PlaySession) -> PlayDetail:
    return PlayDetail(**_play(play).model_dump(), bundle=play.bundle)


@plays_router.get("", response_model=PlayPage)
async def list_plays(
    user: CurrentUser,
    session: SessionDep,
    scene_id: Id | None = None,
    cursor: Text | None = None,
    limit: int = Limit,
) -> PlayPage:
    rows, next_cursor = await plays.list(
        session, user, scene_id=scene_id, cursor=cursor, limit=limit
    )
    return PlayPage(items=[_play(p) for p in rows], next_cursor=next_cursor)


@plays_router.get("/{play_id}", response_model=PlayDetail)
async def get_play(play_id: Id, user: CurrentUser, session: SessionDep) -> PlayDetail:
    return _play_detail(await plays.get_owned(session, user, play_id))


@plays_router.patch("/{play_id}", response_model=PlayRead)
async def advance_play(
    play_id: Id, data: PlayUpdate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> PlayRead:
    """Apply inputs (all or none); a stale `version` is 409 with `current_version`; each
    save is announced to the owner as `play.updated`."""
    return _play(await plays.advance(session, user, play_id, data, bus=bus))


@plays_router.delete("/{play_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_play(play_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await plays.delete(session, user, play_id)

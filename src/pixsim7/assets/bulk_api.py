"""HTTP routes acting on many assets: the trash, tags, workspace, favourite, zip download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from pixsim7.assets import bulk, cache, download, trash
from pixsim7.assets.models import MediaType
from pixsim7.assets.schemas import (
    AssetBatchFavorite,
    AssetBatchMove,
    AssetBatchResult,
    AssetBatchTags,
    AssetBatchTrash,
    AssetFilters,
    AssetSelection,
)
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text
from pixsim7.openapi import error_responses

router = APIRouter()
MAX_DOWNLOAD_IDS = 1000  # by ids in the URL; more by a filter


@router.post("/batch/trash", response_model=AssetBatchResult, responses=error_responses(409))
async def trash_assets(
    data: AssetBatchTrash, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetBatchResult:
    """Move the selected assets to the trash, all or none (409 naming the scenes that play
    any of them, unless `force`)."""
    return AssetBatchResult(ids=await trash.trash(session, user, data, force=data.force, bus=bus))


@router.post("/batch/restore", response_model=AssetBatchResult)
async def restore_assets(
    data: AssetSelection, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetBatchResult:
    """Take the selected assets out of the trash (a filter selects within the trash)."""
    return AssetBatchResult(ids=await trash.restore(session, user, data, bus=bus))


@router.post("/batch/delete", response_model=AssetBatchResult, responses=error_responses(409))
async def delete_assets(
    data: AssetSelection, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> AssetBatchResult:
    """Delete the selected trashed assets for good, all or none (409 if one is not in the
    trash); their files go when no other asset uses them."""
    ids = await trash.delete(session, user, data, settings=settings, bus=bus)
    return AssetBatchResult(ids=ids)


@router.post("/trash/empty", response_model=AssetBatchResult)
async def empty_trash(
    user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> AssetBatchResult:
    """Delete everything in the trash for good."""
    return AssetBatchResult(ids=await trash.empty(session, user, settings=settings, bus=bus))


@router.post("/batch/tags", response_model=AssetBatchResult)
async def tag_assets(
    data: AssetBatchTags, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetBatchResult:
    """Add and remove tags on the selected assets, all or none."""
    ids = await bulk.tag(session, user, data, add=data.add, remove=data.remove, bus=bus)
    return AssetBatchResult(ids=ids)


@router.post("/batch/move", response_model=AssetBatchResult)
async def move_assets(
    data: AssetBatchMove, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetBatchResult:
    """Move the selected assets to a workspace (or out of any), all or none."""
    return AssetBatchResult(ids=await bulk.move(session, user, data, data.workspace_id, bus=bus))


@router.post("/batch/favorite", response_model=AssetBatchResult)
async def favorite_assets(
    data: AssetBatchFavorite, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetBatchResult:
    """Mark the selected assets as favourites, or not, all or none."""
    ids = await bulk.favorite(session, user, data, data.favorite, bus=bus)
    return AssetBatchResult(ids=ids)


@router.get(
    "/download",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "A zip of the assets' files, streamed.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def download_assets(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    ids: Annotated[list[Id] | None, Query(max_length=MAX_DOWNLOAD_IDS)] = None,
    media_type: MediaType | None = None,
    provider_id: Text | None = Query(None, max_length=32),
    workspace_id: Id | None = None,
    tag: Text | None = Query(None, max_length=64),
    q: Text | None = Query(None, max_length=200),
    favorite: bool | None = None,
    trashed: bool = False,
) -> StreamingResponse:
    """The files of these assets (`ids`), or of all matching the filters, as one zip."""
    if ids:
        selection = AssetSelection(ids=ids)
    else:
        selection = AssetSelection(
            filter=AssetFilters(
                media_type=media_type,
                provider_id=provider_id,
                workspace_id=workspace_id,
                tag=tag,
                q=q,
                favorite=favorite,
                trashed=trashed,
            )
        )
    assets = await bulk.select_owned(session, user, selection, trashed=None)
    files = [
        (download.entry_name(a), await cache.ensure_local(session, settings, a)) for a in assets
    ]
    await session.commit()  # (ensure_local may have fetched evicted files again)
    return StreamingResponse(
        iterate_in_threadpool(download.stream(files)),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="pixsim7-assets.zip"'},
    )

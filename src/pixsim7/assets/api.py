"""HTTP routes of the asset library: list, read, change, delete, upload, and the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import ValidationError

from pixsim7.assets import cache, frames, intake, service, trash
from pixsim7.assets import multipart as form_reader
from pixsim7.assets.bulk_api import router as bulk_router
from pixsim7.assets.graph_api import router as graph_router
from pixsim7.assets.models import Asset, MediaType, UploadMethod
from pixsim7.assets.schemas import (
    AssetDetail,
    AssetFilters,
    AssetPage,
    AssetRead,
    AssetUpdate,
    FrameRequest,
    JobSummary,
    LineageLink,
    LineageSummary,
    Sort,
    UploadFields,
    UploadFromUrl,
    upload_body,
)
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, SessionDep, SettingsDep
from pixsim7.fields import Id, Text, Timestamp
from pixsim7.openapi import error_responses
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/assets", tags=["assets"])
router.include_router(bulk_router)  # first: /batch/… and /download are not asset ids
CACHE = "private, max-age=31536000, immutable"  # content-addressed: bytes never change
SAME_FILE = {"model": AssetRead, "description": "The same bytes are this asset already."}


def file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """A file route's answers: the bytes (a range of them on a Range request), or
    unchanged since the ETag the browser holds."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {media_type: binary for media_type in media_types}
    return {
        200: {"description": "The file.", "content": content},
        206: {"description": "The range of the file asked for.", "content": content},
        304: {"description": "Unchanged since the ETag given in If-None-Match."},
    }


@router.get("", response_model=AssetPage)
async def list_assets(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    media_type: MediaType | None = None,
    provider_id: Text | None = None,
    workspace_id: Id | None = None,
    tag: Text | None = None,
    q: Text | None = Query(None, max_length=200),
    created_after: Timestamp | None = None,
    created_before: Timestamp | None = None,
    source_job_id: Id | None = None,
    favorite: bool | None = None,
    trashed: bool = False,
    sort: Sort = Sort.NEWEST,
    cursor: Text | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> AssetPage:
    filters = AssetFilters(
        media_type=media_type,
        provider_id=provider_id,
        workspace_id=workspace_id,
        tag=tag,
        q=q,
        created_after=created_after,
        created_before=created_before,
        source_job_id=source_job_id,
        favorite=favorite,
        trashed=trashed,
        sort=sort,
    )
    rows, next_cursor, total, exact = await service.list(
        session, user, filters, cursor=cursor, limit=limit
    )
    return AssetPage(
        items=[service.to_read(a) for a in rows],
        next_cursor=next_cursor,
        total=total,
        total_exact=exact,
        trash_days=settings.trash_days if trashed else None,
    )


@router.post(
    "/upload",
    response_model=AssetRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: SAME_FILE, **error_responses(415, 429)},
    openapi_extra={"requestBody": upload_body()},
)
async def upload(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> Response:
    """Upload a file as multipart/form-data: the part `file`, and optionally `workspace_id`,
    `description` and `tags` (comma-separated). The same bytes uploaded again answer 200
    with the asset they already are."""
    limit = settings.max_upload_bytes
    boundary = form_reader.check_declared(
        request.headers.get("content-type", ""), request.headers.get("content-length"), limit
    )
    store = service.store_for(settings)
    form = await form_reader.read_form(request.stream(), boundary, store, max_bytes=limit)
    assert form.file is not None
    try:
        fields = UploadFields.model_validate(form.fields)
    except ValidationError as exc:
        form.file.discard()
        raise RequestValidationError(exc.errors()) from exc
    origin = intake.Origin(
        upload_method=UploadMethod.UPLOAD,
        original_source_url=fields.source_url,
        source_is_page=fields.source_url is not None,
        original_filename=intake.safe_filename(form.filename),
        workspace_id=fields.workspace_id,
        # The description given, else the title of the page the file came from.
        description=fields.description or fields.source_title,
        tags=fields.tags,
    )
    asset, created = await intake.add_file(
        session, settings, user=user, writer=form.file, origin=origin, bus=bus
    )
    return _created(asset, created)


@router.post(
    "/upload-from-url",
    response_model=AssetRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: SAME_FILE, **error_responses(415, 429)},
)
async def upload_from_url(
    data: UploadFromUrl, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> Response:
    origin = intake.Origin(
        upload_method=UploadMethod.URL,
        workspace_id=data.workspace_id,
        description=data.description,
        tags=data.tags or [],
    )
    asset, created = await intake.from_url(
        session, settings, user=user, url=str(data.url), origin=origin, bus=bus
    )
    return _created(asset, created)


@router.post(
    "/{asset_id}/frames",
    response_model=AssetRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: SAME_FILE, **error_responses(404, 429)},
)
async def take_frame(
    asset_id: Id,
    data: FrameRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    bus: BusDep,
) -> Response:
    """Keep a frame of this video (its last unless `at_sec` says) as a picture in the
    library, linked to the video in the lineage. The same frame again answers 200 with the
    picture it already is."""
    asset, created = await frames.take(
        session, settings, user=user, asset_id=asset_id, at_sec=data.at_sec, bus=bus
    )
    return _created(asset, created)


@router.get("/{asset_id}", response_model=AssetDetail)
async def get_asset(asset_id: Id, user: CurrentUser, session: SessionDep) -> AssetDetail:
    asset = await service.get_owned(session, user, asset_id)
    job = await service.source_job(session, asset)
    parents, n_parents, n_children = await service.lineage_summary(session, asset.id)
    return AssetDetail(
        **service.to_read(asset).model_dump(),
        job=JobSummary.model_validate(job, from_attributes=True).model_copy(
            update={"account_nickname": await service.account_nickname(session, job)}
        )
        if job
        else None,
        lineage=LineageSummary(
            parent_count=n_parents,
            child_count=n_children,
            parents=[
                LineageLink(
                    asset_id=p.parent_asset_id,
                    relation=p.relation,
                    operation=p.operation,
                    sequence_order=p.sequence_order,
                )
                for p in parents
            ],
        ),
    )


@router.patch("/{asset_id}", response_model=AssetRead)
async def update_asset(
    asset_id: Id, data: AssetUpdate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetRead:
    return service.to_read(await service.update(session, user, asset_id, data, bus=bus))


@router.delete("/{asset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset(
    asset_id: Id,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    bus: BusDep,
    force: bool = False,
) -> None:
    """Move the asset to the trash, or delete it for good if it is there already (its file
    goes when no other asset uses it). 409 naming the scenes that play the asset, unless
    `force` (their nodes are then marked as missing their media)."""
    await trash.delete_one(session, user, asset_id, force=force, settings=settings, bus=bus)


@router.get(
    "/{asset_id}/file", response_class=FileResponse, responses=file_responses("image/*", "video/*")
)
async def get_file(
    asset_id: Id, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    asset = await service.get_owned(session, user, asset_id)
    path = await cache.ensure_local(session, settings, asset)
    await service.touch(session, asset)
    return _file(request, path, asset.mime_type, asset.sha256)


@router.get(
    "/{asset_id}/thumbnail", response_class=FileResponse, responses=file_responses("image/jpeg")
)
async def get_thumbnail(
    asset_id: Id, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    return await _derived(asset_id, "thumbnail", "image/jpeg", request, user, session, settings)


@router.get(
    "/{asset_id}/preview", response_class=FileResponse, responses=file_responses("video/mp4")
)
async def get_preview(
    asset_id: Id, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    return await _derived(asset_id, "preview", "video/mp4", request, user, session, settings)


router.include_router(graph_router)


async def _derived(
    asset_id: Id,
    kind: Text,
    mime: str,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    asset = await service.get_owned(session, user, asset_id)
    path = service.store_for(settings).derived(asset.sha256, kind)
    if not path.is_file():
        raise service.AssetNotFound(f"this asset has no {kind}")
    return _file(request, path, mime, f"{asset.sha256}-{kind}")


def _file(request: Request, path: Path, mime: str, etag: str) -> Response:
    tag = f'"{etag}"'
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHE})
    # FileResponse answers Range requests (206, 416) itself.
    return FileResponse(path, media_type=mime, headers={"ETag": tag, "Cache-Control": CACHE})


def _created(asset: Asset, created: bool) -> Response:
    body = service.to_read(asset).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)

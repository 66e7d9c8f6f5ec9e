"""HTTP routes of the asset library: list, read, change, delete, upload, and the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse, JSONResponse

from pixsim7 import errors
from pixsim7.assets import cache, intake, service
from pixsim7.assets import multipart as form_reader
from pixsim7.assets.graph_api import router as graph_router
from pixsim7.assets.models import Asset, MediaType, UploadMethod
from pixsim7.assets.schemas import (
    AssetDetail,
    AssetFilters,
    AssetPage,
    AssetRead,
    AssetUpdate,
    JobSummary,
    LineageLink,
    LineageSummary,
    Sort,
    UploadFromUrl,
    clean_tags,
)
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import BusDep, SessionDep, SettingsDep
from pixsim7.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/assets", tags=["assets"])
CACHE = "private, max-age=31536000, immutable"  # content-addressed: bytes never change


@router.get("", response_model=AssetPage)
async def list_assets(
    user: CurrentUser,
    session: SessionDep,
    media_type: MediaType | None = None,
    provider_id: str | None = None,
    workspace_id: int | None = None,
    tag: str | None = None,
    q: str | None = Query(None, max_length=200),
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    source_job_id: int | None = None,
    sort: Sort = Sort.NEWEST,
    cursor: str | None = None,
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
        sort=sort,
    )
    rows, next_cursor, total = await service.list(
        session, user, filters, cursor=cursor, limit=limit
    )
    return AssetPage(items=[service.to_read(a) for a in rows], next_cursor=next_cursor, total=total)


@router.post("/upload", response_model=AssetRead, status_code=status.HTTP_201_CREATED)
async def upload(
    request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> Response:
    limit = settings.max_upload_bytes
    boundary = form_reader.check_declared(
        request.headers.get("content-type", ""), request.headers.get("content-length"), limit
    )
    store = service.store_for(settings)
    form = await form_reader.read_form(request.stream(), boundary, store, max_bytes=limit)
    assert form.file is not None
    try:
        origin = intake.Origin(
            upload_method=UploadMethod.UPLOAD,
            original_filename=intake.safe_filename(form.filename),
            workspace_id=_int_field(form.fields, "workspace_id"),
            description=form.fields.get("description") or None,
            tags=_tags_field(form.fields),
        )
    except errors.AppError:
        form.file.discard()
        raise
    asset, created = await intake.add_file(
        session, settings, user=user, writer=form.file, origin=origin, bus=bus
    )
    return _created(asset, created)


@router.post("/upload-from-url", response_model=AssetRead, status_code=status.HTTP_201_CREATED)
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


@router.get("/{asset_id}", response_model=AssetDetail)
async def get_asset(asset_id: int, user: CurrentUser, session: SessionDep) -> AssetDetail:
    asset = await service.get_owned(session, user, asset_id)
    job = await service.source_job(session, asset)
    parents, n_parents, n_children = await service.lineage_summary(session, asset.id)
    return AssetDetail(
        **service.to_read(asset).model_dump(),
        job=JobSummary.model_validate(job, from_attributes=True) if job else None,
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
    asset_id: int, data: AssetUpdate, user: CurrentUser, session: SessionDep, bus: BusDep
) -> AssetRead:
    return service.to_read(await service.update(session, user, asset_id, data, bus=bus))


@router.delete("/{asset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset(
    asset_id: int, user: CurrentUser, session: SessionDep, settings: SettingsDep, bus: BusDep
) -> None:
    await service.delete(session, user, asset_id, settings=settings, bus=bus)


@router.get("/{asset_id}/file")
async def get_file(
    asset_id: int, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    asset = await service.get_owned(session, user, asset_id)
    path = await cache.ensure_local(session, settings, asset)
    await service.touch(session, asset)
    return _file(request, path, asset.mime_type, asset.sha256)


@router.get("/{asset_id}/thumbnail")
async def get_thumbnail(
    asset_id: int, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    return await _derived(asset_id, "thumbnail", "image/jpeg", request, user, session, settings)


@router.get("/{asset_id}/preview")
async def get_preview(
    asset_id: int, request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    return await _derived(asset_id, "preview", "video/mp4", request, user, session, settings)


router.include_router(graph_router)


async def _derived(
    asset_id: int,
    kind: str,
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


def _int_field(fields: dict[str, str], name: str) -> int | None:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise errors.ValidationFailed(f"{name} must be an integer", fields={name: "not an integer"})
    return int(raw)


def _tags_field(fields: dict[str, str]) -> list[str]:
    raw = fields.get("tags", "")
    try:
        return clean_tags([t for t in raw.split(",") if t.strip()]) or []
    except ValueError as exc:
        raise errors.ValidationFailed(str(exc), fields={"tags": str(exc)}) from exc

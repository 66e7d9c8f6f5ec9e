"""The extension's routes: what build is offered, its zip, and an account's session for
the extension to open the provider's site with (extension tokens only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from pixsim7 import errors
from pixsim7.auth.deps import CurrentUser, ExtensionPrincipal
from pixsim7.deps import SessionDep, SettingsDep
from pixsim7.extension import service
from pixsim7.extension.schemas import BundleRead, SessionCookies
from pixsim7.fields import Id, Text

router = APIRouter(prefix="/extension", tags=["extension"])
DOWNLOAD = f"/api/v1/extension/{service.ZIP_NAME}"
FILES = "/api/v1/extension/files/"


@router.get("", response_model=BundleRead)
async def get_bundle(_: CurrentUser, settings: SettingsDep) -> BundleRead:
    bundle = service.bundle(settings)
    if not bundle.available:
        return BundleRead(
            available=False,
            version=None,
            size_bytes=None,
            sha256=None,
            download_url=DOWNLOAD,
            files_url=FILES,
            files=[],
        )
    return BundleRead(
        available=True,
        version=bundle.version(),
        size_bytes=bundle.archive.stat().st_size,
        sha256=bundle.digest(),
        download_url=DOWNLOAD,
        files_url=FILES,
        files=bundle.files(),
    )


@router.get(f"/{service.ZIP_NAME}", response_class=FileResponse)
async def download(_: CurrentUser, settings: SettingsDep) -> FileResponse:
    bundle = service.bundle(settings)
    if not bundle.available:
        raise errors.NotFound("the extension is not built; run `make`", code="extension_not_built")
    return FileResponse(
        bundle.archive,
        media_type="application/zip",
        filename=service.ZIP_NAME,
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/files/{path:path}", response_class=FileResponse)
async def built_file(
    path: Annotated[Text, Path(max_length=300)], _: CurrentUser, settings: SettingsDep
) -> FileResponse:
    """One file of the unpacked build (the folder the zip holds)."""
    file = service.bundle(settings).file(path)
    if file is None:
        raise errors.NotFound("no such file in the extension's build", code="not_found")
    return FileResponse(file, headers={"Cache-Control": "no-cache"})


@router.post("/accounts/{account_id}/session", response_model=SessionCookies)
async def open_session(
    account_id: Id, principal: ExtensionPrincipal, session: SessionDep, settings: SettingsDep
) -> SessionCookies:
    """Cookies to sign the browser in to the provider as this account (the caller's own)."""
    return await service.open_session(
        session, settings, user=principal.user, by=principal.session, account_id=account_id
    )

"""What the job scheduler calls on assets, at three moments of a job's life:

- `validate_inputs` at job creation: each input names an asset of the user's, or a URL.
- `resolve_inputs` at submit: URL inputs become assets; every input gets its local file
  (restored if evicted) and probe data, and is uploaded to the provider account once, its
  remote id cached in `asset_provider_uploads` (`forget_remote` drops a stale one).
- `ingest_output` at completion: download, store, probe, thumbnail, preview, asset row,
  lineage edges. Idempotent per job (the scheduler may run it twice after a crash): the
  unique `assets.source_job_id` makes a second run find the first one's asset, and
  missing stages (stage timestamps unset) are finished then.

Failures reach the scheduler as `ProviderError` with the class that says what to do.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock, errors, outbound
from pixsim7.assets import cache, fetch, intake, lineage, processing
from pixsim7.assets import service as asset_service
from pixsim7.assets.models import Asset, AssetProviderUpload, UploadMethod
from pixsim7.config import Settings
from pixsim7.db import Database, insert_ignore
from pixsim7.events import EventBus
from pixsim7.jobs import stages
from pixsim7.jobs.models import Job
from pixsim7.logs import metrics
from pixsim7.media import MediaInfo
from pixsim7.providers.base import (
    AccountContext,
    ErrorClass,
    PollResult,
    PreparedInput,
    Provider,
    ProviderError,
)
from pixsim7.storage import LocalStore, hash_file
from pixsim7.users.models import User

DOWNLOAD_TIMEOUT_S = 600.0
DOWNLOAD_ATTEMPTS = 3


async def validate_inputs(
    session: AsyncSession, user: User, inputs: list[dict[str, Any]]
) -> list[str | None]:
    """Check job inputs; 422 naming `inputs.<i>` for each bad one. Another user's asset reads
    as not found. Returns each input's media type (None for URLs, known only once fetched,
    and for the outputs of other jobs, which are not assets yet)."""
    fields: dict[str, str] = {}
    ids = [i.get("asset_id") for i in inputs if isinstance(i, dict)]
    owned = await asset_service.get_owned_many(
        session, user.id, [a for a in ids if isinstance(a, int) and not isinstance(a, bool)]
    )
    types: list[str | None] = []
    for n, item in enumerate(inputs):
        key = f"inputs.{n}"
        types.append(None)
        if not isinstance(item, dict) or not isinstance(item.get("role"), str) or not item["role"]:
            fields[key] = "each input needs a role"
            continue
        asset_id, url = item.get("asset_id"), item.get("url")
        if item.get("job_id") is not None:
            continue
        if (asset_id is None) == (url is None):
            fields[key] = "give either asset_id or url"
        elif url is not None:
            try:
                fetch.check_scheme(str(url), field=key)
            except errors.ValidationFailed:
                fields[key] = "only http and https URLs are accepted"
        elif not isinstance(asset_id, int) or isinstance(asset_id, bool) or asset_id not in owned:
            fields[key] = "asset not found"
        elif owned[asset_id].trashed_at is not None:
            fields[key] = "the asset is in the trash: restore it first"
        else:
            types[n] = owned[asset_id].media_type
    if fields:
        raise errors.ValidationFailed("invalid inputs", fields=fields)
    return types


async def resolve_inputs(
    db: Database,
    settings: Settings,
    *,
    owner_id: int,
    inputs: list[dict[str, Any]],
    provider: Provider,
    account: AccountContext,
) -> dict[str, list[PreparedInput]]:
    """Inputs by role, in order, ready for `provider.submit`."""
    prepared: dict[str, list[PreparedInput]] = {}
    async with db.session() as session:
        user = await session.get(User, owner_id)
        if user is None:
            raise ProviderError("the job's owner no longer exists", error_class=ErrorClass.INVALID)
        for n, item in enumerate(inputs):
            asset = await _input_asset(session, settings, user, n, item)
            prepared.setdefault(item["role"], []).append(
                await _prepare(session, settings, asset, item["role"], provider, account)
            )
    return prepared


async def _input_asset(
    session: AsyncSession, settings: Settings, user: User, n: int, item: dict[str, Any]
) -> Asset:
    if item.get("url") is not None:
        # A retried job (or a crash after the download) reuses the asset made from this URL.
        known = await session.scalar(
            select(Asset)
            .where(Asset.owner_id == user.id, Asset.original_source_url == str(item["url"]))
            .order_by(Asset.id.desc())
            .limit(1)
        )
        if known is not None:
            return known
        try:
            asset, _ = await intake.from_url(
                session,
                settings,
                user=user,
                url=str(item["url"]),
                origin=intake.Origin(upload_method=UploadMethod.URL),
                bus=None,
                field=f"inputs.{n}",
            )
        except fetch.FetchFailed as exc:
            raise ProviderError(exc.message, error_class=ErrorClass.TRANSIENT) from exc
        except errors.AppError as exc:
            raise ProviderError(
                f"input {n}: {exc.message}", error_class=ErrorClass.INVALID
            ) from exc
        return asset
    owned = await asset_service.get_owned_many(session, user.id, [item["asset_id"]])
    if item["asset_id"] not in owned:
        raise ProviderError(f"input {n}: asset not found", error_class=ErrorClass.INVALID)
    return owned[item["asset_id"]]


async def _prepare(
    session: AsyncSession,
    settings: Settings,
    asset: Asset,
    role: str,
    provider: Provider,
    account: AccountContext,
) -> PreparedInput:
    try:
        path = await cache.ensure_local(session, settings, asset)
    except cache.FileUnavailable as exc:
        raise ProviderError(
            f"input asset {asset.id}: {exc.message}", error_class=ErrorClass.INVALID
        ) from exc
    item = PreparedInput(
        role=role,
        media_type=asset.media_type,
        path=path,
        mime_type=asset.mime_type,
        width=asset.width,
        height=asset.height,
        duration_sec=asset.duration_sec,
        asset_id=asset.id,
    )
    cached = await session.scalar(
        select(AssetProviderUpload).where(
            AssetProviderUpload.asset_id == asset.id,
            AssetProviderUpload.provider_id == provider.info.id,
            AssetProviderUpload.account_id == account.id,
        )
    )
    if cached is not None:
        item.remote_id, item.remote_url = cached.remote_id, cached.remote_url
        item.cached = True
    elif await _made_here(session, asset, provider, account):
        # The provider made it, on this account: it knows it by its own id.
        item.remote_id = provider.own_output_id(account, asset.provider_asset_id or "")
    if provider.needs_upload(item):
        uploaded = await provider.upload(account, item)
        item.remote_id, item.remote_url = uploaded.remote_id, uploaded.remote_url
        # Two jobs uploading the same asset at once both succeed; the first row stays.
        await insert_ignore(
            session,
            AssetProviderUpload,
            {
                "asset_id": asset.id,
                "provider_id": provider.info.id,
                "account_id": account.id,
                "remote_id": uploaded.remote_id,
                "remote_url": uploaded.remote_url,
                "uploaded_at": clock.now(),
            },
        )
    asset.last_accessed_at = clock.now()
    await session.commit()
    return item


async def _made_here(
    session: AsyncSession, asset: Asset, provider: Provider, account: AccountContext
) -> bool:
    if asset.provider_id != provider.info.id or not asset.provider_asset_id:
        return False
    if asset.source_job_id is None:
        return False
    made_by = await session.scalar(select(Job.account_id).where(Job.id == asset.source_job_id))
    return made_by == account.id


async def forget_remote(db: Database, asset_id: int, provider_id: str, account_id: int) -> None:
    """Drop a cached remote id the provider called invalid; the next resolve uploads again."""
    async with db.session() as session:
        await session.execute(
            delete(AssetProviderUpload).where(
                AssetProviderUpload.asset_id == asset_id,
                AssetProviderUpload.provider_id == provider_id,
                AssetProviderUpload.account_id == account_id,
            )
        )
        await session.commit()


async def ingest_output(
    db: Database,
    settings: Settings,
    *,
    job: Job,
    provider: Provider,
    account: AccountContext,
    result: PollResult,
    bus: EventBus | None = None,
) -> int:
    """The output asset of `job` (created on the first call, found on later ones)."""
    async with db.session() as session:
        existing = await _asset_of_job(session, job.id)
        if existing is not None:
            await _finish_stages(session, settings, existing, job)
            return existing.id
    store = asset_service.store_for(settings)
    dest = store.temp_path(".download")
    began = clock.now()
    try:
        await _download(provider, account, result, dest, settings)
        stages.stage("downloaded", job, seconds=stages.since(began), bytes=dest.stat().st_size)
        # Hash, probe, poster, preview and store: one trip off the event loop, one
        # decoding pass for a video.
        sha, size, info, derived = await asyncio.to_thread(
            _take_in, store, dest, settings.max_image_pixels
        )
    except errors.AppError as exc:
        raise ProviderError(
            f"output is not usable media: {exc.message}", error_class=ErrorClass.TRANSIENT
        ) from exc
    finally:
        dest.unlink(missing_ok=True)
    url = result.output_url if result.output_url else None
    origin = intake.Origin(
        upload_method=UploadMethod.GENERATED,
        original_source_url=url,
        workspace_id=job.workspace_id,
        provider_id=job.provider_id,
        provider_asset_id=result.provider_asset_id,
    )
    async with db.session() as session:
        try:
            asset = await intake.create_row(
                session,
                settings,
                owner_id=job.owner_id,
                sha256=sha,
                size=size,
                info=info,
                origin=origin,
                source_job_id=job.id,
                prompt=_prompt(job),
                derived=derived,
            )
            asset.remote_url_valid = bool(url and url.startswith(("http://", "https://")))
            await _write_lineage(session, asset, job)
            await session.commit()
        except IntegrityError:  # a concurrent run for this job committed first
            await session.rollback()
            found = await _asset_of_job(session, job.id)
            assert found is not None
            return found.id
        seconds = stages.since(began)
        assert seconds is not None
        metrics.INGEST_SECONDS.labels(job.provider_id).observe(seconds)
        stages.stage("ingested", job, seconds=seconds, asset_id=asset.id)
        await asset_service.emit(bus, "asset.created", asset)
        return asset.id


def _take_in(
    store: LocalStore, path: Path, max_pixels: int
) -> tuple[str, int, MediaInfo, tuple[bool, bool]]:
    sha, size = hash_file(path)
    info, thumb, preview = processing.take_in(store, path, sha, max_pixels=max_pixels)
    store.install(path, sha)
    return sha, size, info, (thumb, preview)


async def _asset_of_job(session: AsyncSession, job_id: int) -> Asset | None:
    return await session.scalar(select(Asset).where(Asset.source_job_id == job_id))


async def _finish_stages(session: AsyncSession, settings: Settings, asset: Asset, job: Job) -> None:
    """A re-run after a crash: redo only the stages whose timestamp is unset."""
    if asset.thumbnail_at is None or (asset.media_type == "video" and asset.preview_at is None):
        store = asset_service.store_for(settings)
        if store.exists(asset.sha256):
            thumb, preview = await asyncio.to_thread(
                processing.make_derived, store, asset.sha256, asset.media_type
            )
            now = clock.now()
            asset.thumbnail_at = asset.thumbnail_at or (now if thumb else None)
            asset.preview_at = asset.preview_at or (now if preview else None)
    await _write_lineage(session, asset, job)
    await session.commit()


async def _download(
    provider: Provider, account: AccountContext, result: PollResult, dest: Path, s: Settings
) -> None:
    for attempt in range(DOWNLOAD_ATTEMPTS):
        try:
            async with asyncio.timeout(DOWNLOAD_TIMEOUT_S):
                try:
                    await provider.download(account, result, dest, max_bytes=s.max_download_bytes)
                except NotImplementedError:
                    await _plain_download(account, result, dest, s)
            return
        except (ProviderError, TimeoutError) as exc:
            transient = isinstance(exc, TimeoutError) or exc.error_class == ErrorClass.TRANSIENT
            if not transient or attempt == DOWNLOAD_ATTEMPTS - 1:
                if isinstance(exc, TimeoutError):
                    raise ProviderError(
                        "output download timed out", error_class=ErrorClass.TRANSIENT
                    ) from exc
                raise
            await asyncio.sleep(0.5 * (attempt + 1))


async def _plain_download(
    account: AccountContext, result: PollResult, dest: Path, s: Settings
) -> None:
    """Adapters without their own `download`: a GET of the output URL, under the policy of
    calls to the account's base URL (its host may be private when it is the provider's
    configured one, or an admin vouched for it: a local ComfyUI)."""
    if not result.output_url:
        raise ProviderError("the provider gave no output URL", error_class=ErrorClass.INVALID)
    rules = outbound.for_base(
        outbound.policy(s),
        account.base_url,
        configured=outbound.configured_base(s, account.provider_id),
        trusted=account.base_url_trusted,
    )
    store = asset_service.store_for(s)
    try:
        writer = await fetch.download(
            result.output_url,
            store,
            max_bytes=s.max_download_bytes,
            timeout_s=s.provider_timeout_s,
            policy=rules,
        )
    except fetch.FetchFailed as exc:
        raise ProviderError(exc.message, error_class=ErrorClass.TRANSIENT) from exc
    except errors.AppError as exc:
        raise ProviderError(exc.message, error_class=ErrorClass.INVALID) from exc
    writer.finish()
    writer.tmp.replace(dest)


def _prompt(job: Job) -> str | None:
    prompt = (job.params or {}).get("prompt")
    return prompt if isinstance(prompt, str) else None


async def _write_lineage(session: AsyncSession, asset: Asset, job: Job) -> None:
    pairs: list[tuple[str, int]] = []
    for item in job.inputs or []:
        role = item.get("role")
        if not isinstance(role, str):
            continue
        # What a URL or another job's output became, written when the job was submitted
        # (`resolved_asset_id`); jobs submitted before that was written are looked up.
        parent_id = item.get("asset_id") or item.get("resolved_asset_id")
        if parent_id is None and item.get("job_id") is not None:
            # The output of a job this one depended on (made before this job was submitted).
            parent_id = await session.scalar(
                select(Asset.id).where(Asset.source_job_id == item["job_id"])
            )
        elif parent_id is None and item.get("url"):
            # URL inputs became assets at submit time; find the one made from this URL.
            parent_id = await session.scalar(
                select(Asset.id)
                .where(Asset.owner_id == job.owner_id, Asset.original_source_url == item["url"])
                .order_by(Asset.id.desc())
                .limit(1)
            )
        if isinstance(parent_id, int) and parent_id != asset.id:
            pairs.append((role, parent_id))
    owned = await asset_service.get_owned_many(session, job.owner_id, [p for _, p in pairs])
    await lineage.add_job_edges(
        session,
        child=asset,
        job_id=job.id,
        operation=job.operation_type,
        inputs=[(r, p) for r, p in pairs if p in owned],
    )

"""The scheduler's calls into assets (validate, resolve, ingest, forget) and the media cache,
against a real database, real files and a loopback HTTP server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from pixsim7 import errors
from pixsim7.accounts.models import ProviderAccount
from pixsim7.assets import cache, pipeline
from pixsim7.assets.graph_models import AssetLineage
from pixsim7.assets.models import Asset
from pixsim7.jobs.models import Job
from pixsim7.providers.base import (
    AccountContext,
    Balance,
    OperationSpec,
    OperationType,
    PollResult,
    PreparedInput,
    Provider,
    ProviderInfo,
    ProviderStatus,
    SubmitRequest,
    SubmitResult,
    UploadResult,
)
from pixsim7.users.models import User
from tests.assets.conftest import Files, png_bytes
from tests.conftest import Users

API = "/api/v1/assets"


class UploadingProvider(Provider):
    """A remote provider as the pipeline sees it: needs uploads, downloads by plain GET."""

    info = ProviderInfo(id="stubremote", name="Stub", description="test double")

    def __init__(self) -> None:
        self.uploads: list[PreparedInput] = []

    def operations(self) -> Sequence[OperationSpec]:
        return []

    def estimate_cost(self, op: OperationType, params: Mapping[str, Any]) -> tuple[float, str]:
        return 0.0, "web"

    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult:
        raise NotImplementedError

    async def poll(self, account: AccountContext, ids: Sequence[str]) -> dict[str, PollResult]:
        raise NotImplementedError

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        raise NotImplementedError

    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult:
        assert item.path is not None and item.path.is_file()
        self.uploads.append(item)
        return UploadResult(remote_id=f"remote-{len(self.uploads)}")

    async def fetch_balance(self, account: AccountContext) -> Balance:
        return Balance(credits={})


async def _setup(app: FastAPI, client: httpx.AsyncClient, users: Users) -> tuple[dict, User, int]:
    h = await users.create("owner@example.com")
    async with app.state.db.session() as s:
        user = await s.scalar(select(User).where(User.email == "owner@example.com"))
        account = ProviderAccount(provider_id="stubremote", owner_id=user.id)
        s.add(account)
        await s.commit()
        return h, user, account.id


async def _upload(client: httpx.AsyncClient, h: dict, data: bytes) -> dict:
    r = await client.post(f"{API}/upload", headers=h, files={"file": ("a.png", data)})
    assert r.status_code == 201, r.text
    return r.json()


async def test_validate_inputs(app: FastAPI, client: httpx.AsyncClient, users: Users) -> None:
    h, user, _ = await _setup(app, client, users)
    mine = await _upload(client, h, png_bytes())
    other_h = await users.create()
    theirs = await _upload(client, other_h, png_bytes(color=(1, 1, 1)))
    async with app.state.db.session() as s:
        types = await pipeline.validate_inputs(
            s,
            user,
            [
                {"role": "source_image", "asset_id": mine["id"]},
                {"role": "image", "url": "https://example.com/a.png"},
            ],
        )
        assert types == ["image", None]
        with pytest.raises(errors.ValidationFailed) as bad:
            await pipeline.validate_inputs(
                s,
                user,
                [
                    {"role": "source_image", "asset_id": theirs["id"]},
                    {"role": "x", "url": "ftp://example.com/a"},
                    {"asset_id": mine["id"]},
                    {"role": "x", "asset_id": mine["id"], "url": "https://e.com"},
                ],
            )
    assert set(bad.value.fields) == {"inputs.0", "inputs.1", "inputs.2", "inputs.3"}
    assert bad.value.fields["inputs.0"] == "asset not found"


async def test_resolve_uploads_once_and_again_after_forget(
    app: FastAPI, client: httpx.AsyncClient, users: Users, http_files: tuple[Files, str]
) -> None:
    files, base = http_files
    files.content["in.png"] = png_bytes(color=(9, 9, 9))
    app.state.settings.allow_private_urls = True
    h, user, account_id = await _setup(app, client, users)
    mine = await _upload(client, h, png_bytes())
    provider = UploadingProvider()
    account = AccountContext(id=account_id, provider_id="stubremote", base_url="http://x")
    inputs = [
        {"role": "images", "asset_id": mine["id"]},
        {"role": "images", "url": f"{base}/in.png"},
    ]
    kw = {"owner_id": user.id, "inputs": inputs, "provider": provider, "account": account}
    first = await pipeline.resolve_inputs(app.state.db, app.state.settings, **kw)
    assert [i.remote_id for i in first["images"]] == ["remote-1", "remote-2"]
    assert first["images"][0].width == 64 and first["images"][1].media_type == "image"
    again = await pipeline.resolve_inputs(app.state.db, app.state.settings, **kw)
    assert [i.remote_id for i in again["images"]] == ["remote-1", "remote-2"]
    assert len(provider.uploads) == 2 and files.hits["in.png"] == 1  # URL asset reused too
    await pipeline.forget_remote(app.state.db, mine["id"], "stubremote", account_id)
    third = await pipeline.resolve_inputs(app.state.db, app.state.settings, **kw)
    assert third["images"][0].remote_id == "remote-3" and len(provider.uploads) == 3


async def test_ingest_output_is_idempotent_with_lineage_and_event(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    http_files: tuple[Files, str],
    video_bytes: bytes,
) -> None:
    files, base = http_files
    files.content["out.mp4"] = video_bytes
    h, user, account_id = await _setup(app, client, users)
    src = await _upload(client, h, png_bytes())
    async with app.state.db.session() as s:
        job = Job(
            owner_id=user.id,
            provider_id="stubremote",
            operation_type="image_to_video",
            params={"prompt": "a red fox runs"},
            inputs=[{"role": "source_image", "asset_id": src["id"]}],
        )
        s.add(job)
        await s.commit()
    result = PollResult(
        provider_job_id="p1",
        status=ProviderStatus.SUCCEEDED,
        output_url=f"{base}/out.mp4",
        provider_asset_id="pa-1",
    )
    account = AccountContext(id=account_id, provider_id="stubremote", base_url="http://x")
    kw = {"job": job, "provider": UploadingProvider(), "account": account, "result": result}
    async with app.state.bus.subscribe() as queue:
        asset_id = await pipeline.ingest_output(
            app.state.db, app.state.settings, bus=app.state.bus, **kw
        )
        event = await queue.get()
    assert event.type == "asset.created" and event.data["id"] == asset_id
    again = await pipeline.ingest_output(app.state.db, app.state.settings, **kw)
    assert again == asset_id and files.hits["out.mp4"] == 1
    async with app.state.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Asset)) == 2
        edges = (await s.scalars(select(AssetLineage))).all()
    assert [(e.parent_asset_id, e.child_asset_id, e.relation, e.operation) for e in edges] == [
        (src["id"], asset_id, "source_image", "image_to_video")
    ]
    detail = (await client.get(f"{API}/{asset_id}", headers=h)).json()
    assert detail["upload_method"] == "generated" and detail["provider_asset_id"] == "pa-1"
    assert detail["source_job_id"] == job.id and detail["job"]["id"] == job.id
    assert detail["prompt"] == "a red fox runs" and detail["preview_url"]
    assert detail["lineage"]["parent_count"] == 1
    found = await client.get(API, headers=h, params={"q": "fox", "provider_id": "stubremote"})
    assert [a["id"] for a in found.json()["items"]] == [asset_id]
    graph = (await client.get(f"{API}/{src['id']}/lineage", headers=h, params={"depth": 2})).json()
    assert {n["asset"]["id"]: n["level"] for n in graph["nodes"]} == {src["id"]: 0, asset_id: 1}

    # Eviction: the generated file can be fetched again, the upload cannot.
    app.state.settings.media_cache_gb = 0.0
    report = await cache.run_eviction(app.state.db, app.state.settings)
    assert report.evicted_files == 1
    store_path = app.state.settings.media_dir / detail["sha256"][:2] / detail["sha256"][2:4]
    assert not (store_path / detail["sha256"]).exists()
    assert (await client.get(f"{API}/{src['id']}/file", headers=h)).status_code == 200
    assert (await client.get(f"{API}/{asset_id}", headers=h)).json()["is_local"] is False
    back = await client.get(f"{API}/{asset_id}/file", headers=h)
    assert back.status_code == 200 and back.content == video_bytes
    assert (await client.get(f"{API}/{asset_id}", headers=h)).json()["is_local"] is True
    # Once the original is gone remotely, the file is never evicted again.
    del files.content["out.mp4"]
    assert (await cache.run_eviction(app.state.db, app.state.settings)).evicted_files == 0
    assert (store_path / detail["sha256"]).exists()


async def test_manual_lineage_branches_clips_variants_metadata(
    client: httpx.AsyncClient, users: Users, video_bytes: bytes
) -> None:
    h = await users.create()
    v = (
        await client.post(f"{API}/upload", headers=h, files={"file": ("v.mp4", video_bytes)})
    ).json()
    p = await _upload(client, h, png_bytes())
    edge = await client.post(
        f"{API}/{v['id']}/lineage",
        headers=h,
        json={"parent_asset_id": p["id"], "relation": "reference"},
    )
    assert edge.status_code == 201 and edge.json()["manual"] is True
    cycle = await client.post(
        f"{API}/{p['id']}/lineage", headers=h, json={"parent_asset_id": v["id"]}
    )
    assert cycle.status_code == 422
    assert (
        await client.delete(f"{API}/{v['id']}/lineage/{edge.json()['id']}", headers=h)
    ).status_code == 204
    br = await client.post(
        f"{API}/{v['id']}/branches", headers=h, json={"branch_time": 0.5, "branch_name": "fork"}
    )
    assert br.status_code == 201
    past = await client.post(
        f"{API}/{v['id']}/branches", headers=h, json={"branch_time": 99, "branch_name": "late"}
    )
    assert past.status_code == 422
    var = await client.post(
        f"{API}/{v['id']}/branches/{br.json()['id']}/variants",
        headers=h,
        json={"variant_asset_id": p["id"], "variant_name": "left"},
    )
    assert var.status_code == 201
    listed = (await client.get(f"{API}/{v['id']}/branches", headers=h)).json()
    assert listed[0]["variants"][0]["variant_name"] == "left"
    other = await users.create()
    foreign = await _upload(client, other, png_bytes(color=(7, 7, 7)))
    stolen = await client.post(
        f"{API}/{v['id']}/branches/{br.json()['id']}/variants",
        headers=h,
        json={"variant_asset_id": foreign["id"], "variant_name": "x"},
    )
    assert stolen.status_code == 422 and "variant_asset_id" in stolen.json()["error"]["fields"]
    clip = await client.post(
        f"{API}/{v['id']}/clips",
        headers=h,
        json={"start_time": 0.1, "end_time": 0.6, "clip_name": "c"},
    )
    assert clip.status_code == 201
    assert len((await client.get(f"{API}/{v['id']}/clips", headers=h)).json()) == 1
    variant = await client.post(
        f"{API}/{v['id']}/variants",
        headers=h,
        json={"variant_type": "upscale", "width": 320, "height": 180},
    )
    assert variant.status_code == 201
    put = await client.put(f"{API}/{v['id']}/metadata/audio", headers=h, json={"bpm": 120.0})
    assert put.status_code == 200 and put.json()["bpm"] == 120.0
    assert (await client.get(f"{API}/{v['id']}/metadata/audio", headers=h)).json()["bpm"] == 120.0
    assert (
        await client.put(f"{API}/{v['id']}/metadata/adult", headers=h, json={"intensity": 11})
    ).status_code == 422
    seg = await client.post(
        f"{API}/{v['id']}/segments",
        headers=h,
        json={"start_time": 0, "end_time": 0.5, "segment_type": "scene"},
    )
    assert seg.status_code == 201
    assert (await client.delete(f"{API}/{v['id']}", headers=h)).status_code == 204

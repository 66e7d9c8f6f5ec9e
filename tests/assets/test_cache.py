"""An evicted file whose original can no longer be had: 503 with a clear code, thumbnails
still served, and bytes that changed at the source are refused, never stored under the old
hash."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7.assets import cache, pipeline
from pixsim7.assets.models import Asset
from pixsim7.jobs.models import Job
from pixsim7.providers.base import AccountContext, PollResult, ProviderStatus
from tests.assets.conftest import Files, make_video
from tests.assets.test_pipeline import UploadingProvider, _setup
from tests.conftest import Users

API = "/api/v1/assets"


async def _generated(app: FastAPI, owner_id: int, account_id: int, url: str, n: int) -> int:
    async with app.state.db.session() as s:
        job = Job(owner_id=owner_id, provider_id="stubremote", operation_type="text_to_video")
        s.add(job)
        await s.commit()
    result = PollResult(provider_job_id=f"p{n}", status=ProviderStatus.SUCCEEDED, output_url=url)
    account = AccountContext(id=account_id, provider_id="stubremote", base_url="http://x")
    return await pipeline.ingest_output(
        app.state.db,
        app.state.settings,
        job=job,
        provider=UploadingProvider(),
        account=account,
        result=result,
    )


async def test_evicted_file_that_cannot_come_back(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    http_files: tuple[Files, str],
    tmp_path: Path,
) -> None:
    files, base = http_files
    files.content["gone.mp4"] = make_video(tmp_path / "a.mp4", seconds=1).read_bytes()
    files.content["changed.mp4"] = make_video(tmp_path / "b.mp4", seconds=2).read_bytes()
    h, user, account_id = await _setup(app, client, users)
    gone = await _generated(app, user.id, account_id, f"{base}/gone.mp4", 1)
    changed = await _generated(app, user.id, account_id, f"{base}/changed.mp4", 2)
    app.state.settings.media_cache_gb = 0.0
    assert (await cache.run_eviction(app.state.db, app.state.settings)).evicted_files == 2

    # The source disappears: 503 with its own code, the URL marked dead, the poster kept.
    del files.content["gone.mp4"]
    r = await client.get(f"{API}/{gone}/file", headers=h)
    assert r.status_code == 503 and r.json()["error"]["code"] == "asset_file_unavailable"
    assert (await client.get(f"{API}/{gone}/thumbnail", headers=h)).status_code == 200
    detail = (await client.get(f"{API}/{gone}", headers=h)).json()
    assert detail["is_local"] is False

    # The source now serves other bytes: refused rather than stored under the old hash.
    files.content["changed.mp4"] = files.content["changed.mp4"][:-10] + b"0123456789"
    r = await client.get(f"{API}/{changed}/file", headers=h)
    assert r.status_code == 503, r.text
    async with app.state.db.session() as s:
        rows = (await s.scalars(select(Asset).where(Asset.id.in_([gone, changed])))).all()
    assert [a.remote_url_valid for a in rows] == [False, False]
    sha = {a.id: a.sha256 for a in rows}[changed]
    assert not app.state.settings.media_dir.joinpath(sha[:2], sha[2:4], sha).exists()
    assert list((app.state.settings.media_dir / "tmp").iterdir()) == []

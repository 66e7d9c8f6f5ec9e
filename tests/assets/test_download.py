"""Output downloads that go wrong: the server answers 500, cuts the body short, serves a
truncated video, sends more than the size limit, or trickles past the timeout. Each ends in a
ProviderError of the class that tells the scheduler what to do, with no asset row and no
file left behind; through the worker, such a job is not completed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from starlette.types import Receive, Scope, Send

from pixsim7.assets import fetch, pipeline
from pixsim7.assets.models import Asset
from pixsim7.jobs.models import Job
from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.base import (
    AccountContext,
    Balance,
    ErrorClass,
    OperationSpec,
    OperationType,
    PollResult,
    Provider,
    ProviderError,
    ProviderInfo,
    ProviderStatus,
)
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.http import HttpClient
from pixsim7.users.models import User
from tests.assets.conftest import make_video
from tests.conftest import LOOPBACK_POLICY, Users
from tests.jobs.conftest import builtin, text_job, wait_for, worker  # noqa: F401

API = "/api/v1/assets"


class Origin:
    """A file server that misbehaves on purpose, per path; counts hits."""

    def __init__(self, video: bytes) -> None:
        self.video = video
        self.hits: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"].strip("/")
        self.hits[path] = self.hits.get(path, 0) + 1
        body, status, declared = self.video, 200, len(self.video)
        if path == "error":
            body, status, declared = b"upstream trouble", 500, 16
        elif path == "cut-body":  # announces the whole file, then hangs up halfway
            body = self.video[: len(self.video) // 2]
        elif path == "cut.mp4":  # a complete response of an incomplete video
            body = declared_body = self.video[: len(self.video) // 2]
            declared = len(declared_body)
        headers = [(b"content-type", b"video/mp4"), (b"content-length", str(declared).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if path == "slow":  # a byte at a time, never finishing within the test's timeout
            for i in range(len(body)):
                await send(
                    {"type": "http.response.body", "body": body[i : i + 1], "more_body": True}
                )
                await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": body, "more_body": False})


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[tuple[Origin, str]]:
    served = Origin(make_video(tmp_path / "out.mp4", seconds=2).read_bytes())
    with FakeServer(served) as server:
        yield served, server.url


class Downloader(Provider):
    """A remote provider as ingest sees it. `adapter=True` downloads the way the real
    adapters do (HttpClient.stream_download); otherwise the pipeline's plain GET is used."""

    info = ProviderInfo(id="dltest", name="Download test", description="test double")

    def __init__(self, adapter: bool) -> None:
        self.http = (
            HttpClient("http://127.0.0.1", timeout_s=5.0, policy=LOOPBACK_POLICY)
            if adapter
            else None
        )

    def operations(self) -> Sequence[OperationSpec]:
        return []

    def estimate_cost(self, op: OperationType, params: Mapping[str, Any]) -> tuple[float, str]:
        return 0.0, ""

    async def submit(self, account: AccountContext, request: Any) -> Any:
        raise NotImplementedError

    async def poll(self, account: AccountContext, ids: Sequence[str]) -> Any:
        raise NotImplementedError

    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        raise NotImplementedError

    async def upload(self, account: AccountContext, item: Any) -> Any:
        raise NotImplementedError

    async def fetch_balance(self, account: AccountContext) -> Balance:
        return Balance(credits={})

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.aclose()

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        if self.http is None:
            raise NotImplementedError
        assert result.output_url
        return await self.http.stream_download(result.output_url, dest, max_bytes)


def _stored_files(app: FastAPI) -> list[Path]:
    return [p for p in app.state.settings.media_dir.rglob("*") if p.is_file()]


@pytest.fixture(params=[True, False], ids=["adapter", "plain"])
async def provider(request: pytest.FixtureRequest) -> AsyncIterator[Downloader]:
    downloader = Downloader(adapter=request.param)
    yield downloader
    await downloader.aclose()


async def test_failed_downloads_leave_nothing_behind(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    origin: tuple[Origin, str],
    provider: Downloader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served, base = origin
    adapter = provider.http is not None
    await users.create("dl@example.com")
    async with app.state.db.session() as s:
        user = await s.scalar(select(User).where(User.email == "dl@example.com"))
        assert user is not None
        job = Job(owner_id=user.id, provider_id="dltest", operation_type="text_to_video")
        s.add(job)
        await s.commit()
    account = AccountContext(id=0, provider_id="dltest", base_url=base)

    async def ingest(path: str) -> int:
        result = PollResult(
            provider_job_id="x", status=ProviderStatus.SUCCEEDED, output_url=f"{base}/{path}"
        )
        return await pipeline.ingest_output(
            app.state.db,
            app.state.settings,
            job=job,
            provider=provider,
            account=account,
            result=result,
        )

    async def fails(path: str, error_class: ErrorClass, words: str) -> ProviderError:
        with pytest.raises(ProviderError) as caught:
            await ingest(path)
        assert caught.value.error_class == error_class, (path, caught.value)
        assert words in str(caught.value), (path, str(caught.value))
        async with app.state.db.session() as s:
            assert await s.scalar(select(func.count()).select_from(Asset)) == 0, path
        assert _stored_files(app) == [], path  # no temp file, no stored copy, no thumbnail
        return caught.value

    # 500: transient, retried by the pipeline (and, on the plain path, by the fetcher too).
    await fails("error", ErrorClass.TRANSIENT, "500")
    per_attempt = 1 if adapter else 3
    assert served.hits["error"] == pipeline.DOWNLOAD_ATTEMPTS * per_attempt
    # The connection drops before the announced length: transient, retried.
    # (A pooled connection the server dropped can fail a retry before it arrives: at least
    # one retry reached the server, not an exact count.)
    await fails("cut-body", ErrorClass.TRANSIENT, "failed")
    assert served.hits["cut-body"] >= 2, served.hits
    # All bytes arrive, but they are half a video: not media we can keep.
    await fails("cut.mp4", ErrorClass.TRANSIENT, "truncated")
    # Over the size limit: refused from the announced length, not retried.
    app.state.settings.max_download_bytes = len(served.video) - 1
    await fails("big.mp4", ErrorClass.INVALID, "larger than")
    assert served.hits["big.mp4"] == 1
    app.state.settings.max_download_bytes = 10**9
    # A download that trickles on past the timeout is cut off, each attempt.
    monkeypatch.setattr(pipeline, "DOWNLOAD_TIMEOUT_S", 0.4)
    started = asyncio.get_running_loop().time()
    await fails("slow", ErrorClass.TRANSIENT, "timed out")
    assert asyncio.get_running_loop().time() - started < 10
    assert served.hits["slow"] == pipeline.DOWNLOAD_ATTEMPTS
    # The same job still completes once the output can be had.
    monkeypatch.setattr(pipeline, "DOWNLOAD_TIMEOUT_S", 60.0)
    asset_id = await ingest("ok.mp4")
    async with app.state.db.session() as s:
        asset = await s.get(Asset, asset_id)
        assert asset is not None and asset.source_job_id == job.id
        assert asset.file_size_bytes == len(served.video)


async def test_job_whose_output_is_over_the_limit_is_not_completed(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    worker: JobWorker,  # noqa: F811
) -> None:
    h = await users.create()
    app.state.settings.max_download_bytes = 2000  # any rendered clip is larger
    r = await client.post("/api/v1/jobs", headers=h, json=text_job("too big to keep"))
    assert r.status_code == 201, r.text
    job = await wait_for(client, h, r.json()["id"], within=60)
    assert job["status"] == "failed" and job["asset_id"] is None, job
    assert "output not stored" in job["error_message"] and "2000" in job["error_message"]
    assert (await client.get(API, headers=h)).json()["total"] == 0
    assert _stored_files(app) == []


async def test_upload_from_url_is_cut_off_past_its_timeout(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    origin: tuple[Origin, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server trickling a byte at a time never trips httpx's per-read timeout; the
    attempt's own deadline ends it (it used to hang the request for as long as the server
    kept sending)."""
    served, base = origin
    h = await users.create()
    app.state.settings.allow_private_urls = True
    monkeypatch.setattr(fetch, "ATTEMPT_TIMEOUT_S", 0.3)
    started = asyncio.get_running_loop().time()
    r = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{base}/slow"})
    assert r.status_code == 422 and "timed out" in r.json()["error"]["message"], r.text
    assert asyncio.get_running_loop().time() - started < 10
    assert served.hits["slow"] == fetch.RETRIES + 1
    assert _stored_files(app) == []
    ok = await client.post(f"{API}/upload-from-url", headers=h, json={"url": f"{base}/ok.mp4"})
    assert ok.status_code == 201, ok.text

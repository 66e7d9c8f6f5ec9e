"""The Sora adapter against its fake, over real loopback HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import (
    PROVIDER_TERMINAL,
    AccountContext,
    ErrorClass,
    OperationType,
    PollResult,
    PreparedInput,
    ProviderError,
    ProviderStatus,
    SubmitRequest,
)
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.registry import Registry
from pixsim7.providers.sora import SoraProvider
from pixsim7.providers.sora.fake import create_app
from tests.conftest import LOOPBACK_POLICY

T2V = OperationType.TEXT_TO_VIDEO
I2V = OperationType.IMAGE_TO_VIDEO
REMIX = OperationType.VIDEO_EXTEND


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(create_app(job_seconds=2.0, limit=2)) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture
async def provider() -> AsyncIterator[SoraProvider]:
    p = SoraProvider(timeout_s=10, policy=LOOPBACK_POLICY)
    yield p
    await p.aclose()


def _account(server: FakeServer) -> AccountContext:
    server.state.log.clear()
    return AccountContext(
        id=1, provider_id="sora", base_url=server.url + "/v1", api_key=f"sk-{uuid.uuid4().hex}"
    )


@pytest.fixture
def account(server: FakeServer) -> AccountContext:
    """A fresh key per test, so tests share the server but not its state."""
    return _account(server)


def _image(tmp_path: Path, width: int = 1280, height: int = 720) -> PreparedInput:
    path = tmp_path / f"ref_{width}x{height}.png"
    Image.new("RGB", (width, height), (30, 120, 60)).save(path)
    return PreparedInput(
        "source_image", "image", path=path, mime_type="image/png", width=width, height=height
    )


def _request(
    op: OperationType, params: Mapping[str, Any], **inputs: list[PreparedInput]
) -> SubmitRequest:
    return SubmitRequest(op, params, inputs, idempotency_key=uuid.uuid4().hex)


async def _run(provider: SoraProvider, account: AccountContext, job_id: str) -> list[PollResult]:
    """Poll until terminal, moving the clock instead of sleeping."""
    seen: list[PollResult] = []
    for _ in range(100):
        result = (await provider.poll(account, [job_id]))[job_id]
        seen.append(result)
        if result.status in PROVIDER_TERMINAL:
            return seen
        clock.advance(dt.timedelta(seconds=0.3))
    raise AssertionError("video never finished")


async def _probe(provider: SoraProvider, account: AccountContext, done: PollResult, dest: Path):
    await provider.download(account, done, dest, max_bytes=10_000_000)
    with av.open(str(dest)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames


def test_registered_and_marked_deprecated() -> None:
    provider = Registry(Settings()).get("sora")
    assert isinstance(provider, SoraProvider)
    notice = provider.info.deprecation or ""
    assert "deprecated" in notice and "2026-09-24" in notice
    assert provider.info.credit_pools == ("usd_cents",)
    assert provider.info.can_find_submissions is True
    assert {s.type for s in provider.operations()} == {T2V, I2V, REMIX}
    assert provider.estimate_cost(T2V, {"model": "sora-2", "seconds": "8"}) == (80.0, "usd_cents")
    pro = {"model": "sora-2-pro", "seconds": "4", "size": "1280x720"}
    assert provider.estimate_cost(T2V, pro) == (120.0, "usd_cents")


async def test_text_to_video_end_to_end(
    provider: SoraProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    job = await provider.submit(account, _request(T2V, {"prompt": "a fox", "seconds": "8"}))
    seen = await _run(provider, account, job.provider_job_id)

    assert seen[0].status == ProviderStatus.QUEUED
    assert any(r.status == ProviderStatus.RUNNING and 0 < (r.progress or 0) < 1 for r in seen)
    done = seen[-1]
    assert done.status == ProviderStatus.SUCCEEDED and done.progress == 1.0
    assert (done.width, done.height, done.duration_sec) == (1280, 720, 8.0)
    assert done.provider_asset_id == job.provider_job_id
    assert await _probe(provider, account, done, tmp_path / "out.mp4") == (320, 180, 8)

    create = server.state.log.all("/v1/videos", method="POST")[0]
    assert create.json == {"model": "sora-2", "prompt": "a fox", "seconds": "8", "size": "1280x720"}
    assert isinstance(create.json["seconds"], str)
    content = server.state.log.all(f"/v1/videos/{job.provider_job_id}/content")[0]
    assert content.query == {"variant": "video"}
    assert all(
        r.headers["authorization"] == f"Bearer {account.api_key}" for r in server.state.log.all()
    )


async def test_image_to_video_sends_a_multipart_reference(
    provider: SoraProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    params = {"prompt": "it moves", "model": "sora-2-pro", "size": "1792x1024", "seconds": "12"}
    image = _image(tmp_path, 1792, 1024)
    job = await provider.submit(account, _request(I2V, params, source_image=[image]))
    done = (await _run(provider, account, job.provider_job_id))[-1]
    assert done.status == ProviderStatus.SUCCEEDED
    assert await _probe(provider, account, done, tmp_path / "i2v.mp4") == (320, 182, 8)
    create = server.state.log.all("/v1/videos", method="POST")[0]
    assert create.headers["content-type"].startswith("multipart/form-data")
    assert set(create.form_fields) == {"model", "prompt", "seconds", "size", "input_reference"}


async def test_remix_of_a_sora_video(
    provider: SoraProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    first = await provider.submit(account, _request(T2V, {"prompt": "a boat"}))
    await _run(provider, account, first.provider_job_id)
    source = PreparedInput("source_video", "video", remote_id=first.provider_job_id)
    remix = await provider.submit(
        account, _request(REMIX, {"prompt": "at night"}, source_video=[source])
    )
    done = (await _run(provider, account, remix.provider_job_id))[-1]
    assert done.status == ProviderStatus.SUCCEEDED
    assert done.raw["remixed_from_video_id"] == first.provider_job_id
    assert (await _probe(provider, account, done, tmp_path / "remix.mp4"))[2] > 0
    call = server.state.log.all(f"/v1/videos/{first.provider_job_id}/remix")[0]
    assert call.json == {"prompt": "at night"}

    server.state.log.clear()
    local = PreparedInput("source_video", "video", path=tmp_path / "remix.mp4")
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(REMIX, {"prompt": "x"}, source_video=[local]))
    assert info.value.error_class == ErrorClass.INVALID and len(server.state.log) == 0


@pytest.mark.parametrize(
    ("op", "params", "field"),
    [
        (T2V, {"prompt": "p", "size": "1792x1024"}, "params.size"),
        (T2V, {"prompt": "p", "model": "sora-2", "size": "1024x1792"}, "params.size"),
        (T2V, {"prompt": "p", "seconds": 8}, "params.seconds"),
        (T2V, {"prompt": "p", "seconds": "5"}, "params.seconds"),
        (T2V, {"prompt": "p", "model": "sora-3"}, "params.model"),
        (T2V, {}, "params.prompt"),
        (REMIX, {}, "params.prompt"),
    ],
)
async def test_bad_params_rejected_before_any_request(
    provider: SoraProvider,
    account: AccountContext,
    server: FakeServer,
    op: OperationType,
    params: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as info:
        provider.validate(op, params)
    assert field in info.value.fields
    with pytest.raises(ProviderError) as err:
        await provider.submit(account, _request(op, params))
    assert err.value.error_class == ErrorClass.INVALID and field in err.value.message
    assert len(server.state.log) == 0


async def test_unfit_reference_images_rejected_before_any_request(
    provider: SoraProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    gif = tmp_path / "a.gif"
    Image.new("RGB", (1280, 720)).save(gif)
    unfit = [
        _image(tmp_path, 640, 360),  # not the video size
        PreparedInput("source_image", "image", path=gif, mime_type="image/gif"),
    ]
    for image in unfit:
        with pytest.raises(ProviderError) as info:
            await provider.submit(account, _request(I2V, {"prompt": "p"}, source_image=[image]))
        assert info.value.error_class == ErrorClass.INVALID
    assert len(server.state.log) == 0
    with pytest.raises(ProviderError):
        await provider.upload(account, unfit[0])


@pytest.mark.parametrize(
    ("marker", "error_class", "status"),
    [
        ("[fail:401]", ErrorClass.AUTH, 401),
        ("[fail:400]", ErrorClass.INVALID, 400),
        ("[fail:moderation_blocked]", ErrorClass.INPUT_MODERATION, 400),
        ("[fail:insufficient_quota]", ErrorClass.QUOTA, 429),
        ("[fail:429]", ErrorClass.CONCURRENCY, 429),  # rate_limit_exceeded on create
        ("[fail:500]", ErrorClass.TRANSIENT, 500),
    ],
)
async def test_create_errors_are_classified(
    provider: SoraProvider,
    account: AccountContext,
    marker: str,
    error_class: ErrorClass,
    status: int,
) -> None:
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(T2V, {"prompt": f"x {marker}"}))
    assert (info.value.error_class, info.value.http_status) == (error_class, status)
    assert provider.classify(info.value) == error_class
    assert info.value.retry_after == (1 if marker == "[fail:429]" else None)
    if error_class == ErrorClass.QUOTA:
        assert info.value.code == "insufficient_quota"


async def test_budget_and_concurrency_limits(
    provider: SoraProvider, account: AccountContext, server: FakeServer
) -> None:
    key = account.api_key or ""
    long = {"prompt": "slow [secs:60]"}
    ids = [(await provider.submit(account, _request(T2V, long))).provider_job_id for _ in "ab"]
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(T2V, long))
    assert info.value.error_class == ErrorClass.CONCURRENCY and info.value.retry_after == 2
    assert server.state.snapshot(key)["max_running"] == 2

    await provider.cancel(account, ids[0])  # frees a slot; the video is gone
    assert ids[0] not in await provider.poll(account, ids)
    await provider.submit(account, _request(T2V, long))
    assert server.state.snapshot(key)["max_running"] == 2
    await provider.cancel(account, "video_unknown")  # already gone: not an error
    assert len(server.state.log.all("/v1/videos/", method="DELETE")) == 2

    server.state.configure(key, credits={"usd_cents": 30.0})  # 4 s of sora-2 costs 40
    clock.advance(dt.timedelta(seconds=120))
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(T2V, {"prompt": "one more"}))
    assert info.value.error_class == ErrorClass.QUOTA


@pytest.mark.parametrize(
    ("marker", "status", "error_class"),
    [
        ("[end:failed]", ProviderStatus.FAILED, ErrorClass.TRANSIENT),
        # moderation_blocked on a video that was accepted: still the request refused
        ("[end:filtered]", ProviderStatus.FILTERED, ErrorClass.INPUT_MODERATION),
    ],
)
async def test_failed_videos_are_classified(
    provider: SoraProvider,
    account: AccountContext,
    marker: str,
    status: ProviderStatus,
    error_class: ErrorClass,
) -> None:
    job = await provider.submit(account, _request(T2V, {"prompt": f"p {marker}"}))
    end = (await _run(provider, account, job.provider_job_id))[-1]
    assert (end.status, end.error_class, end.output_url) == (status, error_class, None)
    assert end.error_message


async def test_balance_has_no_credits_but_checks_the_key(
    provider: SoraProvider, account: AccountContext, server: FakeServer
) -> None:
    balance = await provider.fetch_balance(account)
    assert balance.credits == {} and "no credit balance" in balance.raw["note"]
    assert server.state.log.all("/v1/videos", method="GET")[0].query == {"limit": "1"}
    server.state.configure(account.api_key or "", revoked=True)
    with pytest.raises(ProviderError) as info:
        await provider.fetch_balance(account)
    assert info.value.error_class == ErrorClass.AUTH


async def test_find_submission_searches_the_list() -> None:
    with FakeServer(create_app(limit=None)) as srv:
        account = _account(srv)
        provider = SoraProvider(timeout_s=10, policy=LOOPBACK_POLICY)
        try:
            submitted_at = clock.now().timestamp()
            wanted = _request(T2V, {"prompt": "the lost one", "seconds": "12"})
            lost = await provider.submit(account, wanted)
            clock.advance(dt.timedelta(seconds=5))
            for i in range(101):  # pushes the lost one onto the second page
                await provider.submit(account, _request(T2V, {"prompt": f"other {i}"}))

            found = await provider.find_submission(account, wanted, submitted_at)
            assert found == lost.provider_job_id
            assert len(srv.state.log.all("/v1/videos", method="GET")) == 2
            never_sent = _request(T2V, {"prompt": "never sent"})
            assert await provider.find_submission(account, never_sent, submitted_at) is None
            later = submitted_at + 3
            assert await provider.find_submission(account, wanted, later) is None
            other_length = _request(T2V, {"prompt": "the lost one", "seconds": "4"})
            assert await provider.find_submission(account, other_length, submitted_at) is None
        finally:
            await provider.aclose()

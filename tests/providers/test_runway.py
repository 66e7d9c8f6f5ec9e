"""The Runway adapter against its fake, over real loopback HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from PIL import Image

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import (
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
from pixsim7.providers.runway import RunwayProvider
from pixsim7.providers.runway.fake import create_app, peak_generating

I2V = OperationType.IMAGE_TO_VIDEO
T2V = OperationType.TEXT_TO_VIDEO
TRANSITION = OperationType.VIDEO_TRANSITION


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(create_app(job_seconds=2.0, url_ttl_s=30.0)) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture
async def provider(server: FakeServer) -> AsyncIterator[RunwayProvider]:
    p = RunwayProvider(server.url, timeout_s=10)
    yield p
    await p.aclose()


@pytest.fixture
def account(server: FakeServer) -> AccountContext:
    """A fresh key per test, so tests share the server but not its state."""
    server.state.log.clear()
    return AccountContext(
        id=1, provider_id="runway", base_url=server.url, api_key=f"key-{uuid.uuid4().hex}"
    )


@pytest.fixture
def image(tmp_path: Path) -> PreparedInput:
    path = tmp_path / "frame.png"
    Image.new("RGB", (64, 36), (200, 80, 20)).save(path)
    return PreparedInput("source_image", "image", path=path, mime_type="image/png")


def _request(
    op: OperationType, params: Mapping[str, Any], **inputs: list[PreparedInput]
) -> SubmitRequest:
    return SubmitRequest(op, params, inputs, idempotency_key=uuid.uuid4().hex)


async def _run(provider: RunwayProvider, account: AccountContext, job_id: str) -> list[PollResult]:
    """Poll until terminal, moving the clock instead of sleeping."""
    seen: list[PollResult] = []
    for _ in range(200):
        result = (await provider.poll(account, [job_id]))[job_id]
        seen.append(result)
        if result.status in (
            ProviderStatus.SUCCEEDED,
            ProviderStatus.FAILED,
            ProviderStatus.FILTERED,
            ProviderStatus.CANCELLED,
        ):
            return seen
        clock.advance(dt.timedelta(seconds=0.25))
    raise AssertionError("job never finished")


async def _download_and_probe(
    provider: RunwayProvider, account: AccountContext, result: PollResult, dest: Path
) -> tuple[int, int, int]:
    await provider.download(account, result, dest, max_bytes=10_000_000)
    with av.open(str(dest)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames


def test_registered_with_its_contract() -> None:
    provider = Registry(Settings()).get("runway")
    assert isinstance(provider, RunwayProvider)
    assert provider.info.credential_kinds == ("api_key",)
    assert provider.info.credit_pools == ("credits",)
    assert provider.info.can_find_submissions is False
    assert {s.type for s in provider.operations()} == {I2V, T2V, TRANSITION}


async def test_image_to_video_end_to_end(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    server: FakeServer,
    tmp_path: Path,
) -> None:
    params = {"model": "gen4_turbo", "prompt": "a slow pan", "ratio": "1280:720", "seed": 7}
    job = await provider.submit(account, _request(I2V, params, source_image=[image]))
    seen = await _run(provider, account, job.provider_job_id)

    assert seen[0].status == ProviderStatus.QUEUED
    running = [r for r in seen if r.status == ProviderStatus.RUNNING]
    assert running and all(0 < (r.progress or 0) < 1 for r in running)
    done = seen[-1]
    assert done.status == ProviderStatus.SUCCEEDED and done.raw["output_expires"] is True
    assert done.output_url and "sig=" in done.output_url
    assert await _download_and_probe(provider, account, done, tmp_path / "out.mp4") == (
        320,
        180,
        8,
    )

    create = server.state.log.all("/v1/image_to_video")[0]
    assert create.headers["authorization"] == f"Bearer {account.api_key}"
    assert create.headers["x-runway-version"] == "2024-11-06"
    assert create.json["promptImage"].startswith("data:image/png;base64,")
    assert {k: create.json[k] for k in ("model", "promptText", "ratio", "duration", "seed")} == {
        "model": "gen4_turbo",
        "promptText": "a slow pan",
        "ratio": "1280:720",
        "duration": 5,
        "seed": 7,
    }
    assert all(r.headers["x-runway-version"] == "2024-11-06" for r in server.state.log.all("/v1/"))


async def test_text_to_video_and_transition(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    server: FakeServer,
    tmp_path: Path,
) -> None:
    t2v = await provider.submit(
        account, _request(T2V, {"prompt": "waves", "ratio": "720:1280", "duration": 4})
    )
    last = PreparedInput("images", "image", path=image.path, mime_type="image/png")
    transition = await provider.submit(
        account,
        _request(TRANSITION, {"prompt": "morph", "ratio": "1920:1080"}, images=[image, last]),
    )
    for job, size in ((t2v, (180, 320)), (transition, (320, 180))):
        done = (await _run(provider, account, job.provider_job_id))[-1]
        assert done.status == ProviderStatus.SUCCEEDED
        width, height, frames = await _download_and_probe(
            provider, account, done, tmp_path / f"{job.provider_job_id}.mp4"
        )
        assert (width, height) == size and frames > 0

    t2v_body = server.state.log.all("/v1/text_to_video")[0].json
    assert t2v_body["model"] == "gen4.5" and "promptImage" not in t2v_body
    images = server.state.log.all("/v1/image_to_video")[0].json["promptImage"]
    assert [i["position"] for i in images] == ["first", "last"]
    assert all(i["uri"].startswith("data:image/png;base64,") for i in images)


async def test_balance_reads_model_limits_and_falls(
    provider: RunwayProvider, account: AccountContext, image: PreparedInput, server: FakeServer
) -> None:
    before = await provider.fetch_balance(account)
    assert before.credits == {"credits": 1000.0}
    assert (before.max_concurrency, before.daily_cap, before.daily_used) == (2, 100, 0)
    assert before.raw["tier"]["models"]["veo3.1"]["maxConcurrentGenerations"] == 2

    job = await provider.submit(account, _request(I2V, {"duration": 10}, source_image=[image]))
    await _run(provider, account, job.provider_job_id)
    after = await provider.fetch_balance(account)
    assert provider.estimate_cost(I2V, {"duration": 10}) == (50.0, "credits")
    assert after.credits == {"credits": 950.0} and after.daily_used == 1

    server.state.configure(
        account.api_key or "",
        extra={"tier": {"veo3.1": {"maxConcurrentGenerations": 4, "maxDailyGenerations": 9}}},
    )
    account.extra["model"] = "veo3.1"
    veo = await provider.fetch_balance(account)
    assert (veo.max_concurrency, veo.daily_cap, veo.daily_used) == (4, 9, 0)


async def test_tasks_over_the_limit_wait_throttled(
    provider: RunwayProvider, account: AccountContext, image: PreparedInput, server: FakeServer
) -> None:
    ids = [
        (await provider.submit(account, _request(I2V, {}, source_image=[image]))).provider_job_id
        for _ in range(3)
    ]
    first = await provider.poll(account, ids)
    throttled = [i for i in ids if first[i].raw["task"]["status"] == "THROTTLED"]
    assert throttled == [ids[2]] and first[ids[2]].status == ProviderStatus.QUEUED
    # Over the limit is a queue, not an error: no error class, only the flag.
    assert first[ids[2]].error_class is None and first[ids[2]].raw.get("throttled") is True
    assert not first[ids[0]].raw.get("throttled")

    for job_id in ids:
        assert (await _run(provider, account, job_id))[-1].status == ProviderStatus.SUCCEEDED
    assert peak_generating(server.state, account.api_key or "", "gen4_turbo") == 2
    assert (await provider.fetch_balance(account)).max_concurrency == 2


@pytest.mark.parametrize(
    ("marker", "error_class", "status"),
    [
        ("[fail:401]", ErrorClass.AUTH, 401),
        ("[fail:400]", ErrorClass.INVALID, 400),
        ("[fail:credits]", ErrorClass.QUOTA, 400),
        ("[fail:429]", ErrorClass.CONCURRENCY, 429),  # the org's rate limit, not THROTTLED
        ("[fail:503]", ErrorClass.TRANSIENT, 503),
    ],
)
async def test_create_errors_are_classified(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    marker: str,
    error_class: ErrorClass,
    status: int,
) -> None:
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(I2V, {"prompt": marker}, source_image=[image]))
    assert info.value.error_class == error_class
    assert info.value.http_status == status
    assert provider.classify(info.value) == error_class
    if status == 429:
        assert info.value.retry_after == 3
    if status == 400 and error_class == ErrorClass.INVALID:
        assert "Invalid request" in info.value.message


async def test_account_problems(
    provider: RunwayProvider, account: AccountContext, image: PreparedInput, server: FakeServer
) -> None:
    key = account.api_key or ""
    server.state.configure(key, credits={"credits": 20.0})  # a 5 s gen4_turbo costs 25
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(I2V, {}, source_image=[image]))
    assert info.value.error_class == ErrorClass.QUOTA and "credits" in info.value.message

    server.state.configure(key, extra={"tier": {"gen4_turbo": {"maxDailyGenerations": 0}}})
    server.state.configure(key, credits={"credits": 100.0})
    with pytest.raises(ProviderError) as info:
        await provider.submit(account, _request(I2V, {}, source_image=[image]))
    # The model's daily cap: this account is spent for the day, the job moves on.
    assert info.value.error_class == ErrorClass.QUOTA and info.value.retry_after == 60

    server.state.configure(key, revoked=True)
    with pytest.raises(ProviderError) as info:
        await provider.fetch_balance(account)
    assert info.value.error_class == ErrorClass.AUTH

    keyless = AccountContext(id=2, provider_id="runway", base_url=server.url)
    server.state.log.clear()
    with pytest.raises(ProviderError) as info:
        await provider.fetch_balance(keyless)
    assert info.value.error_class == ErrorClass.AUTH and len(server.state.log) == 0


@pytest.mark.parametrize(
    ("marker", "status", "error_class", "code"),
    [
        ("[end:failed]", ProviderStatus.FAILED, ErrorClass.TRANSIENT, "INTERNAL.BAD_OUTPUT"),
        ("[end:filtered]", ProviderStatus.FILTERED, ErrorClass.OUTPUT_MODERATION, "SAFETY.OUTPUT"),
        (
            "[end:input_filtered]",
            ProviderStatus.FILTERED,
            ErrorClass.INPUT_MODERATION,
            "SAFETY.INPUT",
        ),
    ],
)
async def test_task_failures_are_classified(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    marker: str,
    status: ProviderStatus,
    error_class: ErrorClass,
    code: str,
) -> None:
    job = await provider.submit(account, _request(I2V, {"prompt": marker}, source_image=[image]))
    end = (await _run(provider, account, job.provider_job_id))[-1]
    assert (end.status, end.error_class) == (status, error_class)
    assert end.output_url is None and code in (end.error_message or "")


@pytest.mark.parametrize(
    ("op", "params", "field"),
    [
        (I2V, {"duration": 7}, "params.duration"),
        (I2V, {"ratio": "1920:1080"}, "params.ratio"),
        (I2V, {"model": "gen4.5"}, "params.prompt"),
        (I2V, {"seed": -1}, "params.seed"),
        (I2V, {"prompt": "x" * 1001}, "params.prompt"),
        (T2V, {"model": "gen4_turbo", "prompt": "p"}, "params.model"),
        (T2V, {"model": "veo3.1", "prompt": "p", "duration": 8, "seed": 1}, "params.seed"),
        (TRANSITION, {"model": "gen4.5", "prompt": "p"}, "params.model"),
    ],
)
async def test_bad_params_rejected_before_any_request(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    server: FakeServer,
    op: OperationType,
    params: dict[str, Any],
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as info:
        provider.validate(op, params)
    assert field in info.value.fields
    inputs = {"source_image": [image]} if op == I2V else {"images": [image, image]}
    with pytest.raises(ProviderError) as err:
        await provider.submit(account, _request(op, params, **(inputs if op != T2V else {})))
    assert err.value.error_class == ErrorClass.INVALID and field in err.value.message
    assert len(server.state.log) == 0


async def test_images_runway_cannot_take_are_refused_before_any_request(
    provider: RunwayProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    gif = tmp_path / "a.gif"
    Image.new("RGB", (8, 8)).save(gif)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(4 * 1024 * 1024))  # > 5 MB once base64-encoded
    for path, mime in ((gif, "image/gif"), (big, "image/png")):
        item = PreparedInput("source_image", "image", path=path, mime_type=mime)
        with pytest.raises(ProviderError) as info:
            await provider.submit(account, _request(I2V, {}, source_image=[item]))
        assert info.value.error_class == ErrorClass.INVALID
    assert len(server.state.log) == 0
    assert provider.needs_upload(PreparedInput("source_image", "image", path=gif)) is False


async def test_cancel_running_and_throttled_tasks(
    provider: RunwayProvider, account: AccountContext, image: PreparedInput, server: FakeServer
) -> None:
    ids = [
        (
            await provider.submit(
                account, _request(I2V, {"prompt": "[secs:60]"}, source_image=[image])
            )
        ).provider_job_id
        for _ in range(3)
    ]
    clock.advance(dt.timedelta(seconds=10))
    before = await provider.poll(account, ids)
    assert [before[i].status for i in ids] == [
        ProviderStatus.RUNNING,
        ProviderStatus.RUNNING,
        ProviderStatus.QUEUED,
    ]
    await provider.cancel(account, ids[2])  # throttled: never runs
    await provider.cancel(account, ids[0])
    await provider.cancel(account, "no-such-task")  # gone already: not an error
    after = await provider.poll(account, [*ids, "no-such-task"])
    assert after[ids[0]].status == after[ids[2]].status == ProviderStatus.CANCELLED
    assert after[ids[1]].status == ProviderStatus.RUNNING and "no-such-task" not in after
    deletes = server.state.log.all("/v1/tasks/", method="DELETE")
    assert len(deletes) == 3 and deletes[0].headers["x-runway-version"] == "2024-11-06"
    assert peak_generating(server.state, account.api_key or "", "gen4_turbo") == 2


async def test_output_links_expire_so_downloads_must_be_prompt(
    provider: RunwayProvider,
    account: AccountContext,
    image: PreparedInput,
    server: FakeServer,
    tmp_path: Path,
) -> None:
    job = await provider.submit(account, _request(I2V, {}, source_image=[image]))
    done = (await _run(provider, account, job.provider_job_id))[-1]
    assert done.output_url
    clock.advance(dt.timedelta(seconds=31))  # past the fake's 30 s link lifetime
    async with httpx.AsyncClient() as client:
        stale = await client.get(done.output_url)
    assert stale.status_code == 403 and b"expired" in stale.content

    # The adapter notices the lapsed link and asks the task for a freshly signed one.
    server.state.log.clear()
    width, _, _ = await _download_and_probe(provider, account, done, tmp_path / "late.mp4")
    assert width == 320
    assert [r.method for r in server.state.log.all("/v1/tasks/")] == ["GET"]

    # Once the task is deleted there is nothing to renew: the output is lost.
    await provider.cancel(account, job.provider_job_id)
    with pytest.raises(ProviderError) as info:
        await provider.download(account, done, tmp_path / "gone.mp4", max_bytes=10_000_000)
    assert info.value.error_class == ErrorClass.INVALID and info.value.code == "output_expired"
    assert not (tmp_path / "gone.mp4").exists()


async def test_upload_builds_an_inline_data_uri(
    provider: RunwayProvider, account: AccountContext, image: PreparedInput, server: FakeServer
) -> None:
    uploaded = await provider.upload(account, image)
    assert uploaded.remote_url and uploaded.remote_url.startswith("data:image/png;base64,")
    assert len(server.state.log) == 0  # no upload endpoint is called


async def test_https_links_are_passed_through_and_the_version_header_is_required(
    provider: RunwayProvider, account: AccountContext, server: FakeServer
) -> None:
    linked = PreparedInput("source_image", "image", remote_url="https://cdn.example.com/frame.webp")
    await provider.submit(account, _request(I2V, {}, source_image=[linked]))
    body = server.state.log.all("/v1/image_to_video")[0].json
    assert body["promptImage"] == "https://cdn.example.com/frame.webp"

    async with httpx.AsyncClient(base_url=server.url) as client:
        bare = await client.get(
            "/v1/organization", headers={"Authorization": f"Bearer {account.api_key}"}
        )
    assert bare.status_code == 400 and "X-Runway-Version" in bare.json()["error"]

"""The Pixverse adapter against its fake, over real HTTP on loopback, on both APIs."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.errors import ValidationFailed
from pixsim7.providers import fakekit
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
from pixsim7.providers.pixverse import PixverseProvider
from pixsim7.providers.pixverse.adapter import plan_concurrency
from pixsim7.providers.pixverse.errors import ERROR_CLASSES, map_status
from pixsim7.providers.pixverse.fake import create_app

OP = OperationType
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(create_app(job_seconds=0)) as srv:
        yield srv


@pytest.fixture
async def provider(server: FakeServer, tmp_path: Path) -> AsyncIterator[PixverseProvider]:
    p = PixverseProvider(Settings(pixverse_base_url=server.url, data_dir=tmp_path))
    yield p
    await p.aclose()
    clock.reset()


def web_account(server: FakeServer, **extra: Any) -> AccountContext:
    return AccountContext(
        next(_ids),
        "pixverse",
        server.url,
        jwt_token=f"tok-{uuid.uuid4()}",
        cookies={"ai_anonymous_id": "anon-browser"},
        extra=extra,
    )


def api_account(server: FakeServer, **extra: Any) -> AccountContext:
    return AccountContext(
        next(_ids), "pixverse", server.url, api_key=f"key-{uuid.uuid4()}", extra=extra
    )


@pytest.fixture(params=["web", "openapi"])
def account(request: pytest.FixtureRequest, server: FakeServer) -> AccountContext:
    return web_account(server) if request.param == "web" else api_account(server)


def key_of(account: AccountContext) -> str:
    return account.api_key or account.jwt_token or ""


def png(tmp_path: Path, name: str = "in.png") -> Path:
    path = tmp_path / name
    Image.new("RGB", (160, 90), (200, 50, 50)).save(path)
    return path


async def uploaded(
    provider: PixverseProvider, account: AccountContext, role: str, path: Path
) -> PreparedInput:
    media = "video" if path.suffix == ".mp4" else "image"
    item = PreparedInput(role, media, path=path)
    result = await provider.upload(account, item)
    item.remote_id, item.remote_url = result.remote_id, result.remote_url
    return item


def request(op: OperationType, params: Mapping[str, Any], **inputs: Sequence[PreparedInput]):
    return SubmitRequest(op, params, inputs, idempotency_key=str(uuid.uuid4()))


async def finish(provider: PixverseProvider, account: AccountContext, job_id: str) -> PollResult:
    for _ in range(20):
        result = (await provider.poll(account, [job_id]))[job_id]
        if result.status in PROVIDER_TERMINAL:
            return result
        clock.advance(dt.timedelta(seconds=5))
    raise AssertionError("job never finished")


async def test_every_operation_succeeds_with_a_real_video(
    provider: PixverseProvider, account: AccountContext, tmp_path: Path
) -> None:
    image = await uploaded(provider, account, "source_image", png(tmp_path))
    frames = [await uploaded(provider, account, "images", png(tmp_path, f"{i}.png")) for i in "ab"]
    video = await uploaded(provider, account, "source_video", fakekit.sample_video(160, 90, 1, 4))
    subject = await uploaded(provider, account, "subject", png(tmp_path, "s.png"))
    background = await uploaded(provider, account, "background", png(tmp_path, "b.png"))
    jobs = [
        request(OP.TEXT_TO_VIDEO, {"prompt": "a red fox", "aspect_ratio": "1:1", "seed": 7}),
        request(OP.IMAGE_TO_VIDEO, {"prompt": "it moves"}, source_image=[image]),
        request(OP.VIDEO_EXTEND, {"prompt": "and on"}, source_video=[video]),
        request(OP.VIDEO_TRANSITION, {"prompts": ["morph"]}, images=frames),
        request(
            OP.FUSION,
            {"prompt": "@subject1 in @background"},
            subject=[subject],
            background=[background],
        ),
    ]
    for i, job in enumerate(jobs):
        submitted = await provider.submit(account, job)
        result = await finish(provider, account, submitted.provider_job_id)
        assert result.status == ProviderStatus.SUCCEEDED, result.raw
        assert result.width and result.height and result.output_url
        dest = await provider.download(account, result, tmp_path / f"out{i}.mp4", max_bytes=10**7)
        with av.open(str(dest)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert (stream.codec_context.width, stream.codec_context.height) == (
                result.width,
                result.height,
            )
    if account.jwt_token:  # the web API also continues one of its own videos by id
        source = PreparedInput("source_video", "video", remote_id=submitted.provider_job_id)
        ext = await provider.submit(
            account, request(OP.VIDEO_EXTEND, {"prompt": "more"}, source_video=[source])
        )
        assert (await finish(provider, account, ext.provider_job_id)).status == "succeeded"


async def test_web_transition_takes_up_to_seven_frames(
    provider: PixverseProvider, server: FakeServer, tmp_path: Path
) -> None:
    account = web_account(server)
    frames = [await uploaded(provider, account, "images", png(tmp_path)) for _ in range(3)]
    params = {"prompts": ["a", "b"], "durations": [2, 3]}
    job = await provider.submit(account, request(OP.VIDEO_TRANSITION, params, images=frames))
    result = await finish(provider, account, job.provider_job_id)
    assert result.status == ProviderStatus.SUCCEEDED and result.duration_sec == 5
    sent = server.state.log.all("/creative_platform/video/frames")[-1].json
    assert sent["prompts"] == ["a", "b"] and len(sent["customer_img_urls"]) == 3


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
async def test_every_error_code_is_classified(
    provider: PixverseProvider, server: FakeServer, code: int
) -> None:
    account = web_account(server)
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": f"x [fail:{code}]"}))
    assert caught.value.code == code
    assert caught.value.error_class == ERROR_CLASSES[code]


def test_error_table_covers_every_class() -> None:
    # Output moderation is no ErrCode: it is video status 7, after the job was accepted.
    assert set(ERROR_CLASSES.values()) == set(ErrorClass) - {ErrorClass.OUTPUT_MODERATION}


async def test_rate_limit_carries_retry_after(
    provider: PixverseProvider, account: AccountContext
) -> None:
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "x [fail:429]"}))
    assert caught.value.error_class == ErrorClass.TRANSIENT
    assert caught.value.http_status == 429 and caught.value.retry_after == 3


async def test_balance_reads_and_falls_after_a_job(
    provider: PixverseProvider, account: AccountContext
) -> None:
    pool = provider.pool_for(account)
    before = await provider.fetch_balance(account)
    assert before.credits == {pool: 10_000}
    params = {"prompt": "spend", "quality": "720p", "duration": 8}
    cost, cost_pool = provider.estimate_cost(OP.TEXT_TO_VIDEO, params, pool=pool)
    assert (cost, cost_pool) == ({"web": 64, "openapi": 96}[pool], pool)
    await provider.submit(account, request(OP.TEXT_TO_VIDEO, params))
    after = await provider.fetch_balance(account)
    assert after.credits == {pool: 10_000 - cost}


async def test_plan_concurrency(provider: PixverseProvider, server: FakeServer) -> None:
    account = web_account(server)
    server.state.configure(key_of(account), limit=3)
    assert (await provider.fetch_balance(account)).max_concurrency == 3
    server.state.configure(key_of(account), extra={"hide_gen_simultaneously": True})
    assert (await provider.fetch_balance(account)).max_concurrency == 5  # plan_type 1
    server.state.configure(key_of(account), extra={"plan_type": 0})
    assert (await provider.fetch_balance(account)).max_concurrency == 2
    assert plan_concurrency({"gen_simultaneously": 0, "plan_type": 2}) == 5


async def test_over_the_concurrency_limit_is_concurrency(
    provider: PixverseProvider, server: FakeServer, account: AccountContext
) -> None:
    server.state.configure(key_of(account), limit=2, job_seconds=60)
    for _ in range(2):
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "busy"}))
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "one too many"}))
    assert caught.value.error_class == ErrorClass.CONCURRENCY and caught.value.code == 500044
    assert server.state.account(key_of(account)).max_running == 2


async def test_out_of_credits_is_quota(provider: PixverseProvider, server: FakeServer) -> None:
    account = web_account(server)
    server.state.configure(key_of(account), credits={"web": 10})
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "costly"}))
    assert (caught.value.error_class, caught.value.code) == (ErrorClass.QUOTA, 500090)


@pytest.mark.parametrize(
    ("op", "params", "field"),
    [
        (OP.TEXT_TO_VIDEO, {"prompt": "x", "quality": "1080p", "duration": 8}, "params.duration"),
        (
            OP.TEXT_TO_VIDEO,
            {"prompt": "x", "motion_mode": "fast", "duration": 8},
            "params.motion_mode",
        ),
        (
            OP.TEXT_TO_VIDEO,
            {"prompt": "x", "motion_mode": "fast", "quality": "1080p"},
            "params.motion_mode",
        ),
        (OP.TEXT_TO_VIDEO, {"prompt": "x", "seed": 2_147_483_648}, "params.seed"),
        (OP.TEXT_TO_VIDEO, {"prompt": "x" * 2049}, "params.prompt"),
        (OP.TEXT_TO_VIDEO, {"prompt": "x", "model": "v9"}, "params.model"),
        (OP.TEXT_TO_VIDEO, {"prompt": "x", "aspect_ratio": "2:1"}, "params.aspect_ratio"),
        (OP.VIDEO_TRANSITION, {"prompts": ["a", "b"]}, "params.prompts"),
        (OP.VIDEO_TRANSITION, {"prompts": ["a"], "durations": [5, 5]}, "params.durations"),
    ],
)
async def test_bad_params_are_refused_before_any_http_call(
    provider: PixverseProvider,
    server: FakeServer,
    account: AccountContext,
    op: OperationType,
    params: dict[str, Any],
    field: str,
) -> None:
    counts = {"images": 2} if op == OP.VIDEO_TRANSITION else {}
    with pytest.raises(ValidationFailed) as caught:
        provider.validate(op, params, counts)
    assert field in caught.value.fields
    images = [PreparedInput("images", "image", remote_id="1", remote_url="u")] * 2
    inputs = {"images": images} if op == OP.VIDEO_TRANSITION else {}
    seen = len(server.state.log.all())
    with pytest.raises(ProviderError) as failed:
        await provider.submit(account, request(op, params, **inputs))
    assert failed.value.error_class == ErrorClass.INVALID and field in failed.value.message
    assert len(server.state.log.all()) == seen


async def test_web_headers(provider: PixverseProvider, server: FakeServer) -> None:
    account = web_account(server)
    server.state.log.clear()
    job = await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "headers"}))
    await provider.poll(account, [job.provider_job_id])
    await provider.fetch_balance(account)
    await provider.cancel(account, job.provider_job_id)
    log = server.state.log.all()
    assert [r.path.rsplit("/", 1)[-1] for r in log] == [
        "t2v",
        "personal",
        "credits",
        "plan_details",
        "delete",
    ]
    assert all(r.headers["token"] == account.jwt_token for r in log)
    assert all("api-key" not in r.headers for r in log)
    assert all(r.headers["ai-anonymous-id"] == "anon-browser" for r in log)
    assert len({r.headers["ai-trace-id"] for r in log}) == len(log)
    assert [r.headers.get("refresh") for r in log] == ["credit", None, None, None, None]


async def test_platform_headers(provider: PixverseProvider, server: FakeServer) -> None:
    account = api_account(server)
    server.state.log.clear()
    job = await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "headers"}))
    await provider.poll(account, [job.provider_job_id])
    await provider.fetch_balance(account)
    log = server.state.log.all()
    assert len(log) == 3 and all(r.path.startswith("/openapi/v2/") for r in log)
    assert all(r.headers["api-key"] == account.api_key for r in log)
    assert all("token" not in r.headers and "refresh" not in r.headers for r in log)
    assert len({r.headers["ai-trace-id"] for r in log}) == 3
    assert log[0].headers["content-type"] == "application/json"


async def test_false_ten_is_not_done(provider: PixverseProvider, server: FakeServer) -> None:
    account = web_account(server)
    server.state.configure(key_of(account), job_seconds=10)
    job = await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "patience"}))
    early = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert early.raw["video_status"] == 10 and early.raw["output_width"] == 0
    assert early.status == ProviderStatus.QUEUED and early.output_url is None
    clock.advance(dt.timedelta(seconds=5))
    mid = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert mid.status == ProviderStatus.RUNNING
    clock.advance(dt.timedelta(seconds=6))
    done = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert done.status == ProviderStatus.SUCCEEDED and done.output_url


def test_status_mapping() -> None:
    assert map_status(10, 0, 0) == ProviderStatus.QUEUED
    assert map_status(10, 640, 360) == ProviderStatus.SUCCEEDED
    assert map_status(1, None, None) == ProviderStatus.SUCCEEDED
    assert {map_status(c, 0, 0) for c in (7, 3, 17)} == {ProviderStatus.FILTERED}
    assert {map_status(c, 0, 0) for c in (8, 9, 4, -1)} == {ProviderStatus.FAILED}
    assert {map_status(c, 0, 0) for c in (0, 2)} == {ProviderStatus.QUEUED}
    assert map_status(5, 0, 0) == ProviderStatus.RUNNING
    assert map_status(6, 0, 0) == ProviderStatus.CANCELLED


async def test_failed_and_filtered_jobs(
    provider: PixverseProvider, account: AccountContext
) -> None:
    for end, status, error in [
        ("failed", ProviderStatus.FAILED, ErrorClass.TRANSIENT),
        ("filtered", ProviderStatus.FILTERED, ErrorClass.OUTPUT_MODERATION),
    ]:
        job = await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": f"[end:{end}]"}))
        result = await finish(provider, account, job.provider_job_id)
        assert (result.status, result.error_class) == (status, error)


async def test_poll_many_and_unknown_ids(
    provider: PixverseProvider, account: AccountContext
) -> None:
    ids = [
        (
            await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": f"n{i}"}))
        ).provider_job_id
        for i in range(3)
    ]
    results = await provider.poll(account, [*ids, "399999999"])
    assert sorted(results) == sorted(ids)
    assert all(r.status == ProviderStatus.SUCCEEDED for r in results.values())


async def test_lowercase_envelope_is_accepted(tmp_path: Path) -> None:
    async with FakeServer(create_app(job_seconds=0, lowercase=True)) as srv:
        p = PixverseProvider(Settings(pixverse_base_url=srv.url, data_dir=tmp_path))
        account = web_account(srv)
        job = await p.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "lower"}))
        assert (await finish(p, account, job.provider_job_id)).status == "succeeded"
        with pytest.raises(ProviderError) as caught:
            await p.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "[fail:10005]"}))
        assert caught.value.error_class == ErrorClass.AUTH
        assert srv.state.log.all()[0].path == "/creative_platform/video/t2v"
        await p.aclose()


async def test_revoked_session_and_missing_credentials_are_auth(
    provider: PixverseProvider, server: FakeServer
) -> None:
    account = web_account(server)
    server.state.configure(key_of(account), revoked=True)
    with pytest.raises(ProviderError) as caught:
        await provider.fetch_balance(account)
    assert (caught.value.error_class, caught.value.code) == (ErrorClass.AUTH, 10003)
    with pytest.raises(ProviderError) as none:
        provider.pool_for(AccountContext(1, "pixverse", server.url))
    assert none.value.error_class == ErrorClass.AUTH


async def test_pool_choice(server: FakeServer, provider: PixverseProvider) -> None:
    both = AccountContext(1, "pixverse", server.url, api_key="k", jwt_token="t")
    assert provider.pool_for(both) == "openapi"
    both.extra["pool"] = "web"
    assert provider.pool_for(both) == "web"
    cookie_only = AccountContext(2, "pixverse", server.url, cookies={"_ai_token": "t"})
    assert provider.pool_for(cookie_only) == "web"
    assert not provider.can_find_submissions(api_account(server))


async def test_cancel_on_the_web_api(provider: PixverseProvider, server: FakeServer) -> None:
    account = web_account(server)
    server.state.configure(key_of(account), job_seconds=60)
    job = await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "stop me"}))
    await provider.cancel(account, job.provider_job_id)
    result = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert result.status == ProviderStatus.CANCELLED


async def test_import_session_from_cookies(provider: PixverseProvider, server: FakeServer) -> None:
    token = f"tok-{uuid.uuid4()}"
    server.state.configure(token, extra={"acc_id": 424242})
    session = await provider.import_session(
        {"cookies": f"_ai_token={token}; ai_anonymous_id=anon-7; other=1"}
    )
    assert session.provider_user_id == "424242" and session.jwt_token == token
    assert session.cookies["ai_anonymous_id"] == "anon-7" and session.email
    sent = server.state.log.all("/creative_platform/getUserInfo")[-1]
    assert sent.headers["token"] == token and sent.headers["ai-anonymous-id"] == "anon-7"
    by_bearer = await provider.import_session({"cookies": {}, "bearer_token": f"Bearer {token}"})
    assert by_bearer.provider_user_id == "424242"
    with pytest.raises(ProviderError) as caught:
        await provider.import_session({"cookies": {"other": "1"}})
    assert caught.value.error_class == ErrorClass.AUTH


async def test_find_submission_on_the_web_api(
    provider: PixverseProvider, server: FakeServer
) -> None:
    account = web_account(server)
    assert provider.can_find_submissions(account)
    submitted_at = clock.now().timestamp()
    attempt = request(OP.TEXT_TO_VIDEO, {"prompt": "lost in a crash", "quality": "720p"})
    await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": "another job"}))
    job = await provider.submit(account, attempt)
    assert await provider.find_submission(account, attempt, submitted_at) == job.provider_job_id
    other = request(OP.TEXT_TO_VIDEO, {"prompt": "never sent"})
    assert await provider.find_submission(account, other, submitted_at) is None
    later = submitted_at + 3600
    assert await provider.find_submission(account, attempt, later) is None


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (401, ErrorClass.AUTH),
        (403, ErrorClass.AUTH),
        (400, ErrorClass.INVALID),
        (503, ErrorClass.TRANSIENT),
    ],
)
async def test_http_statuses_without_an_errcode(
    provider: PixverseProvider, account: AccountContext, status: int, error_class: ErrorClass
) -> None:
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, request(OP.TEXT_TO_VIDEO, {"prompt": f"[fail:{status}]"}))
    assert (caught.value.error_class, caught.value.http_status) == (error_class, status)


async def test_web_image_upload_goes_through_the_bucket(
    provider: PixverseProvider, server: FakeServer, tmp_path: Path
) -> None:
    """Upload token, a signed PUT to the bucket (no session token sent there), then
    batch_upload_media; the path it answers is what i2v takes."""
    account = web_account(server)
    server.state.log.clear()
    image = await uploaded(provider, account, "source_image", png(tmp_path))
    calls = [(r.method, r.path) for r in server.state.log.all()]
    assert calls[0] == ("POST", "/creative_platform/getUploadToken")
    assert calls[1][0] == "PUT" and calls[1][1].startswith("/oss/pixverse-fe-upload/upload/")
    assert calls[2] == ("POST", "/creative_platform/media/batch_upload_media")
    put = server.state.log.all("/oss/")[0]
    assert put.headers["authorization"].startswith("OSS STS.")
    assert "token" not in put.headers and "refresh" not in put.headers
    assert put.headers["content-type"] == "image/png" and put.headers["x-oss-security-token"]
    registered = server.state.log.all("/creative_platform/media/batch_upload_media")[0].json
    (entry,) = registered["images"]
    assert entry["path"] == image.remote_id and entry["path"] == calls[1][1].split("/", 3)[3]
    assert entry["size"] == png(tmp_path).stat().st_size and entry["file_name"] == "in.png"
    assert image.remote_url and image.remote_url.startswith(server.url)

    i2v = request(OP.IMAGE_TO_VIDEO, {"prompt": "go"}, source_image=[image])
    job = await provider.submit(account, i2v)
    assert (await finish(provider, account, job.provider_job_id)).status == ProviderStatus.SUCCEEDED


async def test_the_fake_bucket_checks_the_signature(server: FakeServer) -> None:
    import httpx

    from pixsim7.providers.pixverse import oss

    token = f"tok-{uuid.uuid4()}"
    async with httpx.AsyncClient(base_url=server.url) as http:
        resp = await http.post("/creative_platform/getUploadToken", headers={"token": token})
        creds = oss.credentials(resp.json()["Resp"])
        key, data = oss.object_key(".png"), png_bytes()
        headers = oss.put_headers(creds, key, data, "image/png")
        wrong = {**headers, "Content-Type": "image/jpeg"}  # signed as png, sent as jpeg
        refused = await http.put(f"{creds.endpoint}/{key}", headers=wrong, content=data)
        assert refused.status_code == 403 and b"SignatureDoesNotMatch" in refused.content
        assert b"<StringToSign>PUT\n" in refused.content
        ok = await http.put(f"{creds.endpoint}/{key}", headers=headers, content=data)
        assert ok.status_code == 200 and ok.headers["etag"]
        other = {"images": [{"name": "x.png", "size": len(data), "path": key}]}
        stranger = await http.post(
            "/creative_platform/media/batch_upload_media", json=other, headers={"token": "other"}
        )
        assert stranger.json()["ErrCode"] == 500041  # not their object


def png_bytes() -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (32, 18), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()

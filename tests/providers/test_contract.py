"""One contract, every adapter: the same checks against each provider's fake over real HTTP.

What the scheduler relies on from every provider: each operation it offers runs to a real,
probe-able video (inputs uploaded first where the adapter needs that); one `poll` answers
for several jobs; `cancel` stops a job where the provider can; balances are read and fall by
the estimate; every error class the provider can produce is produced by its fake and
classified; out-of-range params are field errors before any HTTP call. Provider quirks (every
single error code, headers, list paging) are tested in each provider's own module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
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
    PROVIDER_TERMINAL,
    AccountContext,
    ErrorClass,
    OperationType,
    ParamType,
    PollResult,
    PreparedInput,
    Provider,
    ProviderError,
    ProviderStatus,
    SubmitRequest,
)
from pixsim7.providers.comfyui import fake as comfy_fake
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.pixverse import fake as pixverse_fake
from pixsim7.providers.registry import Registry
from pixsim7.providers.runway import fake as runway_fake
from pixsim7.providers.sora import fake as sora_fake
from tests.conftest import LOOPBACK

OP = OperationType
EC = ErrorClass
IMAGE_SIZE = (1280, 720)  # Sora wants the input image at exactly the video size


@dataclass(frozen=True)
class Trigger:
    """How to make a fake produce an error: a queued error code on the next call of `on`
    (create, poll), or a marker word in the prompt of a job that then ends badly."""

    on: str  # "create" | "poll" | "end"
    code: str  # the provider's own error code, HTTP status, or marker outcome


@dataclass
class Case:
    provider_id: str
    make_fake: Callable[[], Any] | None
    credential: str | None  # which AccountContext field carries the key
    params: dict[OperationType, dict[str, Any]]  # one small job per operation
    errors: dict[ErrorClass, list[Trigger]] = field(default_factory=dict)
    base_path: str = ""  # what the provider's base URL adds to the host (Sora: /v1)
    reports_credits: bool = True  # the provider says a balance (OpenAI does not)
    own_video_to_extend: bool = False  # extend takes only a video this provider made
    prompt_param: str = "prompt"


_PIXVERSE_PARAMS: dict[OperationType, dict[str, Any]] = {
    OP.TEXT_TO_VIDEO: {"prompt": "a fox", "quality": "360p", "duration": 5},
    OP.IMAGE_TO_VIDEO: {"prompt": "a fox wakes", "quality": "360p"},
    OP.VIDEO_EXTEND: {"prompt": "the fox runs on", "quality": "360p"},
    OP.VIDEO_TRANSITION: {"prompts": ["from dawn to dusk"], "quality": "360p"},
    OP.FUSION: {"prompt": "@subject1 in front of @background", "quality": "360p"},
}
# Every class, each from the ErrCode PROVIDERS.md gives it; plus HTTP 429 and a filtered video.
_PIXVERSE_ERRORS: dict[ErrorClass, list[Trigger]] = {
    EC.AUTH: [Trigger("create", "10003"), Trigger("create", "10005")],
    EC.QUOTA: [Trigger("create", "500090"), Trigger("create", "500043")],
    EC.CONCURRENCY: [Trigger("create", "500044")],
    # 500054 is the input image, 500063 the pre-review of the inputs; status 7 (filtered) the
    # output (docs/providers.md, "Moderation").
    EC.INPUT_MODERATION: [Trigger("create", "500063"), Trigger("create", "500054")],
    EC.OUTPUT_MODERATION: [Trigger("end", "filtered")],
    EC.TRANSIENT: [
        Trigger("create", "500069"),
        Trigger("create", "429"),
        Trigger("poll", "429"),
        Trigger("end", "failed"),
    ],
    EC.INVALID: [Trigger("create", "400017"), Trigger("create", "500071")],
}
_LOCAL_COMMON = {"duration": 1, "resolution": "360p", "fps": 8}

CASES: dict[str, Case] = {
    "local": Case(
        "local",
        None,
        None,
        {
            OP.TEXT_TO_VIDEO: {"prompt": "hi", **_LOCAL_COMMON},
            OP.IMAGE_TO_VIDEO: dict(_LOCAL_COMMON),
            OP.VIDEO_EXTEND: dict(_LOCAL_COMMON),
            OP.VIDEO_TRANSITION: dict(_LOCAL_COMMON),
            OP.FUSION: dict(_LOCAL_COMMON),
        },
        reports_credits=False,
    ),
    "pixverse-web": Case(
        "pixverse",
        lambda: pixverse_fake.create_app(job_seconds=2),
        "jwt_token",
        _PIXVERSE_PARAMS,
        _PIXVERSE_ERRORS,
    ),
    "pixverse-platform": Case(
        "pixverse",
        lambda: pixverse_fake.create_app(job_seconds=2),
        "api_key",
        _PIXVERSE_PARAMS,
        _PIXVERSE_ERRORS,
    ),
    "runway": Case(
        "runway",
        lambda: runway_fake.create_app(job_seconds=2),
        "api_key",
        {
            OP.TEXT_TO_VIDEO: {"prompt": "a fox", "model": "gen4.5"},
            OP.IMAGE_TO_VIDEO: {"prompt": "a fox wakes"},
            OP.VIDEO_TRANSITION: {"prompt": "dawn to dusk"},
        },
        {
            EC.AUTH: [Trigger("create", "401")],
            EC.QUOTA: [Trigger("create", "credits")],
            EC.CONCURRENCY: [Trigger("create", "429")],  # the rate limit; THROTTLED is a queue
            EC.INPUT_MODERATION: [Trigger("end", "input_filtered")],  # SAFETY.INPUT.*
            EC.OUTPUT_MODERATION: [Trigger("end", "filtered")],  # SAFETY.OUTPUT.*
            EC.TRANSIENT: [
                Trigger("create", "503"),
                Trigger("poll", "429"),
                Trigger("end", "failed"),
            ],
            EC.INVALID: [Trigger("create", "400")],
        },
    ),
    "sora": Case(
        "sora",
        lambda: sora_fake.create_app(job_seconds=2),
        "api_key",
        {
            OP.TEXT_TO_VIDEO: {"prompt": "a fox"},
            OP.IMAGE_TO_VIDEO: {"prompt": "a fox wakes"},
            OP.VIDEO_EXTEND: {"prompt": "make it snow"},  # remix of a Sora video
        },
        {
            EC.AUTH: [Trigger("create", "401")],
            EC.QUOTA: [Trigger("create", "insufficient_quota")],
            EC.CONCURRENCY: [Trigger("create", "429")],  # rate_limit_exceeded on create
            # OpenAI documents no output-side refusal: `moderation_blocked` on create and on
            # a video that failed later are both the request refused.
            EC.INPUT_MODERATION: [
                Trigger("create", "moderation_blocked"),
                Trigger("end", "filtered"),
            ],
            EC.TRANSIENT: [
                Trigger("create", "500"),
                Trigger("poll", "429"),
                Trigger("end", "failed"),
            ],
            EC.INVALID: [Trigger("create", "400")],
        },
        base_path="/v1",
        reports_credits=False,
        own_video_to_extend=True,
    ),
    "comfyui": Case(
        "comfyui",
        lambda: comfy_fake.create_app(run_seconds=2),
        None,
        {
            OP.TEXT_TO_VIDEO: {"prompt": "a fox", "width": 160, "height": 96, "frames": 8},
            OP.IMAGE_TO_VIDEO: {"prompt": "a fox wakes", "width": 160, "height": 96, "frames": 8},
        },
        # A user's own GPU has no credits, no concurrency refusals (it queues) and no
        # moderation: these three classes are all it can produce.
        {
            EC.AUTH: [Trigger("create", "401")],
            EC.TRANSIENT: [Trigger("create", "503"), Trigger("end", "failed")],
            EC.INVALID: [Trigger("create", "400")],
        },
        reports_credits=False,
    ),
}
REMOTE = [k for k, c in CASES.items() if c.make_fake is not None]
ERROR_CASES = [(name, cls) for name in REMOTE for cls in CASES[name].errors]


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, FakeServer]]:
    running: dict[str, FakeServer] = {}
    try:
        for name, case in CASES.items():
            if case.make_fake is not None:
                running[name] = FakeServer(case.make_fake()).__enter__()
        yield running
    finally:
        for srv in running.values():
            srv.__exit__(None, None, None)


@pytest.fixture
async def registry(tmp_path: Path) -> AsyncIterator[Registry]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        local_max_concurrency=1,
        outbound_allow=[LOOPBACK],
    )
    reg = Registry(settings)
    yield reg
    await reg.aclose()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("inputs")
    paths = []
    for i, color in enumerate([(200, 80, 20), (20, 90, 200), (40, 160, 60)]):
        path = folder / f"in{i}.png"
        Image.new("RGB", IMAGE_SIZE, color).save(path)
        paths.append(path)
    return paths


def _provider(registry: Registry, case: Case) -> Provider:
    provider = registry.get(case.provider_id)
    assert provider is not None
    return provider


def _account(case: Case, server: FakeServer | None) -> AccountContext:
    account = AccountContext(
        id=1,
        provider_id=case.provider_id,
        base_url=server.url + case.base_path if server else "",
    )
    if case.credential:
        setattr(account, case.credential, f"key-{uuid.uuid4().hex}")
    return account


def _key(case: Case, account: AccountContext) -> str:
    """The key the fake keeps this account's state under."""
    return getattr(account, case.credential) if case.credential else comfy_fake.DEFAULT_KEY


async def _fake(server: FakeServer, method: str, path: str, **body: Any) -> Any:
    async with httpx.AsyncClient(base_url=server.url) as c:
        r = await c.request(method, path, json=body or None)
        assert r.status_code == 200, r.text
        return r.json()


def _request(op: OperationType, params: dict[str, Any], **inputs: Any) -> SubmitRequest:
    return SubmitRequest(op, params, inputs, idempotency_key=uuid.uuid4().hex)


async def _until_done(
    provider: Provider, account: AccountContext, job_ids: Sequence[str]
) -> dict[str, PollResult]:
    """Poll all `job_ids` together (one `poll` call per round) until every one has ended."""
    for _ in range(600):
        results = await provider.poll(account, job_ids)
        assert set(results) == set(job_ids), "every job is answered by one poll"
        if all(r.status in PROVIDER_TERMINAL for r in results.values()):
            return results
        clock.advance(dt.timedelta(seconds=0.5))  # fakes run on our clock
        await asyncio.sleep(0.05)  # the local renderer runs on the wall clock
    raise AssertionError("jobs did not finish")


async def _probe(
    provider: Provider, account: AccountContext, result: PollResult, dest: Path
) -> tuple[int, int, int]:
    path = await provider.download(account, result, dest, max_bytes=50 * 2**20)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return frames, stream.codec_context.width, stream.codec_context.height


async def _inputs(
    provider: Provider, account: AccountContext, op: OperationType, images: list[Path]
) -> dict[str, list[PreparedInput]]:
    """Image inputs per role of the operation's spec, uploaded where the adapter needs it."""
    spec = provider.operation(op)
    assert spec is not None
    prepared: dict[str, list[PreparedInput]] = {}
    pool = iter(images)
    for slot in spec.inputs:
        if slot.media_type != "image":
            continue
        prepared[slot.role] = [
            await _ready(provider, account, _image(slot.role, next(pool)))
            for _ in range(slot.min_count)
        ]
    return prepared


def _image(role: str, path: Path) -> PreparedInput:
    w, h = IMAGE_SIZE
    return PreparedInput(role, "image", path=path, mime_type="image/png", width=w, height=h)


async def _ready(provider: Provider, account: AccountContext, item: PreparedInput) -> PreparedInput:
    if provider.needs_upload(item):
        uploaded = await provider.upload(account, item)
        assert uploaded.remote_id
        item.remote_id, item.remote_url = uploaded.remote_id, uploaded.remote_url
    return item


# ---------------------------------------------------------------- every operation


@pytest.mark.parametrize("name", list(CASES))
async def test_every_operation_makes_a_probeable_video_and_balances_fall(
    name: str,
    servers: dict[str, FakeServer],
    registry: Registry,
    images: list[Path],
    tmp_path: Path,
) -> None:
    case = CASES[name]
    provider = _provider(registry, case)
    account = _account(case, servers.get(name))
    assert {s.type for s in provider.operations()} == set(case.params), "the case covers all"
    before = await provider.fetch_balance(account)
    pool = provider.pool_for(account)

    async def submit(op: OperationType, inputs: dict[str, list[PreparedInput]]) -> str:
        counts = {role: len(items) for role, items in inputs.items()}
        params = provider.validate(op, case.params[op], counts)
        credits, priced_in = provider.estimate_cost(op, params, pool)
        assert credits >= 0 and (pool is None or priced_in == pool)
        spent.append(credits)
        done = await provider.submit(account, _request(op, params, **inputs))
        assert done.provider_job_id
        return done.provider_job_id

    spent: list[float] = []
    first = {
        op: await submit(op, await _inputs(provider, account, op, images))
        for op in case.params
        if op != OP.VIDEO_EXTEND
    }
    results = await _until_done(provider, account, list(first.values()))
    outputs: dict[OperationType, Path] = {}
    for op, job_id in first.items():
        assert results[job_id].status == ProviderStatus.SUCCEEDED, (op, results[job_id])
        dest = tmp_path / f"{op.value}.mp4"
        frames, width, height = await _probe(provider, account, results[job_id], dest)
        assert frames > 0 and width > 0 and height > 0, op
        outputs[op] = dest

    if OP.VIDEO_EXTEND in case.params:  # continues the text-to-video output
        t2v = results[first[OP.TEXT_TO_VIDEO]]
        video = PreparedInput("source_video", "video", path=outputs[OP.TEXT_TO_VIDEO])
        video.mime_type = "video/mp4"
        if case.own_video_to_extend:
            video.remote_id = t2v.provider_asset_id
        extend = await submit(
            OP.VIDEO_EXTEND, {"source_video": [await _ready(provider, account, video)]}
        )
        ended = (await _until_done(provider, account, [extend]))[extend]
        assert ended.status == ProviderStatus.SUCCEEDED, ended
        frames, _, _ = await _probe(provider, account, ended, tmp_path / "extend.mp4")
        assert frames > 0

    after = await provider.fetch_balance(account)
    if case.reports_credits:
        assert pool is not None and set(after.credits) == {pool}
        assert after.credits[pool] == pytest.approx(before.credits[pool] - sum(spent))
        assert sum(spent) > 0
    else:  # local and ComfyUI cost nothing; OpenAI bills Sora in dollars but shows no balance
        assert after.credits == {}
        assert (sum(spent) > 0) == (case.provider_id == "sora")


# ---------------------------------------------------------------- poll, cancel


@pytest.mark.parametrize("name", REMOTE)
async def test_one_poll_answers_for_several_jobs_and_leaves_out_unknown_ids(
    name: str, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    provider = _provider(registry, case)
    account = _account(case, servers[name])
    params = provider.validate(OP.TEXT_TO_VIDEO, case.params[OP.TEXT_TO_VIDEO])
    ids = [
        (await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))).provider_job_id
        for _ in range(2)
    ]
    unknown = "424242" if case.provider_id == "pixverse" else "no-such-job"
    answered = await provider.poll(account, [*ids, unknown])
    assert set(answered) == set(ids)
    assert all(
        r.status in (ProviderStatus.QUEUED, ProviderStatus.RUNNING) for r in answered.values()
    )
    done = await _until_done(provider, account, ids)
    assert {r.status for r in done.values()} == {ProviderStatus.SUCCEEDED}


@pytest.mark.parametrize("name", list(CASES))
async def test_cancel_stops_a_running_job_where_the_provider_can(
    name: str, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    provider = _provider(registry, case)
    server = servers.get(name)
    account = _account(case, server)
    params = dict(case.params[OP.TEXT_TO_VIDEO])
    if name == "local":
        params.update(duration=20, resolution="1080p", fps=60)  # long enough to catch
    else:
        params["prompt"] += " [secs:60]"
    params = provider.validate(OP.TEXT_TO_VIDEO, params)
    job_id = (await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))).provider_job_id
    seen = (await provider.poll(account, [job_id]))[job_id]
    assert seen.status in (ProviderStatus.QUEUED, ProviderStatus.RUNNING)
    calls_before = len(server.state.log) if server else 0

    await provider.cancel(account, job_id)

    if not provider.can_cancel(account):  # Pixverse's platform API: no cancel, no call
        assert case.provider_id == "pixverse" and server is not None
        assert len(server.state.log) == calls_before
        still = (await provider.poll(account, [job_id]))[job_id]
        assert still.status in (ProviderStatus.QUEUED, ProviderStatus.RUNNING)
        return
    for _ in range(200):  # ComfyUI's interrupt lands at the next node; local at a frame
        after = (await provider.poll(account, [job_id])).get(job_id)
        if after is None or after.status in PROVIDER_TERMINAL:
            break
        clock.advance(dt.timedelta(seconds=0.5))
        await asyncio.sleep(0.05)
    # Cancelled, or gone (Sora deletes; ComfyUI drops a pending prompt; local removes it).
    assert after is None or after.status in (ProviderStatus.CANCELLED, ProviderStatus.FAILED)
    assert after is None or after.status != ProviderStatus.SUCCEEDED
    await provider.cancel(account, job_id)  # a job already gone is not an error


# ---------------------------------------------------------------- errors


def test_every_class_is_produced_by_the_commercial_fakes() -> None:
    for name in ("pixverse-web", "pixverse-platform", "runway", "sora"):
        # Sora has no output-side refusal to produce (docs/providers.md, "Moderation").
        missing = {EC.OUTPUT_MODERATION} if name == "sora" else set()
        assert set(CASES[name].errors) == set(ErrorClass) - missing, name


@pytest.mark.parametrize(("name", "error_class"), ERROR_CASES)
async def test_each_error_the_fake_produces_is_classified(
    name: str, error_class: ErrorClass, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    provider = _provider(registry, case)
    server = servers[name]
    account = _account(case, server)
    key = _key(case, account)
    op = OP.TEXT_TO_VIDEO
    for trigger in case.errors[error_class]:
        params = dict(case.params[op])
        if trigger.on == "end":
            params[case.prompt_param] += f" [end:{trigger.code}]"
        else:
            await _fake(
                server,
                "POST",
                "/_fake/control",
                key=key,
                errors=[{"code": trigger.code, "on": trigger.on}],
            )
        params = provider.validate(op, params)
        if trigger.on == "create":
            with pytest.raises(ProviderError) as caught:
                await provider.submit(account, _request(op, params))
            assert caught.value.error_class == error_class, (trigger, caught.value)
            assert provider.classify(caught.value) == error_class
            continue
        job_id = (await provider.submit(account, _request(op, params))).provider_job_id
        if trigger.on == "poll":
            with pytest.raises(ProviderError) as caught:
                await provider.poll(account, [job_id])
            assert provider.classify(caught.value) == error_class, (trigger, caught.value)
            continue
        ended = (await _until_done(provider, account, [job_id]))[job_id]
        assert ended.status in (ProviderStatus.FAILED, ProviderStatus.FILTERED), ended
        assert ended.error_class == error_class, (trigger, ended)
        if error_class in (EC.INPUT_MODERATION, EC.OUTPUT_MODERATION):
            assert ended.status == ProviderStatus.FILTERED


@pytest.mark.parametrize("name", [n for n in REMOTE if CASES[n].credential])
async def test_revoked_credentials_are_auth_errors(
    name: str, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    server = servers[name]
    provider = _provider(registry, case)
    account = _account(case, server)
    await _fake(server, "POST", "/_fake/control", key=_key(case, account), revoked=True)
    params = provider.validate(OP.TEXT_TO_VIDEO, case.params[OP.TEXT_TO_VIDEO])
    before = len(server.state.log)
    with pytest.raises(ProviderError) as exc:
        await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))
    assert provider.classify(exc.value) == ErrorClass.AUTH
    with pytest.raises(ProviderError) as exc:
        await provider.fetch_balance(account)
    assert provider.classify(exc.value) == ErrorClass.AUTH
    assert len(server.state.log) > before  # it really went over the wire


@pytest.mark.parametrize("name", ["pixverse-web", "pixverse-platform", "sora"])
async def test_going_over_the_concurrency_limit_is_concurrency(
    name: str, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    server = servers[name]
    provider = _provider(registry, case)
    account = _account(case, server)
    await _fake(server, "POST", "/_fake/control", key=_key(case, account), limit=1)
    params = dict(case.params[OP.TEXT_TO_VIDEO])
    params["prompt"] += " [secs:60]"
    params = provider.validate(OP.TEXT_TO_VIDEO, params)
    await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))
    with pytest.raises(ProviderError) as caught:
        await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))
    assert provider.classify(caught.value) == ErrorClass.CONCURRENCY


async def test_runway_over_its_concurrency_limit_queues_as_throttled(
    servers: dict[str, FakeServer], registry: Registry
) -> None:
    """Runway accepts a task over the tier's limit and holds it THROTTLED: a queue, not an
    error; the account's limit is learned from /v1/organization instead."""
    case = CASES["runway"]
    server = servers["runway"]
    provider = _provider(registry, case)
    account = _account(case, server)
    tier = {"gen4.5": {"maxConcurrentGenerations": 1, "maxDailyGenerations": 50}}
    await _fake(server, "POST", "/_fake/control", key=_key(case, account), extra={"tier": tier})
    params = provider.validate(OP.TEXT_TO_VIDEO, case.params[OP.TEXT_TO_VIDEO])
    ids = [
        (await provider.submit(account, _request(OP.TEXT_TO_VIDEO, params))).provider_job_id
        for _ in range(2)
    ]
    clock.advance(dt.timedelta(seconds=1))
    seen = await provider.poll(account, ids)
    assert seen[ids[0]].status == ProviderStatus.RUNNING
    assert seen[ids[1]].status == ProviderStatus.QUEUED and seen[ids[1]].raw["throttled"]
    assert seen[ids[1]].error_class is None
    assert (await provider.fetch_balance(account)).max_concurrency is None  # gen4_turbo's
    account.extra["model"] = "gen4.5"
    assert (await provider.fetch_balance(account)).max_concurrency == 1
    done = await _until_done(provider, account, ids)
    assert {r.status for r in done.values()} == {ProviderStatus.SUCCEEDED}


# ---------------------------------------------------------------- params


@pytest.mark.parametrize("name", list(CASES))
async def test_out_of_range_params_are_field_errors(name: str, registry: Registry) -> None:
    provider = _provider(registry, CASES[name])
    checked = 0
    for spec in provider.operations():
        for p in spec.params:
            bad: Any
            if p.type in (ParamType.INTEGER, ParamType.NUMBER) and p.maximum is not None:
                bad = p.maximum + 1
            elif p.type == ParamType.ENUM and p.choices:
                bad = "not-a-choice"
            else:
                continue
            with pytest.raises(ValidationFailed) as exc:
                provider.validate(spec.type, {p.name: bad})
            assert f"params.{p.name}" in exc.value.fields
            checked += 1
        with pytest.raises(ValidationFailed) as exc:
            provider.validate(spec.type, {"no_such_param": 1})
        assert "params.no_such_param" in exc.value.fields
    assert checked > 0

"""One contract, every adapter: the same checks against each provider's fake over HTTP.

Provider-specific behaviour (each error code, uploads, list polling) is tested in
each provider's own module; this suite checks what the scheduler relies on from all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import (
    AccountContext,
    ErrorClass,
    OperationType,
    ParamType,
    PollResult,
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


@dataclass
class Case:
    provider_id: str
    make_fake: Callable[[], Any] | None
    credential: str | None  # which AccountContext field carries the key
    t2v_params: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    base_path: str = ""  # what the provider's base URL adds to the host (Sora: /v1)


CASES = {
    "local": Case(
        "local", None, None, {"prompt": "hi", "duration": 1, "resolution": "360p", "fps": 8}
    ),
    "pixverse-web": Case(
        "pixverse",
        lambda: pixverse_fake.create_app(job_seconds=2),
        "jwt_token",
        {"prompt": "a fox", "quality": "360p", "duration": 5},
    ),
    "pixverse-platform": Case(
        "pixverse",
        lambda: pixverse_fake.create_app(job_seconds=2),
        "api_key",
        {"prompt": "a fox", "quality": "360p", "duration": 5},
    ),
    "runway": Case(
        "runway",
        lambda: runway_fake.create_app(job_seconds=2),
        "api_key",
        {"prompt": "a fox", "model": "gen4.5"},
    ),
    "sora": Case(
        "sora",
        lambda: sora_fake.create_app(job_seconds=2),
        "api_key",
        {"prompt": "a fox"},
        base_path="/v1",
    ),
    "comfyui": Case(
        "comfyui",
        lambda: comfy_fake.create_app(run_seconds=2),
        None,
        {"prompt": "a fox", "width": 160, "height": 96, "frames": 8},
    ),
}
REMOTE = [k for k, c in CASES.items() if c.make_fake is not None]


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
    settings = Settings(_env_file=None, data_dir=tmp_path, local_max_concurrency=1)  # type: ignore[call-arg]
    reg = Registry(settings)
    yield reg
    await reg.aclose()


def _account(case: Case, server: FakeServer | None) -> AccountContext:
    account = AccountContext(
        id=1,
        provider_id=case.provider_id,
        base_url=server.url + case.base_path if server else "",
        extra=dict(case.extra),
    )
    if case.credential:
        setattr(account, case.credential, f"key-{uuid.uuid4().hex}")
    return account


async def _control(server: FakeServer, **body: Any) -> None:
    async with httpx.AsyncClient() as c:
        r = await c.post(f"{server.url}/_fake/control", json=body)
        assert r.status_code == 200, r.text


async def _until_done(provider: Provider, account: AccountContext, job_id: str) -> PollResult:
    for _ in range(600):
        result = (await provider.poll(account, [job_id])).get(job_id)
        if result and result.status not in (ProviderStatus.QUEUED, ProviderStatus.RUNNING):
            return result
        clock.advance(dt.timedelta(seconds=0.5))  # fakes run on our clock
        await asyncio.sleep(0.05)  # the local renderer runs on the wall clock
    raise AssertionError("job did not finish")


@pytest.mark.parametrize("name", list(CASES))
async def test_text_to_video_succeeds_with_a_probeable_video(
    name: str, servers: dict[str, FakeServer], registry: Registry, tmp_path: Path
) -> None:
    case = CASES[name]
    provider = registry.get(case.provider_id)
    assert provider is not None
    account = _account(case, servers.get(name))
    params = provider.validate(OperationType.TEXT_TO_VIDEO, case.t2v_params, {})
    credits, pool = provider.estimate_cost(OperationType.TEXT_TO_VIDEO, params)
    assert credits >= 0 and isinstance(pool, str)
    submitted = await provider.submit(
        account,
        SubmitRequest(OperationType.TEXT_TO_VIDEO, params, {}, idempotency_key=uuid.uuid4().hex),
    )
    result = await _until_done(provider, account, submitted.provider_job_id)
    assert result.status == ProviderStatus.SUCCEEDED, result
    path = await provider.download(account, result, tmp_path / "out.mp4", max_bytes=50 * 2**20)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
    assert frames > 0 and stream.codec_context.width > 0


@pytest.mark.parametrize("name", list(CASES))
async def test_out_of_range_params_are_field_errors(name: str, registry: Registry) -> None:
    provider = registry.get(CASES[name].provider_id)
    assert provider is not None
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


@pytest.mark.parametrize("name", [n for n in REMOTE if CASES[n].credential])
async def test_revoked_credentials_are_auth_errors(
    name: str, servers: dict[str, FakeServer], registry: Registry
) -> None:
    case = CASES[name]
    server = servers[name]
    provider = registry.get(case.provider_id)
    assert provider is not None
    account = _account(case, server)
    key = getattr(account, case.credential or "")
    await _control(server, key=key, revoked=True)
    params = provider.validate(OperationType.TEXT_TO_VIDEO, case.t2v_params)
    async with httpx.AsyncClient() as c:
        before = len((await c.get(f"{server.url}/_fake/requests")).json())
    with pytest.raises(ProviderError) as exc:
        await provider.submit(
            account,
            SubmitRequest(
                OperationType.TEXT_TO_VIDEO, params, {}, idempotency_key=uuid.uuid4().hex
            ),
        )
    assert exc.value.error_class == ErrorClass.AUTH
    assert provider.classify(exc.value) == ErrorClass.AUTH
    async with httpx.AsyncClient() as c:
        after = len((await c.get(f"{server.url}/_fake/requests")).json())
    assert after > before  # it really went over the wire

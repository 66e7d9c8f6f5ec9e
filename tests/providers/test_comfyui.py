"""The ComfyUI adapter against its fake, over real loopback HTTP.

The fake's queue moves with `pixsim7.clock`, so the tests advance the clock instead of
sleeping; each test gets its own server (the queue is one per server).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
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
from pixsim7.providers.comfyui import ComfyUIProvider, answers, operations, templates
from pixsim7.providers.comfyui.fake import create_app
from pixsim7.providers.fakekit import FakeServer
from pixsim7.providers.registry import Registry
from tests.conftest import LOOPBACK

T2V = OperationType.TEXT_TO_VIDEO
I2V = OperationType.IMAGE_TO_VIDEO
SMALL = {"width": 160, "height": 90, "frames": 8, "fps": 8, "steps": 4}
TERMINAL = (ProviderStatus.SUCCEEDED, ProviderStatus.FAILED, ProviderStatus.CANCELLED)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(create_app(run_seconds=2.0)) as srv:
        yield srv


@pytest.fixture
async def provider() -> AsyncIterator[ComfyUIProvider]:
    p = ComfyUIProvider(Settings(provider_timeout_s=10, outbound_allow=[LOOPBACK]))
    yield p
    await p.aclose()


@pytest.fixture
def account(server: FakeServer) -> AccountContext:
    return AccountContext(id=1, provider_id="comfyui", base_url=server.url)


@pytest.fixture
def image(tmp_path: Path) -> PreparedInput:
    path = tmp_path / "start.png"
    Image.new("RGB", (64, 36), (200, 80, 20)).save(path)
    return PreparedInput("source_image", "image", path=path, mime_type="image/png")


def _request(
    op: OperationType, params: Mapping[str, Any], extra: Mapping[str, Any] | None = None, **inputs
) -> SubmitRequest:
    return SubmitRequest(op, params, inputs, uuid.uuid4().hex, extra or {})


def _advance(seconds: float) -> None:
    clock.advance(dt.timedelta(seconds=seconds))


async def _finish(provider: ComfyUIProvider, account: AccountContext, job_id: str) -> PollResult:
    for _ in range(100):
        result = (await provider.poll(account, [job_id]))[job_id]
        if result.status in TERMINAL:
            return result
        _advance(0.5)
    raise AssertionError("prompt never finished")


async def _probe(
    provider: ComfyUIProvider, account: AccountContext, result: PollResult, dest: Path
) -> tuple[int, int, int]:
    await provider.download(account, result, dest, max_bytes=10_000_000)
    with av.open(str(dest)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return stream.codec_context.width, stream.codec_context.height, frames


def _queued_graph(server: FakeServer, index: int = -1) -> dict[str, Any]:
    return server.state.log.all("/prompt", "POST")[index].json


def test_registered_with_its_contract() -> None:
    provider = Registry(Settings(comfyui_max_concurrency=2)).get("comfyui")
    assert isinstance(provider, ComfyUIProvider)
    assert provider.info.credit_pools == () and provider.info.credential_kinds == ()
    assert provider.info.default_max_concurrency == 2 and provider.info.can_find_submissions
    assert {s.type for s in provider.operations()} == {T2V, I2V}
    assert provider.estimate_cost(T2V, {"prompt": "x"}) == (0.0, "none")


async def test_text_to_video_from_shipped_template(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer, tmp_path: Path
) -> None:
    request = _request(T2V, {"prompt": "a red fox", "seed": 42, **SMALL})
    job = await provider.submit(account, request)

    body = _queued_graph(server)
    graph = body["prompt"]
    assert graph["8"]["inputs"]["seed"] == 42 and graph["8"]["inputs"]["steps"] == 4
    assert graph["7"]["inputs"] == {"width": 160, "height": 90, "length": 8, "batch_size": 1}
    assert graph["5"]["inputs"]["text"] == "a red fox" and graph["10"]["inputs"]["fps"] == 8
    assert body["extra_data"] == {"pixsim7_idempotency_key": request.idempotency_key}

    first = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert first.status == ProviderStatus.RUNNING
    done = await _finish(provider, account, job.provider_job_id)
    assert done.status == ProviderStatus.SUCCEEDED
    assert done.raw["outputs"]["11"]["animated"] == [True]  # a video listed under "images"
    assert done.output_url and "/view?filename=t2v_00001_.mp4&subfolder=pixsim7" in done.output_url
    assert await _probe(provider, account, done, tmp_path / "t2v.mp4") == (160, 90, 8)


async def test_image_to_video_uploads_the_image(
    provider: ComfyUIProvider,
    account: AccountContext,
    server: FakeServer,
    image: PreparedInput,
    tmp_path: Path,
) -> None:
    params = {"prompt": "the sun sets", **SMALL, "width": 128, "height": 72}
    job = await provider.submit(account, _request(I2V, params, source_image=[image]))

    uploaded = server.app.state.comfy.uploads  # type: ignore[attr-defined]
    assert image.path and list(uploaded.values()) == [image.path.read_bytes()]
    assert _queued_graph(server)["prompt"]["5"]["inputs"]["image"] == next(iter(uploaded))
    done = await _finish(provider, account, job.provider_job_id)
    assert done.status == ProviderStatus.SUCCEEDED
    assert await _probe(provider, account, done, tmp_path / "i2v.mp4") == (128, 72, 8)


async def test_upload_rename_is_honoured(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer, image: PreparedInput
) -> None:
    assert image.path
    ours = f"pixsim7-{hashlib.sha256(image.path.read_bytes()).hexdigest()[:24]}.png"
    async with httpx.AsyncClient(base_url=server.url) as http:  # another file, same name
        taken = await http.post("/upload/image", files={"image": (ours, b"other bytes")})
    assert taken.json() == {"name": ours, "subfolder": "", "type": "input"}

    renamed = (await provider.upload(account, image)).remote_id
    assert renamed == ours.replace(".png", " (1).png")
    assert (await provider.upload(account, image)).remote_id == renamed  # same bytes: kept

    await provider.submit(account, _request(I2V, {"prompt": "p", **SMALL}, source_image=[image]))
    assert _queued_graph(server)["prompt"]["5"]["inputs"]["image"] == renamed


async def test_queue_states_history_and_delete(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer
) -> None:
    first = await provider.submit(account, _request(T2V, {"prompt": "one", **SMALL}))
    second = await provider.submit(account, _request(T2V, {"prompt": "two", **SMALL}))
    ids = [first.provider_job_id, second.provider_job_id, "no-such-prompt"]

    async with httpx.AsyncClient(base_url=server.url) as http:
        for prompt_id in ids:  # a real server says {} for running, pending and unknown alike
            assert (await http.get(f"/history/{prompt_id}")).json() == {}
        polled = await provider.poll(account, ids)
        assert polled[ids[0]].status == ProviderStatus.RUNNING
        assert polled[ids[1]].status == ProviderStatus.QUEUED
        assert "no-such-prompt" not in polled

        await provider.cancel(account, second.provider_job_id)
        assert server.state.log.all("/queue", "POST")[-1].json == {"delete": [ids[1]]}
        assert (await http.get("/queue")).json()["queue_pending"] == []
        _advance(5)
        polled = await provider.poll(account, ids)
        assert polled[ids[0]].status == ProviderStatus.SUCCEEDED
        assert set(polled) == {ids[0]}  # the deleted prompt is gone, as on a real server
        assert list((await http.get("/history")).json()) == [ids[0]]


async def test_interrupt_cancels_the_running_prompt_at_its_next_node(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer
) -> None:
    job = await provider.submit(account, _request(T2V, {"prompt": "long", **SMALL}))
    _advance(0.5)
    await provider.cancel(account, job.provider_job_id)
    assert server.state.log.all("/interrupt")[-1].json == {"prompt_id": job.provider_job_id}
    still = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert still.status == ProviderStatus.RUNNING  # lands when the next node starts

    _advance(0.2)
    done = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
    assert done.status == ProviderStatus.CANCELLED
    status = done.raw["status"]
    assert status["status_str"] == "error" and status["completed"] is False
    assert status["messages"][-1][0] == "execution_interrupted"


async def test_odd_size_is_refused_before_any_request(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        operations.validate(T2V, {"prompt": "p", "width": 161, "height": 91})
    assert set(caught.value.fields) == {"params.width", "params.height"}

    with pytest.raises(ProviderError) as refused:
        await provider.submit(account, _request(T2V, {"prompt": "p", **SMALL, "width": 161}))
    assert refused.value.error_class == ErrorClass.INVALID
    assert "params.width: must be even" in refused.value.message
    assert server.state.log.all() == []


async def test_odd_size_inside_a_template_fails_at_run_time(
    provider: ComfyUIProvider, account: AccountContext
) -> None:
    workflow = templates.shipped_template(T2V)
    workflow["7"]["inputs"]["width"] = 161  # fixed in the graph, so our check cannot see it
    job = await provider.submit(
        account, _request(T2V, {"prompt": "p", **SMALL}, extra={"workflow": workflow})
    )
    done = await _finish(provider, account, job.provider_job_id)
    assert done.status == ProviderStatus.FAILED and done.error_class == ErrorClass.INVALID
    assert done.error_message == (
        "SaveVideo (node 11): ValueError: width not divisible by 2 (161x90)"
    )


async def test_out_of_memory_is_transient(
    provider: ComfyUIProvider, account: AccountContext
) -> None:
    job = await provider.submit(account, _request(T2V, {"prompt": "p [end:failed]", **SMALL}))
    done = await _finish(provider, account, job.provider_job_id)
    assert done.status == ProviderStatus.FAILED and done.error_class == ErrorClass.TRANSIENT
    assert done.error_message and done.error_message.startswith("KSampler (node 8)")


async def test_node_errors_are_invalid_with_a_useful_message(
    provider: ComfyUIProvider, account: AccountContext
) -> None:
    missing = PreparedInput("source_image", "image", remote_id="gone.png")
    with pytest.raises(ProviderError) as caught:
        await provider.submit(
            account, _request(I2V, {"prompt": "p", **SMALL}, source_image=[missing])
        )
    assert caught.value.error_class == ErrorClass.INVALID and caught.value.http_status == 400
    assert caught.value.code == "prompt_outputs_failed_validation"
    assert "node 5 (LoadImage): Value not in list (image: 'gone.png' not in" in caught.value.message


async def test_server_errors_are_transient(
    provider: ComfyUIProvider, account: AccountContext, server: FakeServer
) -> None:
    for code in ("500", "503"):
        with pytest.raises(ProviderError) as caught:
            await provider.submit(account, _request(T2V, {"prompt": f"x [fail:{code}]", **SMALL}))
        assert caught.value.error_class == ErrorClass.TRANSIENT
        assert caught.value.http_status == int(code)
    assert len(server.state.log.all("/prompt")) == 2  # a POST is never retried


async def test_fake_answers_bad_bodies_as_a_real_server(server: FakeServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        not_json = await http.post(
            "/prompt", content=b"{oops", headers={"content-type": "text/plain"}
        )
        assert not_json.status_code == 500
        graph = templates.render_template(
            templates.shipped_template(T2V),
            operations.workflow_values(operations.validate(T2V, {"prompt": "p"}), None),
        )
        del graph["3"]["class_type"]
        bad = await http.post("/prompt", json={"prompt": graph})
        assert bad.status_code == 400
        assert bad.json()["error"]["type"] == "invalid_prompt"
        assert "class_type" in bad.json()["error"]["message"]
        unfilled = await http.post("/prompt", json={"prompt": templates.shipped_template(T2V)})
        errors = unfilled.json()["node_errors"]["7"]["errors"]
        assert {e["type"] for e in errors} == {"invalid_input_type"}


async def test_find_submission_by_idempotency_key(
    provider: ComfyUIProvider, account: AccountContext
) -> None:
    first = _request(T2V, {"prompt": "one", **SMALL})
    second = _request(T2V, {"prompt": "two", **SMALL})
    first_id = (await provider.submit(account, first)).provider_job_id
    second_id = (await provider.submit(account, second)).provider_job_id

    assert await provider.find_submission(account, first, 0.0) == first_id  # running
    assert await provider.find_submission(account, second, 0.0) == second_id  # pending
    _advance(10)
    assert await provider.find_submission(account, first, 0.0) == first_id  # in history
    assert await provider.find_submission(account, second, 0.0) == second_id
    never_sent = _request(T2V, {"prompt": "three"})
    assert await provider.find_submission(account, never_sent, 0.0) is None


async def test_balance_and_proxy_key(provider: ComfyUIProvider) -> None:
    with FakeServer(create_app(api_key="proxy-secret")) as srv:
        keyless = AccountContext(id=2, provider_id="comfyui", base_url=srv.url)
        with pytest.raises(ProviderError) as caught:
            await provider.fetch_balance(keyless)
        assert caught.value.error_class == ErrorClass.AUTH

        keyed = AccountContext(2, "comfyui", srv.url, api_key="proxy-secret")
        balance = await provider.fetch_balance(keyed)
        assert balance.credits == {} and balance.max_concurrency == 1
        assert balance.raw["devices"][0]["type"] == "cuda"
        assert srv.state.log.all("/system_stats")[-1].headers["authorization"] == (
            "Bearer proxy-secret"
        )


async def test_user_template_with_video_combine_node(
    provider: ComfyUIProvider, account: AccountContext, tmp_path: Path
) -> None:
    workflow = templates.shipped_template(T2V)
    del workflow["10"], workflow["11"]
    workflow["12"] = {
        "class_type": "VHS_VideoCombine",
        "inputs": {
            "images": ["9", 0],
            "frame_rate": "{{fps}}",
            "filename_prefix": "clips/{{prompt}}",
            "format": "video/h264-mp4",
        },
    }
    templates.validate_template(T2V, workflow)
    job = await provider.submit(
        account, _request(T2V, {"prompt": "gull", **SMALL}, extra={"workflow": workflow})
    )
    done = await _finish(provider, account, job.provider_job_id)
    assert done.status == ProviderStatus.SUCCEEDED and "gifs" in done.raw["outputs"]["12"]
    assert done.provider_asset_id == "clips/gull_00001_.mp4"
    assert await _probe(provider, account, done, tmp_path / "vhs.mp4") == (160, 90, 8)


def test_validate_template_names_every_problem() -> None:
    with pytest.raises(ValidationFailed) as caught:
        templates.validate_template(T2V, [{"class_type": "KSampler"}])
    assert caught.value.fields == {"workflow": templates._NOT_API_FORMAT}

    with pytest.raises(ValidationFailed) as caught:
        templates.validate_template(I2V, {"nodes": [], "links": []}, field="body.workflow")
    assert "Save (API)" in caught.value.fields["body.workflow"]

    shipped = templates.shipped_template(I2V)
    broken = copy.deepcopy(shipped)
    broken["11"]["inputs"]["seed"] = 5
    broken["5"]["inputs"]["image"] = "{{imgae}}"
    broken["12"]["inputs"]["samples"] = ["99", 0]
    del broken["2"]["class_type"]
    with pytest.raises(ValidationFailed) as caught:
        templates.validate_template(I2V, broken)
    fields = caught.value.fields
    assert set(fields) == {
        "workflow.2",
        "workflow.12.inputs.samples",
        "workflow.placeholders.imgae",
        "workflow.placeholders.seed",
        "workflow.placeholders.input_image",
    }
    assert fields["workflow.2"] == "missing class_type"
    assert fields["workflow.12.inputs.samples"] == "links to missing node 99"
    assert fields["workflow.placeholders.imgae"].startswith("unknown placeholder; known:")
    assert fields["workflow.placeholders.seed"] == (
        "missing: image_to_video needs a {{seed}} value (the seed (integer))"
    )

    with pytest.raises(ValidationFailed) as caught:  # text to video has no input image
        templates.validate_template(T2V, shipped)
    assert set(caught.value.fields) == {"workflow.placeholders.input_image"}
    with pytest.raises(ValidationFailed) as caught:
        templates.validate_template("video_extend", shipped)
    assert set(caught.value.fields) == {"operation"}
    templates.validate_template(I2V, shipped)
    templates.validate_template(T2V, templates.shipped_template(T2V))


def test_render_keeps_types_and_fills_inside_strings() -> None:
    workflow = {
        "1": {"class_type": "KSampler", "inputs": {"seed": "{{ seed }}", "cfg": 6.5}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "film still, {{prompt}}!"}},
    }
    rendered = templates.render_template(workflow, {"seed": 7, "prompt": "a boat"})
    assert rendered["1"]["inputs"] == {"seed": 7, "cfg": 6.5}
    assert rendered["2"]["inputs"]["text"] == "film still, a boat!"
    assert workflow["1"]["inputs"]["seed"] == "{{ seed }}"  # the template is not changed


def test_outputs_are_read_from_videos_gifs_or_animated_images() -> None:
    file = {"filename": "a.mp4", "subfolder": "", "type": "output"}
    assert answers.find_video({"9": {"videos": [file]}}) == file
    assert answers.find_video({"9": {"gifs": [file]}}) == file
    still = {"filename": "a.png", "subfolder": "", "type": "output"}
    assert answers.find_video({"9": {"images": [still]}}) is None
    assert answers.find_video({"9": {"images": [still], "animated": [True]}}) == still
    entry = {"status": {"status_str": "success", "completed": True, "messages": []}}
    result = answers.read_history("p", entry | {"outputs": {"9": {"images": [still]}}}, "http://h")
    assert result.status == ProviderStatus.FAILED and result.error_class == ErrorClass.INVALID

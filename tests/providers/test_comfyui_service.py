"""A user's registered ComfyUI template, from the API to the server's /prompt.

The template is stored through the API, read back with `service.get_for` (what the scheduler
calls for a ComfyUI job) and handed to the adapter as ``SubmitRequest.extra["workflow"]``;
the fake ComfyUI must receive the graph with every placeholder filled and run it.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import av
import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from pixsim7 import clock
from pixsim7.config import Settings
from pixsim7.providers.base import (
    PROVIDER_TERMINAL,
    AccountContext,
    OperationType,
    PreparedInput,
    ProviderStatus,
    SubmitRequest,
)
from pixsim7.providers.comfyui import ComfyUIProvider, service, templates
from pixsim7.providers.comfyui.fake import create_app
from pixsim7.providers.fakekit import FakeServer
from tests.conftest import LOOPBACK, Users

URL = "/api/v1/providers/comfyui/templates"


@pytest.fixture
def comfy() -> Iterator[FakeServer]:
    with FakeServer(create_app(run_seconds=1.0)) as srv:
        yield srv


@pytest.fixture
async def provider() -> AsyncIterator[ComfyUIProvider]:
    p = ComfyUIProvider(
        Settings(_env_file=None, provider_timeout_s=10, outbound_allow=[LOOPBACK])  # type: ignore[call-arg]
    )
    yield p
    await p.aclose()


def _user_t2v() -> dict:
    """The shipped graph, re-worded as a user would: a style around the prompt, their own
    file prefix, a fixed step count, and the frame rate as a placeholder."""
    workflow = copy.deepcopy(templates.shipped_template(OperationType.TEXT_TO_VIDEO))
    workflow["5"]["inputs"]["text"] = "cinematic still, {{prompt}}, 35mm"
    workflow["8"]["inputs"]["steps"] = 3
    workflow["11"]["inputs"]["filename_prefix"] = "mine/{{seed}}"
    return workflow


async def _user_id(client: httpx.AsyncClient, h: dict[str, str]) -> int:
    return int((await client.get("/api/v1/users/me", headers=h)).json()["id"])


async def test_registered_template_is_what_the_server_runs(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    comfy: FakeServer,
    provider: ComfyUIProvider,
    tmp_path: Path,
) -> None:
    h = await users.create()
    r = await client.put(
        f"{URL}/text_to_video", headers=h, json={"name": "styled", "workflow": _user_t2v()}
    )
    assert r.status_code == 200, r.text
    async with app.state.db.session() as session:
        row = await service.get_for(session, await _user_id(client, h), "text_to_video")
    assert row is not None and row.name == "styled"

    params = provider.validate(
        OperationType.TEXT_TO_VIDEO,
        {"prompt": "a heron", "seed": 77, "width": 160, "height": 96, "frames": 8, "fps": 8},
    )
    request = SubmitRequest(
        OperationType.TEXT_TO_VIDEO, params, {}, uuid.uuid4().hex, {"workflow": row.workflow}
    )
    account = AccountContext(id=1, provider_id="comfyui", base_url=comfy.url)
    job = await provider.submit(account, request)

    graph = comfy.state.log.all("/prompt", "POST")[-1].json["prompt"]
    assert "{{" not in str(graph)  # every placeholder filled
    assert graph["5"]["inputs"]["text"] == "cinematic still, a heron, 35mm"
    assert graph["8"]["inputs"]["seed"] == 77 and graph["8"]["inputs"]["steps"] == 3
    assert graph["7"]["inputs"] == {"width": 160, "height": 96, "length": 8, "batch_size": 1}
    assert graph["10"]["inputs"]["fps"] == 8
    assert graph["11"]["inputs"]["filename_prefix"] == "mine/77"
    assert row.workflow["5"]["inputs"]["text"].startswith("cinematic still, {{prompt}}")

    for _ in range(100):
        done = (await provider.poll(account, [job.provider_job_id]))[job.provider_job_id]
        if done.status in PROVIDER_TERMINAL:
            break
        clock.advance(dt.timedelta(seconds=0.5))
    assert done.status == ProviderStatus.SUCCEEDED, done
    assert done.provider_asset_id == "mine/77_00001_.mp4"
    path = await provider.download(account, done, tmp_path / "out.mp4", max_bytes=10_000_000)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (160, 96)
        assert sum(1 for _ in container.decode(stream)) == 8


async def test_registered_image_template_gets_the_uploaded_image(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    comfy: FakeServer,
    provider: ComfyUIProvider,
    tmp_path: Path,
) -> None:
    workflow = copy.deepcopy(templates.shipped_template(OperationType.IMAGE_TO_VIDEO))
    h = await users.create()
    r = await client.put(f"{URL}/image_to_video", headers=h, json={"workflow": workflow})
    assert r.status_code == 200, r.text
    async with app.state.db.session() as session:
        row = await service.get_for(session, await _user_id(client, h), "image_to_video")
    assert row is not None

    image = tmp_path / "start.png"
    Image.new("RGB", (64, 36), (10, 120, 30)).save(image)
    params = provider.validate(OperationType.IMAGE_TO_VIDEO, {"prompt": "wind", "width": 128})
    item = PreparedInput("source_image", "image", path=image, mime_type="image/png")
    request = SubmitRequest(
        OperationType.IMAGE_TO_VIDEO,
        params,
        {"source_image": [item]},
        uuid.uuid4().hex,
        {"workflow": row.workflow},
    )
    account = AccountContext(id=1, provider_id="comfyui", base_url=comfy.url)
    await provider.submit(account, request)

    uploaded = list(comfy.app.state.comfy.uploads)  # type: ignore[attr-defined]
    graph = comfy.state.log.all("/prompt", "POST")[-1].json["prompt"]
    assert len(uploaded) == 1 and "{{" not in str(graph)
    assert uploaded[0] in str(graph)  # the LoadImage node names the file the server kept

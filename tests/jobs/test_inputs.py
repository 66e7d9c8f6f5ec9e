"""A job is checked at creation as its form is: each input's media type against its slot,
each required text not blank, at every provider and operation; what is known only at
submit (a URL's content) is checked then, and the job's error names no internal file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pixsim7.jobs.worker import JobWorker
from pixsim7.providers.base import InputSpec, OperationSpec, ParamType
from pixsim7.providers.fakekit import FakeServer
from tests.assets.conftest import make_video
from tests.jobs.conftest import text_job, wait_for

JOBS = "/api/v1/jobs"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


async def _media(client: httpx.AsyncClient, h: dict[str, str], tmp_path: Any) -> dict[str, int]:
    """An image and a video of the user's: asset ids by media type."""
    video = make_video(tmp_path / "clip.mp4").read_bytes()
    ids = {}
    for kind, name, data in (("image", "a.png", _png()), ("video", "v.mp4", video)):
        r = await client.post("/api/v1/assets/upload", headers=h, files={"file": (name, data)})
        assert r.status_code == 201, r.text
        ids[kind] = r.json()["id"]
    return ids


def _params(spec: OperationSpec) -> dict[str, Any]:
    """Valid parameters: the defaults, and a value for each required one without."""
    params: dict[str, Any] = {}
    segments = max([i.min_count - 1 for i in spec.inputs if i.max_count > 1] or [1])
    for p in spec.params:
        if p.default is None and (p.required or p.type == ParamType.TEXT):
            if p.type == ParamType.STRING_LIST:
                params[p.name] = ["a prompt"] * segments
            elif p.type == ParamType.ENUM:
                params[p.name] = next(iter(p.choices or ()))
            else:
                params[p.name] = "a prompt"
    return params


def _inputs(spec: OperationSpec, ids: dict[str, int], wrong: InputSpec) -> list[dict[str, Any]]:
    """Each slot filled with its media type, but the first input of `wrong` with the other."""
    other = {"image": "video", "video": "image"}
    inputs = []
    for slot in spec.inputs:
        for n in range(max(slot.min_count, 1)):
            kind = other[slot.media_type] if slot is wrong and n == 0 else slot.media_type
            inputs.append({"role": slot.role, "asset_id": ids[kind]})
    return inputs


def _job(provider_id: str, spec: OperationSpec, **body: Any) -> dict[str, Any]:
    return {
        "provider_id": provider_id,
        "operation_type": spec.type.value,
        "params": _params(spec),
        **body,
    }


async def test_an_input_of_the_wrong_media_type_is_refused_at_creation(
    client: httpx.AsyncClient, users, app: FastAPI, tmp_path: Any
) -> None:
    h = await users.create()
    ids = await _media(client, h, tmp_path)
    tried = 0
    for provider in app.state.registry.all():
        for spec in provider.operations():
            right = _job(provider.info.id, spec, inputs=_inputs(spec, ids, wrong=None))
            r = await client.post(f"{JOBS}/estimate", json=right, headers=h)
            assert r.status_code == 200, (provider.info.id, spec.type, r.text)
            for slot in spec.inputs:
                inputs = _inputs(spec, ids, wrong=slot)
                place = next(n for n, i in enumerate(inputs) if i["role"] == slot.role)
                r = await client.post(
                    JOBS, json=_job(provider.info.id, spec, inputs=inputs), headers=h
                )
                where = (provider.info.id, spec.type.value, slot.role)
                assert r.status_code == 422, (where, r.text)
                message = r.json()["error"]["fields"][f"inputs.{place}"]
                assert f"{slot.role} takes a{'n' if slot.media_type == 'image' else ''}" in message
                tried += 1
    assert tried >= 10
    # The case reported: a video as the local image-to-video's source image, in a batch.
    batch = {
        "jobs": [
            text_job(),
            {
                "provider_id": "local",
                "operation_type": "image_to_video",
                "inputs": [{"role": "source_image", "asset_id": ids["video"]}],
            },
        ]
    }
    r = await client.post(f"{JOBS}/batch", json=batch, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {
        "jobs.1.inputs.0": "source_image takes an image, not a video"
    }
    assert (await client.get(JOBS, headers=h)).json()["items"] == []


async def test_another_jobs_output_is_a_video(client: httpx.AsyncClient, users) -> None:
    h = await users.create()
    parent = (await client.post(JOBS, json=text_job(), headers=h)).json()
    as_image = {
        "provider_id": "local",
        "operation_type": "image_to_video",
        "inputs": [{"role": "source_image", "job_id": parent["id"]}],
    }
    r = await client.post(JOBS, json=as_image, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {"inputs.0": "source_image takes an image, not a video"}
    as_video = {
        "provider_id": "local",
        "operation_type": "video_extend",
        "inputs": [{"role": "source_video", "job_id": parent["id"]}],
    }
    assert (await client.post(JOBS, json=as_video, headers=h)).status_code == 201


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
async def test_a_blank_text_is_as_if_not_given(
    client: httpx.AsyncClient, users, app: FastAPI, blank: str
) -> None:
    """A text a job cannot do without (the spec's, or a model's rule) refused when blank."""
    h = await users.create()
    tried = 0
    for provider in app.state.registry.all():
        for spec in provider.operations():
            texts = [p.name for p in spec.params if p.type in (ParamType.TEXT, ParamType.STRING)]
            for name in texts:
                job = _job(provider.info.id, spec)
                job["params"].pop(name, None)
                without = await client.post(f"{JOBS}/estimate", json=job, headers=h)
                if f"params.{name}" not in without.json().get("error", {}).get("fields", {}):
                    continue  # optional: a blank one is dropped
                job["params"][name] = blank
                for path, body, prefix in (
                    (JOBS, job, ""),
                    (f"{JOBS}/batch", {"jobs": [job]}, "jobs.0."),
                ):
                    r = await client.post(path, json=body, headers=h)
                    assert r.status_code == 422, (provider.info.id, spec.type, r.text)
                    fields = r.json()["error"]["fields"]
                    assert fields.get(f"{prefix}params.{name}"), fields
                tried += 1
    assert tried >= 8
    assert (await client.get(JOBS, headers=h)).json()["items"] == []


@pytest.fixture
def video_server(tmp_path: Any) -> Iterator[str]:
    """A loopback web server whose /clip.mp4 is a video."""
    video = make_video(tmp_path / "served.mp4").read_bytes()

    async def clip(_: Request) -> Response:
        return Response(video, media_type="video/mp4")

    with FakeServer(Starlette(routes=[Route("/clip.mp4", clip)])) as server:
        yield server.url


async def test_a_url_of_the_wrong_media_type_fails_the_job_in_words(
    client: httpx.AsyncClient, users, app: FastAPI, worker: JobWorker, video_server: str
) -> None:
    app.state.settings.allow_private_urls = True  # the test's server is on loopback
    h = await users.create()
    job = {
        "provider_id": "local",
        "operation_type": "image_to_video",
        "params": {"duration": 1, "resolution": "360p", "fps": 8},
        "inputs": [{"role": "source_image", "url": f"{video_server}/clip.mp4"}],
    }
    r = await client.post(JOBS, json=job, headers=h)
    assert r.status_code == 201, r.text  # what the URL holds is known once fetched
    done = await wait_for(client, h, r.json()["id"])
    assert done["status"] == "failed", done
    assert done["error_class"] == "invalid"
    assert done["error_message"] == "wrong input: source_image takes an image, not a video"
    told = [done["error_message"], *(s["error_message"] or "" for s in done["submissions"])]
    told += [str(e) for e in done["history"]]
    data_dir = str(app.state.settings.data_dir)
    assert not [t for t in told if data_dir in t or "file://" in t], told


async def test_what_a_url_became_is_written_on_the_job(
    client: httpx.AsyncClient, users, app: FastAPI, worker: JobWorker, video_server: str
) -> None:
    """So that "Reuse" fills the form with it, and the lineage names it."""
    app.state.settings.allow_private_urls = True  # the test's server is on loopback
    h = await users.create()
    url = f"{video_server}/clip.mp4"
    job = {
        "provider_id": "local",
        "operation_type": "video_extend",
        "params": {"duration": 1, "resolution": "360p", "fps": 8},
        "inputs": [{"role": "source_video", "url": url}],
    }
    r = await client.post(JOBS, json=job, headers=h)
    assert r.status_code == 201, r.text
    done = await wait_for(client, h, r.json()["id"])
    assert done["status"] == "completed", done
    (given,) = done["inputs"]
    fetched = (await client.get(f"/api/v1/assets/{given['resolved_asset_id']}", headers=h)).json()
    assert (given["url"], fetched["original_source_url"]) == (url, url)
    detail = (await client.get(f"/api/v1/assets/{done['asset_id']}", headers=h)).json()
    assert [p["asset_id"] for p in detail["lineage"]["parents"]] == [fetched["id"]]

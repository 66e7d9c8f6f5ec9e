"""A fake ComfyUI server (0.3.x HTTP API) for tests and demos.

It behaves as PROVIDERS.md records a real server does: one prompt runs at a time
(`fake_queue`), ``/history/{id}`` is ``{}`` while a prompt is queued or running and for
unknown ids, a finished video is listed under ``images`` with ``animated: [true]``
(``gifs`` for VHS_VideoCombine), validation failures answer 400 with ``node_errors``, a
body that is not JSON answers 500, an odd frame size is accepted and fails in the save
node, ``/interrupt`` lands at the next node, ``/upload/image`` renames a different file
of the same name to ``name (1).png``, and ``/view`` serves a real H.264 MP4 of the
workflow's width, height and frame count.

Shared fake machinery (request log, ``/_fake/control``, ``[fail:<code>]`` /
``[end:failed]`` / ``[secs:n]`` markers) comes from `fakekit`; the error key is the
Bearer token, or ``comfyui`` without one. ``run_seconds`` is each prompt's run time.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response

from pixsim7.providers import fakekit
from pixsim7.providers.comfyui import fake_graph
from pixsim7.providers.comfyui.fake_queue import FakePrompt, FakeQueue

DEFAULT_KEY = "comfyui"


class FakeComfy:
    """The server's state: queue and history, uploaded inputs, written outputs."""

    def __init__(self, state: fakekit.FakeState) -> None:
        self.state = state
        self.queue = FakeQueue(state.now, self._write_outputs)
        self.uploads: dict[str, bytes] = {}  # "subfolder/name" (or "name") -> bytes
        self.outputs: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
        self._counters: defaultdict[tuple[str, str], itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )

    def upload(self, data: bytes, name: str, subfolder: str, overwrite: bool) -> str:
        """Store an input file; a different file under a taken name becomes ``name (i).ext``."""
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, i = name, 1
        while not overwrite and _join(subfolder, candidate) in self.uploads:
            if self.uploads[_join(subfolder, candidate)] == data:
                return candidate  # same bytes: ComfyUI keeps the existing file
            candidate = f"{stem} ({i}){dot}{ext}"
            i += 1
        self.uploads[_join(subfolder, candidate)] = data
        return candidate

    def _write_outputs(self, run: FakePrompt) -> None:
        width, height, frames, fps = fake_graph.video_shape(run.graph)
        for node_id in fake_graph.output_nodes(run.graph):
            node = run.graph[node_id]
            prefix = str(node["inputs"].get("filename_prefix", "ComfyUI"))
            subfolder, _, base = prefix.rpartition("/")
            number = next(self._counters[(subfolder, base)])
            item = {"subfolder": subfolder, "type": "output"}
            if node["class_type"] in fake_graph.IMAGE_SAVERS:
                item["filename"] = f"{base}_{number:05}_.png"
                self.outputs[(subfolder, item["filename"])] = ("image", (width, height))
                run.outputs[node_id] = {"images": [item]}
                continue
            # Every video saver writes H.264 MP4 here (the fake cannot make WebP or WebM).
            item["filename"] = f"{base}_{number:05}_.mp4"
            self.outputs[(subfolder, item["filename"])] = ("video", (width, height, frames, fps))
            key = fake_graph.VIDEO_SAVERS[node["class_type"]]
            if key == "gifs":
                run.outputs[node_id] = {
                    "gifs": [item | {"format": "video/h264-mp4", "frame_rate": fps}]
                }
            else:
                run.outputs[node_id] = {key: [item], "animated": [True]}

    async def output_file(self, subfolder: str, filename: str) -> Path | None:
        found = self.outputs.get((subfolder, filename))
        if found is None:
            return None
        kind, shape = found
        if kind == "image":
            return await asyncio.to_thread(fakekit.sample_image, *shape)
        width, height, frames, fps = shape
        rate = max(1, round(fps))
        return await asyncio.to_thread(fakekit.sample_video, width, height, frames / rate, rate)


def create_app(
    *, run_seconds: float = 1.0, api_key: str | None = None, state: fakekit.FakeState | None = None
) -> FastAPI:
    """The fake; `api_key` set: every call needs ``Authorization: Bearer <api_key>``
    (as behind an authenticating proxy)."""
    state = state or fakekit.FakeState(job_seconds=run_seconds)
    comfy = FakeComfy(state)
    app = FastAPI(title="fake ComfyUI")
    fakekit.install(app, state)
    app.state.comfy = comfy

    @app.middleware("http")
    async def proxy_auth(request: Request, call_next: Any) -> Response:
        guarded = api_key is not None and not request.url.path.startswith("/_fake/")
        if guarded and request.headers.get("authorization") != f"Bearer {api_key}":
            return PlainTextResponse("401 Unauthorized", status_code=401)
        return await call_next(request)

    def key_of(request: Request) -> str:
        auth = request.headers.get("authorization", "")
        return auth.removeprefix("Bearer ").strip() or DEFAULT_KEY

    def injected(request: Request, on: str, prompt: str | None = None) -> Response | None:
        code = state.trigger(key_of(request), on, prompt)
        return None if code is None else _error_response(code)

    @app.post("/prompt")
    async def post_prompt(request: Request) -> Response:
        body = await _json(request)
        if body is None:
            return _server_error()
        graph = body.get("prompt")
        text = fake_graph.run_text(graph) if isinstance(graph, dict) else None
        if (err := injected(request, "create", text)) is not None:
            return err
        if graph is None:
            return JSONResponse({"error": _no_prompt(), "node_errors": {}}, status_code=400)
        invalid = fake_graph.validate(graph, comfy.uploads)
        if invalid is not None:
            return JSONResponse(invalid, status_code=400)
        extra = dict(body.get("extra_data") or {})
        if "client_id" in body:
            extra["client_id"] = body["client_id"]
        marks = fakekit.markers(text)
        account = state.account(key_of(request))
        seconds = state.job_seconds
        if account is not None and account.job_seconds is not None:
            seconds = account.job_seconds
        prompt_id = str(body.get("prompt_id") or uuid.uuid4())
        number = comfy.queue.put(
            prompt_id,
            graph,
            extra,
            outputs_to_execute=fake_graph.output_nodes(graph),
            seconds=float(marks.get("secs", seconds)),
            check=lambda node_id: fake_graph.runtime_failure(graph, node_id),
        )
        return JSONResponse({"prompt_id": prompt_id, "number": number, "node_errors": {}})

    @app.get("/queue")
    async def get_queue(request: Request) -> Response:
        if (err := injected(request, "poll")) is not None:
            return err
        running, pending = comfy.queue.snapshot()
        return JSONResponse({"queue_running": running, "queue_pending": pending})

    @app.post("/queue")
    async def post_queue(request: Request) -> Response:
        body = await _json(request)
        if body is None:
            return _server_error()
        if (err := injected(request, "cancel")) is not None:
            return err
        if body.get("clear"):
            comfy.queue.clear()
        if "delete" in body:
            comfy.queue.delete([str(i) for i in body["delete"]])
        return Response(status_code=200)

    @app.post("/interrupt")
    async def post_interrupt(request: Request) -> Response:
        if (err := injected(request, "cancel")) is not None:
            return err
        body = await _json(request) if await request.body() else {}
        # Newer servers interrupt only the named prompt; without a name, whatever runs.
        comfy.queue.interrupt((body or {}).get("prompt_id"))
        return Response(status_code=200)

    @app.get("/history")
    async def get_history(request: Request, max_items: int | None = None) -> Response:
        if (err := injected(request, "poll")) is not None:
            return err
        return JSONResponse(comfy.queue.get_history(max_items=max_items))

    @app.get("/history/{prompt_id}")
    async def get_history_item(request: Request, prompt_id: str) -> Response:
        if (err := injected(request, "poll")) is not None:
            return err
        return JSONResponse(comfy.queue.get_history(prompt_id))

    @app.post("/upload/image")
    async def upload_image(request: Request) -> Response:
        if (err := injected(request, "upload")) is not None:
            return err
        async with request.form() as form:  # closes the spooled upload files
            image = form.get("image")
            if image is None or isinstance(image, str) or not image.filename:
                return Response(status_code=400)
            subfolder = str(form.get("subfolder") or "")
            if ".." in subfolder or "/" in image.filename:
                return Response(status_code=400)
            overwrite = str(form.get("overwrite") or "") in ("true", "1")
            data = await image.read()
        name = comfy.upload(data, image.filename, subfolder, overwrite)
        return JSONResponse({"name": name, "subfolder": subfolder, "type": "input"})

    @app.get("/view")
    async def view(
        request: Request, filename: str, subfolder: str = "", type: str = "output"
    ) -> Response:
        if (err := injected(request, "download")) is not None:
            return err
        if filename.startswith("/") or ".." in filename or ".." in subfolder:
            return Response(status_code=400)
        if type == "input" and _join(subfolder, filename) in comfy.uploads:
            return Response(comfy.uploads[_join(subfolder, filename)])
        path = await comfy.output_file(subfolder, filename) if type == "output" else None
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, headers={"Content-Disposition": f'filename="{filename}"'})

    @app.get("/system_stats")
    async def system_stats(request: Request) -> Response:
        if (err := injected(request, "balance")) is not None:
            return err
        return JSONResponse(_SYSTEM_STATS)

    return app


_SYSTEM_STATS = {
    "system": {
        "os": "posix",
        "ram_total": 67_108_864_000,
        "ram_free": 50_000_000_000,
        "comfyui_version": "0.3.60",
        "python_version": "3.12.3",
        "pytorch_version": "2.8.0+cu128",
        "embedded_python": False,
        "argv": ["main.py", "--listen"],
    },
    "devices": [
        {
            "name": "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
            "type": "cuda",
            "index": 0,
            "vram_total": 25_393_692_672,
            "vram_free": 24_000_000_000,
            "torch_vram_total": 0,
            "torch_vram_free": 0,
        }
    ],
}


async def _json(request: Request) -> Any:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _server_error() -> Response:
    # aiohttp's answer when a handler raises, e.g. on a body that is not JSON.
    return PlainTextResponse(
        "500 Internal Server Error\n\nServer got itself in trouble", status_code=500
    )


def _no_prompt() -> dict[str, Any]:
    return {"type": "no_prompt", "message": "No prompt provided", "details": "", "extra_info": {}}


def _error_response(code: str) -> Response:
    status = int(code) if code.isdigit() else 500
    if status >= 500:
        return _server_error() if status == 500 else Response(status_code=status)
    body = {"error": {"type": "fake_error", "message": f"injected error {code}"}, "node_errors": {}}
    return JSONResponse(body, status_code=status)


def _join(subfolder: str, name: str) -> str:
    return f"{subfolder}/{name}" if subfolder else name

"""A stand-in for OpenAI's Videos API (Sora), for tests and offline development.

Mount point ``/v1``. Bearer key; videos move queued -> in_progress -> completed with the
clock; `seconds` must be a string; the large sizes need sora-2-pro; an `input_reference`
must match the size. Each key has a spending budget in ``usd_cents`` (OpenAI shows none,
but running out answers 429 ``insufficient_quota``) and a limit of videos in flight,
answered with 429 ``rate_limit_exceeded`` and Retry-After.

Markers (see fakekit) in the prompt: ``[fail:401|400|429|insufficient_quota|
moderation_blocked|500]`` on create; ``[end:failed]`` and ``[end:filtered]`` (failed with
``moderation_blocked``).
"""

from __future__ import annotations

import io
import secrets
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from PIL import Image, UnidentifiedImageError

from pixsim7.providers import fakekit
from pixsim7.providers.base import OperationType
from pixsim7.providers.fakekit import FakeAccount, FakeJob, FakeState, Phase
from pixsim7.providers.sora.operations import (
    MODELS,
    POOL,
    PRO_ONLY_SIZES,
    SECONDS,
    SIZES,
    dimensions,
    estimate_cost,
)

_STATUS = {
    Phase.QUEUED: "queued",
    Phase.RUNNING: "in_progress",
    Phase.SUCCEEDED: "completed",
    Phase.FAILED: "failed",
    Phase.FILTERED: "failed",
}
_ERRORS: dict[str, tuple[int, str, str, str]] = {  # code -> status, type, code, message
    "400": (400, "invalid_request_error", "invalid_value", "Invalid request."),
    "401": (401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    "429": (429, "requests", "rate_limit_exceeded", "Rate limit reached for videos."),
    "insufficient_quota": (
        429,
        "insufficient_quota",
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details.",
    ),
    "moderation_blocked": (
        400,
        "invalid_request_error",
        "moderation_blocked",
        "Your request was blocked by our moderation system.",
    ),
}
EXPIRES_S = 3600


def create_app(
    *,
    job_seconds: float = 2.0,
    budget_cents: float = 100_000.0,
    limit: int | None = 2,
    output_seconds: float | None = 1.0,
) -> FastAPI:
    """`output_seconds`: length of the MP4 served (None: the requested seconds)."""
    app = FastAPI(title="fake OpenAI Videos API")
    state = FakeState(
        job_seconds=job_seconds, default_credits={POOL: budget_cents}, default_limit=limit
    )
    fakekit.install(app, state)

    def account(request: Request) -> FakeAccount | Response:
        auth = request.headers.get("authorization", "")
        key = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        acc = state.account(key) if key else None
        if acc is None or acc.revoked:
            return _error("401")
        return acc

    def admit(acc: FakeAccount, fields: dict[str, Any], remix_of: FakeJob | None) -> Response:
        prompt = fields.get("prompt")
        code = state.trigger(acc.key, "create", prompt)
        if code:
            return _error(code)
        width, height = _output_size(fields["size"])
        try:
            job = state.create_job(
                acc.key,
                id="video_" + secrets.token_hex(12),
                prompt=prompt,
                pool=POOL,
                cost=estimate_cost(OperationType.TEXT_TO_VIDEO, fields),  # remixes cost alike
                params={**fields, "remixed_from_video_id": remix_of.id if remix_of else None},
                width=width,
                height=height,
                duration=output_seconds or float(fields["seconds"]),
            )
        except fakekit.ConcurrencyLimited:
            return _error("429", retry_after=2)
        except fakekit.InsufficientCredits:
            return _error("insufficient_quota")
        return JSONResponse(video_json(job))

    def video_json(job: FakeJob) -> dict[str, Any]:
        phase = job.phase()
        body: dict[str, Any] = {
            "id": job.id,
            "object": "video",
            "created_at": int(job.created),
            "status": _STATUS.get(phase, "failed"),
            "progress": round(job.progress() * 100),
            "completed_at": None,
            "expires_at": None,
            "error": None,
            **{k: job.params[k] for k in ("model", "prompt", "seconds", "size")},
            "remixed_from_video_id": job.params.get("remixed_from_video_id"),
        }
        if phase in (Phase.SUCCEEDED, Phase.FAILED, Phase.FILTERED):
            body["completed_at"] = int(job.created + job.seconds)
        if phase == Phase.SUCCEEDED:
            body["expires_at"] = body["completed_at"] + EXPIRES_S
        elif phase == Phase.FAILED:
            body["error"] = {"code": "internal_error", "message": "Video generation failed."}
        elif phase == Phase.FILTERED:
            body["error"] = {
                "code": "moderation_blocked",
                "message": "Your request was blocked by our moderation system.",
            }
        return body

    def owned(acc: FakeAccount, video_id: str) -> FakeJob | None:
        job = state.jobs.get(video_id)
        if job is None or job.key != acc.key or job.extra.get("deleted"):
            return None
        return job

    @app.post("/v1/videos")
    async def create(request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        fields, problem = await _read_create(request)
        if problem:
            return _error("400", message=problem)
        return admit(acc, fields, None)

    @app.post("/v1/videos/{video_id}/remix")
    async def remix(video_id: str, request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        source = owned(acc, video_id)
        if source is None:
            return _error("400", status=404, message=f"Video '{video_id}' not found.")
        if source.phase() != Phase.SUCCEEDED:
            return _error("400", message="Only completed videos can be remixed.")
        body = await request.json()
        if not isinstance(body, dict) or not body.get("prompt"):
            return _error("400", message="Missing required parameter: 'prompt'.")
        fields = {k: source.params[k] for k in ("model", "seconds", "size")}
        return admit(acc, {**fields, "prompt": body["prompt"]}, source)

    @app.get("/v1/videos")
    async def list_videos(
        request: Request, limit: int = 20, order: str = "desc", after: str | None = None
    ) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        jobs = sorted(
            (j for j in state.jobs_of(acc.key) if not j.extra.get("deleted")),
            key=lambda j: (j.created, j.id),
            reverse=order != "asc",
        )
        if after is not None:
            ids = [j.id for j in jobs]
            jobs = jobs[ids.index(after) + 1 :] if after in ids else []
        page = jobs[: max(1, min(limit, 100))]
        return JSONResponse(
            {
                "object": "list",
                "data": [video_json(j) for j in page],
                "first_id": page[0].id if page else None,
                "last_id": page[-1].id if page else None,
                "has_more": len(jobs) > len(page),
            }
        )

    @app.get("/v1/videos/{video_id}")
    async def get_video(video_id: str, request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        code = state.trigger(acc.key, "poll")
        if code:
            return _error(code)
        job = owned(acc, video_id)
        if job is None:
            return _error("400", status=404, message=f"Video '{video_id}' not found.")
        return JSONResponse(video_json(job))

    @app.get("/v1/videos/{video_id}/content")
    async def content(video_id: str, request: Request, variant: str = "video") -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        job = owned(acc, video_id)
        if job is None or job.phase() != Phase.SUCCEEDED:
            return _error("400", status=404, message="Video content is not available.")
        if variant == "thumbnail":
            return FileResponse(fakekit.sample_image(job.width, job.height), media_type="image/png")
        if variant != "video":
            return _error("400", message="Invalid variant.")
        path = fakekit.sample_video(job.width, job.height, job.duration, job.fps)
        return FileResponse(path, media_type="video/mp4")

    @app.delete("/v1/videos/{video_id}")
    async def delete(video_id: str, request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        job = owned(acc, video_id)
        if job is None:
            return _error("400", status=404, message=f"Video '{video_id}' not found.")
        if job.phase() in fakekit.ACTIVE_PHASES:
            job.cancelled_at = state.now()  # frees its slot
        job.extra["deleted"] = True
        return JSONResponse({"id": job.id, "object": "video.deleted", "deleted": True})

    return app


async def _read_create(request: Request) -> tuple[dict[str, Any], str | None]:
    """The create fields (JSON or multipart) and the first problem with them, if any."""
    reference: bytes | str | None = None
    if request.headers.get("content-type", "").startswith("multipart/"):
        async with request.form() as form:
            fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
            part = form.get("input_reference")
            reference = part if isinstance(part, str | None) else await part.read()
    else:
        body = await request.json()
        fields = body if isinstance(body, dict) else {}
    fields.setdefault("model", "sora-2")
    fields.setdefault("seconds", "4")
    fields.setdefault("size", "720x1280")
    if not isinstance(fields.get("prompt"), str) or not fields["prompt"]:
        return fields, "Missing required parameter: 'prompt'."
    if fields["model"] not in MODELS:
        return fields, f"Invalid value for 'model': {fields['model']!r}."
    if not isinstance(fields["seconds"], str) or fields["seconds"] not in SECONDS:
        return fields, "Invalid type for 'seconds': expected one of '4', '8', '12' (a string)."
    if fields["size"] not in SIZES:
        return fields, f"Invalid value for 'size': {fields['size']!r}."
    if fields["size"] in PRO_ONLY_SIZES and fields["model"] != "sora-2-pro":
        return fields, f"Size {fields['size']} is only available with sora-2-pro."
    if reference is not None:
        if isinstance(reference, str):
            return fields, "'input_reference' must be a file."
        try:
            with Image.open(io.BytesIO(reference)) as img:
                size = img.size
        except UnidentifiedImageError:
            return fields, "'input_reference' is not an image."
        if size != dimensions(fields["size"]):
            return fields, "Inpaint image must match the requested width and height."
    return fields, None


def _output_size(size: str) -> tuple[int, int]:
    """A small frame of the requested shape (largest side 320, even sides)."""
    w, h = dimensions(size)
    scale = 320 / max(w, h)
    return round(w * scale / 2) * 2, round(h * scale / 2) * 2


def _error(
    code: str, *, status: int | None = None, message: str | None = None, retry_after: int = 1
) -> JSONResponse:
    known = _ERRORS.get(code)
    if known is None:  # a bare HTTP status such as 500 or 503
        http = int(code) if code.isdigit() else 500
        known = (http, "server_error", "server_error", "The server had an error.")
    http, kind, err_code, default_message = known
    http = status or http
    headers = {"Retry-After": str(retry_after)} if http == 429 else None
    error = {"message": message or default_message, "type": kind, "param": None, "code": err_code}
    return JSONResponse({"error": error}, status_code=http, headers=headers)

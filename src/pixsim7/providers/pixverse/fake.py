"""A fake Pixverse: the platform API and the web API over one shared per-key state.

Keys are platform ``API-KEY`` values and web ``token`` values alike; any unknown one is
accepted and starts with 10,000 credits in each pool and a limit of 5 jobs at once.
Credits fall per job by the documented prices (``web`` and ``openapi`` pools apart); a job
over the key's limit gets ErrCode 500044; without enough credits 500090 (500043 at zero).
Jobs move over ``job_seconds``: platform 5 -> 1; web list "false 10" (placeholder URL, zero
size) -> 5 -> 1 or 10 with a size (alternating by id); [end:failed] -> 8, [end:filtered] -> 7,
deleted -> 6. Outputs are real H.264 files at a small size (``output_height``).

Errors (fakekit markers, queued errors, see `fakekit`): a code of 1000 or more is answered as
that ErrCode in the envelope (every ErrCode of PROVIDERS.md can be asked for); a smaller one
as that HTTP status (429 with ``Retry-After``). Route kinds: create (generation calls),
upload, poll (result, list), balance (balance, credits, plan), user (getUserInfo), cancel.
``lowercase=True`` answers every envelope as ``err_code``/``err_msg``/``resp``.

Web upload (public client code, not PROVIDERS.md; see `fake_upload`): images through
``getUploadToken``, a signed PUT to the bucket at ``/oss/<bucket>/<key>`` on this server, and
``batch_upload_media``; videos (inferred) as multipart ``file`` to
``/creative_platform/media/upload`` -> ``media_id``, ``media_type``, ``path``, ``url``.
Plan details: ``plan_type`` (``extra.plan_type``, default 1) and ``gen_simultaneously`` (the
key's limit; left out when ``extra.hide_gen_simultaneously`` is set).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from pixsim7.providers import fakekit
from pixsim7.providers.fakekit import FakeAccount, FakeJob, FakeState, Phase
from pixsim7.providers.pixverse.operations import (
    ASPECT_RATIOS,
    CREDITS_PER_SECOND,
    DURATIONS,
    MAX_PROMPT,
    MODELS,
    QUALITIES,
)

ERROR_MESSAGES: dict[int, str] = {
    10002: "user not logged in",
    10003: "session expired",
    10005: "logged in elsewhere",
    400011: "empty parameter",
    400013: "wrong parameter type",
    400017: "invalid parameter",
    400018: "prompt too long",
    400019: "invalid parameter",
    400032: "invalid image id",
    500020: "no permission",
    500030: "image too large",
    500031: "image format not supported",
    500032: "image size invalid",
    500033: "image invalid",
    500041: "upload failed",
    500042: "media invalid",
    500043: "all credits have been used up",
    500044: "concurrent generation limit reached",
    500047: "media invalid",
    500054: "content moderation failed",
    500063: "pre-review failed",
    500069: "system is under high load",
    500070: "template not enabled",
    500071: "resolution not allowed",
    500090: "insufficient balance",
}
VIDEO_ID_BASE = 300_000_000


class Refused(Exception):
    """Stop handling a request and answer with a Pixverse error code (or HTTP status)."""

    def __init__(self, code: int | str) -> None:
        super().__init__(str(code))
        self.code = code


@dataclass
class PixverseFake:
    state: FakeState
    lowercase: bool = False
    output_height: int = 90
    fps: int = 4
    retry_after: int = 3
    images: dict[int, tuple[str, str]] = field(default_factory=dict)  # img_id -> (key, url)
    media: dict[int, tuple[str, str]] = field(default_factory=dict)  # media_id -> (key, url)
    web_uploads: dict[str, str] = field(default_factory=dict)  # web upload path -> key

    def ok(self, resp: Mapping[str, Any]) -> JSONResponse:
        keys = ("err_code", "err_msg", "resp") if self.lowercase else ("ErrCode", "ErrMsg", "Resp")
        return JSONResponse(dict(zip(keys, (0, "Success", dict(resp)), strict=True)))

    def refusal(self, code: int | str) -> Response:
        try:
            number = int(code)
        except ValueError:
            number = 400017
        if number < 1000:  # an HTTP status, not a business code
            headers = {"Retry-After": str(self.retry_after)} if number == 429 else None
            return JSONResponse({"message": f"HTTP {number}"}, number, headers=headers)
        keys = ("err_code", "err_msg", "resp") if self.lowercase else ("ErrCode", "ErrMsg", "Resp")
        message = ERROR_MESSAGES.get(number, "error")
        return JSONResponse(dict(zip(keys, (number, message, None), strict=True)))

    def caller(
        self, request: Request, header: str, on: str, prompt: str | None = None
    ) -> FakeAccount:
        """The account behind `header`, after queued errors, markers and revocation."""
        key = request.headers.get(header, "")
        acc = self.state.account(key) if key else None
        if acc is None:
            raise Refused(10002)
        if code := self.state.trigger(key, on, prompt):
            raise Refused(code)
        if acc.revoked:
            raise Refused(10003)
        return acc

    def check_common(self, body: Mapping[str, Any], *, need_duration: bool = True) -> None:
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt:
            raise Refused(400011)
        if len(prompt) > MAX_PROMPT:
            raise Refused(400018)
        if body.get("model", "v5") not in MODELS or body.get("quality", "540p") not in QUALITIES:
            raise Refused(400017)
        duration = body.get("duration", 5)
        if need_duration and (duration not in DURATIONS):
            raise Refused(400017)
        if body.get("quality") == "1080p" and duration != 5:
            raise Refused(500071)
        if body.get("aspect_ratio", "16:9") not in ASPECT_RATIOS:
            raise Refused(400017)

    def start(
        self, acc: FakeAccount, pool: str, body: Mapping[str, Any], seconds: float
    ) -> FakeJob:
        """Charge and create a job for a validated generation body."""
        quality = str(body.get("quality", "540p"))
        cost = CREDITS_PER_SECOND[pool][quality] * seconds
        width, height = self.shape(str(body.get("aspect_ratio", "16:9")))
        prompt = str(body.get("prompt") or (body.get("prompts") or [""])[0])
        try:
            return self.state.create_job(
                acc.key,
                id=str(VIDEO_ID_BASE + self.state.next_id()),
                prompt=prompt,
                pool=pool,
                cost=cost,
                params={**body, "prompt": prompt},
                width=width,
                height=height,
                duration=min(seconds, 30.0),
                fps=self.fps,
            )
        except fakekit.ConcurrencyLimited:
            raise Refused(500044) from None
        except fakekit.InsufficientCredits:
            raise Refused(500043 if acc.credits.get(pool, 0) <= 0 else 500090) from None

    def shape(self, aspect: str) -> tuple[int, int]:
        w, h = (int(x) for x in aspect.split(":"))
        height = self.output_height
        return max(16, round(height * w / h / 2) * 2), height

    def video(self, job: FakeJob, base: str, *, web: bool) -> dict[str, Any]:
        """A video as either API lists it."""
        phase = job.phase()
        done = phase == Phase.SUCCEEDED
        status = {
            Phase.QUEUED: 10 if web else 5,  # the web list's "false 10" right after creation
            Phase.RUNNING: 5,
            Phase.SUCCEEDED: 10 if web and int(job.id) % 2 == 0 else 1,
            Phase.FAILED: 8,
            Phase.FILTERED: 7,
            Phase.CANCELLED: 6,
        }[phase]
        url = base + job.output_path if done else ""
        if web and phase == Phase.QUEUED:
            url = base + "/_fake/files/placeholder.mp4"
        frame = base + "/_fake/files/" + fakekit.image_name(job.width, job.height) if done else ""
        width, height = (job.width, job.height) if done else (0, 0)
        created = dt.datetime.fromtimestamp(job.created, dt.UTC).isoformat().replace("+00:00", "Z")
        p = job.params
        if web:
            return {
                "video_id": int(job.id),
                "video_status": status,
                "url": url,
                "first_frame": frame,
                "last_frame": frame,
                "output_width": width,
                "output_height": height,
                "duration": job.duration,
                "prompt": p.get("prompt"),
                "model": p.get("model"),
                "quality": p.get("quality"),
                "seed": p.get("seed", 0),
                "create_time": created,
            }
        return {
            "id": int(job.id),
            "status": status,
            "url": url,
            "outputWidth": width,
            "outputHeight": height,
            "seed": p.get("seed", 0),
            "prompt": p.get("prompt"),
            "create_time": created,
            "modify_time": created,
        }


def create_app(
    *,
    job_seconds: float = 2.0,
    lowercase: bool = False,
    output_height: int = 90,
    fps: int = 4,
    credits: float = 10_000,
    limit: int | None = 5,
) -> FastAPI:
    """The fake server (both APIs). Tests reach its state as ``app.state.fake``."""
    from pixsim7.providers.pixverse import fake_platform, fake_upload, fake_web

    app = FastAPI(title="fake Pixverse")
    state = FakeState(
        job_seconds=job_seconds,
        default_credits={"web": credits, "openapi": credits},
        default_limit=limit,
    )
    fakekit.install(app, state)
    fake = PixverseFake(state, lowercase=lowercase, output_height=output_height, fps=fps)
    app.state.pixverse = fake

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> Response:
        return fake.refusal(exc.code)

    fake_platform.add_routes(app, fake)
    fake_upload.add_routes(app, fake)
    fake_web.add_routes(app, fake)
    return app

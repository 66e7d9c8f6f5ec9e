"""A stand-in for Runway's developer API, for tests and offline development.

Behaves as PROVIDERS.md describes Runway: Bearer key plus a required
``X-Runway-Version: 2024-11-06``; tasks move PENDING -> RUNNING -> SUCCEEDED with the
clock; credits fall by the model's rate times the duration; per-model limits from the
key's tier: a task over ``maxConcurrentGenerations`` waits as THROTTLED (no error) and
starts when a slot frees, while ``maxDailyGenerations`` and the rate limit answer 429.
Output links are signed and expire after ``url_ttl_s``; every poll signs a fresh one.

Markers (see fakekit) in ``promptText``: ``[fail:401|400|429|credits|500|503]`` on
create; ``[end:failed]`` (INTERNAL.BAD_OUTPUT.CODE01), ``[end:filtered]``
(SAFETY.OUTPUT.VIDEO), ``[end:input_filtered]`` (SAFETY.INPUT.TEXT). A key's tier
(model -> limits) is replaced by ``{"extra": {"tier": ...}}`` through ``/_fake/control``;
models left out have no limits. `peak_generating` tells tests how many ran at once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import heapq
import hmac
import secrets
import uuid
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from pixsim7.providers import fakekit
from pixsim7.providers.fakekit import FakeAccount, FakeJob, FakeState, Phase
from pixsim7.providers.runway.operations import MAX_PROMPT, MODELS, POOL

API_VERSION = "2024-11-06"
_END_CODES = {
    "failed": (Phase.FAILED, "INTERNAL.BAD_OUTPUT.CODE01", "An internal error occurred."),
    "filtered": (Phase.FILTERED, "SAFETY.OUTPUT.VIDEO", "The output was flagged."),
    "input_filtered": (Phase.FILTERED, "SAFETY.INPUT.TEXT", "The prompt was flagged."),
}
_NO_CREDITS = "You do not have enough credits to run this task."


def default_tier(concurrent: int = 2, daily: int = 100) -> dict[str, dict[str, int]]:
    return {
        m: {"maxConcurrentGenerations": concurrent, "maxDailyGenerations": daily} for m in MODELS
    }


def create_app(
    *,
    job_seconds: float = 2.0,
    credits: float = 1000.0,
    url_ttl_s: float = 3600.0,
    output_seconds: float | None = 1.0,
    tier: dict[str, dict[str, int]] | None = None,
) -> FastAPI:
    """`output_seconds`: length of the MP4 the fake serves (None: the requested duration);
    short by default because tests only need a real, probe-able file."""
    app = FastAPI(title="fake Runway")
    state = FakeState(job_seconds=job_seconds, default_credits={POOL: credits})
    fakekit.install(app, state)
    secret = secrets.token_bytes(16)
    base_tier = tier or default_tier()

    def account(request: Request) -> FakeAccount | Response:
        if request.headers.get("x-runway-version") != API_VERSION:
            return _error(400, "Invalid or missing X-Runway-Version header.")
        auth = request.headers.get("authorization", "")
        key = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        acc = state.account(key) if key else None
        if acc is None or acc.revoked:
            return _error(401, "Invalid API key.")
        acc.extra.setdefault("tier", {m: dict(v) for m, v in base_tier.items()})
        return acc

    def sign(job: FakeJob) -> str:
        exp = int(state.now() + url_ttl_s)
        sig = hmac.new(secret, f"{job.id}:{exp}".encode(), hashlib.sha256).hexdigest()
        return f"/outputs/{job.id}.mp4?exp={exp}&sig={sig}"

    def task_json(request: Request, acc: FakeAccount, job: FakeJob) -> dict[str, Any]:
        status, progress = task_status(state, acc, job)
        body: dict[str, Any] = {
            "id": job.id,
            "createdAt": dt.datetime.fromtimestamp(job.created, dt.UTC).isoformat(),
            "status": status,
        }
        if status == "RUNNING":
            body["progress"] = round(progress, 3)
        elif status == "SUCCEEDED":
            body["output"] = [str(request.base_url).rstrip("/") + sign(job)]
        elif status == "FAILED":
            body["failure"] = job.extra["failure"]
            body["failureCode"] = job.extra["failureCode"]
        return body

    async def create(request: Request, text_only: bool) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        body = await request.json()
        problem = _check_body(body, text_only)
        if problem:
            return _error(400, "Validation of body failed", [problem])
        prompt = body.get("promptText")
        code = state.trigger(acc.key, "create", prompt)
        if code:
            return _triggered(code)
        model = body["model"]
        limits = acc.extra["tier"].get(model, {})
        if daily_generations(state, acc.key, model) >= limits.get("maxDailyGenerations", 1 << 30):
            return _error(429, "Daily generation limit reached for this model.", retry_after=60)
        width, height = _output_size(body["ratio"])
        try:
            job = state.create_job(
                acc.key,
                id=str(uuid.uuid4()),
                prompt=prompt,
                pool=POOL,
                cost=MODELS[model].credits_per_second * body["duration"],
                params=body,
                width=width,
                height=height,
                duration=output_seconds or float(body["duration"]),
            )
        except fakekit.InsufficientCredits:
            return _error(400, _NO_CREDITS)
        end = fakekit.markers(prompt).get("end")
        job.end, job.extra["failureCode"], job.extra["failure"] = _END_CODES.get(
            end or "", (job.end, None, None)
        )
        return JSONResponse({"id": job.id})

    @app.post("/v1/image_to_video")
    async def image_to_video(request: Request) -> Response:
        return await create(request, text_only=False)

    @app.post("/v1/text_to_video")
    async def text_to_video(request: Request) -> Response:
        return await create(request, text_only=True)

    @app.get("/v1/tasks/{task_id}")
    async def get_task(task_id: str, request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        code = state.trigger(acc.key, "poll")
        if code:
            return _triggered(code)
        job = _own_job(state, acc, task_id)
        if job is None:
            return _error(404, "Task not found.")
        return JSONResponse(task_json(request, acc, job))

    @app.delete("/v1/tasks/{task_id}")
    async def delete_task(task_id: str, request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        job = _own_job(state, acc, task_id)
        if job is None:
            return _error(404, "Task not found.")
        if task_status(state, acc, job)[0] in ("PENDING", "THROTTLED", "RUNNING"):
            job.cancelled_at = state.now()  # cancelled tasks stay readable
        else:
            job.extra["deleted"] = True  # deleting a finished task removes it
        return Response(status_code=204)

    @app.get("/v1/organization")
    async def organization(request: Request) -> Response:
        acc = account(request)
        if isinstance(acc, Response):
            return acc
        code = state.trigger(acc.key, "balance")
        if code:
            return _triggered(code)
        return JSONResponse(
            {
                "creditBalance": acc.credits.get(POOL, 0.0),
                "tier": {"maxMonthlyCreditSpend": 100_000, "models": acc.extra["tier"]},
                "usage": {
                    "models": {
                        m: {"dailyGenerations": daily_generations(state, acc.key, m)}
                        for m in MODELS
                    }
                },
            }
        )

    @app.get("/outputs/{task_id}.mp4")
    async def output(task_id: str, exp: int = 0, sig: str = "") -> Response:
        want = hmac.new(secret, f"{task_id}:{exp}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig):
            return Response("Invalid signature.", status_code=403)
        if exp < state.now():
            return Response("Request has expired.", status_code=403)
        job = state.jobs.get(task_id)
        if job is None or job.extra.get("deleted"):
            return Response("Not found.", status_code=404)
        path = fakekit.sample_video(job.width, job.height, job.duration, job.fps)
        return FileResponse(path, media_type="video/mp4")

    return app


# ---------------------------------------------------------------- throttling


def schedule(state: FakeState, acc: FakeAccount, model: str) -> dict[str, tuple[float, float]]:
    """When each task of one model really runs: (start, end), first come first served in
    `maxConcurrentGenerations` slots. A task cancelled while throttled never runs."""
    limit = acc.extra["tier"].get(model, {}).get("maxConcurrentGenerations", 1 << 30)
    jobs = sorted(
        (j for j in state.jobs_of(acc.key) if j.params.get("model") == model),
        key=lambda j: j.created,
    )
    ends: list[float] = []
    slots: dict[str, tuple[float, float]] = {}
    for job in jobs:
        start = job.created
        while ends and ends[0] <= start:
            heapq.heappop(ends)
        if len(ends) >= limit:
            start = heapq.heappop(ends)
        if job.cancelled_at is not None and job.cancelled_at <= start:
            continue
        end = start + job.seconds
        if job.cancelled_at is not None:
            end = min(end, job.cancelled_at)
        heapq.heappush(ends, end)
        slots[job.id] = (start, end)
    return slots


def task_status(state: FakeState, acc: FakeAccount, job: FakeJob) -> tuple[str, float]:
    """Runway's status word and progress for a task right now."""
    if job.cancelled_at is not None:
        return "CANCELLED", 0.0
    now = state.now()
    start, _ = schedule(state, acc, job.params["model"])[job.id]
    if now < start:
        return "THROTTLED", 0.0
    shifted = now - (start - job.created)  # the job's own clock starts when it gets a slot
    phase = job.phase(shifted)
    word = {
        Phase.QUEUED: "PENDING",
        Phase.RUNNING: "RUNNING",
        Phase.SUCCEEDED: "SUCCEEDED",
        Phase.FAILED: "FAILED",
        Phase.FILTERED: "FAILED",
    }[phase]
    return word, job.progress(shifted)


def peak_generating(state: FakeState, key: str, model: str) -> int:
    """The most tasks of `model` that ever ran at once for `key` (throttled ones excluded)."""
    acc = state.account(key)
    if acc is None or "tier" not in acc.extra:
        return 0
    events = sorted(
        (t, d) for s, e in schedule(state, acc, model).values() for t, d in ((s, 1), (e, -1))
    )
    peak = current = 0
    for _, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


def daily_generations(state: FakeState, key: str, model: str) -> int:
    since = state.now() - 86_400
    return sum(
        1 for j in state.jobs_of(key) if j.params.get("model") == model and j.created >= since
    )


# ---------------------------------------------------------------- helpers


def _own_job(state: FakeState, acc: FakeAccount, task_id: str) -> FakeJob | None:
    job = state.jobs.get(task_id)
    if job is None or job.key != acc.key or job.extra.get("deleted"):
        return None
    return job


def _check_body(body: Any, text_only: bool) -> str | None:
    if not isinstance(body, dict):
        return "body must be a JSON object"
    model = MODELS.get(body.get("model", ""))
    if model is None or (text_only and not model.t2v_ratios):
        return "model: not available for this endpoint"
    ratios = model.t2v_ratios if text_only else model.i2v_ratios
    if body.get("ratio") not in ratios:
        return "ratio: must be one of " + ", ".join(ratios)
    if body.get("duration") not in model.durations:
        return "duration: invalid for " + model.name
    prompt = body.get("promptText")
    if prompt is not None and (not isinstance(prompt, str) or not 0 < len(prompt) <= MAX_PROMPT):
        return f"promptText: 1 to {MAX_PROMPT} characters"
    if (text_only or model.needs_prompt) and not prompt:
        return "promptText: required"
    if text_only:
        return None
    return _check_images(body.get("promptImage"), model.last_frame)


def _check_images(value: Any, last_frame: bool) -> str | None:
    items = value if isinstance(value, list) else [{"uri": value, "position": "first"}]
    positions = [i.get("position") for i in items if isinstance(i, dict)]
    if len(positions) != len(items) or not items or positions[0] != "first":
        return "promptImage: a first frame is required"
    if "last" in positions and not last_frame:
        return "promptImage: this model takes no last frame"
    for item in items:
        uri = item.get("uri")
        if not isinstance(uri, str):
            return "promptImage: uri must be a string"
        if uri.startswith("data:image/"):
            if len(uri) > 5 * 1024 * 1024:
                return "promptImage: data URI over 5 MB"
            try:
                base64.b64decode(uri.split(",", 1)[1], validate=True)
            except (IndexError, ValueError):
                return "promptImage: malformed data URI"
        elif not uri.startswith("https://"):
            return "promptImage: must be an HTTPS URL or a data URI"
    return None


def _output_size(ratio: str) -> tuple[int, int]:
    """A small frame of the requested shape (largest side 320, even sides)."""
    w, h = (int(x) for x in ratio.split(":"))
    scale = 320 / max(w, h)
    return max(16, round(w * scale / 2) * 2), max(16, round(h * scale / 2) * 2)


def _triggered(code: str) -> Response:
    if code == "credits":
        return _error(400, _NO_CREDITS)
    status = int(code) if code.isdigit() else 500
    messages = {401: "Invalid API key.", 429: "You have exceeded the rate limit."}
    return _error(
        status,
        messages.get(status, "Invalid request." if status < 500 else "Internal error."),
        retry_after=3 if status == 429 else None,
    )


def _error(
    status: int, message: str, issues: list[str] | None = None, retry_after: int | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if issues:
        body["issues"] = [{"message": i} for i in issues]
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(body, status_code=status, headers=headers)

"""What every provider fake server shares: request log, per-key state, jobs that move with
time, sample outputs, and a loopback server to run them in tests.

A fake builds a FastAPI app, creates one `FakeState`, calls `install(app, state)` and adds its
own provider routes. It keeps `app.state.fake = state` so in-process tests can read the state
directly; over HTTP the same is served under ``/_fake/``.

Time is read through `pixsim7.clock.now()`: a job created with ``job_seconds=2`` is queued for
its first tenth, then running, then done; a test that advances the clock moves fake jobs too.
No background task runs: every status is computed from timestamps when asked.

Markers in a prompt (every fake honours them):

    [fail:<code>]    the create call answers with the provider's own error <code> (e.g. a
                     Pixverse ErrCode, or an HTTP status such as 429 or 503)
    [end:<outcome>]  the job is accepted and ends as <outcome>: failed | filtered
    [secs:<n>]       this job runs n seconds instead of the key's job_seconds

Control endpoints:

    POST   /_fake/control   JSON, every field optional:
           {"key": "k", "credits": {"web": 100}, "limit": 2, "job_seconds": 0,
            "revoked": true, "errors": [{"code": "500044", "on": "create"}]}
           Without "key", "job_seconds" sets the server default and "file_failures": n
           makes the next n file downloads answer 503 (an output store's hiccup).
           "errors" queues errors for the key's next calls of kind "on" (create, poll,
           balance, upload, cancel, any; the fake decides which kind each route is).
    GET    /_fake/state?key=k   credits, running, max_running, limit, job count
    GET    /_fake/requests      the request log (provider routes only); DELETE clears it
    GET    /_fake/files/<name>  outputs (`video_name`, `image_name`) and uploads
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import socket
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pixsim7 import clock

_MARKER = re.compile(r"\[(fail|end|secs):([^\]\s]+)\]")
QUEUED_FRACTION = 0.1  # share of a job's run time spent "queued" before "running"


def markers(prompt: str | None) -> dict[str, str]:
    """The control markers in a prompt, e.g. {"fail": "500044"}."""
    return {m.group(1): m.group(2) for m in _MARKER.finditer(prompt or "")}


# ---------------------------------------------------------------- request log


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lowercased
    query: dict[str, str]
    json: Any  # parsed JSON body, or None
    form_fields: list[str]  # multipart / urlencoded field names
    at: float


class RequestLog:
    """Every request to a provider route (``/_fake/*`` excluded), oldest first."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._items: deque[LoggedRequest] = deque(maxlen=max_entries)
        self._lock = threading.Lock()

    def add(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def all(self, path: str | None = None, method: str | None = None) -> list[LoggedRequest]:
        """Requests whose path starts with `path` (and with `method`, when given)."""
        with self._lock:
            items = list(self._items)
        return [
            r
            for r in items
            if (path is None or r.path.startswith(path)) and (method is None or r.method == method)
        ]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class _Recorder:
    """ASGI middleware: buffers the body, logs the request, replays the body to the app."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_fake/"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.log.add(_parse_request(scope, body))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _parse_request(scope: Scope, body: bytes) -> LoggedRequest:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    ctype = headers.get("content-type", "")
    parsed: Any = None
    fields: list[str] = []
    if "json" in ctype and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    elif ctype.startswith("multipart/"):
        fields = [
            m.decode() for m in re.findall(rb'Content-Disposition:[^\r\n]*?name="([^"]*)"', body)
        ]
    elif ctype.startswith("application/x-www-form-urlencoded"):
        fields = [k for k, _ in parse_qsl(body.decode("latin-1"))]
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return LoggedRequest(
        scope["method"], scope["path"], headers, query, parsed, fields, clock.now().timestamp()
    )


# ---------------------------------------------------------------- keys and jobs


class Phase(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    FILTERED = "filtered"
    CANCELLED = "cancelled"


ACTIVE_PHASES = frozenset({Phase.QUEUED, Phase.RUNNING})


class ConcurrencyLimited(Exception):
    """The key already runs as many jobs as its limit allows."""


class InsufficientCredits(Exception):
    """The key's pool holds less than the job costs."""


@dataclass
class QueuedError:
    code: str
    on: str = "create"


@dataclass
class FakeAccount:
    key: str
    credits: dict[str, float]
    limit: int | None = None  # max jobs queued or running at once; None: unlimited
    job_seconds: float | None = None  # None: the server default
    revoked: bool = False
    errors: list[QueuedError] = field(default_factory=list)
    max_running: int = 0  # the most jobs ever active at once (scheduler tests assert on it)
    extra: dict[str, Any] = field(default_factory=dict)  # fake-specific (user id, plan ...)


@dataclass
class FakeJob:
    id: str
    key: str
    created: float
    seconds: float
    end: Phase  # what the job becomes when its time is up
    params: dict[str, Any] = field(default_factory=dict)
    pool: str = ""
    cost: float = 0.0
    width: int = 320
    height: int = 180
    duration: float = 1.0
    fps: int = 8
    cancelled_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def phase(self, now: float | None = None) -> Phase:
        if self.cancelled_at is not None:
            return Phase.CANCELLED
        elapsed = (clock.now().timestamp() if now is None else now) - self.created
        if elapsed >= self.seconds:
            return self.end
        return Phase.QUEUED if elapsed < self.seconds * QUEUED_FRACTION else Phase.RUNNING

    def progress(self, now: float | None = None) -> float:
        if self.seconds <= 0:
            return 1.0
        elapsed = (clock.now().timestamp() if now is None else now) - self.created
        return max(0.0, min(1.0, elapsed / self.seconds))

    @property
    def output_path(self) -> str:
        """Server-relative URL of the output video (valid once succeeded)."""
        return "/_fake/files/" + video_name(self.width, self.height, self.duration, self.fps)


class FakeState:
    """Accounts (by key or token), their credits and limits, and their jobs."""

    def __init__(
        self,
        *,
        job_seconds: float = 2.0,
        default_credits: Mapping[str, float] | None = None,
        default_limit: int | None = None,
        auto_accounts: bool = True,
    ) -> None:
        self.job_seconds = job_seconds
        self.default_credits = dict(default_credits or {})
        self.default_limit = default_limit
        self.auto_accounts = auto_accounts  # unknown keys spring into being with defaults
        self.file_failures = 0  # the next n file downloads answer 503
        self.log = RequestLog()
        self.files = FakeFiles()
        self.accounts: dict[str, FakeAccount] = {}
        self.jobs: dict[str, FakeJob] = {}
        self._by_key: dict[str, list[FakeJob]] = {}
        # Jobs per key that were still active when last looked at. Finished jobs stay finished
        # (time only moves on), so each look prunes: counting stays cheap over thousands of jobs.
        self._active: dict[str, list[FakeJob]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    def now(self) -> float:
        return clock.now().timestamp()

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def account(self, key: str) -> FakeAccount | None:
        with self._lock:
            acc = self.accounts.get(key)
            if acc is None and self.auto_accounts and key:
                acc = self.configure(key)
            return acc

    def configure(self, key: str, **changes: Any) -> FakeAccount:
        """Create or change a key: credits (merged by pool), limit, job_seconds, revoked,
        errors (appended), extra (merged)."""
        with self._lock:
            acc = self.accounts.get(key)
            if acc is None:
                acc = FakeAccount(key, dict(self.default_credits), limit=self.default_limit)
                self.accounts[key] = acc
            acc.credits.update(changes.pop("credits", None) or {})
            acc.extra.update(changes.pop("extra", None) or {})
            for err in changes.pop("errors", None) or []:
                acc.errors.append(err if isinstance(err, QueuedError) else QueuedError(**err))
            for name, value in changes.items():
                if name not in ("limit", "job_seconds", "revoked"):
                    raise ValueError(f"unknown setting {name!r}")
                setattr(acc, name, value)
            return acc

    def trigger(self, key: str, on: str, prompt: str | None = None) -> str | None:
        """The error code to answer this call with: a queued one for `on`, else a
        ``[fail:<code>]`` marker in the prompt of a create call."""
        with self._lock:
            acc = self.accounts.get(key)
            if acc is not None:
                for i, err in enumerate(acc.errors):
                    if err.on in (on, "any"):
                        return acc.errors.pop(i).code
        return markers(prompt).get("fail") if on == "create" else None

    def running(self, key: str, now: float | None = None) -> int:
        at = self.now() if now is None else now
        with self._lock:
            active = [j for j in self._active.get(key, ()) if j.phase(at) in ACTIVE_PHASES]
            self._active[key] = active
            return len(active)

    def create_job(
        self, key: str, *, prompt: str | None = None, pool: str = "", cost: float = 0.0, **job: Any
    ) -> FakeJob:
        """Admit a job for `key` (limit and credits checked, credits charged) and store it.
        `job` takes FakeJob fields: params, width, height, duration, fps, extra, id."""
        with self._lock:
            acc = self.account(key)
            if acc is None:
                raise KeyError(key)
            now = self.now()
            active = self.running(key, now)
            if acc.limit is not None and active >= acc.limit:
                raise ConcurrencyLimited(key)
            if cost > acc.credits.get(pool, 0.0):
                raise InsufficientCredits(key)
            acc.credits[pool] = acc.credits.get(pool, 0.0) - cost
            marks = markers(prompt)
            seconds = acc.job_seconds if acc.job_seconds is not None else self.job_seconds
            end = {"failed": Phase.FAILED, "filtered": Phase.FILTERED}.get(
                marks.get("end", ""), Phase.SUCCEEDED
            )
            job_id = str(job.pop("id", None) or self.next_id())
            item = FakeJob(
                job_id,
                key,
                now,
                float(marks.get("secs", seconds)),
                end,
                pool=pool,
                cost=cost,
                **job,
            )
            self.jobs[job_id] = item
            self._by_key.setdefault(key, []).append(item)
            self._active.setdefault(key, []).append(item)
            acc.max_running = max(acc.max_running, active + 1)
            return item

    def jobs_of(self, key: str) -> list[FakeJob]:
        with self._lock:
            return list(self._by_key.get(key, ()))

    def snapshot(self, key: str) -> dict[str, Any]:
        acc = self.account(key)
        if acc is None:
            return {}
        return {
            "key": key,
            "credits": dict(acc.credits),
            "limit": acc.limit,
            "job_seconds": acc.job_seconds,
            "revoked": acc.revoked,
            "running": self.running(key),
            "max_running": acc.max_running,
            "jobs": len(self.jobs_of(key)),
        }


# ---------------------------------------------------------------- files

_MEDIA_DIR = Path(tempfile.gettempdir()) / "pixsim7-fake-media"
_VIDEO_NAME = re.compile(r"video_(\d+)x(\d+)_(\d+(?:\.\d+)?)s_(\d+)fps\.mp4")
_IMAGE_NAME = re.compile(r"image_(\d+)x(\d+)\.png")
_render_lock = threading.Lock()


def video_name(width: int, height: int, duration_s: float, fps: int) -> str:
    return f"video_{width}x{height}_{duration_s:g}s_{fps}fps.mp4"


def image_name(width: int, height: int) -> str:
    return f"image_{width}x{height}.png"


def sample_video(width: int, height: int, duration_s: float, fps: int) -> Path:
    """A real H.264 MP4 of this shape, rendered once and cached for every later call
    (also across processes: the cache is a shared temp dir written by rename)."""
    dest = _MEDIA_DIR / video_name(width, height, duration_s, fps)
    if dest.exists():
        return dest
    from pixsim7.providers.local.render import render_text_card  # the local provider's renderer

    with _render_lock:
        if not dest.exists():
            _MEDIA_DIR.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.stem}.{os.getpid()}.{threading.get_ident()}.mp4")
            prompt = f"fake {width}x{height} {duration_s:g}s"
            render_text_card(tmp, prompt, width, height, duration_s, fps, seed=0)
            os.replace(tmp, dest)
    return dest


def sample_image(width: int, height: int) -> Path:
    """A PNG of this shape (thumbnails, first/last frames), cached like `sample_video`."""
    dest = _MEDIA_DIR / image_name(width, height)
    if not dest.exists():
        from PIL import Image

        _MEDIA_DIR.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.stem}.{os.getpid()}.{threading.get_ident()}.png")
        Image.new("RGB", (width, height), (40, 90, 160)).save(tmp, format="PNG")
        os.replace(tmp, dest)
    return dest


class FakeFiles:
    """Files clients uploaded to a fake, served back under ``/_fake/files/uploads/``."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pixsim7-fake-uploads-"))
        self._ids = itertools.count(1)

    def save(self, data: bytes, suffix: str = "") -> str:
        """Store `data`; return its URL path relative to the server root."""
        name = f"{next(self._ids)}{suffix}"
        (self.dir / name).write_bytes(data)
        return f"/_fake/files/uploads/{name}"

    def path(self, name: str) -> Path | None:
        p = self.dir / Path(name).name
        return p if p.is_file() else None


def _file_for(state: FakeState, name: str) -> Path:
    if name.startswith("uploads/"):
        path = state.files.path(name.removeprefix("uploads/"))
        if path is not None:
            return path
    elif m := _VIDEO_NAME.fullmatch(name):
        w, h, d, fps = int(m[1]), int(m[2]), float(m[3]), int(m[4])
        if 16 <= w <= 4096 and 16 <= h <= 4096 and 0 < d <= 30 and 1 <= fps <= 60:
            return sample_video(w, h, d, fps)
    elif m := _IMAGE_NAME.fullmatch(name):
        w, h = int(m[1]), int(m[2])
        if 1 <= w <= 4096 and 1 <= h <= 4096:
            return sample_image(w, h)
    raise HTTPException(404, "no such file")


# ---------------------------------------------------------------- app wiring


def install(app: FastAPI, state: FakeState) -> None:
    """Add the request recorder and the ``/_fake/*`` routes to a fake's app."""
    app.state.fake = state
    app.add_middleware(_Recorder, log=state.log)

    @app.post("/_fake/control", include_in_schema=False)
    async def control(request: Request) -> JSONResponse:
        body = await request.json()
        key = body.pop("key", None)
        if key is None:
            if "job_seconds" in body:
                state.job_seconds = float(body["job_seconds"])
            if "file_failures" in body:
                state.file_failures = int(body["file_failures"])
            return JSONResponse(
                {"job_seconds": state.job_seconds, "file_failures": state.file_failures}
            )
        try:
            state.configure(key, **body)
        except (TypeError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from exc
        return JSONResponse(state.snapshot(key))

    @app.get("/_fake/state", include_in_schema=False)
    async def get_state(key: str) -> JSONResponse:
        return JSONResponse(state.snapshot(key))

    @app.get("/_fake/requests", include_in_schema=False)
    async def requests_log() -> JSONResponse:
        return JSONResponse([r.__dict__ for r in state.log.all()])

    @app.delete("/_fake/requests", include_in_schema=False)
    async def clear_log() -> JSONResponse:
        state.log.clear()
        return JSONResponse({"ok": True})

    @app.get("/_fake/files/{name:path}", include_in_schema=False)
    async def files(name: str) -> FileResponse:
        if state.file_failures > 0:
            state.file_failures -= 1
            raise HTTPException(503, "storage unavailable")
        path = await asyncio.to_thread(_file_for, state, name)
        return FileResponse(path)  # sets Content-Type from the suffix, and Content-Length


class FakeServer:
    """Run an ASGI app with uvicorn on 127.0.0.1 (free port) in a background thread.

    Usable as ``with FakeServer(app) as srv:`` or ``async with FakeServer(app) as srv:``;
    `srv.url` is the base URL, `srv.state` the app's FakeState (when installed).
    """

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def state(self) -> FakeState:
        return self.app.state.fake  # type: ignore[attr-defined]

    def start(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

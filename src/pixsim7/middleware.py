"""Request context: X-Request-ID in and out, log binding, an access line, a body size cap."""

from __future__ import annotations

import json
import re
import time
import uuid

import structlog
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pixsim7.logging import get_logger
from pixsim7.logs import metrics

log = get_logger("pixsim7.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# JSON bodies are small; file uploads enforce their own limits where they stream.
MAX_JSON_BODY = 1024 * 1024
_UPLOAD_SUFFIXES = ("/upload",)
# A scene is the one JSON body that may be bigger: up to 5,000 nodes and 20,000 edges
# (docs/scenes.md); a 2,000-node scene with its edges is about 1 MiB.
MAX_SCENE_BODY = 4 * 1024 * 1024
_SCENE_PREFIX = "/api/v1/scenes"


def body_cap(path: str) -> int | None:
    """The request body limit of a path; None where the route streams and limits itself."""
    if path.endswith(_UPLOAD_SUFFIXES):
        return None
    return MAX_SCENE_BODY if path.startswith(_SCENE_PREFIX) else MAX_JSON_BODY


def route_template(scope: Scope) -> str:
    """The matched route's path template, e.g. `/api/v1/jobs/{job_id}` (a metric label of
    bounded cardinality). A route included through routers knows only its own part, which
    ends the path: the request's leading segments are the routers' prefixes."""
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return "unmatched"
    if ":path}" in template:  # spans any number of segments
        return str(template)
    own = template.strip("/").split("/") if template.strip("/") else []
    segments = scope["path"].strip("/").split("/")
    prefix = segments[: len(segments) - len(own)] if len(own) <= len(segments) else []
    return "/" + "/".join([*prefix, *own])


def new_request_id() -> str:
    """32 hex digits that sort by time, as a UUIDv7's do: 48 bits of milliseconds, then 80
    random. Stored log lines are indexed by request id, and random ids put each new line
    on a page of its own in that index: a batch of 500 lines rewrote hundreds of pages,
    each copied through SQLite's write-ahead log (30,000 lines in batches of 500 into a
    table of 200,000: 247 MB of log with random ids, 107 MB with these)."""
    return f"{time.time_ns() // 1_000_000:012x}{uuid.uuid4().hex[:20]}"


class BodyTooLarge(HTTPException):
    """Raised from `receive`; an HTTPException so FastAPI's body parsing passes it through."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _VALID_ID.match(given) else new_request_id()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        path: str = scope["path"]
        cap = body_cap(path)
        if cap is not None and int(headers.get("content-length") or 0) > cap:
            await _too_large(send, request_id)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if cap is not None and message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, counting_receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            metrics.HTTP_SECONDS.labels(
                scope["method"], route_template(scope), f"{status // 100}xx"
            ).observe(elapsed)
            if not path.endswith("/health"):
                peer = scope.get("client")
                log.info(
                    "request",
                    method=scope["method"],
                    path=path,
                    client=peer[0] if peer else None,  # the peer (a proxy, behind one)
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )
            structlog.contextvars.clear_contextvars()


async def _too_large(send: Send, request_id: str) -> None:
    body = json.dumps(
        {"error": {"code": "payload_too_large", "message": "request body too large", "fields": {}}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

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

log = get_logger("pixsim7.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# JSON bodies are small; file uploads enforce their own limits where they stream.
MAX_JSON_BODY = 1024 * 1024
_UPLOAD_SUFFIXES = ("/upload",)


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
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        path: str = scope["path"]
        capped = not path.endswith(_UPLOAD_SUFFIXES)
        if capped and int(headers.get("content-length") or 0) > MAX_JSON_BODY:
            await _too_large(send, request_id)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if capped and message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_JSON_BODY:
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
            if not path.endswith("/health"):
                log.info(
                    "request",
                    method=scope["method"],
                    path=path,
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
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

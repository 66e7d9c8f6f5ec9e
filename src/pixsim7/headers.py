"""Security headers on every answer, pages and API alike.

The Content Security Policy allows only what the built web app and the API docs load
from this origin: their scripts and styles as files (no inline script, no eval), images
and media from the API (plus blob: and data: for thumbnails made in the browser), calls
and the event stream to the same origin. No page may be framed, sniffed for another
type, or told where the user came from. API answers are personal (a user's jobs,
sessions, media), so caches keep none of them unless a route says otherwise (media,
content-addressed, sets its own private caching).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_EVERY_ANSWER = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
_API_ANSWER = [(b"cache-control", b"no-store")]


class SecurityHeadersMiddleware:
    """Adds the headers an answer does not set itself (a route may set its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = _EVERY_ANSWER + (_API_ANSWER if scope["path"].startswith("/api/") else [])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in wanted if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

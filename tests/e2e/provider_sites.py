"""Providers' web apps and a cookie-protected photo site, served over HTTPS on loopback
under their real host names (the browser maps the names here with --host-resolver-rules).

- app.pixverse.ai: `/login?token=T` signs the browser in as the fake Pixverse user whose
  session token is T (the `_ai_token` cookie on .pixverse.ai, plus an httpOnly cookie that
  only chrome.cookies can read); its page then calls the web API with the `token` header,
  as the real web app does.
- app-api.pixverse.ai: the repo's fake Pixverse (the e2e server's), reached through this
  server with the CORS answers a cross-origin call from app.pixverse.ai needs.
- photos.example.test: `/login` sets a session cookie; `/private/photo.png` answers only
  with it; `/album` shows that photo.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

PIXVERSE_APP = "app.pixverse.ai"
PIXVERSE_API = "app-api.pixverse.ai"
PHOTOS = "photos.example.test"
HOSTS = (PIXVERSE_APP, PIXVERSE_API, PHOTOS)
PHOTO_TITLE = "Holiday album"

_PIXVERSE_PAGE = """<!doctype html><title>PixVerse</title><h1>PixVerse</h1><p id="who">…</p>
<script>
const token = document.cookie.split("; ").find((c) => c.startsWith("_ai_token="));
if (token) {
  fetch("https://app-api.pixverse.ai/creative_platform/getUserInfo",
        {headers: {token: token.slice("_ai_token=".length)}})
    .then((r) => r.json())
    .then((b) => {
      document.getElementById("who").textContent = b.Resp ? b.Resp.Mail : "refused";
    });
}
</script>"""


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the hosts (the browser runs with
    --ignore-certificate-errors; HTTPS is what lets the sites set Secure cookies)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PIXVERSE_APP)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in HOSTS]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def create_app(pixverse_url: str, photo: bytes) -> Starlette:
    cors = {
        "Access-Control-Allow-Origin": f"https://{PIXVERSE_APP}",
        "Access-Control-Allow-Headers": "token, content-type, ai-trace-id, ai-anonymous-id",
        "Access-Control-Allow-Methods": "GET, POST",
    }

    async def pixverse_api(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=cors)
        headers = {k: v for k, v in request.headers.items() if k in ("token", "content-type")}
        # A client per call: one kept open would outlive the server's event loop.
        async with httpx.AsyncClient(base_url=pixverse_url, timeout=30) as api:
            answer = await api.request(
                request.method, request.url.path, headers=headers, content=await request.body()
            )
        return Response(
            answer.content, answer.status_code, headers=cors, media_type="application/json"
        )

    async def pixverse_app(request: Request) -> Response:
        if request.url.path == "/login":
            page = RedirectResponse("/", status_code=303)
            token = request.query_params["token"]
            page.set_cookie("_ai_token", token, domain=".pixverse.ai", secure=True, samesite="lax")
            page.set_cookie(
                "_ai_session", "s-" + token, domain=".pixverse.ai", secure=True, httponly=True
            )
            return page
        return HTMLResponse(_PIXVERSE_PAGE)

    async def photos(request: Request) -> Response:
        path = request.url.path
        if path == "/login":
            page = RedirectResponse("/album", status_code=303)
            page.set_cookie("gallery_session", "let-me-in", secure=True, httponly=True)
            return page
        if path == "/private/photo.png":
            if request.cookies.get("gallery_session") != "let-me-in":
                return Response("sign in first", status_code=403)
            return Response(photo, media_type="image/png")
        return HTMLResponse(
            f"<!doctype html><title>{PHOTO_TITLE}</title><h1>{PHOTO_TITLE}</h1>"
            '<img id="photo" src="/private/photo.png" alt="a photo">'
        )

    async def route(request: Request) -> Response:
        host = request.headers.get("host", "").split(":")[0]
        if host == PIXVERSE_API:
            return await pixverse_api(request)
        if host == PIXVERSE_APP:
            return await pixverse_app(request)
        if host == PHOTOS:
            return await photos(request)
        return Response("unknown host", status_code=404)

    methods = ["GET", "POST", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", route, methods=methods)])


class Sites:
    """The sites on one loopback port over HTTPS, in a background thread."""

    def __init__(self, app: Starlette, cert: Path, key: Path) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=2,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the provider sites did not start")
            time.sleep(0.01)

    def resolver_rules(self) -> str:
        return ", ".join(f"MAP {host} 127.0.0.1:{self.port}" for host in HOSTS)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

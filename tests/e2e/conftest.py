"""Browser end-to-end fixtures: the real server in a subprocess, Debian's Chromium via Playwright.

`pixsim7 serve` runs on a free port with its own data dir (SQLite, built web/dist), next to
a fake Pixverse server it is pointed at. Each test gets a fresh browser context. When a test
fails, in its setup or its body, a screenshot of its page goes to test-artifacts/ (or
$PIXSIM7_E2E_ARTIFACTS) and its path is printed with the failure.

Figures measured by the tests (`record_figure`) are printed in the terminal summary and
written to test-artifacts/e2e-figures.txt.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("PIXSIM7_E2E_ARTIFACTS") or ROOT / "test-artifacts")
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "e2e password 123"
ADMIN = "admin@example.com"  # the first admin, created by the server's first start
JOB_TIMEOUT = 90_000  # ms: renders share two cores with everything else
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Hover previews call play() without a click first.
    "--autoplay-policy=no-user-gesture-required",
]
FIGURES: list[str] = []
# Live updates and debounced requests on a shared 2-core machine: 5 s (the default) is tight.
expect.set_options(timeout=10_000)

pytestmark = pytest.mark.browser


@dataclass
class Server:
    url: str
    pixverse_url: str
    data_dir: Path
    pid: int | None = None  # of `pixsim7 serve` (benchmarks read its memory)

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def fake_control(self, payload: dict[str, Any]) -> None:
        """Steer the fake Pixverse (fakekit's POST /_fake/control)."""
        r = httpx.post(f"{self.pixverse_url}/_fake/control", json=payload, timeout=10)
        assert r.status_code == 200, r.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text()[-4000:]}")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture(scope="session")
def web_dist() -> None:
    """Rebuilds web/dist only when web/src is newer: a stale build would test old code.
    PIXSIM7_E2E_SKIP_BUILD=1 tests the web/dist there is (someone else's half-done edit
    of web/src need not stop a run)."""
    if not os.environ.get("PIXSIM7_E2E_SKIP_BUILD") or not (ROOT / "web/dist/index.html").exists():
        subprocess.run([str(ROOT / "scripts" / "build-web.sh")], check=True)


@contextlib.contextmanager
def run_stack(base: Path, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """A fresh install: `pixsim7 serve` with its own data dir under `base` (SQLite, the
    first admin from the environment), pointed at a fake Pixverse of its own; `extra_env`
    adds or replaces settings (e.g. PIXSIM7_ADB_ADDRESS)."""
    cli = str(Path(sys.executable).parent / "pixsim7")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXSIM7_")}
    fake_port, port = _free_port(), _free_port()
    pixverse_url = f"http://127.0.0.1:{fake_port}"
    env.update(
        PIXSIM7_DATA_DIR=str(base / "data"),
        PIXSIM7_PIXVERSE_BASE_URL=pixverse_url,
        PIXSIM7_ADMIN_EMAIL=ADMIN,
        PIXSIM7_ADMIN_PASSWORD=PASSWORD,
        PIXSIM7_LOCAL_MAX_CONCURRENCY="2",
        PIXSIM7_LOG_LEVEL="WARNING",
    )
    env.update(extra_env or {})  # (after the defaults: it may replace one)
    fake = _start(
        [cli, "fake-provider", "pixverse", "--port", str(fake_port)], env, base / "fake.log"
    )
    serve = _start([cli, "serve", "--port", str(port)], env, base / "serve.log")
    try:
        _wait_until_up(pixverse_url, fake, base / "fake.log")
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{url}/api/v1/health", serve, base / "serve.log")
        yield Server(url=url, pixverse_url=pixverse_url, data_dir=base / "data", pid=serve.pid)
    finally:
        for process in (serve, fake):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, web_dist: None) -> Iterator[Server]:
    with run_stack(tmp_path_factory.mktemp("e2e")) as stack:
        yield stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/ensure-browser.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def screenshot_path(nodeid: str, when: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")
    return ARTIFACTS / f"{name}-{when}.png"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failed setup or body leaves a screenshot of the test's page, named in the report."""
    report = yield
    if report.failed and report.when in ("setup", "call"):
        page = getattr(item, "_e2e_page", None)
        if page is None:
            note = "no screenshot: the test's page was not open yet"
        elif page.is_closed():
            note = "no screenshot: the test's page was already closed"
        else:
            path = screenshot_path(item.nodeid, report.when)
            try:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path), full_page=True, timeout=10_000)
                note = f"screenshot of the page at {page.url}: {path}"
            except Exception as exc:  # the browser itself may be what failed
                note = f"no screenshot ({type(exc).__name__}: {exc})"
        report.sections.append(("e2e screenshot", note))
    return report


def record_figure(text: str) -> None:
    """A measured figure: printed in the terminal summary and kept in a file."""
    FIGURES.append(text)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "e2e-figures.txt").open("a") as out:
        out.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {text}\n")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("e2e figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Page:
    page = context.new_page()
    request.node._e2e_page = page
    return page


def register(server: Server, email: str) -> None:
    """A new user, added by the admin (registration is closed, as on a fresh install)."""
    with server.api(api_token(server, ADMIN)) as api:
        r = api.post("/api/v1/users", json={"email": email, "password": PASSWORD})
        assert r.status_code == 201, r.text


def api_token(server: Server, email: str) -> str:
    with server.api() as api:
        r = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])


def sign_in(page: Page, email: str) -> None:
    """Through the login form, as a user would; lands on the dashboard."""
    page.goto("/login")
    page.get_by_label("Email or username").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()


def go(page: Page, name: str) -> None:
    """Follow a link of the main navigation, and wait until its page is the one shown: the
    pages load lazily, and until one has, the page before stays on screen (a field filled
    meanwhile would be that page's)."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")


@pytest.fixture
def user_email(server: Server) -> str:
    email = f"user-{time.time_ns() % 10**10}@example.com"
    register(server, email)
    return email


@pytest.fixture
def token(server: Server, user_email: str) -> str:
    return api_token(server, user_email)


# ---------------------------------------------------------------- media and jobs


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (320, 180)) -> bytes:
    """A striped PNG, different per colour (uploads are deduplicated by content)."""
    image = Image.new("RGB", size, color)
    for y in range(0, size[1], 6):
        for x in range(size[0]):
            image.putpixel((x, y), (x % 256, y % 256, 255 - color[2]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def mp4_bytes(seconds: float = 2.0, fps: int = 12, size: tuple[int, int] = (160, 96)) -> bytes:
    """A small H.264 clip whose frames differ, so a playing preview visibly moves."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for i in range(int(seconds * fps)):
            image = Image.new("RGB", size, (i * 10 % 256, 80, 200 - i * 5 % 200))
            frame = av.VideoFrame.from_image(image)
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def upload(
    server: Server, token: str, name: str, data: bytes, *, tags: list[str] | None = None
) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.post(
            "/api/v1/assets/upload",
            files={"file": (name, data)},
            data={"tags": ",".join(tags or [])},
        )
        assert r.status_code == 201, r.text
        return dict(r.json())


LOCAL_SMALL = {"duration": 1, "resolution": "360p", "fps": 8}


def fill_small(form: Page | Locator) -> None:
    """The cheapest local render a Generate form allows (LOCAL_SMALL)."""
    form.get_by_label("Duration (s)").fill(str(LOCAL_SMALL["duration"]))
    form.get_by_label("Resolution").select_option(str(LOCAL_SMALL["resolution"]))
    form.get_by_label("Frames per second").fill(str(LOCAL_SMALL["fps"]))


def queued_job_id(page: Page) -> int:
    """The job the Generate page just queued, read from its status line."""
    queued = page.get_by_role("status").filter(has_text="Queued")
    expect(queued).to_be_visible()
    return int(queued.get_by_role("link").first.inner_text().lstrip("#"))


def create_job(server: Server, token: str, **body: Any) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.post("/api/v1/jobs", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())


def get_job(server: Server, token: str, job_id: int) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.get(f"/api/v1/jobs/{job_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())


def wait_job(server: Server, token: str, job_id: int, status: str) -> dict[str, Any]:
    """Poll the API until the job has `status` (or fail with what it has)."""
    deadline = time.monotonic() + JOB_TIMEOUT / 1000
    job = get_job(server, token, job_id)
    while job["status"] != status and time.monotonic() < deadline:
        time.sleep(0.3)
        job = get_job(server, token, job_id)
    assert job["status"] == status, job
    return job


def add_pixverse_account(server: Server, token: str, session_token: str) -> dict[str, Any]:
    """A Pixverse account on the fake's web API: each session token is its own fake user.
    Adding it checks it with the fake and reads its credits."""
    with server.api(token) as api:
        r = api.post(
            "/api/v1/accounts",
            json={"provider_id": "pixverse", "nickname": session_token, "jwt_token": session_token},
        )
        assert r.status_code == 201 and r.json()["check"]["ok"], r.text
        return dict(r.json())

"""Browser end-to-end fixtures: the real server in a subprocess, Debian's Chromium via Playwright.

`pixsim7 serve` runs on a free port with its own data dir (SQLite, built web/dist), next to
a fake Pixverse server it is pointed at. Each test gets a fresh browser context; on failure
a screenshot of the page goes to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "e2e password 123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@dataclass
class Server:
    url: str
    pixverse_url: str
    data_dir: Path

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        subprocess.run([str(ROOT / "scripts" / "build-web.sh")], check=True)
    base = tmp_path_factory.mktemp("e2e")
    cli = str(Path(sys.executable).parent / "pixsim7")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXSIM7_")}
    fake_port, port = _free_port(), _free_port()
    pixverse_url = f"http://127.0.0.1:{fake_port}"
    env.update(
        PIXSIM7_DATA_DIR=str(base / "data"),
        PIXSIM7_PIXVERSE_BASE_URL=pixverse_url,
        PIXSIM7_ADMIN_EMAIL="admin@example.com",
        PIXSIM7_ADMIN_PASSWORD=PASSWORD,
        PIXSIM7_LOCAL_MAX_CONCURRENCY="2",
        PIXSIM7_LOG_LEVEL="WARNING",
    )
    fake = _start(
        [cli, "fake-provider", "pixverse", "--port", str(fake_port)], env, base / "fake.log"
    )
    serve = _start([cli, "serve", "--port", str(port)], env, base / "serve.log")
    try:
        _wait_until_up(pixverse_url, fake, base / "fake.log")
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{url}/api/v1/health", serve, base / "serve.log")
        yield Server(url=url, pixverse_url=pixverse_url, data_dir=base / "data")
    finally:
        for process in (serve, fake):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call" and report.failed:
        page = getattr(item, "_e2e_page", None)
        if page is not None and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
    return report


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
    with server.api() as api:
        r = api.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
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
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


@pytest.fixture
def user_email(server: Server) -> str:
    email = f"user-{time.time_ns() % 10**10}@example.com"
    register(server, email)
    return email

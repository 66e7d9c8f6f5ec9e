"""The browser extension, loaded into Debian's Chromium, against a running PixSim7 and
fake provider sites under the providers' real host names (see provider_sites.py).

The extension gets host access to the server and to the photo site as a user would give
it (the server when connecting, the clicked page through activeTab): the test copies the
build with those origins granted in its manifest, since a headless browser shows no
permission prompt to accept. Native context menus cannot be clicked from Playwright, so
the tests call the extension's menu handler with what a right-click passes it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Worker, expect

from tests.e2e import provider_sites
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    JOB_TIMEOUT,
    PASSWORD,
    ROOT,
    Server,
    api_token,
    png_bytes,
    register,
    sign_in,
)

pytestmark = pytest.mark.browser
PHOTO = png_bytes((200, 120, 40))
PHOTO_PAGE = f"https://{provider_sites.PHOTOS}/album"
PHOTO_URL = f"https://{provider_sites.PHOTOS}/private/photo.png"


@dataclass
class Extension:
    context: BrowserContext
    worker: Worker
    id: str
    server: Server

    def popup(self) -> Page:
        page = self.context.new_page()
        page.goto(f"chrome-extension://{self.id}/popup/popup.html")
        return page

    def run(self, script: str, arg: Any = None) -> Any:
        """Evaluate in the extension's service worker."""
        return self.worker.evaluate(script, arg)

    def menu_click(self, menu: str, page: Page, src: str) -> None:
        """What a click on one of the extension's context menus over `src` passes it."""
        self.run(
            """async ([menu, pageUrl, src]) => {
                const [tab] = await chrome.tabs.query({ url: pageUrl });
                const info = { menuItemId: menu, srcUrl: src, pageUrl, frameId: 0,
                               mediaType: "image", editable: false };
                await globalThis.pixsim7.onMenuClick(info, tab);
            }""",
            [menu, page.url, src],
        )

    def notifications(self) -> list[str]:
        return list(self.run("async () => Object.keys(await chrome.notifications.getAll())"))

    def badge(self) -> str:
        return str(self.run("() => chrome.action.getBadgeText({})"))


def _build() -> Path:
    subprocess.run([str(ROOT / "scripts" / "build-extension.sh")], check=True)
    return ROOT / "extension" / "dist"


@pytest.fixture(scope="module")
def sites(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    cert, key = provider_sites.certificate(tmp_path_factory.mktemp("certs"))
    running = provider_sites.Sites(provider_sites.create_app(server.pixverse_url, PHOTO), cert, key)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def extension(
    server: Server, sites: Any, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Extension]:
    folder = tmp_path_factory.mktemp("extension") / "unpacked"
    shutil.copytree(_build(), folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    # What the user grants: the server when connecting, the photo page when clicking.
    manifest["host_permissions"] += ["http://127.0.0.1/*", f"https://{provider_sites.PHOTOS}/*"]
    manifest_path.write_text(json.dumps(manifest))
    profile = tmp_path_factory.mktemp("profile")
    args = [
        *CHROMIUM_ARGS,
        f"--disable-extensions-except={folder}",
        f"--load-extension={folder}",
        "--disable-features=DisableLoadExtensionCommandLineSwitch",
        "--ignore-certificate-errors",
        f"--host-resolver-rules={sites.resolver_rules()}",
    ]
    # The session's Playwright (one per process): a persistent context of its own profile.
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=args,
        ignore_default_args=["--disable-extensions"],
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    worker = (
        context.service_workers[0]
        if context.service_workers
        else context.wait_for_event("serviceworker")
    )
    extension_id = worker.url.split("/")[2]
    yield Extension(context=context, worker=worker, id=extension_id, server=server)
    context.close()


@pytest.fixture(scope="module")
def email(server: Server) -> str:
    address = f"ext-{time.time_ns() % 10**10}@example.com"
    register(server, address)
    return address


def _connect(extension: Extension, email: str) -> Page:
    """Connect through the popup, as the user does once; the popup is left open."""
    popup = extension.popup()
    popup.get_by_label("Server address").fill(extension.server.url)
    popup.get_by_label("Email or username").fill(email)
    popup.get_by_label("Password").fill(PASSWORD)
    popup.get_by_role("button", name="Connect").click()
    expect(popup.get_by_text(f"Connected to {extension.server.url} as {email}")).to_be_visible()
    return popup


@pytest.fixture(scope="module")
def connected(extension: Extension, email: str) -> Extension:
    _connect(extension, email).close()
    return extension


def _pixverse_login(extension: Extension, session_token: str) -> Page:
    page = extension.context.new_page()
    page.goto(f"https://{provider_sites.PIXVERSE_APP}/login?token={session_token}")
    return page


def test_connect_names_an_extension_session_and_keeps_no_password(
    connected: Extension, email: str
) -> None:
    with connected.server.api(api_token(connected.server, email)) as api:
        sessions = api.get("/api/v1/auth/sessions").json()["items"]
    assert [s["kind"] for s in sessions].count("extension") == 1
    stored = json.dumps(connected.run("() => chrome.storage.local.get(null)"))
    assert PASSWORD not in stored and "password" not in stored
    assert connected.run("() => chrome.storage.sync.get(null)") == {}


def test_import_pixverse_session_shows_the_account_and_its_credits(
    connected: Extension, email: str
) -> None:
    session_token = f"pv-{uuid.uuid4().hex[:12]}"
    site = _pixverse_login(connected, session_token)
    # The page's own call to the web API, with the token the extension captures.
    expect(site.locator("#who")).to_have_text(re.compile(r"user\d+@example\.com"))
    popup = connected.popup()
    popup.get_by_role("button", name="Import Pixverse session").click()
    result = popup.locator("#import-result")
    expect(result).to_have_text(
        re.compile(r"Added User \d+ \(user\d+@example\.com\): web 10000 credits")
    )
    account = popup.get_by_role("list").get_by_role("listitem").filter(has_text="web 10000")
    expect(account).to_contain_text("pixverse · active")
    expect(account).to_contain_text(re.compile(r"0 of \d+ running"))
    # The cookies (httpOnly included) and the token seen on the page's request went along.
    with connected.server.api(api_token(connected.server, email)) as api:
        items = api.get("/api/v1/accounts", params={"provider_id": "pixverse"}).json()["items"]
    imported = next(a for a in items if a["has_cookies"])
    assert imported["jwt_token_hint"] == "…" + session_token[-4:]
    popup.close()
    site.close()


def test_a_session_the_provider_rejects_shows_the_servers_message(connected: Extension) -> None:
    session_token = f"pv-{uuid.uuid4().hex[:12]}"
    site = _pixverse_login(connected, session_token)
    expect(site.locator("#who")).not_to_have_text("…")
    connected.server.fake_control({"key": session_token, "revoked": True})  # signed out there
    popup = connected.popup()
    popup.get_by_role("button", name="Import Pixverse session").click()
    expect(popup.locator("#import-result")).to_have_text(
        re.compile(r"^the session could not be imported: .+")
    )
    expect(popup.locator("#import-result")).to_have_class("error")
    popup.close()
    site.close()


def test_open_signed_in_sets_the_accounts_session_on_the_provider_domain(
    connected: Extension, email: str
) -> None:
    token = api_token(connected.server, email)
    session_token = f"pv-{uuid.uuid4().hex[:12]}"
    with connected.server.api(token) as api:
        r = api.post(
            "/api/v1/accounts",
            json={"provider_id": "pixverse", "nickname": "Stored", "jwt_token": session_token},
        )
        assert r.status_code == 201, r.text
        # A web session's token may not fetch an account's cookies: extension tokens only.
        refused = api.post(f"/api/v1/extension/accounts/{r.json()['id']}/session")
        assert refused.status_code == 403
    popup = connected.popup()
    row = popup.get_by_role("listitem").filter(has_text="Stored")
    with connected.context.expect_page() as opened:
        row.get_by_role("button", name="Open signed in").click()
    site = opened.value
    site.wait_for_load_state()
    assert site.url == f"https://{provider_sites.PIXVERSE_APP}/"
    cookies = {c["name"]: c for c in connected.context.cookies(site.url)}
    assert cookies["_ai_token"]["value"] == session_token
    assert cookies["_ai_token"]["domain"] == ".pixverse.ai"
    assert "_ai_session" not in cookies  # the previous session's cookies are gone
    expect(site.locator("#who")).to_have_text(re.compile(r"user\d+@example\.com"))
    popup.close()
    site.close()


def _library(server: Server, token: str) -> list[dict[str, Any]]:
    with server.api(token) as api:
        return list(api.get("/api/v1/assets", params={"limit": 100}).json()["items"])


def test_add_to_pixsim7_captures_media_behind_the_pages_login(
    connected: Extension, email: str
) -> None:
    token = api_token(connected.server, email)
    page = connected.context.new_page()
    page.goto(f"https://{provider_sites.PHOTOS}/login")  # lands on the album, signed in
    expect(page.get_by_role("heading", name=provider_sites.PHOTO_TITLE)).to_be_visible()
    before = len(_library(connected.server, token))

    connected.menu_click("pixsim7.add", page, PHOTO_URL)

    added = [a for a in _library(connected.server, token) if a["original_source_url"]]
    assert len(added) == 1 and len(_library(connected.server, token)) == before + 1
    asset = added[0]
    assert asset["original_source_url"] == PHOTO_PAGE
    assert asset["description"] == provider_sites.PHOTO_TITLE
    assert asset["media_type"] == "image" and asset["width"] == 320
    assert any(n.startswith(f"pixsim7-asset-{asset['id']}-") for n in connected.notifications())

    # Again: the same bytes answer with the asset the library has.
    connected.run(
        "() => chrome.notifications.getAll().then((all) => "
        "Promise.all(Object.keys(all).map((id) => chrome.notifications.clear(id))))"
    )
    connected.menu_click("pixsim7.add", page, PHOTO_URL)
    assert len(_library(connected.server, token)) == before + 1
    assert any(n.startswith(f"pixsim7-asset-{asset['id']}-") for n in connected.notifications())
    page.close()


def test_animate_with_the_local_provider_shows_the_badge_and_the_notification(
    connected: Extension, email: str
) -> None:
    token = api_token(connected.server, email)
    with connected.server.api(token) as api:
        assert api.post("/api/v1/jobs/pause").status_code == 200  # so the job waits, counted
    page = connected.context.new_page()
    page.goto(f"https://{provider_sites.PHOTOS}/login")
    connected.menu_click("pixsim7.animate", page, PHOTO_URL)

    dialog = page.get_by_role("form", name="Animate with PixSim7")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Provider").select_option("local")
    dialog.get_by_label("Operation").select_option("image_to_video")
    dialog.get_by_label("Prompt").fill("a slow pan over the photo")
    expect(dialog.get_by_text(re.compile(r"Estimated cost: \d"))).to_be_visible()
    dialog.get_by_role("button", name="Animate").click()
    started = dialog.get_by_text(re.compile(r"Started job #(\d+)"))
    expect(started).to_be_visible()
    job_id = int(re.findall(r"#(\d+)", started.inner_text())[0])
    expect(dialog).to_be_hidden(timeout=10_000)  # it closes itself

    deadline = time.monotonic() + 30
    while connected.badge() != "1" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert connected.badge() == "1"
    with connected.server.api(token) as api:
        job = api.get(f"/api/v1/jobs/{job_id}").json()
        assert job["provider_id"] == "local" and job["status"] == "pending"
        assert api.post("/api/v1/jobs/resume").status_code == 200

    # The dialog asks for the operation's defaults (5 s of 720p): longer than the usual job.
    deadline = time.monotonic() + 4 * JOB_TIMEOUT / 1000
    with connected.server.api(token) as api:
        while job["status"] not in ("completed", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
            job = api.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "completed", job
    mine = f"pixsim7-asset-{job['asset_id']}-"
    deadline = time.monotonic() + 60  # the next event, or the next 30 s alarm
    while not any(n.startswith(mine) for n in connected.notifications()):
        assert time.monotonic() < deadline, connected.notifications()
        time.sleep(0.5)
    deadline = time.monotonic() + 30
    while connected.badge() != "" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert connected.badge() == ""
    page.close()


def test_a_sign_in_on_pixverse_is_imported_automatically_when_asked(
    connected: Extension, email: str
) -> None:
    popup = connected.popup()
    auto = popup.get_by_label("Import automatically when I sign in")
    expect(auto).not_to_be_checked()  # off until the user asks
    auto.check()
    popup.close()
    token = api_token(connected.server, email)

    def imported() -> list[dict[str, Any]]:
        with connected.server.api(token) as api:
            items = api.get("/api/v1/accounts", params={"provider_id": "pixverse"}).json()["items"]
        return [a for a in items if a["jwt_token_hint"] == "…" + session_token[-4:]]

    session_token = f"pv-{uuid.uuid4().hex[:12]}"
    site = _pixverse_login(connected, session_token)  # the login cookie is set: nothing else
    expect(site.locator("#who")).to_have_text(re.compile(r"user\d+@example\.com"))
    deadline = time.monotonic() + 30
    while not imported():
        assert time.monotonic() < deadline, "the session was not imported"
        time.sleep(0.5)
    [account] = imported()
    assert account["has_cookies"] and account["status"] == "active"
    deadline = time.monotonic() + 10
    while not any(n.startswith("pixsim7-none-") for n in connected.notifications()):
        assert time.monotonic() < deadline, connected.notifications()
        time.sleep(0.3)
    popup = connected.popup()
    expect(popup.get_by_label("Import automatically when I sign in")).to_be_checked()  # kept
    popup.get_by_label("Import automatically when I sign in").uncheck()
    popup.close()
    site.close()


def test_settings_offer_the_extension_and_name_its_session(
    connected: Extension, page: Page, email: str
) -> None:
    sign_in(page, email)
    page.goto("/settings")
    card = page.get_by_role("region", name="Browser extension")
    with page.expect_download() as download:
        card.get_by_role("link", name="Download the extension").click()
    assert download.value.suggested_filename == "pixsim7-extension.zip"
    assert card.get_by_role("listitem").count() == 3
    row = page.get_by_role("row").filter(has_text="Browser extension")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_have_count(0)
    # The extension finds itself signed out and asks to connect again.
    popup = connected.popup()
    expect(popup.get_by_role("button", name="Connect")).to_be_visible(timeout=15_000)
    popup.close()


def test_log_out_revokes_the_extensions_session(extension: Extension, email: str) -> None:
    popup = _connect(extension, email)
    assert "connection" in extension.run("() => chrome.storage.local.get(null)")

    def extension_sessions() -> int:
        with extension.server.api(api_token(extension.server, email)) as api:
            items = api.get("/api/v1/auth/sessions").json()["items"]
        return [s["kind"] for s in items].count("extension")

    assert extension_sessions() == 1
    popup.get_by_role("button", name="Log out").click()
    expect(popup.get_by_role("button", name="Connect")).to_be_visible()
    assert extension_sessions() == 0  # revoked on the server, not only forgotten
    assert "connection" not in extension.run("() => chrome.storage.local.get(null)")
    popup.close()

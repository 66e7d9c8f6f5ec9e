"""Every page of the app under its Content Security Policy, with no violation reported;
an address with no page shows the app's own "not found" page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ADMIN,
    LOCAL_SMALL,
    Server,
    create_job,
    mp4_bytes,
    png_bytes,
    sign_in,
    upload,
    wait_job,
)

pytestmark = pytest.mark.browser

# Each document records what its policy refused, from its first script on.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"}`));
"""


def _load(page: Page, path: str, heading: str | re.Pattern[str]) -> list[str]:
    """Open `path` afresh, wait for its page, and return the violations it reported."""
    response = page.goto(path)
    assert response is not None and response.ok, path
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.wait_for_timeout(300)  # late loads: lazy chunks, thumbnails, the event stream
    return [f"{path}: {v}" for v in page.evaluate("window.__violations")]


def test_every_page_loads_under_the_csp_with_no_violation(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    video = upload(server, token, "clip.mp4", mp4_bytes())
    upload(server, token, "still.png", png_bytes((20, 120, 200)))
    job = create_job(
        server,
        token,
        provider_id="local",
        operation_type="text_to_video",
        params={"prompt": "under the policy", **LOCAL_SMALL},
    )
    wait_job(server, token, job["id"], "completed")
    with server.api(token) as api:
        r = api.post(
            "/api/v1/scenes",
            json={
                "title": "Under the policy",
                "start": "clip",
                "nodes": [{"id": "clip", "type": "video", "media": [{"asset_id": video["id"]}]}],
            },
        )
        assert r.status_code == 201, r.text
        scene = r.json()

    violations = _load(page, "/login", "Sign in to PixSim7")
    violations += _load(page, "/register", "Registration is closed")
    sign_in(page, user_email)
    pages: dict[str, str | re.Pattern[str]] = {
        "/": re.compile(r"^Welcome"),
        "/generate": "Generate",
        "/jobs": "Jobs",
        f"/jobs/{job['id']}": f"Job #{job['id']}",
        "/gallery": re.compile(r"^Gallery"),
        f"/gallery/{video['id']}": f"Asset #{video['id']}",
        "/boards": "Boards",
        "/gallery?trashed=true": re.compile(r"^Trash"),
        "/scenes": "Scenes",
        f"/play/{scene['id']}": "Under the policy",
        f"/scenes/{scene['id']}/edit": "Under the policy",
        "/accounts": "Accounts",
        "/services": "Services",
        "/settings": "Settings",
        "/no-such-page": "Page not found",
    }
    for path, heading in pages.items():
        violations += _load(page, path, heading)
        if path == f"/gallery/{video['id']}":
            # The video itself loads from the API under media-src.
            page.wait_for_function("() => document.querySelector('video')?.readyState >= 1")
        if path == f"/play/{scene['id']}":
            # Played: its clip loads from the API, the play saves, the event stream is open.
            page.get_by_role("button", name="Play", exact=True).click()
            page.wait_for_function("() => document.querySelector('video.active')?.readyState >= 2")
            expect(page.get_by_text("Saved", exact=True)).to_be_visible()
            page.wait_for_timeout(300)
            violations += [f"{path} played: {v}" for v in page.evaluate("window.__violations")]
        if path == f"/scenes/{scene['id']}/edit":
            # The canvas: its nodes and edges are placed by styles set from script.
            expect(page.locator('.react-flow__node[data-id="clip"] img')).to_be_visible()
            page.wait_for_timeout(300)
            violations += [f"{path} drawn: {v}" for v in page.evaluate("window.__violations")]
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ADMIN)
    violations += _load(page, "/users", "Users")
    violations += _load(page, "/services", "Services")
    assert violations == [] and console == [], (violations, console)

    # The check itself works: an inline script is refused, and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.head.append(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__violations"))


def test_an_address_with_no_page_shows_the_apps_not_found_page(
    page: Page, server: Server, user_email: str
) -> None:
    sign_in(page, user_email)
    for path in ("/no-such-page", "/jobs/1/nothing-here", "/jobs/999999999", "/gallery/abc"):
        page.goto(path)
        heading = page.get_by_role("heading", name=re.compile(r"^(Page not found|No such)"))
        expect(heading).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_text("Unexpected Application Error")).to_have_count(0)
    page.get_by_role("link", name="Go to the dashboard").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome"))).to_be_visible()

"""The API docs at /docs work with no network and under the server's own Content Security
Policy (no inline script or style), and an operation can be tried from them with the user's
token."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser


def _offline(context: BrowserContext) -> list[str]:
    """Abort every request that would leave this machine; returns the list of those."""
    blocked: list[str] = []

    def route(r: Route) -> None:
        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    return blocked


def test_docs_work_offline_and_can_be_tried(
    context: BrowserContext, page: Page, server: Server, token: str
) -> None:
    blocked = _offline(context)
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    response = page.goto("/docs")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy, policy
    assert "unsafe" not in policy, policy

    jobs = page.locator(".opblock", has_text="/api/v1/jobs")
    expect(jobs.first).to_be_visible()
    assert page.locator(".opblock").count() >= 60
    expect(
        page.get_by_role("button", name="POST /api/v1/jobs Create Job", exact=True)
    ).to_be_visible()

    page.get_by_role("button", name="Authorize").click()
    dialog = page.locator(".modal-ux")
    dialog.locator("input").fill(token)
    dialog.get_by_role("button", name="Apply credentials").click()
    dialog.get_by_role("button", name="Close").click()

    me = page.locator("#operations-users-read_me_api_v1_users_me_get")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(me.locator(".live-responses-table")).to_contain_text('"email"')
    # Each operation says what its errors are.
    expect(me.locator(".responses-table:not(.live-responses-table)")).to_contain_text(
        "Not signed in"
    )

    assert blocked == [], blocked
    assert refused == [], refused

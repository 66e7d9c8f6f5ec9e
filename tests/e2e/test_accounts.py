"""The accounts page with a fake Pixverse account whose credits fall after a job."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, api_token, go, sign_in

pytestmark = pytest.mark.browser


def _credits(row) -> float:  # type: ignore[no-untyped-def]
    return sum(float(x) for x in row.locator(".credits").all_inner_texts())


def _wait_done(api: httpx.Client, job_id: int) -> dict[str, object]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job = api.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {job['status']}: {job.get('wait_reason')}")


def test_pixverse_account_credits_fall_after_a_job(
    page: Page, server: Server, user_email: str
) -> None:
    sign_in(page, user_email)
    go(page, "Accounts")
    page.get_by_label("Provider").select_option("pixverse")
    page.get_by_label("Nickname").fill("fake pixverse")
    # A web session token: its `web` pool is the one a job is costed in.
    page.get_by_label("Credential").select_option("jwt_token")
    page.get_by_label("Session token", exact=True).fill("pv-e2e-session")
    page.get_by_role("button", name="Add account").click()

    # Checked with the provider as it is added: active, with its credits, no Sync pressed.
    row = page.locator("tr", has_text="fake pixverse")
    expect(row.locator(".badge.status-active")).to_be_visible()
    expect(row.locator(".credits").first).to_have_text(re.compile(r"\d"))
    before = _credits(row)
    assert before > 0

    with server.api(api_token(server, user_email)) as api:
        r = api.post(
            "/api/v1/jobs",
            json={
                "provider_id": "pixverse",
                "operation_type": "text_to_video",
                "params": {"prompt": "a lighthouse at dusk"},
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["estimated_credits"] > 0
        job = _wait_done(api, r.json()["id"])
        assert job["status"] == "completed", job

    # The page follows the job's events: no reload.
    page.wait_for_function(
        "before => [...document.querySelectorAll('tr')].filter(r => r.textContent.includes"
        "('fake pixverse')).some(r => [...r.querySelectorAll('.credits')]"
        ".reduce((s, c) => s + Number(c.textContent), 0) < before)",
        arg=before,
        timeout=15_000,
    )
    assert _credits(row) < before

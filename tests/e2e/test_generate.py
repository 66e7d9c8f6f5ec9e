"""Generate: the cost estimate is shown, and kept current, before anything is submitted."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, add_pixverse_account, get_job, go, sign_in

pytestmark = pytest.mark.browser


def _credits(value: float) -> str:
    """As the page writes credits (format.ts formatCredits)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _estimate(server: Server, token: str, params: dict[str, Any]) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.post(
            "/api/v1/jobs/estimate",
            json={"provider_id": "pixverse", "operation_type": "text_to_video", "params": params},
        )
        assert r.status_code == 200, r.text
        return dict(r.json())


def _jobs(server: Server, token: str) -> list[dict[str, Any]]:
    with server.api(token) as api:
        return list(api.get("/api/v1/jobs").json()["items"])


def test_cost_estimate_before_submit(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    add_pixverse_account(server, token, f"pv-estimate-{time.time_ns()}")
    sign_in(page, user_email)
    go(page, "Generate")
    estimate = page.get_by_label("Cost estimate")

    # The local renderer costs nothing, and says so.
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_label("Text *").fill("free of charge")
    expect(estimate).to_contain_text("Free")

    page.get_by_label("Provider").select_option("pixverse")
    page.get_by_label("Operation").select_option("text_to_video")
    # Without its required prompt the request cannot be priced yet.
    expect(estimate).to_contain_text("No estimate until the form is complete")
    page.get_by_label("Prompt *").fill("a paper boat on a puddle")
    short = _estimate(server, token, {"prompt": "x", "quality": "540p", "duration": 5})
    assert short["estimated_credits"] > 0, short
    for pool, cost in short["costs"].items():
        expect(estimate.locator("li", has_text=pool)).to_contain_text(f"{_credits(cost)} credit")

    # Changing what is asked for changes the price, before any submit.
    page.get_by_label("Quality").select_option("1080p")
    dear = _estimate(server, token, {"prompt": "x", "quality": "1080p", "duration": 5})
    assert dear["estimated_credits"] > short["estimated_credits"], (short, dear)
    pool = str(dear["credit_type"])
    expect(estimate.locator("li", has_text=pool)).to_contain_text(
        f"{_credits(dear['costs'][pool])} credit"
    )
    page.get_by_label("How many").fill("3")
    each = _credits(dear["costs"][pool])
    expect(estimate.locator("li", has_text=pool)).to_contain_text(
        re.compile(rf"3 \u00d7 {each} = {_credits(3 * dear['costs'][pool])} credits")
    )
    assert _jobs(server, token) == []  # all of that was priced, nothing queued

    # Submitted, the jobs are accepted at the price shown.
    page.get_by_role("button", name=re.compile(r"^Generate")).click()
    queued = page.get_by_role("status").filter(has_text="Queued")
    expect(queued.get_by_role("link")).to_have_count(3)
    ids = [int(t.lstrip("#")) for t in queued.get_by_role("link").all_inner_texts()]
    assert len(ids) == 3
    for job_id in ids:
        job = get_job(server, token, job_id)
        assert job["credit_type"] == pool and job["estimated_credits"] == dear["costs"][pool], job

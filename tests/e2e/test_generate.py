"""Generate: the cost estimate is shown, and kept current, before anything is submitted."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Server,
    add_pixverse_account,
    get_job,
    go,
    mp4_bytes,
    sign_in,
    upload,
)

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


def test_a_video_used_as_input_is_never_dropped_without_a_word(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    video = upload(server, token, "clip.mp4", mp4_bytes())
    sign_in(page, user_email)
    go(page, "Gallery")
    page.get_by_role("link", name=f"Asset {video['id']}", exact=True).click()  # the lightbox
    page.get_by_role("dialog").get_by_role("link", name="Use as input").click()
    expect(page.get_by_text(f"video #{video['id']} is ready to use as input")).to_be_visible()

    # The operation shown is one that takes a video, holding it.
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    expect(page.get_by_label("Operation")).to_have_value("video_extend")
    held = page.locator("fieldset", has=page.locator("legend", has_text="Video to continue"))
    expect(held.locator(".slot-item img")).to_have_attribute(
        "src", re.compile(rf"/assets/{video['id']}/")
    )

    # An image-only operation says the video is not used, and does not send it.
    page.get_by_label("Operation").select_option("image_to_video")
    unused = page.locator("fieldset", has=page.locator("legend", has_text="Not used"))
    expect(unused).to_contain_text(f"video #{video['id']} is not used: Pan and zoom takes no video")
    image_slot = page.locator("fieldset", has=page.locator("legend", has_text="Image"))
    expect(image_slot.locator(".slot-item")).to_have_count(0)
    page.get_by_role("button", name="Generate").click()
    expect(image_slot.get_by_role("alert")).to_be_visible()  # its image is missing
    assert _jobs(server, token) == []

    # Back on an operation that takes it, it is used, and sent.
    page.get_by_label("Operation").select_option("video_extend")
    expect(unused).to_have_count(0)
    page.get_by_label("Duration (s)").fill("1")
    page.get_by_role("button", name="Generate").click()
    queued = page.get_by_role("status").filter(has_text="Queued")
    job_id = int(queued.get_by_role("link").first.inner_text().lstrip("#"))
    job = get_job(server, token, job_id)
    assert job["operation_type"] == "video_extend", job
    assert [(i["role"], i["asset_id"]) for i in job["inputs"]] == [("source_video", video["id"])]

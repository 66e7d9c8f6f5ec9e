"""The studio end to end: generate with the local provider, watch it live, browse, play, delete."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, fill_small, go, queued_job_id, sign_in

pytestmark = pytest.mark.browser
JOB_TIMEOUT = 90_000  # ms: renders share two cores with everything else


def _image(path: Path) -> Path:
    image = Image.new("RGB", (320, 180))
    for x in range(320):
        for y in range(0, 180, 4):
            image.putpixel((x, y), (x % 256, y, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_generate_watch_browse_play_delete(
    page: Page, server: Server, user_email: str, tmp_path: Path
) -> None:
    sign_in(page, user_email)

    # Text to video: the form is drawn from the local provider's spec.
    go(page, "Generate")
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_role("button", name="Generate").click()
    # The prompt is required: the browser or the API refuses, nothing is queued.
    expect(page.get_by_role("status").filter(has_text="Queued")).to_have_count(0)
    page.get_by_label("Text *").fill("Hello from the browser")
    fill_small(page)
    page.get_by_role("button", name="Generate").click()
    t2v = queued_job_id(page)

    # Image to video from an image uploaded on the spot.
    page.get_by_label("Operation").select_option("image_to_video")
    page.get_by_label("Upload Image").set_input_files(str(_image(tmp_path / "still.png")))
    expect(page.locator(".slot-item img")).to_be_visible()
    fill_small(page)
    page.get_by_role("button", name="Generate").click()
    i2v = queued_job_id(page)

    # The queue, live: no reloads, the rows turn completed as events arrive.
    go(page, "Jobs")
    for job_id in (t2v, i2v):
        row = page.locator(f"tr[data-job-id='{job_id}']")
        expect(row.locator(".badge.status-completed")).to_be_visible(timeout=JOB_TIMEOUT)

    # The gallery: two videos and the uploaded image, each with a loaded thumbnail.
    go(page, "Gallery")
    thumbs = page.locator(".thumb-grid img")
    expect(thumbs).to_have_count(3)
    for i in range(3):
        expect(thumbs.nth(i)).to_have_js_property("complete", True)
        assert thumbs.nth(i).evaluate("img => img.naturalWidth") > 0

    # The image-to-video result: play it and see its lineage back to the image.
    go(page, "Jobs")
    page.locator(f"tr[data-job-id='{i2v}']").get_by_role("link", name="result").click()
    video = page.get_by_label("Player")
    expect(video).to_be_visible()
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('video[aria-label=Player]').currentTime > 0.2"
    )
    lineage = page.get_by_label("Lineage")
    expect(lineage.locator(".lineage-node")).to_have_count(2)
    expect(lineage).to_contain_text("parents")

    asset_url = page.url
    page.get_by_role("button", name="Delete").click()  # to the trash: no question asked
    expect(page).to_have_url(re.compile(r"/gallery$"))
    expect(page.locator(".thumb-grid img")).to_have_count(2)
    page.goto(asset_url)
    expect(page.get_by_text("In the trash since")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete forever").click()
    expect(page).to_have_url(re.compile(r"/gallery\?trashed=true$"))
    expect(page.get_by_text("The trash is empty")).to_be_visible()
    page.goto(asset_url)
    expect(page.get_by_role("heading", name="No such asset")).to_be_visible()

"""Remix: "Reuse" on a job (the queue) or on an asset (its page) opens Generate filled with
its provider, operation, parameters and inputs; the form keeps its draft over a reload, and
what is generated from it is what the form showed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Server,
    fill_small,
    get_job,
    go,
    png_bytes,
    queued_job_id,
    sign_in,
    upload,
    wait_job,
)

pytestmark = pytest.mark.browser


def _expect_reused(page: Page, picture: dict[str, Any], seed: str) -> None:
    expect(page.get_by_label("Provider")).to_have_value("local")
    expect(page.get_by_label("Operation")).to_have_value("image_to_video")
    expect(page.get_by_role("spinbutton", name=re.compile("^Seed"))).to_have_value(seed)
    expect(page.get_by_label("Resolution")).to_have_value("360p")
    expect(page.get_by_label("Duration (s)")).to_have_value("1")
    slot = page.get_by_role("group", name=re.compile("Image"))
    expect(slot.get_by_role("button", name="Remove Image 1")).to_be_visible()
    expect(slot.get_by_alt_text(re.compile(str(picture["original_filename"])))).to_be_visible()


def test_reuse_a_job_and_an_asset(page: Page, server: Server, user_email: str, token: str) -> None:
    picture = upload(server, token, "harbour.png", png_bytes((30, 120, 200)))
    sign_in(page, user_email)

    # A first job, made on the form: pan and zoom over the picture, seed 3.
    go(page, "Generate")
    page.get_by_label("Provider").select_option("local")
    page.get_by_label("Operation").select_option("image_to_video")
    slot = page.get_by_role("group", name=re.compile("Image"))
    slot.get_by_role("button", name="Pick from gallery").click()
    slot.get_by_role("button", name=f"Use asset {picture['id']}").click()
    fill_small(page)
    page.get_by_role("spinbutton", name=re.compile("^Seed")).fill("3")
    page.get_by_role("button", name="Generate", exact=True).click()
    first = queued_job_id(page)
    done = wait_job(server, token, first, "completed")

    # Reuse from the queue: the form comes back as it was sent.
    page.get_by_role("button", name="Start over").click()
    go(page, "Jobs")
    page.get_by_role("link", name=f"Reuse job {first}").click()
    expect(page.get_by_text(f"Filled from job #{first}")).to_be_visible()
    _expect_reused(page, picture, "3")

    # Edited, then reloaded: the draft is kept (not the job again).
    page.get_by_role("spinbutton", name=re.compile("^Seed")).fill("4")
    expect(page).to_have_url(re.compile(r"/generate$"))
    page.reload()
    _expect_reused(page, picture, "4")
    page.get_by_role("button", name="Generate", exact=True).click()
    second = get_job(server, token, queued_job_id(page))
    assert second["params"] == {**done["params"], "seed": 4}
    assert second["inputs"] == [{"role": "source_image", "asset_id": picture["id"]}]

    # Reuse from the first job's output, on its page.
    page.goto(f"/gallery/{done['asset_id']}")
    page.get_by_role("link", name="Reuse").click()
    expect(page.get_by_text(f"Filled from job #{first}")).to_be_visible()
    _expect_reused(page, picture, "3")

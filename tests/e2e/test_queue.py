"""The queue read at a glance and acted on in bulk: prompts, search in the URL, shift-click
ranges, a priority for many, cancel many, "cancel all waiting", retry and delete.

Every outcome is checked on the page (live, no reload unless the test is about one) and
against the API.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LOCAL_SMALL, Server, create_job, go, sign_in

pytestmark = pytest.mark.browser

PROMPTS = ["a red fox at dawn", "blue whale", "red kite", "green hills", "grey fox"]


def _row(page: Page, job_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-job-id='{job_id}']")


def _jobs(server: Server, token: str) -> dict[int, dict]:  # type: ignore[type-arg]
    with server.api(token) as api:
        return {j["id"]: j for j in api.get("/api/v1/jobs?limit=200").json()["items"]}


def test_select_many_and_act(page: Page, server: Server, user_email: str, token: str) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, user_email)
    go(page, "Jobs")
    page.get_by_role("button", name="Pause queue").click()  # so that they wait
    expect(page.get_by_role("button", name="Resume queue")).to_be_visible()
    ids = [
        create_job(
            server,
            token,
            provider_id="local",
            operation_type="text_to_video",
            params={"prompt": prompt, **LOCAL_SMALL},
        )["id"]
        for prompt in PROMPTS
    ]
    # Each row shows its prompt (the whole of it on hover) and a priority in words.
    for job_id, prompt in zip(ids, PROMPTS, strict=True):
        expect(_row(page, job_id).get_by_text(prompt)).to_have_attribute("title", prompt)
        expect(_row(page, job_id)).to_contain_text("Normal")
        expect(_row(page, job_id)).to_contain_text("queue paused")

    # Search as you type: the filter goes in the URL and survives a reload.
    page.get_by_role("searchbox", name="Search prompts").fill("fox")
    expect(page).to_have_url(re.compile(r"[?&]q=fox"))
    expect(page.locator("tr[data-job-id]")).to_have_count(2)
    page.reload()
    expect(page.get_by_role("searchbox", name="Search prompts")).to_have_value("fox")
    expect(page.locator("tr[data-job-id]")).to_have_count(2)
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator("tr[data-job-id]")).to_have_count(5)

    # A shift-click range (newest first: ids[3], ids[2], ids[1]) gets a priority at once.
    page.get_by_label(f"Select job {ids[3]}").click()
    page.get_by_label(f"Select job {ids[1]}").click(modifiers=["Shift"])
    bar = page.get_by_role("toolbar", name="Selected jobs")
    expect(bar).to_contain_text("3 selected")
    bar.get_by_label("Set priority").select_option("High")
    expect(bar).to_be_hidden()
    for job_id in ids[1:4]:
        expect(_row(page, job_id)).to_contain_text("High")
    jobs = _jobs(server, token)
    assert [jobs[i]["priority"] for i in ids] == [0, 10, 10, 10, 0]

    # Cancel two of them in one request.
    page.get_by_label(f"Select job {ids[1]}").click()
    page.get_by_label(f"Select job {ids[2]}").click()
    page.get_by_role("toolbar", name="Selected jobs").get_by_role("button", name="Cancel").click()
    for job_id in ids[1:3]:
        expect(_row(page, job_id).locator(".badge.status-cancelled")).to_be_visible()
    jobs = _jobs(server, token)
    assert [jobs[i]["status"] for i in ids] == [
        "pending",
        "cancelled",
        "cancelled",
        "pending",
        "pending",
    ]

    # A selection holding a waiting job cannot be deleted: nothing is, and the page says why.
    page.get_by_role("checkbox", name="Select all shown").click()
    bar = page.get_by_role("toolbar", name="Selected jobs")
    expect(bar).to_contain_text("5 selected")
    bar.get_by_role("button", name="Delete").click()
    expect(bar.get_by_role("alert")).to_contain_text("cancel it first")
    assert len(_jobs(server, token)) == 5
    bar.get_by_role("button", name="Clear selection").click()

    # "Cancel all waiting" takes the rest.
    page.get_by_role("button", name="Cancel all waiting").click()
    for job_id in ids:
        expect(_row(page, job_id).locator(".badge.status-cancelled")).to_be_visible()
    assert {j["status"] for j in _jobs(server, token).values()} == {"cancelled"}

    # All matching a filter, loaded or not: retry the foxes, then delete the rest.
    page.get_by_role("searchbox", name="Search prompts").fill("fox")
    expect(page.locator("tr[data-job-id]")).to_have_count(2)
    page.get_by_role("checkbox", name="Select all shown").click()
    bar = page.get_by_role("toolbar", name="Selected jobs")
    bar.get_by_role("button", name="Select all matching the filter").click()
    expect(bar).to_contain_text("All matching")
    bar.get_by_role("button", name="Retry").click()
    for job_id in (ids[0], ids[4]):
        expect(_row(page, job_id).locator(".badge.status-pending")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    page.get_by_label("Status").select_option("cancelled")
    expect(page.locator("tr[data-job-id]")).to_have_count(3)
    page.get_by_role("checkbox", name="Select all shown").click()
    page.get_by_role("toolbar", name="Selected jobs").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No jobs here")).to_be_visible()
    assert sorted(_jobs(server, token)) == sorted([ids[0], ids[4]])
    page.get_by_role("button", name="Resume queue").click()

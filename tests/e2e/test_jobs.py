"""The Jobs page, live: pause and resume the queue, cancel, change a priority, retry a failure.

Every change made on the page (or by the worker) must show without a reload: the tests
never call page.reload() and check each outcome against the API as well.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    JOB_TIMEOUT,
    LOCAL_SMALL,
    Server,
    add_pixverse_account,
    create_job,
    get_job,
    go,
    sign_in,
    wait_job,
)

pytestmark = pytest.mark.browser


def _row(page: Page, job_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-job-id='{job_id}']")


def test_pause_cancel_reprioritise_resume_live(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    sign_in(page, user_email)
    go(page, "Jobs")
    page.get_by_role("button", name="Pause queue").click()
    expect(page.get_by_role("button", name="Resume queue")).to_be_visible()
    expect(page.locator(".badge", has_text="paused")).to_be_visible()

    # Jobs created elsewhere (the API) appear on the open page and wait, saying why.
    jobs = [
        create_job(
            server,
            token,
            provider_id="local",
            operation_type="text_to_video",
            params={"prompt": f"paused {i}", **LOCAL_SMALL},
        )["id"]
        for i in range(3)
    ]
    for job_id in jobs:
        expect(_row(page, job_id).locator(".badge.status-pending")).to_be_visible()
        expect(_row(page, job_id)).to_contain_text("queue paused")
    time.sleep(1.5)  # long enough for a worker that ignored the pause to claim them
    assert all(get_job(server, token, j)["status"] == "pending" for j in jobs)

    # A second tab on the third job's details follows the priority change live.
    detail = page.context.new_page()
    detail.goto(f"/jobs/{jobs[2]}")
    priority_of = detail.locator("dt", has_text="Priority").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(priority_of).to_have_text("0")
    box = page.get_by_label(f"Priority of job {jobs[2]}")
    box.fill("7")
    box.press("Tab")  # the change is sent when the field loses focus
    expect(priority_of).to_have_text("7")
    assert get_job(server, token, jobs[2])["priority"] == 7
    detail.close()

    _row(page, jobs[0]).get_by_role("button", name="Cancel").click()
    expect(_row(page, jobs[0]).locator(".badge.status-cancelled")).to_be_visible()
    expect(_row(page, jobs[0]).get_by_role("button", name="Retry")).to_be_visible()
    assert get_job(server, token, jobs[0])["status"] == "cancelled"

    page.get_by_role("button", name="Resume queue").click()
    expect(page.get_by_role("button", name="Pause queue")).to_be_visible()
    for job_id in jobs[1:]:
        expect(_row(page, job_id).locator(".badge.status-completed")).to_be_visible(
            timeout=JOB_TIMEOUT
        )
    expect(page.get_by_text("queue paused")).to_have_count(0)
    # The cancelled job stayed cancelled; the one raised to 7 was claimed no later.
    assert get_job(server, token, jobs[0])["status"] == "cancelled"
    first, second = (get_job(server, token, j) for j in jobs[1:])
    assert second["started_at"] <= first["started_at"], (first, second)


def test_retry_a_failed_job_live(page: Page, server: Server, user_email: str, token: str) -> None:
    session_token = f"pv-retry-{time.time_ns()}"
    add_pixverse_account(server, token, session_token)
    # The fake answers the next create with "invalid parameter": the job fails, not retried.
    server.fake_control({"key": session_token, "errors": [{"code": "400017", "on": "create"}]})

    sign_in(page, user_email)
    go(page, "Jobs")
    job_id = create_job(
        server,
        token,
        provider_id="pixverse",
        operation_type="text_to_video",
        params={"prompt": "a kite over the dunes"},
    )["id"]
    row = _row(page, job_id)
    expect(row.locator(".badge.status-failed")).to_be_visible(timeout=JOB_TIMEOUT)
    expect(row.locator(".field-error")).to_contain_text("400017")

    row.get_by_role("button", name="Retry").click()
    expect(row.locator(".badge.status-completed")).to_be_visible(timeout=JOB_TIMEOUT)
    expect(row.get_by_role("link", name="result")).to_be_visible()
    job = get_job(server, token, job_id)
    assert job["status"] == "completed" and job["asset_id"], job

    # Its details keep both submissions: the refused one with its error, then the good one.
    row.get_by_role("link", name=f"#{job_id}").click()
    submissions = (
        page.get_by_role("heading", name="Submissions").locator("xpath=..").locator("tbody tr")
    )
    expect(submissions).to_have_count(2)
    expect(submissions.first).to_contain_text("400017")
    # It completed: no error shown; the refused attempt is in its history, in words.
    expect(page.locator("p.error")).to_have_count(0)
    history = page.get_by_role("heading", name="History").locator("xpath=..").locator("li")
    expect(history.filter(has_text="Failed on account")).to_contain_text(
        "the request was invalid: Pixverse error 400017"
    )
    expect(history.filter(has_text="Sent back to the queue by you.")).to_have_count(1)
    expect(history.last).to_contain_text("Completed.")


def test_a_filtered_list_follows_its_jobs_live(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    sign_in(page, user_email)
    go(page, "Jobs")
    page.get_by_role("button", name="Pause queue").click()
    expect(page.get_by_role("button", name="Resume queue")).to_be_visible()
    page.get_by_label("Status").select_option("pending")
    expect(page).to_have_url(re.compile(r"/jobs\?status=pending$"))

    job_id = create_job(
        server,
        token,
        provider_id="local",
        operation_type="text_to_video",
        params={"prompt": "filtered", **LOCAL_SMALL},
    )["id"]
    # It arrives in the pending list while it waits...
    expect(_row(page, job_id)).to_contain_text("queue paused")
    page.get_by_role("button", name="Resume queue").click()
    # ...and leaves it once it runs, without a reload.
    expect(_row(page, job_id)).to_have_count(0, timeout=JOB_TIMEOUT)
    wait_job(server, token, job_id, "completed")
    page.get_by_label("Status").select_option("completed")
    expect(_row(page, job_id).locator(".badge.status-completed")).to_be_visible()

"""The log viewer, from a fresh install's first login: jobs run, their lines found on
/logs by a facet kept in the URL, the live tail with pause, a line opened, a job's lines
by its id, and the job's stage timeline on its page."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ADMIN,
    LOCAL_SMALL,
    Server,
    add_pixverse_account,
    api_token,
    create_job,
    fill_small,
    go,
    queued_job_id,
    run_stack,
    sign_in,
    wait_job,
)

pytestmark = pytest.mark.browser

LIFE = ["created", "claimed", "submitting", "submitted", "completed", "downloaded", "ingested"]
OUTPUT = ["downloaded", "ingested"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, web_dist: None) -> Iterator[Server]:
    """A server of its own that stores its INFO lines (the stages are INFO)."""
    base = tmp_path_factory.mktemp("logs")
    with run_stack(base, {"PIXSIM7_LOG_LEVEL": "INFO", "PIXSIM7_LOG_DB_FLUSH_S": "0.2"}) as stack:
        yield stack


@pytest.fixture
def page(browser: Browser, fresh: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=fresh.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    request.node._e2e_page = page
    yield page
    context.close()


def _local_job(server: Server, token: str, prompt: str) -> int:
    body = {"prompt": prompt, **LOCAL_SMALL}
    job = create_job(
        server, token, provider_id="local", operation_type="text_to_video", params=body
    )
    return int(job["id"])


def _wait_stored(server: Server, token: str, text: str) -> None:
    deadline = time.monotonic() + 60
    with server.api(token) as api:
        while time.monotonic() < deadline:
            if api.get("/api/v1/logs", params={"q": text, "facets": "false"}).json()["items"]:
                return
            time.sleep(0.5)
    raise AssertionError(f"no line with {text!r} was stored")


def test_find_a_jobs_story_in_the_logs(page: Page, fresh: Server) -> None:
    sign_in(page, ADMIN)  # the first login of a fresh install
    token = api_token(fresh, ADMIN)

    # A job that completes, run from Generate, and one Pixverse refuses.
    go(page, "Generate")
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_label("Text *").fill("a lighthouse at dusk")
    fill_small(page)
    page.get_by_role("button", name="Generate").click()
    done = queued_job_id(page)
    session_token = f"pv-logs-{time.time_ns()}"
    pixverse = add_pixverse_account(fresh, token, session_token)["id"]
    fresh.fake_control({"key": session_token, "errors": [{"code": "400017", "on": "create"}]})
    refused = create_job(
        fresh,
        token,
        provider_id="pixverse",
        operation_type="text_to_video",
        params={"prompt": "a kite"},
    )["id"]
    wait_job(fresh, token, done, "completed")
    error_class = wait_job(fresh, token, refused, "failed")["error_class"]
    assert error_class

    # /logs: the error class facet narrows to the refusal; the URL keeps the filter.
    go(page, "Logs")
    lines = page.get_by_test_id("log-lines").get_by_test_id("log-line")
    expect(lines.first).to_be_visible()
    facet = page.locator(".facet", has_text="error_class").get_by_role(
        "button", name=re.compile(rf"^{error_class}\b")
    )
    facet.click()
    expect(page).to_have_url(re.compile(rf"error_class={error_class}"))
    expect(lines.filter(has_text="job failed")).to_have_count(1)
    assert all(f"job #{refused}" in t for t in lines.all_inner_texts()), lines.all_inner_texts()
    page.reload()
    chip = page.get_by_role("button", name=f"error_class: {error_class} ✕")
    expect(chip).to_be_visible()
    expect(lines.filter(has_text="job failed")).to_contain_text(f"job #{refused}")
    chip.click()
    expect(page).not_to_have_url(re.compile("error_class="))

    # The live tail of the local provider's lines: a new job's line comes in.
    page.locator(".facet", has_text="provider").get_by_role(
        "button", name=re.compile(r"^local\b")
    ).click()
    expect(page).to_have_url(re.compile("provider=local"))
    page.get_by_label("Live", exact=True).check()
    tail = page.get_by_test_id("log-tail")
    status = page.get_by_role("status").filter(has_text=re.compile("new|waiting"))
    expect(status).to_have_text("0 new")
    watched = _local_job(fresh, token, "a live one")
    expect(tail.get_by_test_id("log-line").filter(has_text=f"job #{watched}").first).to_be_visible()
    wait_job(fresh, token, watched, "completed")
    ingested = tail.get_by_test_id("log-line").filter(has_text="job ingested")
    expect(ingested.filter(has_text=f"job #{watched}")).to_have_count(1)

    # Paused, new lines wait (counted) instead of moving what is read; resumed, they show.
    page.get_by_role("button", name="Pause").click()
    waited = _local_job(fresh, token, "while paused")
    expect(status).to_have_text(re.compile(r"paused, [1-9]\d* waiting"))
    expect(tail.get_by_test_id("log-line").filter(has_text=f"job #{waited}")).to_have_count(0)
    page.get_by_role("button", name="Resume").click()
    expect(tail.get_by_test_id("log-line").filter(has_text=f"job #{waited}").first).to_be_visible()

    # A line opens to every field.
    created = (
        tail.get_by_test_id("log-line")
        .filter(has_text="job created")
        .filter(has_text=f"job #{watched}")
    )
    created.get_by_role("button").first.click()
    expect(created.get_by_role("button").first).to_have_attribute("aria-expanded", "true")
    detail = created.locator(".log-detail")
    for field in ("stage", "job_id", "request_id", "process", "provider"):
        expect(detail.locator("dt", has_text=re.compile(rf"^{field}$"))).to_be_visible()
    expect(
        detail.locator("dt", has_text="stage").locator("xpath=following-sibling::dd[1]")
    ).to_have_text("created")
    expect(detail).to_contain_text('"operation": "text_to_video"')

    # From the job's id to all its lines: every stage, from the API and the worker.
    created.get_by_role("link", name=f"job #{watched}").click()
    expect(page).to_have_url(re.compile(rf"/logs\?.*job_id={watched}"))
    story = page.get_by_test_id("log-lines").get_by_test_id("log-line")
    for stage in LIFE:
        expect(story.filter(has_text=f"job {stage}").first).to_be_visible()
    assert all(f"job #{watched}" in t for t in story.all_inner_texts())

    # The job's page: its stages in order, with the processes that logged them.
    page.get_by_role("link", name=f"Job #{watched}'s page").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{watched}$"))
    timeline = page.get_by_test_id("job-timeline")
    expect(timeline.locator("li", has_text="ingested")).to_be_visible()
    names = timeline.locator("li strong").all_inner_texts()
    # (the output is taken in as the job ends: downloaded and ingested may come before
    # completed is logged)
    life = [n for n in LIFE if n not in OUTPUT]
    assert list(dict.fromkeys(n for n in names if n in life)) == life, names
    assert names.index("downloaded") < names.index("ingested"), names
    expect(timeline.locator("li", has_text="created")).to_contain_text("api")
    expect(timeline.locator("li", has_text="claimed")).to_contain_text(" ms")

    # The Pixverse account's page, Logs tab: the lines about that account, the refusal too.
    go(page, "Accounts")
    page.get_by_role("link", name=session_token).click()
    page.get_by_role("tab", name="Logs").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{pixverse}\?tab=logs"))
    about = page.get_by_test_id("log-lines").get_by_test_id("log-line")
    expect(about.filter(has_text="job failed")).to_contain_text(f"job #{refused}")
    assert all(f"account #{pixverse}" in t for t in about.all_inner_texts()), (
        about.all_inner_texts()
    )

    # The web app's own errors are stored too: an uncaught one shows on /logs.
    page.evaluate("setTimeout(() => { throw new Error('kaboom from the page') })")
    _wait_stored(fresh, token, "kaboom")  # (sent within seconds, in a batch)
    go(page, "Logs")
    page.get_by_label("Search").fill("kaboom")
    page.get_by_role("button", name="Search").click()
    mine = page.get_by_test_id("log-lines").get_by_test_id("log-line")
    expect(mine.first).to_contain_text("client.web.window")
    mine.first.get_by_role("button").first.click()
    expect(mine.first.locator(".log-detail")).to_contain_text("Error: kaboom from the page")

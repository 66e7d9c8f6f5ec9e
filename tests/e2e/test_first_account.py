"""A fresh install, as a user goes: add a Pixverse account with an API key, queue a
text-to-video, see it complete. Nobody presses Sync, nobody types a balance to get there."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ADMIN,
    JOB_TIMEOUT,
    Server,
    api_token,
    go,
    run_stack,
    sign_in,
    wait_job,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, web_dist: None) -> Iterator[Server]:
    """A server of its own, just installed: no account but the built-in one."""
    with run_stack(tmp_path_factory.mktemp("fresh")) as stack:
        yield stack


@pytest.fixture
def page(browser: Browser, fresh: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page of a browser context on the fresh server (the shared one is not involved)."""
    context = browser.new_context(base_url=fresh.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    request.node._e2e_page = page  # for the screenshot of a failure
    yield page
    context.close()


def test_a_pixverse_key_added_on_a_fresh_install_runs_a_job(page: Page, fresh: Server) -> None:
    sign_in(page, ADMIN)  # the first admin, from the environment

    # Generate offers what runs now first, and says what Pixverse is missing.
    go(page, "Generate")
    provider = page.get_by_label("Provider")
    later = provider.locator("optgroup", has_text="Pixverse")
    expect(later).to_have_attribute("label", "Needs setup first")
    expect(provider.locator("option[value=pixverse]")).to_have_text(
        "Pixverse (add a Pixverse account)"
    )
    provider.select_option("pixverse")
    expect(page.get_by_role("status")).to_contain_text(
        "Pixverse cannot run jobs yet: add a Pixverse account"
    )

    # The account is checked as it is added: active, with the balance the fake reports.
    go(page, "Accounts")
    form = page.locator("form", has_text="Add an account")
    form.get_by_label("Provider").select_option("pixverse")
    form.get_by_label("Nickname").fill("my pixverse")
    form.get_by_label("API key", exact=True).fill("pk-fresh-install-key")
    form.get_by_role("button", name="Add account").click()
    expect(form.get_by_role("status")).to_contain_text(
        "Added and checked with Pixverse: 10000 openapi credits"
    )
    row = page.locator("tr", has_text="my pixverse")
    expect(row.locator(".badge.status-active")).to_be_visible()
    expect(row.locator("[data-pool=openapi] .credits")).to_have_text("10000")
    account_id = row.get_attribute("data-account-id")
    expect(row).to_contain_text(f"#{account_id} · pixverse")  # what a credits CSV names

    # Credits of a pool can be set from the page.
    row.get_by_role("button", name="Set credits in the openapi pool").click()
    row.get_by_label("Credits in the openapi pool").fill("5000")
    row.get_by_role("button", name="Save").click()
    expect(row.locator("[data-pool=openapi] .credits")).to_have_text("5000")

    # Now Pixverse is ready, and a text-to-video queued from Generate completes.
    go(page, "Generate")
    ready = page.get_by_label("Provider").locator("optgroup", has_text="Pixverse")
    expect(ready).to_have_attribute("label", "Ready to run")
    page.get_by_label("Provider").select_option("pixverse")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_label("Prompt *").fill("a lighthouse at dusk")
    page.get_by_role("button", name=re.compile(r"^Generate")).click()
    queued = page.get_by_role("status").filter(has_text="Queued")
    link = queued.get_by_role("link")
    expect(link).to_have_count(1)
    job_id = int(link.inner_text().lstrip("#"))
    job = wait_job(fresh, api_token(fresh, ADMIN), job_id, "completed")
    assert job["account_id"] == int(str(account_id)) and job["credit_type"] == "openapi"
    link.click()
    expect(page.locator(".badge.status-completed")).to_be_visible(timeout=JOB_TIMEOUT)

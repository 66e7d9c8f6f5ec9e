"""Android automation from a fresh install, as the admin goes: add a Pixverse account with
its app password, find the phone behind the server's ADB server (the fake one, a scripted
Pixverse app behind the real ADB protocol), build a preset in the builder and run it, run
the built-in log-in preset, and read the logs (the password masked) and screenshots."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ADMIN,
    Server,
    _free_port,
    _start,
    go,
    run_stack,
    sign_in,
)

pytestmark = pytest.mark.browser
APP_EMAIL = "ann@example.com"
APP_PASSWORD = "app-secret-77"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, web_dist: None) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("automation")
    cli = str(Path(sys.executable).parent / "pixsim7")
    port = _free_port()
    fake = _start(
        [cli, "fake-adb", "--port", str(port), "--account", f"{APP_EMAIL}:{APP_PASSWORD}"],
        {},
        base / "fake-adb.log",
    )
    try:
        with run_stack(base, {"PIXSIM7_ADB_ADDRESS": f"127.0.0.1:{port}"}) as server:
            yield server
    finally:
        fake.terminate()
        fake.wait(timeout=10)


@pytest.fixture
def page(browser: Browser, stack: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    request.node._e2e_page = page
    yield page
    context.close()


def _done(page: Page) -> None:
    detail = page.get_by_role("region", name="Execution", exact=False)
    expect(detail.locator(".badge.status-completed")).to_be_visible(timeout=60_000)


def test_build_a_preset_and_run_it_on_the_phone(page: Page, stack: Server) -> None:
    sign_in(page, ADMIN)
    go(page, "Accounts")
    form = page.locator("form", has_text="Add an account")
    form.get_by_label("Provider").select_option("pixverse")
    form.get_by_label("Nickname").fill("phone account")
    form.get_by_label("Credential").select_option("jwt_token")
    form.get_by_label("Session token", exact=True).fill("tok-e2e-phone")
    form.get_by_label("Email (optional)").fill(APP_EMAIL)
    form.get_by_label("App password (optional)").fill(APP_PASSWORD)
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("phone account").first).to_be_visible()

    go(page, "Automation")
    page.get_by_role("button", name="Scan this server's ADB").click()
    expect(page.get_by_role("cell", name="Pixel_7 emulator-5554")).to_be_visible()
    expect(page.locator(".badge.ok", has_text="online")).to_be_visible()

    page.get_by_role("tab", name="Presets").click()
    page.get_by_role("button", name="New preset").click()
    builder = page.get_by_role("region", name="Preset builder")
    builder.get_by_label("Name").fill("open and type email")
    builder.get_by_label("Action to add").select_option("launch_app")
    builder.get_by_role("button", name="Add action").click()
    builder.get_by_label("Action 1 package").fill("com.pixverse.pixverse")
    builder.get_by_label("Action to add").select_option("if_element")
    builder.get_by_role("button", name="Add action").click()
    builder.get_by_label("Action 2 element resource id").fill("btn_login")
    builder.get_by_label("Action to add in 2").select_option("tap")
    builder.get_by_role("button", name="Add action in 2").click()
    builder.get_by_label("Action 2.1 element given").check()
    builder.get_by_label("Action 2.1 element resource id").fill("btn_login")
    builder.get_by_label("Action to add", exact=True).select_option("type_text")
    builder.get_by_role("button", name="Add action", exact=True).click()
    builder.get_by_label("Action 3 text").fill("{email}")
    builder.get_by_label("Action 3 element given").check()
    builder.get_by_label("Action 3 element resource id").fill("et_email")
    builder.get_by_label("Action to add", exact=True).select_option("screenshot")
    builder.get_by_role("button", name="Add action", exact=True).click()
    builder.get_by_role("button", name="Save preset").click()
    expect(builder).to_be_hidden()

    page.get_by_role("button", name="Run open and type email").click()
    run = page.get_by_role("region", name="Run open and type email")
    run.get_by_label("Account").select_option(label="phone account (pixverse)")
    run.get_by_role("button", name="Start").click()
    _done(page)
    log = page.get_by_role("list", name="Log")
    expect(log).to_contain_text(f"typed '{APP_EMAIL}'")
    expect(log).to_contain_text("2.1 tap")  # numbered as in the builder
    image = page.get_by_role("img", name="Screenshot: screenshot")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0  # served, and a real PNG

    # The built-in log-in preset types the app password: shown masked.
    page.get_by_role("tab", name="Presets").click()
    page.get_by_role("button", name="Run Pixverse: log in").click()
    run = page.get_by_role("region", name="Run Pixverse: log in")
    run.get_by_label("Account").select_option(label="phone account (pixverse)")
    run.get_by_role("button", name="Start").click()
    _done(page)
    log = page.get_by_role("list", name="Log")
    expect(log).to_contain_text("typed '***'")
    expect(page.locator("body")).not_to_contain_text(APP_PASSWORD)

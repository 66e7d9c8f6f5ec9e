"""At phone width (390x844): sign in, reach Generate, Jobs and Gallery, use their key controls,
and the page never scrolls sideways (wide tables may scroll inside their own box)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    LOCAL_SMALL,
    Server,
    add_pixverse_account,
    create_job,
    fill_small,
    png_bytes,
    queued_job_id,
    sign_in,
    upload,
    wait_job,
)

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844

# What sticks out past the phone's width, to say why a page overflows. With a mobile
# viewport an overflowing page widens the layout viewport itself (innerWidth grows to fit
# it, as phones zoom out), so the width to compare with is the device's, given as `width`.
OVERFLOW = """width => {
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} right=${e.getBoundingClientRect().right}`);
  const scrollWidth = document.scrollingElement.scrollWidth;
  return {scrollWidth, innerWidth, wide: wide.slice(0, 8)};
}"""


@pytest.fixture
def phone(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        base_url=server.url,
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    request.node._e2e_page = page
    yield page
    context.close()


def _no_sideways_scroll(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    state = page.evaluate(OVERFLOW, WIDTH)
    assert state["innerWidth"] == WIDTH and state["scrollWidth"] <= WIDTH, state


def _within_screen(control: Locator) -> None:
    expect(control).to_be_visible()
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, box


def _go(page: Page, name: str) -> None:
    """The main navigation: at this width its links fold behind a Menu button."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    menu = nav.get_by_role("button", name="Menu")
    expect(link).to_be_hidden()
    _within_screen(menu)
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    _within_screen(link)
    _no_sideways_scroll(page)
    link.tap()
    # Following a link folds the menu again, out of the page's way.
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(link).to_be_hidden()


def test_generate_jobs_and_gallery_at_phone_width(
    phone: Page, server: Server, user_email: str, token: str
) -> None:
    page = phone
    upload(server, token, "phone.png", png_bytes((10, 120, 200)))
    page.goto("/login")
    _within_screen(page.get_by_role("button", name="Sign in"))
    _no_sideways_scroll(page)
    sign_in(page, user_email)
    _no_sideways_scroll(page)

    _go(page, "Generate")
    expect(page).to_have_url(re.compile(r"/generate$"))
    _within_screen(page.get_by_label("Provider"))
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_label("Text *").fill("small screen")
    fill_small(page)
    _within_screen(page.get_by_role("button", name="Generate"))
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Generate").tap()
    job_id = queued_job_id(page)
    _no_sideways_scroll(page)

    _go(page, "Jobs")
    expect(page).to_have_url(re.compile(r"/jobs$"))
    row = page.locator(f"tr[data-job-id='{job_id}']")
    expect(row).to_be_visible()
    _within_screen(row.get_by_role("link", name=f"#{job_id}"))
    _within_screen(page.get_by_role("button", name="Pause queue"))
    _within_screen(page.get_by_label("Status"))
    _no_sideways_scroll(page)
    page.get_by_label("Status").select_option("pending")
    expect(page).to_have_url(re.compile(r"status=pending"))
    page.get_by_label("Status").select_option("")

    _go(page, "Gallery")
    expect(page).to_have_url(re.compile(r"/gallery$"))
    thumb = page.locator(".thumb-grid img").first
    _within_screen(thumb)
    expect(thumb).to_have_js_property("complete", True)
    _within_screen(page.get_by_label("Search"))
    _within_screen(page.get_by_label("Media type"))
    _within_screen(page.get_by_text("Upload files"))
    _no_sideways_scroll(page)
    page.get_by_label("Media type").select_option("video")
    expect(page.locator(".thumb-grid img")).to_have_count(0)
    _no_sideways_scroll(page)


def test_lineage_stands_upright_at_phone_width(
    phone: Page, server: Server, user_email: str, token: str
) -> None:
    page = phone
    image = upload(server, token, "parent.png", png_bytes((200, 40, 160)))["id"]
    job = create_job(
        server,
        token,
        provider_id="local",
        operation_type="image_to_video",
        params=LOCAL_SMALL,
        inputs=[{"role": "source_image", "asset_id": image}],
    )
    result = wait_job(server, token, job["id"], "completed")["asset_id"]
    sign_in(page, user_email)
    page.goto(f"/gallery/{result}")

    graph = page.get_by_role("figure", name="Lineage")
    this = graph.get_by_role("link", name=f"Asset #{result} (this asset)")
    parent = graph.get_by_role("link", name=f"Asset #{image}", exact=True)
    expect(this).to_be_visible()
    parent.scroll_into_view_if_needed()
    above, below = parent.bounding_box(), this.bounding_box()
    # Generations stack top to bottom here, so the graph fits the width.
    assert above and below and above["y"] + above["height"] <= below["y"], (above, below)
    _within_screen(parent)
    _within_screen(this)
    _no_sideways_scroll(page)
    parent.tap()
    expect(page).to_have_url(re.compile(rf"/gallery/{image}$"))
    expect(graph.get_by_role("link", name=f"Asset #{image} (this asset)")).to_be_visible()


def test_dashboard_accounts_and_services_at_phone_width(
    phone: Page, server: Server, user_email: str, token: str
) -> None:
    page = phone
    account = add_pixverse_account(server, token, f"pv-phone-{time.time_ns()}")
    sign_in(page, user_email)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    _no_sideways_scroll(page)

    _go(page, "Accounts")
    card = page.locator(f"tr[data-account-id='{account['id']}']")
    expect(card).to_contain_text(str(account["nickname"]))
    _within_screen(card.get_by_role("button", name="Sync"))
    _within_screen(page.get_by_role("button", name="Add account"))
    _no_sideways_scroll(page)
    card.get_by_role("button", name="Sync").tap()
    expect(card.locator(".credits").first).to_have_text(re.compile(r"\d"))

    _go(page, "Services")
    expect(page.get_by_role("heading", name="Services")).to_be_visible()
    expect(page.get_by_role("heading", name="Providers")).to_be_visible()
    _no_sideways_scroll(page)

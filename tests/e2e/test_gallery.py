"""The gallery: filters kept in the URL, drop to upload, hover previews, "use as input"."""

from __future__ import annotations

import base64
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import (
    JOB_TIMEOUT,
    Server,
    add_pixverse_account,
    create_job,
    fill_small,
    get_job,
    go,
    mp4_bytes,
    png_bytes,
    queued_job_id,
    sign_in,
    upload,
    wait_job,
)

pytestmark = pytest.mark.browser


def _shown(page: Page) -> set[int]:
    """Ids of the assets in the grid, from their links' names ("Asset 12")."""
    names = page.locator(".thumb-grid a").evaluate_all("els => els.map(e => e.ariaLabel)")
    return {int(re.sub(r"\D", "", n)) for n in names}


def _open_gallery(page: Page) -> None:
    """Through the navigation; waits for the gallery itself (the dashboard has thumbnails too)."""
    go(page, "Gallery")
    expect(page.get_by_role("heading", name=re.compile(r"^Gallery"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/gallery$"))


def _order(page: Page) -> list[int]:
    names = page.locator(".thumb-grid a").evaluate_all("els => els.map(e => e.ariaLabel)")
    return [int(re.sub(r"\D", "", n)) for n in names]


def _grid_shows(page: Page, ids: set[int]) -> None:
    expect(page.locator(".thumb-grid a")).to_have_count(len(ids))
    for asset_id in ids:
        expect(page.get_by_role("link", name=f"Asset {asset_id}", exact=True)).to_be_visible()
    assert _shown(page) == ids


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _assets(server: Server, token: str) -> list[dict[str, Any]]:
    with server.api(token) as api:
        r = api.get("/api/v1/assets")
        assert r.status_code == 200, r.text
        return list(r.json()["items"])


def test_filters_live_in_the_url(page: Page, server: Server, user_email: str, token: str) -> None:
    sunset_image = upload(server, token, "a.png", png_bytes((200, 90, 20)), tags=["sunset"])["id"]
    forest_image = upload(server, token, "b.png", png_bytes((20, 160, 40)), tags=["forest"])["id"]
    sunset_video = upload(server, token, "c.mp4", mp4_bytes(), tags=["sunset"])["id"]

    sign_in(page, user_email)
    _open_gallery(page)
    _grid_shows(page, {sunset_image, forest_image, sunset_video})

    page.get_by_label("Media type").select_option("image")
    _grid_shows(page, {sunset_image, forest_image})
    page.get_by_label("Tag").fill("sunset")
    page.get_by_label("Tag").press("Enter")
    _grid_shows(page, {sunset_image})
    assert _query(page) == {"media_type": ["image"], "tag": ["sunset"]}

    # A reload keeps them: the controls show them and the results still match.
    page.reload()
    expect(page.get_by_label("Media type")).to_have_value("image")
    expect(page.get_by_label("Tag")).to_have_value("sunset")
    _grid_shows(page, {sunset_image})

    # A link with filters applies them from the start.
    page.goto("/gallery?media_type=video&tag=sunset")
    expect(page.get_by_label("Media type")).to_have_value("video")
    expect(page.get_by_label("Tag")).to_have_value("sunset")
    _grid_shows(page, {sunset_video})
    page.goto("/gallery?tag=forest")
    _grid_shows(page, {forest_image})


def test_provider_date_and_sort_filters(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    first = upload(server, token, "first.png", png_bytes((120, 30, 30)))["id"]
    second = upload(server, token, "second.png", png_bytes((30, 120, 30)))["id"]
    add_pixverse_account(server, token, f"pv-gallery-{time.time_ns()}")
    job = create_job(
        server,
        token,
        provider_id="pixverse",
        operation_type="text_to_video",
        params={"prompt": "a heron in the reeds"},
    )
    generated = wait_job(server, token, job["id"], "completed")["asset_id"]
    newest_first = [generated, second, first]

    sign_in(page, user_email)
    _open_gallery(page)
    expect(page.locator(".thumb-grid a")).to_have_count(3)
    assert _order(page) == newest_first

    page.get_by_label("Provider").select_option("pixverse")
    _grid_shows(page, {generated})
    page.get_by_label("Provider").select_option("")
    page.get_by_label("Sort").select_option("oldest")
    expect(page.locator(".thumb-grid a").first).to_have_accessible_name(f"Asset {first}")
    assert _order(page) == newest_first[::-1]
    assert _query(page) == {"sort": ["oldest"]}

    # Days in the browser's own calendar, as the date fields take them.
    day = (
        "n => { const d = new Date(); d.setDate(d.getDate() + n);"
        " return d.toLocaleDateString('en-CA'); }"
    )
    today, tomorrow, yesterday = (page.evaluate(day, n) for n in (0, 1, -1))
    page.get_by_label("Created from").fill(tomorrow)
    expect(page.locator(".thumb-grid a")).to_have_count(0)
    page.get_by_label("Created from").fill(today)
    expect(page.locator(".thumb-grid a")).to_have_count(3)
    page.get_by_label("Created until").fill(yesterday)
    expect(page.locator(".thumb-grid a")).to_have_count(0)
    page.get_by_label("Created until").fill(today)
    expect(page.locator(".thumb-grid a")).to_have_count(3)
    assert _query(page) == {"sort": ["oldest"], "after": [today], "before": [today]}

    # All of it survives a reload, and a shared link applies it from the start.
    page.reload()
    expect(page.get_by_label("Sort")).to_have_value("oldest")
    expect(page.get_by_label("Created from")).to_have_value(today)
    expect(page.locator(".thumb-grid a")).to_have_count(3)
    assert _order(page) == newest_first[::-1]
    page.goto(f"/gallery?provider_id=pixverse&after={today}&before={today}")
    expect(page.get_by_label("Provider")).to_have_value("pixverse")
    _grid_shows(page, {generated})
    page.goto(f"/gallery?after={tomorrow}")
    expect(page.locator(".thumb-grid a")).to_have_count(0)
    page.get_by_role("button", name="Clear filters").first.click()
    expect(page.locator(".thumb-grid a")).to_have_count(3)
    assert _query(page) == {}


def test_drop_a_file_on_the_gallery_to_upload_it(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    sign_in(page, user_email)
    _open_gallery(page)
    expect(page.get_by_text("Nothing here yet")).to_be_visible()

    data = base64.b64encode(png_bytes((30, 60, 220))).decode()
    # Real drag events carrying a DataTransfer with the file, as a drag from the desktop,
    # dispatched on the page's heading: the drop zone is the whole page around it.
    page.get_by_role("heading", name=re.compile("Gallery")).evaluate(
        """(target, data) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "from-desktop.png", { type: "image/png" }));
            for (const type of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(type, {
                    bubbles: true, cancelable: true, dataTransfer: transfer,
                }));
            }
        }""",
        data,
    )
    thumb = page.locator(".thumb-grid img")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_text("Nothing here yet")).to_have_count(0)
    stored = _assets(server, token)
    assert [a["original_filename"] for a in stored] == ["from-desktop.png"]
    assert stored[0]["media_type"] == "image" and stored[0]["width"] == 320


def test_hovering_a_video_thumbnail_plays_its_preview(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    video = upload(server, token, "clip.mp4", mp4_bytes(seconds=3))
    assert video["preview_url"], video
    sign_in(page, user_email)
    _open_gallery(page)
    link = page.get_by_role("link", name=f"Asset {video['id']}", exact=True)
    expect(link.locator("img")).to_be_visible()
    expect(link.locator("video")).to_have_count(0)

    link.hover()
    preview = link.locator("video")
    expect(preview).to_have_attribute("src", re.compile(r"/preview"))
    # Playing, and its clock moves: not just an element with a src.
    page.wait_for_function(
        """el => el && !el.paused && el.readyState >= 2 && el.currentTime > 0.3""",
        arg=preview.element_handle(),
        timeout=15_000,
    )
    page.mouse.move(0, 0)
    expect(link.locator("video")).to_have_count(0)
    expect(link.locator("img")).to_be_visible()


def test_use_as_input_then_image_to_video_completes(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    image = upload(server, token, "still.png", png_bytes((240, 200, 40)))
    sign_in(page, user_email)
    _open_gallery(page)
    page.get_by_role("link", name=f"Asset {image['id']}", exact=True).click()  # the lightbox
    page.get_by_role("dialog").get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name=f"Asset #{image['id']}")).to_be_visible()
    page.get_by_role("link", name="Use as input").click()

    expect(page).to_have_url(re.compile(rf"/generate\?input={image['id']}$"))
    expect(page.get_by_text(f"image #{image['id']} is ready to use as input")).to_be_visible()
    page.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    page.get_by_label("Operation").select_option("image_to_video")
    slot = page.locator("fieldset", has=page.locator("legend", has_text="Image"))
    expect(slot.locator(".slot-item img")).to_be_visible()
    expect(slot.locator(".slot-item img")).to_have_attribute(
        "src", re.compile(rf"/assets/{image['id']}/")
    )
    fill_small(page)
    page.get_by_role("button", name="Generate").click()

    job_id = queued_job_id(page)
    queued = page.get_by_role("status").filter(has_text="Queued")
    job = get_job(server, token, job_id)
    assert job["operation_type"] == "image_to_video"
    assert [i["asset_id"] for i in job["inputs"]] == [image["id"]], job["inputs"]

    queued.get_by_role("link", name=f"#{job_id}").click()
    expect(page.locator(".badge.status-completed")).to_be_visible(timeout=JOB_TIMEOUT)
    page.get_by_role("link", name=re.compile(r"asset #\d+")).click()
    expect(page.get_by_label("Player")).to_be_visible()
    result = get_job(server, token, job_id)["asset_id"]
    assert result and result != image["id"]
    with server.api(token) as api:
        lineage = api.get(f"/api/v1/assets/{result}").json()["lineage"]
    assert [p["asset_id"] for p in lineage["parents"]] == [image["id"]]

    # The drawn lineage: the image as parent, joined to this video; each node leads to its asset.
    graph = page.get_by_role("figure", name="Lineage")
    this = graph.get_by_role("link", name=f"Asset #{result} (this asset)")
    parent = graph.get_by_role("link", name=f"Asset #{image['id']}", exact=True)
    expect(this).to_have_attribute("aria-current", "page")
    expect(parent).to_be_visible()
    expect(graph).to_contain_text("parents")
    edge = graph.locator(f"g.lineage-edge[data-parent='{image['id']}'][data-child='{result}']")
    expect(edge).to_have_count(1)
    _left_of(parent, this)

    parent.click()
    expect(page).to_have_url(re.compile(rf"/gallery/{image['id']}$"))
    expect(page.get_by_role("heading", name=f"Asset #{image['id']}")).to_be_visible()
    this = graph.get_by_role("link", name=f"Asset #{image['id']} (this asset)")
    child = graph.get_by_role("link", name=f"Asset #{result}", exact=True)
    expect(this).to_have_attribute("aria-current", "page")
    expect(graph).to_contain_text("children")
    _left_of(this, child)
    child.click()
    expect(page).to_have_url(re.compile(rf"/gallery/{result}$"))
    expect(page.get_by_label("Player")).to_be_visible()


def _left_of(first: Locator, second: Locator) -> None:
    """Generations run left to right on a wide screen."""
    a, b = first.bounding_box(), second.bounding_box()
    assert a and b and a["x"] + a["width"] <= b["x"], (a, b)

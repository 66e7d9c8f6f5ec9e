"""Looking through the library: the lightbox (arrows, space plays, Escape closes; its
neighbours load while it shows one), compare with synchronized playback, thumbnail size,
search as you type, and uploads with progress and a per-file refusal.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, go, mp4_bytes, png_bytes, sign_in, upload

pytestmark = pytest.mark.browser

VIDEOS = "[...document.querySelectorAll('.compare-grid video')]"


def test_lightbox_keys_and_preloading(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    clips = [
        upload(server, token, f"clip{i}.mp4", mp4_bytes(seconds=1.5 + i / 2), tags=["sea"])
        for i in range(3)
    ]
    picture = upload(server, token, "still.png", png_bytes((90, 30, 160)))
    order = [picture["id"], *[c["id"] for c in reversed(clips)]]  # newest first
    sign_in(page, user_email)
    go(page, "Gallery")
    page.get_by_role("link", name=f"Asset {order[1]}").click()
    box = page.get_by_role("dialog", name=f"Asset {order[1]}")
    expect(box).to_contain_text("2 / 4")
    expect(page).to_have_url(re.compile(rf"open={order[1]}"))
    # Both neighbours are loading while this one shows: the picture before, the clip after.
    expect(box.locator(f"img[data-preload='{order[0]}']")).to_have_count(1)
    following = box.locator(f"video[data-preload='{order[2]}']")
    expect(following).to_have_count(1)
    following.evaluate(
        "v => new Promise(r => v.readyState >= 2 ? r() : v.addEventListener('loadeddata', r))"
    )

    player = box.get_by_label("Player")
    # It starts playing by itself where the browser allows; paused first, Space plays it.
    player.evaluate("v => { v.muted = true; v.pause(); }")
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('.lightbox video[aria-label=Player]').currentTime > 0.2"
    )
    page.keyboard.press("Space")
    expect(player).to_have_js_property("paused", True)

    page.keyboard.press("ArrowRight")
    box = page.get_by_role("dialog", name=f"Asset {order[2]}")
    expect(box).to_contain_text("3 / 4")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    box = page.get_by_role("dialog", name=f"Asset {order[0]}")
    expect(box.get_by_role("img", name=re.compile("asset"))).to_be_visible()
    page.keyboard.press("f")  # favourite from the lightbox
    expect(box.get_by_role("button", name="♥ Favourite")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page).not_to_have_url(re.compile("open="))
    with server.api(token) as api:
        assert api.get(f"/api/v1/assets/{order[0]}").json()["favorite"] is True

    # Thumbnail size, kept over a reload; search as you type, in the URL.
    page.get_by_label("Thumbnail size").select_option("Large")
    expect(page.locator(".thumb-grid")).to_have_class(re.compile("size-l"))
    page.get_by_role("searchbox", name="Search").press_sequentially("nothing like this")
    expect(page).to_have_url(re.compile(r"q=nothing"))
    expect(page.get_by_text("No assets match these filters")).to_be_visible()
    page.reload()
    expect(page.locator(".thumb-grid")).to_have_class(re.compile("size-l"))


def test_compare_plays_in_sync(page: Page, server: Server, user_email: str, token: str) -> None:
    clips = [
        upload(server, token, f"cmp{i}.mp4", mp4_bytes(seconds=3 + i, fps=12 + 6 * i))
        for i in range(3)
    ]
    sign_in(page, user_email)
    go(page, "Gallery")
    for clip in clips:
        page.get_by_label(f"Select asset {clip['id']}").check()
    page.get_by_role("toolbar", name="Selected assets").get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Compare")).to_be_visible()
    videos = page.locator(".compare-grid video")
    expect(videos).to_have_count(3)
    for i in range(3):
        videos.nth(i).evaluate(
            "v => new Promise(r => v.readyState >= 2 ? r() : v.addEventListener('loadeddata', r))"
        )

    page.get_by_role("button", name="Play all").click()
    page.wait_for_function(f"() => {VIDEOS}.every(v => !v.paused && v.currentTime > 1)")
    playing = videos.evaluate_all("vs => vs.map(v => v.currentTime)")
    assert max(playing) - min(playing) < 0.5, playing  # followed while playing
    page.get_by_role("button", name="Pause all").click()
    page.wait_for_function(f"() => {VIDEOS}.every(v => v.paused)")
    paused = videos.evaluate_all("vs => vs.map(v => v.currentTime)")
    assert max(paused) - min(paused) < 0.1, paused  # stopped together, on one time

    # One scrubber for all.
    page.get_by_label("Position").fill("2")
    page.wait_for_function(f"() => {VIDEOS}.every(v => Math.abs(v.currentTime - 2) < 0.1)")


def test_upload_progress_and_a_refused_file(
    page: Page, server: Server, user_email: str, token: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.mp4"
    good.write_bytes(mp4_bytes(seconds=2.2))
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"this is not a picture at all\n" * 50)
    sign_in(page, user_email)
    go(page, "Gallery")
    page.get_by_label("Upload files").set_input_files([str(bad), str(good)])
    uploads = page.get_by_role("region", name="Uploads")
    expect(
        uploads.get_by_role("listitem", name="Upload of notes.png").get_by_role("alert")
    ).to_contain_text("Refused:")
    expect(
        uploads.get_by_role("listitem", name="Upload of good.mp4").get_by_role("link", name="added")
    ).to_be_visible()
    expect(page.locator("[data-asset-id]")).to_have_count(1)

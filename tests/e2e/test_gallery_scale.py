"""Time for the gallery to show its first thumbnails with 1,000 assets (printed, not asserted)."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, api_token, sign_in

pytestmark = pytest.mark.browser
ASSETS = 1000


def _png(i: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (i % 256, (i // 256) % 256, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_first_thumbnails_with_a_thousand_assets(
    page: Page, server: Server, user_email: str
) -> None:
    token = api_token(server, user_email)

    def upload(i: int) -> int:
        with server.api(token) as api:
            r = api.post("/api/v1/assets/upload", files={"file": (f"{i}.png", _png(i))})
            return r.status_code

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(upload, range(ASSETS)))
    assert codes.count(201) == ASSETS

    sign_in(page, user_email)
    started = time.perf_counter()
    page.goto("/gallery")
    expect(page.get_by_text(f"{ASSETS} assets")).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelectorAll('.thumb-grid img');"
        " return i.length >= 12 && [...i].slice(0, 12).every(x => x.complete && x.naturalWidth); }"
    )
    elapsed = time.perf_counter() - started
    print(f"\ngallery: first 12 thumbnails of {ASSETS} assets in {elapsed * 1000:.0f} ms")
    # Infinite scroll brings the next page.
    first = page.locator(".thumb-grid img").count()
    page.mouse.wheel(0, 20_000)
    expect(page.locator(".thumb-grid img")).not_to_have_count(first)

"""Boards (workspaces) in the UI: create, nest, colour, rename, archive; the board switcher
scopes Generate (new jobs land in it), uploads, the gallery and the queue; assets and jobs
move by drag and drop onto a board.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    JOB_TIMEOUT,
    Server,
    fill_small,
    go,
    png_bytes,
    queued_job_id,
    sign_in,
    wait_job,
)

pytestmark = pytest.mark.browser


def _api_get(server: Server, token: str, path: str, **query: Any) -> Any:
    with server.api(token) as api:
        r = api.get(path, params=query)
        assert r.status_code == 200, r.text
        return r.json()


def _generate(page: Page, prompt: str) -> int:
    """A short local clip made on the Generate page shown; its job's id."""
    page.get_by_label("Provider").select_option("local")
    page.get_by_label("Operation").select_option("text_to_video")
    page.get_by_label("Text *").fill(prompt)
    fill_small(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    return queued_job_id(page)


def test_boards_scope_generate_gallery_and_queue(
    page: Page, server: Server, user_email: str, token: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, user_email)
    page.get_by_role("link", name="Boards", exact=True).click()

    # Two boards, the second inside the first; creating a top-level one works in it.
    page.get_by_label("Board name").fill("Trailer")
    page.get_by_label("Colour").select_option("Violet")
    page.get_by_role("button", name="Create board").click()
    expect(page.get_by_label("Board", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Board name").fill("Shots")
    page.get_by_label("Inside").select_option(label="inside Trailer")
    page.get_by_role("button", name="Create board").click()
    shots = page.get_by_role("listitem", name="Board Shots")
    expect(shots).to_have_class(re.compile("depth-1"))
    boards = {w["name"]: w for w in _api_get(server, token, "/api/v1/workspaces")["items"]}
    assert boards["Trailer"]["color"] == "#c77dff"
    assert boards["Shots"]["parent_id"] == boards["Trailer"]["id"]
    trailer_id, shots_id = boards["Trailer"]["id"], boards["Shots"]["id"]

    # Working in Trailer: a job made on Generate lands in it.
    go(page, "Generate")
    expect(page.get_by_role("note")).to_contain_text("Trailer")
    job_id = _generate(page, "a board's first clip")
    job = wait_job(server, token, job_id, "completed")
    assert job["workspace_id"] == trailer_id
    clip = _api_get(server, token, f"/api/v1/assets/{job['asset_id']}")
    assert clip["workspace_id"] == trailer_id

    # An upload in the gallery lands in the board too; the gallery shows the board only.
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_bytes((200, 10, 10)))
    with server.api(token) as api:  # one asset in no board, uploaded elsewhere
        r = api.post("/api/v1/assets/upload", files={"file": ("outside.png", outside.read_bytes())})
        assert r.status_code == 201
        stray = r.json()["id"]
    go(page, "Gallery")
    picture = tmp_path / "board.png"
    picture.write_bytes(png_bytes((10, 200, 10)))
    page.get_by_label("Upload files").set_input_files(str(picture))
    expect(page.locator("[data-asset-id]")).to_have_count(2, timeout=JOB_TIMEOUT)
    expect(page.locator(f"[data-asset-id='{stray}']")).to_have_count(0)
    in_trailer = _api_get(server, token, "/api/v1/assets", workspace_id=trailer_id)["items"]
    uploaded = next(a for a in in_trailer if a["original_filename"] == "board.png")

    # Drag a tile onto the Shots chip: it moves there. Trailer's gallery holds the boards
    # inside it, so the tile stays; Shots' own gallery has it and nothing else.
    tile = page.locator(f"[data-asset-id='{uploaded['id']}']")
    tile.drag_to(page.get_by_role("listitem", name="Board Shots"))
    expect(page.get_by_role("status").filter(has_text="Moved 1 asset to Shots")).to_be_visible()
    assert _api_get(server, token, f"/api/v1/assets/{uploaded['id']}")["workspace_id"] == shots_id
    expect(tile).to_be_visible()
    page.get_by_label("Board", exact=True).select_option(str(shots_id))
    expect(page.locator("[data-asset-id]")).to_have_count(1)
    expect(tile).to_be_visible()
    page.get_by_label("Board", exact=True).select_option(str(trailer_id))
    expect(page.locator("[data-asset-id]")).to_have_count(2)

    # The queue is the board's; a job row dragged onto "All boards" leaves every board.
    go(page, "Jobs")
    row = page.locator(f"tr[data-job-id='{job_id}']")
    expect(row).to_be_visible()
    page.get_by_label("Board", exact=True).select_option(str(shots_id))
    expect(row).to_have_count(0)
    page.get_by_label("Board", exact=True).select_option(str(trailer_id))
    # The bulk bar moves it too: into Shots, still in Trailer's queue (its subtree).
    page.get_by_label(f"Select job {job_id}").click()
    bar = page.get_by_role("toolbar", name="Selected jobs")
    bar.get_by_label("Move to board").select_option(label="Shots")
    expect(bar).to_be_hidden()
    assert _api_get(server, token, f"/api/v1/jobs/{job_id}")["workspace_id"] == shots_id
    expect(row).to_be_visible()
    row.drag_to(page.get_by_role("listitem").filter(has_text="All boards"))
    expect(row).to_have_count(0)
    assert _api_get(server, token, f"/api/v1/jobs/{job_id}")["workspace_id"] is None

    # Rename, archive: an archived board leaves the switcher.
    page.get_by_role("link", name="Boards", exact=True).click()
    shots = page.get_by_role("listitem", name="Board Shots")
    shots.get_by_role("button", name="Rename").click()
    shots.get_by_label("New name for Shots").fill("Close-ups")
    shots.get_by_role("button", name="Save").click()
    closeups = page.get_by_role("listitem", name="Board Close-ups")
    closeups.get_by_role("button", name="Archive").click()
    expect(page.get_by_role("listitem", name="Board Close-ups")).to_have_count(0)
    switcher = page.get_by_label("Board", exact=True)
    expect(switcher.locator("option", has_text="Close-ups")).to_have_count(0)
    expect(switcher.locator("option", has_text="Trailer")).to_have_count(1)
    page.get_by_label("Show archived boards").check()
    expect(page.get_by_role("listitem", name="Board Close-ups")).to_contain_text("archived")

    # Deleting the board worked in leaves no board chosen, and Generate works in none
    # (it kept the deleted board, and every new job was refused: workspace not found).
    expect(switcher).to_have_value(str(trailer_id))
    trailer = page.get_by_role("listitem", name="Board Trailer")
    trailer.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("listitem", name="Board Trailer")).to_have_count(0)
    expect(switcher).to_have_value("")
    go(page, "Generate")
    after = _api_get(server, token, f"/api/v1/jobs/{_generate(page, 'after the board')}")
    assert after["workspace_id"] is None

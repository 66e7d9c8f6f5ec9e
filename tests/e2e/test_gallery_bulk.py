"""The gallery's multi-select and its bulk actions, favourites, and the trash, the user's way:
select a range with shift, tag it, favourite one by its heart, move two to a workspace,
download a selection as a zip, delete (to the trash), restore, delete for good, empty.
"""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, go, png_bytes, sign_in, upload

pytestmark = pytest.mark.browser


def _assets(server: Server, token: str, **query: str) -> dict[int, dict]:  # type: ignore[type-arg]
    with server.api(token) as api:
        r = api.get("/api/v1/assets", params={"limit": 200, **query})
        assert r.status_code == 200, r.text
        return {a["id"]: a for a in r.json()["items"]}


def test_select_tag_favourite_move_download_trash(
    page: Page, server: Server, user_email: str, token: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())
    ids = [
        upload(server, token, f"pic{i}.png", png_bytes((40 * i, 90, 20)))["id"] for i in range(5)
    ]  # newest first in the grid: ids[4] … ids[0]
    with server.api(token) as api:
        board = api.post("/api/v1/workspaces", json={"name": "Seaside"}).json()
    sign_in(page, user_email)
    go(page, "Gallery")
    tile = lambda i: page.locator(f"[data-asset-id='{i}']")  # noqa: E731
    expect(tile(ids[0])).to_be_visible()

    # A shift-click selects the range between two clicks; one request tags them all.
    page.get_by_label(f"Select asset {ids[3]}").check()
    page.get_by_label(f"Select asset {ids[1]}").click(modifiers=["Shift"])
    bar = page.get_by_role("toolbar", name="Selected assets")
    expect(bar).to_contain_text("3 selected")
    bar.get_by_label("Tag for the selection").fill("sea")
    bar.get_by_role("button", name="Add tag").click()
    expect(bar).to_be_hidden()
    assert sorted(_assets(server, token, tag="sea")) == sorted(ids[1:4])

    # The heart on a tile; the Favourites view lists it.
    tile(ids[2]).hover()
    tile(ids[2]).get_by_role("button", name=f"Favourite asset {ids[2]}").click()
    expect(tile(ids[2]).get_by_role("button", name=f"Favourite asset {ids[2]}")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Favourites").click()
    expect(page.locator("[data-asset-id]")).to_have_count(1)
    expect(tile(ids[2])).to_be_visible()
    page.get_by_role("button", name="All", exact=True).click()
    expect(page.locator("[data-asset-id]")).to_have_count(5)

    # Move two to a workspace.
    page.get_by_label(f"Select asset {ids[0]}").check()
    page.get_by_label(f"Select asset {ids[4]}").check()
    bar.get_by_label("Move to board").select_option(label="Seaside")
    expect(bar).to_be_hidden()
    assert sorted(_assets(server, token, workspace_id=str(board["id"]))) == sorted([ids[0], ids[4]])

    # Download a selection: one zip holding each file.
    page.get_by_label(f"Select asset {ids[1]}").check()
    page.get_by_label(f"Select asset {ids[2]}").check()
    with page.expect_download() as info:
        bar.get_by_role("link", name="Download zip").click()
    saved = tmp_path / "selection.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(
            f"{i}-pic{n}.png" for n, i in enumerate(ids) if n in (1, 2)
        )

    # Delete: to the trash (restorable), gone from the gallery.
    bar.get_by_role("button", name="Delete").click()
    expect(page.locator("[data-asset-id]")).to_have_count(3)
    page.get_by_role("button", name="Trash").click()
    expect(page.get_by_role("heading", name="Trash")).to_be_visible()
    expect(page.locator("[data-asset-id]")).to_have_count(2)
    expect(page.get_by_text("each goes for good 30 days after it was deleted")).to_be_visible()
    assert sorted(_assets(server, token, trashed="true")) == sorted(ids[1:3])

    page.get_by_label(f"Select asset {ids[1]}").check()
    page.get_by_role("toolbar", name="Selected assets").get_by_role(
        "button", name="Restore"
    ).click()
    expect(page.locator("[data-asset-id]")).to_have_count(1)
    page.get_by_role("button", name="Empty trash").click()
    expect(page.get_by_text("The trash is empty")).to_be_visible()
    assert _assets(server, token, trashed="true") == {}
    assert sorted(_assets(server, token)) == sorted([ids[0], ids[1], ids[3], ids[4]])
    with server.api(token) as api:
        assert api.get(f"/api/v1/assets/{ids[2]}").status_code == 404

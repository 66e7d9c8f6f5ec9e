"""The scene editor in the browser: a scene built from the gallery by drag and drop, its
problems marked and fixed, autosaved and found again after a reload, previewed from a middle
node; two pages saving the same scene; a clip generated into an empty node."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import JOB_TIMEOUT, Server, fill_small, go, mp4_bytes, sign_in, upload

pytestmark = pytest.mark.browser


def _clip(server: Server, token: str, n: int, name: str) -> int:
    data = mp4_bytes(seconds=1.0, fps=12, size=(160 + 16 * n, 96))
    return int(upload(server, token, name, data)["id"])


def _scene(server: Server, token: str, scene_id: int) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.get(f"/api/v1/scenes/{scene_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())


def _new_scene(server: Server, token: str, body: dict[str, Any]) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.post("/api/v1/scenes", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())


def node(page: Page, node_id: str) -> Locator:
    return page.locator(f'.react-flow__node[data-id="{node_id}"]')


def _canvas(page: Page) -> Locator:
    return page.locator(".react-flow__pane")


def _drop_on_canvas(page: Page, source: Locator, x: float, y: float) -> None:
    """An HTML drag from the palette or the gallery, dropped at (x, y) of the canvas."""
    source.drag_to(_canvas(page), target_position={"x": x, "y": y})


def _settled(page: Page) -> None:
    """Waits out a pan or zoom in progress (centring on a node is animated): a drag aimed
    while the canvas moves lands beside its target, as a person's would."""
    viewport = page.locator(".react-flow__viewport")
    before = None
    for _ in range(50):
        now = viewport.evaluate("e => e.style.transform")
        if now == before:
            return
        before = now
        page.wait_for_timeout(120)


def _connect(page: Page, source: str, target: str, port: str = "out") -> None:
    """Drag from a node's way out to another node's way in, as a user wires them."""
    _settled(page)
    handle = node(page, source).locator(f'.react-flow__handle[data-handleid="{port}"]')
    handle.drag_to(node(page, target).locator('.react-flow__handle[data-handleid="in"]'))


def _saved(page: Page) -> None:
    """Every change is saved (the status says exactly "Saved")."""
    expect(page.get_by_role("status").filter(has_text="v").locator(".badge")).to_have_text("Saved")


def _inspector(page: Page) -> Locator:
    return page.get_by_role("tabpanel")


def _problems(page: Page) -> Locator:
    page.get_by_role("tab", name="Problems").click()
    return page.get_by_role("list", name="Problems")


def test_build_validate_autosave_reload_and_preview(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    ids = [_clip(server, token, n, f"clip-{name}.mp4") for n, name in enumerate("abc")]
    sign_in(page, user_email)  # the user's first sign-in
    go(page, "Scenes")
    page.get_by_role("button", name="New scene").click()
    expect(page.get_by_role("heading", name="Untitled scene")).to_be_visible()
    scene_id = int(page.url.split("/")[-2])

    gallery = page.get_by_label("Gallery")
    clips = {n: gallery.get_by_role("button", name=f"Clip clip-{n}.mp4") for n in "abc"}
    _drop_on_canvas(page, clips["a"], 80, 200)  # a new video node, the start
    expect(node(page, "video1")).to_be_visible()
    _drop_on_canvas(page, page.get_by_role("button", name="Add Choice"), 330, 200)
    _drop_on_canvas(page, clips["b"], 580, 80)
    _drop_on_canvas(page, clips["c"], 580, 330)
    _drop_on_canvas(page, page.get_by_role("button", name="Add End"), 600, 500)
    for made in ("choice1", "video2", "video3", "end1"):
        expect(node(page, made)).to_be_visible()
    # A second clip dropped onto a node joins its playlist.
    clips["b"].drag_to(node(page, "video1"))
    expect(node(page, "video1")).to_contain_text("2 clips")

    _connect(page, "video1", "choice1")
    _connect(page, "choice1", "video2")
    _connect(page, "choice1", "video3")
    _connect(page, "video2", "end1")
    _saved(page)

    # video3 leads nowhere: the server's validation marks it, and the list selects it.
    problems = _problems(page)
    dead_end = problems.get_by_role("button").filter(has_text="node video3")
    expect(dead_end).to_contain_text("error")
    expect(node(page, "video3").locator(".scene-mark-error")).to_be_visible()
    dead_end.click()
    page.get_by_role("tab", name="Inspector").click()
    expect(_inspector(page).get_by_role("heading", name="Video video3")).to_be_visible()
    _connect(page, "video3", "end1")
    _saved(page)
    expect(node(page, "video3").locator(".scene-mark-error")).to_have_count(0)
    expect(_problems(page).filter(has_text="node video3")).to_have_count(0)

    # The two options, labelled in the choice's inspector; the end's message.
    page.get_by_role("tab", name="Inspector").click()
    node(page, "choice1").click()
    panel = _inspector(page)
    panel.get_by_label("Prompt").fill("Which way?")
    panel.get_by_label("Option to video2").fill("Left")
    panel.get_by_label("Option to video3").fill("Right")
    node(page, "end1").click()
    panel.get_by_label("Outcome").select_option("success")
    panel.get_by_label("Message").fill("You made it.")
    _saved(page)

    scene = _scene(server, token, scene_id)
    assert scene["start"] == "video1"
    assert [n["id"] for n in scene["nodes"]] == ["video1", "choice1", "video2", "video3", "end1"]
    assert [m["asset_id"] for m in scene["nodes"][0]["media"]] == [ids[0], ids[1]]
    assert {(e["from"], e["to"], e["label"]) for e in scene["edges"]} == {
        ("video1", "choice1", None),
        ("choice1", "video2", "Left"),
        ("choice1", "video3", "Right"),
        ("video2", "end1", None),
        ("video3", "end1", None),
    }
    assert [p["code"] for p in scene["problems"] if p["severity"] == "error"] == []

    # Undo takes back the message, redo brings it again (and both are saved).
    page.get_by_role("button", name="Undo").click()
    expect(panel.get_by_label("Message")).to_have_value("")
    page.get_by_role("button", name="Redo").click()
    expect(panel.get_by_label("Message")).to_have_value("You made it.")
    _saved(page)

    page.reload()
    for kept in ("video1", "choice1", "video2", "video3", "end1"):
        expect(node(page, kept)).to_be_visible()
    expect(page.locator(".react-flow__edge")).to_have_count(5)
    expect(page.get_by_role("button", name="Edge e2")).to_contain_text("Left")
    node(page, "end1").click()
    expect(_inspector(page).get_by_label("Message")).to_have_value("You made it.")

    # Preview from the choice in the middle: the same player as /play, the node marked.
    node(page, "choice1").click()
    _inspector(page).get_by_role("button", name="Preview from here").click()
    preview = page.get_by_role("region", name="Preview")
    preview.get_by_role("button", name="Start the preview").click()
    preview.get_by_role("button", name="Play", exact=True).click()
    expect(preview.get_by_role("group", name="Which way?")).to_be_visible()
    expect(node(page, "choice1").locator(".scene-node.playing")).to_be_visible()
    preview.get_by_role("button", name="Right").click()
    expect(node(page, "video3").locator(".scene-node.playing")).to_be_visible()
    expect(preview.get_by_text("You made it.")).to_be_visible(timeout=20_000)


def _block_events(context: BrowserContext) -> None:
    """This page hears no live events: it learns of other saves only when its own fails."""
    context.route("**/api/v1/events", lambda route: route.abort())


def test_two_pages_saving_the_same_scene(
    page: Page, context: BrowserContext, server: Server, user_email: str, token: str
) -> None:
    scene_id = int(
        _new_scene(
            server,
            token,
            {
                "title": "Shared",
                "start": "a",
                "nodes": [
                    {"id": "a", "type": "choice", "prompt": "Go?"},
                    {"id": "b", "type": "end", "outcome": "success"},
                ],
                "edges": [{"id": "e1", "from": "a", "to": "b", "label": "Go"}],
            },
        )["id"]
    )
    sign_in(page, user_email)
    page.goto(f"/scenes/{scene_id}/edit")
    expect(node(page, "a")).to_be_visible()

    other_context = context.browser.new_context(  # type: ignore[union-attr]
        base_url=server.url, viewport={"width": 1280, "height": 800}
    )
    try:
        _block_events(other_context)
        other = other_context.new_page()
        sign_in(other, user_email)
        other.goto(f"/scenes/{scene_id}/edit")
        expect(node(other, "a")).to_be_visible()

        # This page saves first; the other, not hearing of it, saves on the old version.
        node(page, "b").click()
        _inspector(page).get_by_label("Message").fill("from the first page")
        _saved(page)
        node(other, "b").click()
        _inspector(other).get_by_label("Message").fill("from the second page")
        banner = other.get_by_role("alertdialog", name="Saved elsewhere")
        expect(banner).to_be_visible()
        banner.get_by_role("button", name="Overwrite with mine").click()
        _saved(other)
        assert _scene(server, token, scene_id)["nodes"][1]["message"] == "from the second page"
        # The first page hears of the save and, with nothing unsaved, shows it at once.
        expect(_inspector(page).get_by_label("Message")).to_have_value("from the second page")

        # Again, and this time the second page takes the first page's version.
        node(page, "a").click()
        _inspector(page).get_by_label("Prompt").fill("Really go?")
        _saved(page)
        node(other, "a").click()
        _inspector(other).get_by_label("Prompt").fill("Maybe")
        banner.get_by_role("button", name="Reload theirs (drop my changes)").click()
        expect(_inspector(other).get_by_label("Prompt")).to_have_value("Really go?")
        _saved(other)
        assert _scene(server, token, scene_id)["nodes"][0]["prompt"] == "Really go?"
    finally:
        other_context.close()


def test_generate_into_an_empty_node(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    intro = _clip(server, token, 7, "intro.mp4")
    scene = _new_scene(
        server,
        token,
        {
            "title": "Unfinished",
            "start": "intro",
            "nodes": [
                {"id": "intro", "type": "video", "media": [{"asset_id": intro}]},
                {"id": "next", "type": "video", "label": "What comes next"},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "from": "intro", "to": "next"},
                {"id": "e2", "from": "next", "to": "end"},
            ],
        },
    )
    sign_in(page, user_email)
    page.goto(f"/scenes/{scene['id']}/edit")
    expect(node(page, "next").locator(".scene-mark-error")).to_be_visible()  # no media
    node(page, "next").click()
    panel = _inspector(page)
    panel.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    panel.get_by_label("Operation").select_option("video_extend")
    # The clip before the node is what it continues.
    form = panel.get_by_role("form", name="Extend video")
    expect(form.get_by_role("img", name=re.compile("intro"))).to_be_visible()
    fill_small(form)
    expect(form.get_by_label("Cost estimate")).to_contain_text("Free")
    form.get_by_role("button", name="Generate").click()
    expect(panel.get_by_text("1 clip being generated")).to_be_visible()
    expect(node(page, "next")).to_contain_text("generating")

    # The clip arrives in the node, on this page, without a reload.
    expect(node(page, "next")).to_contain_text("1 clip", timeout=JOB_TIMEOUT)
    expect(node(page, "next").locator("img.scene-node-thumb")).to_be_visible()
    expect(node(page, "next").locator(".scene-mark-error")).to_have_count(0)
    _saved(page)
    after = _scene(server, token, scene["id"])
    (added,) = after["nodes"][1]["media"]
    with server.api(token) as api:
        detail = api.get(f"/api/v1/assets/{added['asset_id']}").json()
    assert [p["asset_id"] for p in detail["lineage"]["parents"]] == [intro]
    assert after["version"] > scene["version"]


def test_animate_on_from_the_last_frame_into_every_empty_node(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    intro = _clip(server, token, 3, "intro.mp4")
    scene = _new_scene(
        server,
        token,
        {
            "title": "Two ways on",
            "start": "intro",
            "nodes": [
                {"id": "intro", "type": "video", "media": [{"asset_id": intro}]},
                {"id": "pick", "type": "choice"},
                {"id": "left", "type": "video"},
                {"id": "right", "type": "video"},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "from": "intro", "to": "pick"},
                {"id": "e2", "from": "pick", "to": "left", "label": "Left"},
                {"id": "e3", "from": "pick", "to": "right", "label": "Right"},
                {"id": "e4", "from": "left", "to": "end"},
                {"id": "e5", "from": "right", "to": "end"},
            ],
        },
    )
    sign_in(page, user_email)
    page.goto(f"/scenes/{scene['id']}/edit")
    node(page, "left").click()
    panel = _inspector(page)
    panel.get_by_label("Provider").select_option(label="Local renderer (this machine)")
    panel.get_by_label("Operation").select_option("image_to_video")
    panel.get_by_role("button", name="Start from the last frame of the clip before").click()
    form = panel.get_by_role("form", name="Pan and zoom")  # the local image_to_video
    slot = form.locator("fieldset", has=page.locator("legend", has_text="Image"))
    expect(slot.locator(".slot-item img")).to_have_attribute("src", re.compile("/assets/"))
    panel.get_by_label(re.compile("Also into the 1 other empty video node")).check()
    fill_small(form)
    form.get_by_role("button", name="Generate").click()
    expect(panel.get_by_text("1 clip being generated")).to_be_visible()

    for filled in ("left", "right"):
        expect(node(page, filled)).to_contain_text("1 clip", timeout=JOB_TIMEOUT)
    _saved(page)
    after = {n["id"]: n for n in _scene(server, token, scene["id"])["nodes"]}
    with server.api(token) as api:
        for filled in ("left", "right"):
            (added,) = after[filled]["media"]
            detail = api.get(f"/api/v1/assets/{added['asset_id']}").json()
            (parent,) = detail["lineage"]["parents"]
            still = api.get(f"/api/v1/assets/{parent['asset_id']}").json()
            assert still["media_type"] == "image" and still["upload_method"] == "frame"
            assert [(p["asset_id"], p["relation"]) for p in still["lineage"]["parents"]] == [
                (intro, "frame")
            ]


def test_scene_list_duplicate_export_import_delete(
    page: Page, server: Server, user_email: str, token: str, tmp_path: Path
) -> None:
    clip = _clip(server, token, 9, "poster.mp4")
    _new_scene(
        server,
        token,
        {
            "title": "Listed",
            "start": "a",
            "nodes": [
                {"id": "a", "type": "video", "media": [{"asset_id": clip}]},
                {"id": "b", "type": "end", "outcome": "success"},
            ],
            "edges": [{"id": "e1", "from": "a", "to": "b"}],
        },
    )
    sign_in(page, user_email)
    go(page, "Scenes")
    row = page.get_by_role("row").filter(has_text="Listed")
    expect(row.locator("img.scene-list-poster")).to_have_attribute(
        "src", f"/api/v1/assets/{clip}/thumbnail"
    )
    expect(row.get_by_role("cell", name="none")).to_be_visible()  # no problem

    with page.expect_download() as download:
        row.get_by_role("button", name="Export JSON of Listed").click()
    exported = tmp_path / "listed.json"
    download.value.save_as(exported)
    assert json.loads(exported.read_text())["format"] == "pixsim7.scene/1"

    row.get_by_role("button", name="Duplicate Listed").click()
    expect(page.get_by_role("heading", name="Copy of Listed")).to_be_visible()
    expect(node(page, "a")).to_be_visible()
    page.get_by_role("link", name="← Scenes").click()

    page.get_by_label("Import a scene from JSON").set_input_files(exported)
    expect(page.get_by_role("heading", name="Listed")).to_be_visible()
    expect(node(page, "b")).to_be_visible()
    page.get_by_role("link", name="← Scenes").click()
    expect(page.get_by_role("row").filter(has_text="Listed")).to_have_count(3)

    copy_row = page.get_by_role("row").filter(has_text="Copy of Listed")
    copy_row.get_by_role("button", name="Delete Copy of Listed").click()
    copy_row.get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_role("row").filter(has_text="Copy of Listed")).to_have_count(0)
    with server.api(token) as api:
        titles = sorted(s["title"] for s in api.get("/api/v1/scenes").json()["items"])
    assert titles == ["Listed", "Listed"]


def _drag_by(page: Page, handle: Locator, dx: float, dy: float) -> None:
    """Press on `handle`, move by (dx, dy) screen pixels in steps, release: a person's drag."""
    _settled(page)
    box = handle.bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()


def _open_fork(
    page: Page, server: Server, token: str, email: str, title: str, nodes: list[dict[str, Any]]
) -> int:
    """A scene of three nodes, a forking to b and c, made through the API; opened in the
    editor after the user's first sign-in."""
    edges = [{"id": "e1", "from": "a", "to": "b"}, {"id": "e2", "from": "a", "to": "c"}]
    body = {"title": title, "start": "a", "nodes": nodes, "edges": edges}
    scene_id = int(_new_scene(server, token, body)["id"])
    sign_in(page, email)
    page.goto(f"/scenes/{scene_id}/edit")
    for made in nodes:
        expect(node(page, made["id"])).to_be_visible()
    return scene_id


def test_frames_group_nodes_move_them_and_are_saved(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    nodes = [
        {"id": "a", "type": "choice", "prompt": "Go?", "position": {"x": 0, "y": 0}},
        {"id": "b", "type": "end", "outcome": "success", "position": {"x": 300, "y": 60}},
        {"id": "c", "type": "end", "outcome": "failure", "position": {"x": 300, "y": 400}},
    ]
    scene_id = _open_fork(page, server, token, user_email, "Framed", nodes)

    # Two nodes selected, framed from the selection, the frame named in the inspector.
    node(page, "a").click()
    node(page, "b").click(modifiers=["Control"])
    panel = _inspector(page)
    expect(panel.get_by_role("heading", name="2 nodes and 0 edges selected")).to_be_visible()
    panel.get_by_role("button", name="Frame the selection").click()
    expect(page.get_by_role("group", name="Frame Group 1")).to_be_visible()
    expect(panel.get_by_text("Holds 2 nodes")).to_be_visible()
    panel.get_by_label("Label").fill("Forest path")
    frame = page.get_by_role("group", name="Frame Forest path")
    expect(frame).to_be_visible()
    _saved(page)
    saved = _scene(server, token, scene_id)
    [box] = saved["layout"]["frames"]
    assert box["label"] == "Forest path"
    at = {n["id"]: n["position"] for n in saved["nodes"]}
    assert box["x"] < 0 and box["y"] < 0
    assert box["x"] + box["width"] > at["b"]["x"] + 200
    assert box["y"] + box["height"] > at["b"]["y"] + 84
    assert box["y"] + box["height"] < at["c"]["y"]  # c is left out

    # Dragged by its title, the frame takes its two nodes along and leaves c.
    _drag_by(page, frame.locator(".scene-frame-title"), 120, 90)
    _saved(page)
    moved = _scene(server, token, scene_id)
    [after] = moved["layout"]["frames"]
    dx, dy = after["x"] - box["x"], after["y"] - box["y"]
    assert dx > 20 and dy > 20, (box, after)
    now = {n["id"]: n["position"] for n in moved["nodes"]}
    assert now["a"] == {"x": at["a"]["x"] + dx, "y": at["a"]["y"] + dy}
    assert now["b"] == {"x": at["b"]["x"] + dx, "y": at["b"]["y"] + dy}
    assert now["c"] == at["c"]

    # Renamed in place by a double click; found again after a reload.
    frame.locator(".scene-frame-title").dblclick()
    title = page.get_by_label("Frame label")
    title.fill("The forest")
    title.press("Enter")
    _saved(page)
    assert _scene(server, token, scene_id)["layout"]["frames"][0]["label"] == "The forest"
    page.reload()
    framed = page.get_by_role("group", name="Frame The forest")
    expect(framed).to_be_visible()

    # Selected, it is resized from a corner.
    framed.locator(".scene-frame-title").click()
    expect(_inspector(page).get_by_role("heading", name="Frame")).to_be_visible()
    _drag_by(page, page.locator(".react-flow__resize-control.handle.bottom.right"), 100, 400)
    _saved(page)
    [grown] = _scene(server, token, scene_id)["layout"]["frames"]
    assert grown["x"] == after["x"] and grown["y"] == after["y"]
    assert grown["width"] > after["width"] + 40 and grown["height"] > after["height"] + 200
    expect(_inspector(page).get_by_text("Holds 3 nodes")).to_be_visible()  # c is inside now

    # Removed with Delete (its nodes stay); undo brings it back.
    page.keyboard.press("Delete")
    expect(framed).to_have_count(0)
    _saved(page)
    gone = _scene(server, token, scene_id)
    assert gone["layout"]["frames"] == [] and len(gone["nodes"]) == 3
    page.get_by_role("button", name="Undo").click()
    expect(framed).to_be_visible()
    _saved(page)
    assert _scene(server, token, scene_id)["layout"]["frames"][0]["label"] == "The forest"

    # Copied with the nodes it holds and pasted beside itself: a second frame, new nodes.
    framed.locator(".scene-frame-title").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(page.get_by_role("group", name="Frame The forest")).to_have_count(2)
    expect(node(page, "c1")).to_be_visible()
    _saved(page)
    copied = _scene(server, token, scene_id)
    assert [n["id"] for n in copied["nodes"]] == ["a", "b", "c", "a1", "b1", "c1"]
    new, old = copied["layout"]["frames"]
    assert new["x"] >= old["x"] + old["width"] and new["y"] == old["y"], (new, old)
    assert new["id"] != old["id"] and new["label"] == old["label"]
    at = {n["id"]: n["position"] for n in copied["nodes"]}
    assert at["c1"]["x"] - at["c"]["x"] == new["x"] - old["x"]


def test_find_arrange_copy_paste_and_restore_a_revision(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    nodes = [
        {"id": "a", "type": "choice", "prompt": "Go?", "position": {"x": 0, "y": 0}},
        {"id": "b", "type": "end", "outcome": "success", "position": {"x": -700, "y": 0}},
        {"id": "c", "type": "end", "label": "Cave", "position": {"x": -700, "y": 1500}},
    ]
    scene_id = _open_fork(page, server, token, user_email, "Tools", nodes)

    # Find by name: the node is selected and centred.
    page.get_by_label("Find a node").fill("cave")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(_inspector(page).get_by_role("heading", name="End c")).to_be_visible()
    _settled(page)
    canvas = _canvas(page).bounding_box()
    found = node(page, "c").bounding_box()
    assert canvas and found
    assert abs(found["x"] + found["width"] / 2 - (canvas["x"] + canvas["width"] / 2)) < 40
    assert abs(found["y"] + found["height"] / 2 - (canvas["y"] + canvas["height"] / 2)) < 40

    # Arrange lays the graph out from the start, left to right.
    page.get_by_role("button", name="Arrange").click()
    _saved(page)
    at = {n["id"]: n["position"] for n in _scene(server, token, scene_id)["nodes"]}
    assert at["a"]["x"] < at["b"]["x"] and at["a"]["x"] < at["c"]["x"], at
    assert abs(at["b"]["y"] - at["c"]["y"]) < 400  # no longer 1500 apart

    # Copy two nodes and paste them: new ids, the edge between them copied too.
    _settled(page)
    node(page, "a").click()
    node(page, "b").click(modifiers=["Control"])
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(node(page, "a1")).to_be_visible()
    expect(node(page, "b1")).to_be_visible()
    _saved(page)
    pasted = _scene(server, token, scene_id)
    assert [n["id"] for n in pasted["nodes"]] == ["a", "b", "c", "a1", "b1"]
    assert {(e["from"], e["to"]) for e in pasted["edges"]} == {("a", "b"), ("a", "c"), ("a1", "b1")}

    # The first version, restored from the revisions panel, is saved as the newest.
    page.get_by_role("tab", name="Revisions").click()
    page.get_by_role("button", name="Restore version 1").click()
    expect(node(page, "a1")).to_have_count(0)
    _saved(page)
    restored = _scene(server, token, scene_id)
    assert restored["version"] > pasted["version"]
    assert [n["id"] for n in restored["nodes"]] == ["a", "b", "c"]
    assert restored["nodes"][2]["position"] == {"x": -700, "y": 1500}

"""Scenes in the browser: a branching scene played, saved and resumed on another device, the
exported folder played from disk, and how fast a choice shows its next clip."""

from __future__ import annotations

import io
import itertools
import statistics
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import Server, mp4_bytes, record_figure, sign_in, upload

pytestmark = pytest.mark.browser

REFLEX = {
    "rounds": 2,
    "min_delay_ms": 300,
    "max_delay_ms": 800,
    "window_ms": 4000,
    "success_ratio": 0.5,
}


def _clip(server: Server, token: str, n: int, seconds: float = 1.0) -> int:
    """A distinct clip (uploads are deduplicated by content), uploaded as a user would."""
    data = mp4_bytes(seconds=seconds, fps=24, size=(160 + 16 * n, 96))
    return int(upload(server, token, f"clip{n}.mp4", data)["id"])


def _create(server: Server, token: str, body: dict[str, Any]) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.post("/api/v1/scenes", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())


def _cave(server: Server, token: str) -> tuple[int, int]:
    """The root scene (6 nodes) and the sub-scene it calls; returns (root id, sub id)."""
    intro, shop = (_clip(server, token, n) for n in range(2))
    sub = _create(
        server,
        token,
        {
            "title": "The shop",
            "start": "counter",
            "flags": {"budget": 0},
            "nodes": [
                {"id": "counter", "type": "video", "media": [{"asset_id": shop}]},
                {"id": "leave", "type": "return", "values": {"coins": {"value": 5}}},
            ],
            "edges": [{"id": "s1", "from": "counter", "to": "leave"}],
        },
    )
    root = _create(
        server,
        token,
        {
            "title": "The cave",
            "start": "intro",
            "flags": {"torch": False, "coins": 0},
            "nodes": [
                {"id": "intro", "type": "video", "media": [{"asset_id": intro}]},
                {"id": "fork", "type": "choice", "prompt": "Which way?",
                 "timeout": {"seconds": 600}},
                {"id": "duel", "type": "mini_game", "game": "reflex", "config": REFLEX,
                 "score_flag": "hits"},
                {"id": "shop", "type": "scene_call", "scene": sub["id"],
                 "bindings": {"budget": {"flag": "coins"}}, "returns": {"coins": "coins"}},
                {"id": "lit", "type": "condition", "flag": "torch", "op": "eq", "value": True},
                {"id": "win", "type": "end", "outcome": "success", "message": "Out of the cave."},
            ],
            "edges": [
                {"id": "e1", "from": "intro", "to": "fork"},
                {"id": "torch", "from": "fork", "to": "duel", "label": "Take the torch",
                 "effects": [{"flag": "torch", "op": "set", "value": True}]},
                {"id": "dark", "from": "fork", "to": "duel", "label": "Go in the dark",
                 "is_default": True},
                {"id": "won", "from": "duel", "to": "shop", "port": "success"},
                {"id": "lost", "from": "duel", "to": "fork", "port": "failure"},
                {"id": "e2", "from": "shop", "to": "lit"},
                {"id": "yes", "from": "lit", "to": "win", "port": "true"},
                {"id": "no", "from": "lit", "to": "fork", "port": "false"},
            ],
        },
    )  # fmt: skip
    return int(root["id"]), int(sub["id"])


def _reflex(page: Page, rounds: int = 2) -> None:
    """Play the reflex game as a person: wait for each cue, then hit Space."""
    game = page.get_by_role("group", name="Reflex game")
    expect(game).to_be_visible()
    for _ in range(rounds):
        cue = game.get_by_role("status").filter(has_text="Hit!")
        cue.wait_for()
        page.keyboard.press("Space")
        expect(game.get_by_role("status")).not_to_have_text("Hit!")


def _fork(page: Page) -> None:
    """Wait for the fork's options (the intro clip plays to its end first)."""
    expect(page.get_by_role("group", name="Which way?")).to_be_visible(timeout=20_000)


def _play(server: Server, token: str, play_id: int) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.get(f"/api/v1/plays/{play_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())


def _latest_play(server: Server, token: str, scene_id: int) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.get("/api/v1/plays", params={"scene_id": scene_id})
        assert r.status_code == 200, r.text
        return dict(r.json()["items"][0])


def test_play_choose_game_call_back_save_and_resume_elsewhere(
    page: Page, browser: Browser, server: Server, user_email: str, token: str
) -> None:
    root, _ = _cave(server, token)
    sign_in(page, user_email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scenes").click()
    page.get_by_role("link", name="Play The cave").click()
    page.get_by_role("button", name="Play", exact=True).click()

    _fork(page)
    expect(page.get_by_role("timer")).to_be_visible()  # the timed choice counts down
    page.get_by_role("button", name="Go in the dark").click()
    _reflex(page)
    # The sub-scene's clip plays and returns 5 coins; without the torch, the condition on
    # the flag the first edge sets sends the player back to the fork.
    _fork(page)
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    play_id = int(_latest_play(server, token, root)["id"])
    state = _play(server, token, play_id)["state"]
    assert (state["node"], state["stack"]) == ("fork", [])
    assert state["flags"] == {"torch": False, "coins": 5, "hits": 2}

    page.keyboard.press("b")  # back to the decision before: the fork, before the coins
    expect(page.get_by_role("button", name="Back", exact=True)).to_be_disabled()
    page.keyboard.press("1")  # Take the torch
    expect(page.get_by_role("group", name="Reflex game")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    state = _play(server, token, play_id)["state"]
    assert (state["node"], state["phase"]) == ("duel", "mini_game")
    assert state["flags"] == {"torch": True, "coins": 0}

    page.reload()
    expect(page.get_by_role("region", name="Saved plays")).to_be_visible()

    # Another device: its own browser, signed in again, resumes the same play (and the
    # page is served with a CSP that allows no inline script or style).
    other = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    try:
        phone = other.new_page()
        sign_in(phone, user_email)
        _strict_csp(phone, server)
        phone.goto(f"/play/{root}")
        phone.get_by_role("region", name="Saved plays").get_by_role("button", name="Resume").click()
        _reflex(phone)
        expect(phone.get_by_role("heading", name="You made it")).to_be_visible(timeout=20_000)
        expect(phone.get_by_text("Out of the cave.")).to_be_visible()
        expect(phone.get_by_text("Saved", exact=True)).to_be_visible()
        assert phone.evaluate("() => window.__violations") == []
    finally:
        other.close()
    final = _play(server, token, play_id)
    assert final["status"] == "ended"
    assert final["state"]["end"] == {
        "node": "win",
        "outcome": "success",
        "message": "Out of the cave.",
    }
    assert final["state"]["flags"] == {"torch": True, "coins": 5, "hits": 2}


def _fits_the_width(page: Page, name: str) -> None:
    box = page.get_by_role("button", name=name).bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_exported_folder_plays_from_disk_at_phone_width(
    page: Page, server: Server, token: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    root, _ = _cave(server, token)
    with server.api(token) as api:
        r = api.get(f"/api/v1/scenes/{root}/export.zip")
        assert r.status_code == 200, r.text
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(tmp_path)
    index = next(tmp_path.glob("*/index.html"))

    page.goto(index.as_uri())
    expect(page.get_by_role("heading", name="The cave")).to_be_visible()
    page.get_by_role("button", name="Play", exact=True).click()
    _fork(page)
    _fits_the_width(page, "Take the torch")
    _fits_the_width(page, "Go in the dark")
    page.get_by_role("button", name="Take the torch").click()
    expect(page.get_by_role("group", name="Reflex game")).to_be_visible()

    page.reload()  # the play is in localStorage
    page.get_by_role("region", name="Saved plays").get_by_role("button", name="Resume").click()
    _reflex(page)
    expect(page.get_by_role("heading", name="You made it")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Out of the cave.")).to_be_visible()


def test_progression_gate_and_loop(page: Page, server: Server, user_email: str, token: str) -> None:
    climb, idle = _clip(server, token, 20, seconds=1.5), _clip(server, token, 21, seconds=1.0)
    gate = {"game": "reflex", "config": {**REFLEX, "rounds": 1}}
    scene = _create(
        server,
        token,
        {
            "title": "Climb",
            "start": "climb",
            "nodes": [
                {"id": "climb", "type": "video", "media": [{"asset_id": climb}],
                 "playback": {"mode": "progression", "steps": [
                     {"label": "Hold on", "start": 0, "end": 0.6},
                     {"label": "Pull up", "start": 0.6, "end": 1.2, "gate": gate},
                 ]}},
                {"id": "top", "type": "video", "label": "At the top",
                 "media": [{"asset_id": idle}], "playback": {"mode": "loop", "start": 0.2}},
                {"id": "done", "type": "end", "outcome": "neutral", "message": "Rested."},
            ],
            "edges": [
                {"id": "e1", "from": "climb", "to": "top"},
                {"id": "rest", "from": "top", "to": "done", "label": "Rest"},
            ],
        },
    )  # fmt: skip
    sign_in(page, user_email)
    page.goto(f"/play/{scene['id']}")
    page.get_by_role("button", name="Play", exact=True).click()
    steps = page.get_by_role("list", name="Steps")
    expect(steps.locator("[aria-current=step]")).to_have_text("Hold on")
    _reflex(page, rounds=1)  # the gate before the second step
    expect(steps.locator("[aria-current=step]")).to_have_text("Pull up")

    # The loop's options are offered while it plays on: its clip keeps coming round.
    expect(page.get_by_role("group", name="At the top")).to_be_visible(timeout=20_000)
    looping = page.locator("video.active")
    times = [looping.evaluate("v => v.currentTime")]
    for _ in range(12):
        page.wait_for_timeout(150)
        times.append(looping.evaluate("v => v.currentTime"))
    assert any(b < a for a, b in itertools.pairwise(times)), times  # it went round
    assert looping.evaluate("v => !v.paused")
    page.keyboard.press("1")
    expect(page.get_by_text("Rested.")).to_be_visible()


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'"
)

# Calls `then(video)` when a <video> of the player is made the one shown.
ON_SHOWN = """
const onShown = (root, then) => {
  const observer = new MutationObserver((records) => {
    for (const { target } of records) {
      if (target instanceof HTMLVideoElement && target.classList.contains("active")) {
        if (then(target) !== false) observer.disconnect();
        return;
      }
    }
  });
  observer.observe(root, { subtree: true, attributes: true, attributeFilter: ["class"] });
};
"""

# Installed before the page's own scripts: when the first clip's first frame was painted, in
# ms since the navigation started (requestVideoFrameCallback's expected display time), and
# whether each clip shown had a decoded frame when it was shown (else it would show black).
FIRST_FRAME = (
    ON_SHOWN
    + """
window.__onShown = onShown;
window.__shown = [];
onShown(document, (video) => video.requestVideoFrameCallback((now, frame) => {
  window.__firstFrame = frame.expectedDisplayTime;
}));
onShown(document, (video) => {
  window.__shown.push(video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA);
  return false;
});
"""
)

# Armed before a click: ms from the click to the swap of the shown <video> (its decoded
# first frame is on screen at the next paint) and to the first frame it paints playing.
ARM_CHOICE = """() => {
  window.__latency = new Promise((resolve) => {
    let clickedAt = null;
    addEventListener("click", (e) => { clickedAt = e.timeStamp; }, { capture: true, once: true });
    window.__onShown(document.querySelector(".scene-deck"), (video) => {
      if (clickedAt === null) return false;
      const swap = performance.now() - clickedAt;
      video.requestVideoFrameCallback((t, f) => resolve([swap, f.expectedDisplayTime - clickedAt]));
    });
  });
}"""


def _hub(server: Server, token: str) -> int:
    """A choice between a short clip and two in a row, which all lead back to it."""
    red, blue, blue2, intro = (_clip(server, token, 10 + n, seconds=0.5) for n in range(4))
    scene = _create(
        server,
        token,
        {
            "title": "Hub",
            "start": "intro",
            "nodes": [
                {"id": "intro", "type": "video", "media": [{"asset_id": intro}]},
                {"id": "hub", "type": "choice", "prompt": "Pick a clip"},
                {"id": "red", "type": "video", "media": [{"asset_id": red}]},
                {"id": "blue", "type": "video", "media": [{"asset_id": blue}]},
                {"id": "blue2", "type": "video", "media": [{"asset_id": blue2}]},
            ],
            "edges": [
                {"id": "e0", "from": "intro", "to": "hub"},
                {"id": "to-red", "from": "hub", "to": "red", "label": "Red"},
                {"id": "to-blue", "from": "hub", "to": "blue", "label": "Blue"},
                {"id": "r", "from": "red", "to": "hub"},
                {"id": "b", "from": "blue", "to": "blue2"},
                {"id": "b2", "from": "blue2", "to": "hub"},
            ],
        },
    )
    return int(scene["id"])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _strict_csp(page: Page, server: Server) -> None:
    """Serve /play/... with a CSP allowing no inline script or style; note any violation."""

    def serve(route: Route) -> None:
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(f"{server.url}/play/**", serve)
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def test_choice_to_next_frame(page: Page, server: Server, user_email: str, token: str) -> None:
    scene = _hub(server, token)
    sign_in(page, user_email)
    page.add_init_script(FIRST_FRAME)
    page.goto(f"/play/{scene}")
    page.get_by_role("button", name="Play", exact=True).click()
    hub = page.get_by_role("group", name="Pick a clip")
    expect(hub).to_be_visible()
    first = page.evaluate("() => window.__firstFrame")
    assert first is not None

    swaps: list[float] = []
    latencies: list[float] = []
    for i in range(20):
        expect(hub).to_be_visible()
        page.evaluate(ARM_CHOICE)
        hub.get_by_role("button", name="Red" if i % 3 else "Blue").click()
        swap, frame = page.evaluate("() => window.__latency")
        swaps.append(float(swap))
        latencies.append(float(frame))
        expect(hub).to_be_hidden()
    p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    swap50, swap95 = statistics.median(swaps), _percentile(swaps, 0.95)
    record_figure(
        f"scene player: choice click to the next clip's first painted frame, 20 choices: "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms (max {max(latencies):.0f} ms); to the swap of "
        f"the shown video: p50 {swap50:.0f} ms, p95 {swap95:.0f} ms"
    )
    record_figure(
        f"scene player: /play/:id opened to its first frame (Play clicked between): {first:.0f} ms"
    )
    shown = page.evaluate("() => window.__shown")
    assert len(shown) >= 21 and all(shown)  # never a clip without its first frame


def test_a_linked_save_played_on_elsewhere_is_not_saved_over(
    page: Page, browser: Browser, server: Server, user_email: str, token: str
) -> None:
    """One device copies a link to its save; another opens the link and plays on; the first,
    still open, is told the play continued elsewhere, saves nothing over it, and reloads it."""
    scene = _hub(server, token)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, user_email)
    page.goto(f"/play/{scene}")
    page.get_by_role("button", name="Play", exact=True).click()
    hub = page.get_by_role("group", name="Pick a clip")
    expect(hub).to_be_visible()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied")).to_be_visible()
    link = page.evaluate("() => navigator.clipboard.readText()")
    play_id = int(_latest_play(server, token, scene)["id"])
    assert link == f"{server.url}/play/{scene}?play={play_id}"

    other = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    try:
        phone = other.new_page()
        sign_in(phone, user_email)
        phone.goto(link)
        phone.get_by_role("button", name="Resume the linked save").click()
        phone.get_by_role("group", name="Pick a clip").get_by_role("button", name="Red").click()
        expect(phone.get_by_text("Saved", exact=True)).to_be_visible()
    finally:
        other.close()
    moved_on = _play(server, token, play_id)

    # The first device heard it (play.updated), and plays on without saving over it.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This play continued elsewhere")
    hub.get_by_role("button", name="Blue").click()
    expect(page.get_by_text("Not saved", exact=True)).to_be_visible()
    page.wait_for_timeout(500)
    assert _play(server, token, play_id)["version"] == moved_on["version"]

    alert.get_by_role("button", name="Reload it").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    history = _play(server, token, play_id)["state"]["history"]
    assert [h["node"] for h in history] == ["hub"]  # the one choice saved: the phone's

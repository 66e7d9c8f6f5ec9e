"""Live counters converge to the server's truth: the Jobs header and the Dashboard read
"0 running" once every job has finished, with the event stream up and after it dropped.

Both pages stay open for the whole run and are never reloaded: what they show comes from
the live event stream and the refetches it triggers.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import LOCAL_SMALL, Server, create_job, go, sign_in, wait_job

pytestmark = pytest.mark.browser


def _stats(server: Server, token: str) -> dict[str, Any]:
    with server.api(token) as api:
        r = api.get("/api/v1/jobs/stats")
        assert r.status_code == 200, r.text
        return dict(r.json()["by_status"])


def _create_jobs(server: Server, token: str, count: int, label: str) -> list[int]:
    return [
        create_job(
            server,
            token,
            provider_id="local",
            operation_type="text_to_video",
            params={"prompt": f"{label} {i}", **LOCAL_SMALL},
        )["id"]
        for i in range(count)
    ]


def _finish(server: Server, token: str, jobs: list[int]) -> None:
    for job_id in jobs:
        wait_job(server, token, job_id, "completed")
    stats = _stats(server, token)
    assert not any(stats.get(s) for s in ("pending", "submitting", "processing")), stats


def _queue(server: Server, token: str, action: str) -> None:
    with server.api(token) as api:
        r = api.post(f"/api/v1/jobs/{action}")
        assert r.status_code == 200, r.text


def _open_counters(page: Page, email: str) -> tuple[Page, Page]:
    """The Jobs page and, in a second tab, the Dashboard, both live."""
    sign_in(page, email)
    dashboard = page.context.new_page()
    dashboard.goto("/")
    expect(_dashboard_running(dashboard)).to_have_text("0")
    go(page, "Jobs")
    expect(page.get_by_text("0 waiting · 0 running")).to_be_visible()
    return page, dashboard


def _dashboard_running(dashboard: Page) -> Locator:
    return dashboard.locator(".stat", has_text="running").locator("strong")


def _expect_converged(jobs: Page, dashboard: Page) -> None:
    expect(jobs.get_by_text("0 waiting · 0 running")).to_be_visible()
    expect(_dashboard_running(dashboard)).to_have_text("0")
    expect(dashboard.locator(".stat", has_text="waiting").locator("strong")).to_have_text("0")


def test_counters_reach_zero_when_jobs_finish(
    page: Page, server: Server, user_email: str, token: str
) -> None:
    jobs, dashboard = _open_counters(page, user_email)
    _finish(server, token, _create_jobs(server, token, 4, "converge"))
    _expect_converged(jobs, dashboard)


class Relay:
    """A TCP relay between the browser and the server that can cut the browser's event
    streams (as a proxy's timeout or a network blip does) and refuse new ones a while."""

    def __init__(self, target: str) -> None:
        self._target = (urlsplit(target).hostname or "", urlsplit(target).port or 80)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._streams: set[socket.socket] = set()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._start(self._accept)

    def cut(self) -> None:
        self._cut.set()
        with self._lock:
            for stream in self._streams:
                _hang_up(stream)

    def restore(self) -> None:
        self._cut.clear()

    def close(self) -> None:
        _hang_up(self._listener)
        self._listener.close()
        with self._lock:
            for sock in self._open:
                _hang_up(sock)
        for thread in self._threads:
            thread.join(timeout=5)

    def _start(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                browser, _ = self._listener.accept()
                server = socket.create_connection(self._target)
                with self._lock:
                    self._open |= {browser, server}
                self._start(self._pump, browser, server, True)
                self._start(self._pump, server, browser, False)

    def _pump(self, src: socket.socket, dst: socket.socket, from_browser: bool) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                if from_browser and b"GET /api/v1/events" in data:
                    with self._lock:
                        self._streams.add(src)
                    if self._cut.is_set():
                        break
                dst.sendall(data)
        _hang_up(dst)  # the other direction ends too, and closes `dst`
        with self._lock:
            self._streams.discard(src)
            self._open.discard(src)
        src.close()


def _hang_up(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def relayed(
    browser: Browser, server: Server, request: pytest.FixtureRequest
) -> Iterator[tuple[Relay, Page]]:
    relay = Relay(server.url)
    context = browser.new_context(base_url=relay.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    request.node._e2e_page = page
    yield relay, page
    context.close()
    relay.close()


def _live(page: Page) -> Locator:
    return page.locator("[title='Live updates on']")


def test_counters_converge_after_the_event_stream_dropped(
    relayed: tuple[Relay, Page], server: Server, user_email: str, token: str
) -> None:
    relay, page = relayed
    # Jobs waiting before the pages open: the pages' streams have heard no event at all,
    # so a reconnect has nothing to resume from (no Last-Event-ID) and replays nothing.
    _queue(server, token, "pause")
    jobs_ids = _create_jobs(server, token, 3, "dropped")
    sign_in(page, user_email)
    dashboard = page.context.new_page()
    dashboard.goto("/")
    go(page, "Jobs")
    expect(page.get_by_text("3 waiting · 0 running")).to_be_visible()
    expect(dashboard.locator(".stat", has_text="waiting").locator("strong")).to_have_text("3")
    for tab in (page, dashboard):
        expect(_live(tab)).to_be_visible()

    relay.cut()
    for tab in (page, dashboard):
        expect(_live(tab)).to_be_hidden()
    # The whole run happens while the pages hear nothing.
    _queue(server, token, "resume")
    _finish(server, token, jobs_ids)

    relay.restore()
    for tab in (page, dashboard):
        expect(_live(tab)).to_be_visible()
    _expect_converged(page, dashboard)
    for job_id in jobs_ids:
        expect(page.locator(f"tr[data-job-id='{job_id}'] .badge.status-completed")).to_be_visible()

"""Stopping and restarting `pixsim7 serve` never costs a job.

As a user does: `/jobs` open in a browser (an event stream connected), a long local render
under way, SIGTERM (or Ctrl-C's SIGINT) to the server's whole process group, as a process
manager or a terminal sends it. The server exits within its grace whatever is connected,
and after a restart the job completes without a failed attempt counted against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from pixsim7 import app as app_module
from pixsim7.config import Settings
from tests.jobs.conftest import text_job
from tests.jobs.test_crash import CLI, Workers
from tests.jobs.test_resilience import _free_port
from tests.system.test_events import served  # noqa: F401  (the test's app over real HTTP)

pytestmark = pytest.mark.crash
GRACE_S = 5  # PIXSIM7_SHUTDOWN_GRACE_S's default
# Within the grace, plus the local renders' stop (providers/local) and the last writes;
# Docker kills a container that takes longer than 10 s.
EXIT_S = GRACE_S + 5


class Server:
    """`pixsim7 serve` in a process group of its own, on a port of its own."""

    def __init__(self, settings: Settings, tmp: Path) -> None:
        self.env = Workers(settings, "", tmp).env
        self.env.pop("PIXSIM7_PIXVERSE_BASE_URL")
        self.tmp = tmp
        self.url = ""
        self.runs = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.runs += 1
        with open(self.tmp / f"serve-{self.runs}.log", "wb") as log:
            return subprocess.Popen(
                [str(CLI), "serve", "--port", str(port)],
                env=self.env,
                cwd=self.tmp,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, as `make run` has in a terminal
            )

    async def start(self) -> subprocess.Popen[bytes]:
        self.proc = self._spawn()
        deadline = time.monotonic() + 120  # (starting takes long on a busy machine)
        async with httpx.AsyncClient() as client:
            while True:
                assert self.proc.poll() is None, self.log()
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.url}/api/v1/health")).status_code == 200:
                        return self.proc
                assert time.monotonic() < deadline, self.log()
                await asyncio.sleep(0.2)

    async def stop_with(self, sig: int) -> float:
        """Send `sig` to the server's process group; how long it took to exit."""
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)
        sent = time.monotonic()
        while self.proc.poll() is None:
            # Before the fix: still waiting on the event stream minutes later.
            assert time.monotonic() - sent < 60, "the server did not exit"
            await asyncio.sleep(0.05)
        return time.monotonic() - sent

    def log(self) -> str:
        return (self.tmp / f"serve-{self.runs}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


class Stream:
    """An open `/events` stream, as a browser's: how it ended, if it did."""

    def __init__(self) -> None:
        self.keepalives = 0
        self.ended = False
        self.clean = False  # ended by the server, not cut off mid-response


@contextlib.asynccontextmanager
async def listen(url: str, headers: dict[str, str]) -> AsyncIterator[Stream]:
    stream = Stream()

    async def read() -> None:
        try:
            async with (
                httpx.AsyncClient(timeout=None) as c,
                c.stream("GET", f"{url}/api/v1/events?keepalive=0.1", headers=headers) as r,
            ):
                assert r.status_code == 200
                async for line in r.aiter_lines():
                    stream.keepalives += line.startswith(": keep-alive")
            stream.clean = True
        except httpx.HTTPError:
            pass
        stream.ended = True

    task = asyncio.create_task(read())
    deadline = time.monotonic() + 30
    while not stream.keepalives and not stream.ended:
        assert time.monotonic() < deadline, "the event stream did not connect"
        await asyncio.sleep(0.02)
    try:
        yield stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    serving = Server(settings, tmp_path)
    yield serving
    serving.stop()


async def _job(client: httpx.AsyncClient, h: dict[str, str], job_id: int) -> dict:
    r = await client.get(f"/api/v1/jobs/{job_id}", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


async def _until(client: httpx.AsyncClient, h: dict[str, str], job_id: int, check, within: float):
    deadline = time.monotonic() + within
    while not check(job := await _job(client, h, job_id)):
        assert time.monotonic() < deadline, job
        await asyncio.sleep(0.1)
    return job


async def _render_under_way(settings: Settings, within: float) -> float:
    """Wait until the local render has frames written; how far it is (0-1).

    Read from the render's own progress file, not the job's progress: that is polled once
    a second, and on a loaded machine the 4-second render had ended by the time the job
    showed progress (CI: the restart then found it finished, not interrupted)."""
    deadline = time.monotonic() + within
    while True:
        for path in (settings.data_dir / "local_renders").glob(".local-*.progress"):
            with contextlib.suppress(OSError, ValueError):
                if (done := float(path.read_text())) > 0:
                    return done
        assert time.monotonic() < deadline, "the render did not start"
        await asyncio.sleep(0.02)


async def _group_gone(pgid: int, within: float) -> bool:
    """Whether every process of the group (the render processes too) has exited."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stopping_with_a_browser_open_and_a_render_running_costs_nothing(
    sig: signal.Signals,
    app: FastAPI,
    client: httpx.AsyncClient,
    users,
    settings: Settings,
    server: Server,
) -> None:
    if sig == signal.SIGINT and not settings.is_sqlite:
        pytest.skip("Ctrl-C is the embedded default's way to stop (SIGTERM covers both)")
    h = await users.create()
    long = text_job("a long render")
    long["params"] |= {"duration": 20, "fps": 30}
    job_id = (await client.post("/api/v1/jobs", json=long, headers=h)).json()["id"]
    proc = await server.start()
    # (Its events stream's keep-alives come every 0.1 s: a stream cut short is noticed.)
    async with listen(server.url, h) as stream:
        await _until(client, h, job_id, lambda j: j["status"] == "processing", 120)
        assert await _render_under_way(settings, 120) < 0.5
        assert stream.keepalives, "the event stream is connected"
        stopped_in = await server.stop_with(sig)
        deadline = time.monotonic() + 10
        while not stream.ended:  # (the stream's end is read after the exit is seen)
            assert time.monotonic() < deadline, "the event stream is still open"
            await asyncio.sleep(0.02)
        assert stream.ended, "the server ended the event stream"
        assert stream.clean, "the stream was ended, not cut when the grace ran out"
    assert proc.returncode in (0, -signal.SIGTERM, -signal.SIGINT), server.log()
    assert stopped_in < EXIT_S, f"stopping took {stopped_in:.1f} s"
    assert await _group_gone(proc.pid, 15), "render processes outlived the server"
    held = await _job(client, h, job_id)
    assert held["status"] == "processing" and held["retries"] == 0, held

    await server.start()
    done = await _until(client, h, job_id, lambda j: j["status"] in ("completed", "failed"), 180)
    assert done["status"] == "completed", done
    assert (done["retries"], done["error_class"], done["error_message"]) == (0, None, None)
    assert [s["status"] for s in done["submissions"]] == ["lost", "succeeded"]
    [interrupted] = [e for e in done["history"] if e["event"] == "interrupted"]
    assert "restarted" in interrupted["message"], interrupted
    assert await server.stop_with(signal.SIGTERM) < EXIT_S


async def test_event_streams_end_when_the_server_stops(
    app: FastAPI,
    users,
    served: str,  # noqa: F811
) -> None:
    h = await users.create()
    async with listen(served, h) as stream:
        assert stream.keepalives and not stream.ended
        app_module.stop(app)
        deadline = time.monotonic() + 10
        while not stream.ended:
            assert time.monotonic() < deadline, "the stream stayed open"
            await asyncio.sleep(0.02)
        assert stream.clean

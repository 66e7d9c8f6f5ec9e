"""GET /events over a real HTTP server: own events only (admins all), keep-alives, resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pixsim7.jobs.worker import JobWorker
from tests.jobs.conftest import text_job, wait_for


@pytest.fixture
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The test's app on a loopback port, in this event loop (SSE needs real streaming)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", timeout_graceful_shutdown=1)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)


class Stream:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.keepalives = 0


@contextlib.asynccontextmanager
async def listen(url: str, headers: dict[str, str], **extra: str) -> AsyncIterator[Stream]:
    stream = Stream()

    async def read() -> None:
        async with (
            httpx.AsyncClient(timeout=None) as c,
            c.stream(
                "GET", f"{url}/api/v1/events?keepalive=0.1", headers={**headers, **extra}
            ) as r,
        ):
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["cache-control"] == "no-store"  # personal: no cache keeps it
            current: dict[str, Any] = {}
            async for line in r.aiter_lines():
                if line.startswith(": keep-alive"):
                    stream.keepalives += 1
                elif line.startswith("id: "):
                    current = {"id": line[4:]}
                elif line.startswith("data: "):
                    current |= json.loads(line[6:])
                elif line == "" and current:
                    stream.events.append(current)
                    current = {}

    task = asyncio.create_task(read())
    await asyncio.sleep(0.3)
    try:
        yield stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _until(check: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met")


async def test_events_are_filtered_kept_alive_and_resumable(
    client: httpx.AsyncClient, users, served: str
) -> None:
    alice, bob = await users.create(), await users.create()
    admin = await users.create(admin=True)
    async with listen(served, alice) as a, listen(served, admin) as root:
        mine = (await client.post("/api/v1/jobs", json=text_job("a"), headers=alice)).json()
        theirs = (await client.post("/api/v1/jobs", json=text_job("b"), headers=bob)).json()
        await _until(lambda: len(root.events) >= 2 and a.events)
        await _until(lambda: a.keepalives >= 2)
        await asyncio.sleep(0.2)
        assert [e["data"]["id"] for e in a.events] == [mine["id"]]
        assert {e["data"]["id"] for e in root.events} == {mine["id"], theirs["id"]}
        first = a.events[0]["id"]
        await client.post(f"/api/v1/jobs/{mine['id']}/cancel", headers=alice)
        await _until(lambda: len(a.events) >= 2)
    # Reconnect from the first event: the cancel is replayed, the creation is not.
    async with listen(served, alice, **{"Last-Event-ID": first}) as again:
        await _until(lambda: again.events)
        assert [e["data"]["status"] for e in again.events] == ["cancelled"]
    r = await client.get("/api/v1/events")
    assert r.status_code == 401


async def test_a_shared_accounts_events_carry_each_users_own_job_counts(
    client: httpx.AsyncClient, users, served: str, worker: JobWorker, builtin: int
) -> None:
    """The built-in renderer is shared by everyone: its events (and its view) count each
    user's own jobs, not what others have in flight; admins see everyone's."""
    alice, bob = await users.create(), await users.create()
    admin = await users.create(admin=True)

    def counts(stream: Stream) -> list[tuple[int, int]]:
        return [
            (e["data"]["in_flight_jobs"], e["data"]["jobs_today"])
            for e in stream.events
            if e["type"] == "account.updated" and e["data"]["id"] == builtin
        ]

    async with listen(served, alice) as a, listen(served, bob) as b, listen(served, admin) as root:
        job = (await client.post("/api/v1/jobs", json=text_job("mine"), headers=alice)).json()
        assert (await wait_for(client, alice, job["id"]))["status"] == "completed"
        await _until(lambda: counts(a)[-1:] == counts(root)[-1:] == [(0, 1)] and counts(b))
    assert set(counts(b)) == {(0, 0)}, counts(b)

    async def seen_by(headers: dict[str, str]) -> tuple[int, int]:
        r = await client.get("/api/v1/accounts", headers=headers, params={"provider_id": "local"})
        [local] = [x for x in r.json()["items"] if x["id"] == builtin]
        return local["in_flight_jobs"], local["jobs_today"]

    assert await seen_by(alice) == await seen_by(admin) == (0, 1)
    assert await seen_by(bob) == (0, 0)

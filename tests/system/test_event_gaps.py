"""Gaps in the event stream are told, not hidden: frames are numbered per stream, and where
the bus lost events for a stream (Redis unreachable, a stalled subscriber's queue full) a
number is skipped and an ``events.lost`` frame follows, so the browser refetches."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from pixsim7.config import Settings
from pixsim7.events import LOST, EventBus
from tests.jobs.conftest import text_job
from tests.jobs.test_resilience import PrivateRedis, redis_server  # noqa: F401
from tests.system.test_events import _until, listen, served  # noqa: F401  (SSE over HTTP)


def _seqs(events: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(e["seq"], e["type"]) for e in events]


async def test_frames_are_numbered_per_stream(
    client: httpx.AsyncClient,
    users: Any,
    served: str,  # noqa: F811
) -> None:
    alice, bob = await users.create(), await users.create()
    async with listen(served, alice) as a:
        for prompt in ("one", "two"):
            await client.post("/api/v1/jobs", json=text_job(prompt), headers=alice)
            # Bob's events are not Alice's: they take no number of her stream.
            await client.post("/api/v1/jobs", json=text_job(prompt), headers=bob)
        await _until(lambda: len(a.events) >= 2)
        await asyncio.sleep(0.2)
        assert _seqs(a.events) == [(1, "job.created"), (2, "job.created")]
        first = a.events[0]["id"]
    # A new connection counts from 1 again, replayed frames included.
    async with listen(served, alice, **{"Last-Event-ID": first}) as again:
        await _until(lambda: again.events)
        assert _seqs(again.events) == [(1, "job.created")]


async def test_a_stalled_subscriber_is_told_it_lost_events() -> None:
    bus = EventBus()
    async with bus.subscribe(maxsize=4) as queue:
        for n in range(6):
            await bus.emit("job.updated", {"id": n}, user_id=1)
        held = [queue.get_nowait() for _ in range(queue.qsize())]
    # The oldest went; what is left says so before the newest events.
    assert [e.data.get("id") for e in held if e is not LOST] == [4, 5]
    assert LOST in held and held.index(LOST) < 2


@pytest.fixture
def settings(settings: Settings, redis_server: PrivateRedis) -> Settings:  # noqa: F811
    settings.redis_url = redis_server.url  # our own Redis, to stop and start
    return settings


async def test_events_lost_while_redis_was_away_show_as_a_gap(
    app: Any,
    client: httpx.AsyncClient,
    users: Any,
    redis_server: PrivateRedis,  # noqa: F811
    served: str,  # noqa: F811
) -> None:
    h = await users.create()  # (logins use Redis for their rate limit: log in first)
    async with listen(served, h) as stream:
        await client.post("/api/v1/jobs", json=text_job("before"), headers=h)
        await _until(lambda: stream.events)
        redis_server.kill()
        # Its event cannot be carried: the publishing process says so on its own streams.
        await client.post("/api/v1/jobs", json=text_job("during"), headers=h)
        await _until(lambda: len(stream.events) >= 2)
        redis_server.start()
        await app.state.bus.wait_connected(15)
        # Anything other processes published meanwhile is lost too: the listener says so.
        await _until(lambda: len(stream.events) >= 3)
        await client.post("/api/v1/jobs", json=text_job("after"), headers=h)
        await _until(lambda: len(stream.events) >= 4)
    assert _seqs(stream.events) == [
        (1, "job.created"),
        (3, "events.lost"),
        (5, "events.lost"),
        (6, "job.created"),
    ]
    assert "id" not in stream.events[1]  # a reconnect resumes after a real event

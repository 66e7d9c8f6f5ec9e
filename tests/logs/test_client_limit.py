"""The limit on lines clients post (POST /logs), in memory and in Redis shared by
processes; while Redis is unreachable each process counts on its own."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pixsim7 import clock, errors
from pixsim7.logs.limit import ClientLimiter, RedisClientLimiter
from tests.conftest import REDIS_URL

BACKENDS = ["memory", *(["redis"] if REDIS_URL else [])]
START = dt.datetime(2027, 3, 1, 8, 0, 10, tzinfo=dt.UTC)  # 10 s into a minute


@pytest.fixture(params=BACKENDS)
async def limiters(request: pytest.FixtureRequest) -> AsyncIterator[list[ClientLimiter]]:
    """Two processes' limiters: one shared count in Redis, one of each in memory."""
    clock.freeze(START)
    if request.param == "memory":
        yield [ClientLimiter(), ClientLimiter()]
        return
    prefix = f"pixsim7test:{uuid.uuid4().hex[:8]}:"
    shared = [RedisClientLimiter(redis.from_url(REDIS_URL), prefix=prefix) for _ in range(2)]
    yield shared
    for limiter in shared:
        await limiter.aclose()


async def _refused(limiter: ClientLimiter, user: int, lines: int) -> int:
    """The wait a refusal gives (fails when the lines are taken)."""
    with pytest.raises(errors.RateLimited) as refused:
        await limiter.take(user, lines, 60)
    return int(refused.value.headers["Retry-After"])


async def test_lines_a_minute_per_user(limiters: list[ClientLimiter]) -> None:
    one = limiters[0]
    await one.take(1, 50, 60)
    assert await _refused(one, 1, 11) == 50  # until the next minute
    await one.take(1, 10, 60)  # what was refused was not counted
    assert await _refused(one, 1, 1) == 50
    await one.take(2, 60, 60)  # another user's own count
    clock.freeze(START + dt.timedelta(seconds=50))  # the next minute
    await one.take(1, 60, 60)


async def test_every_process_shares_the_count_in_redis(limiters: list[ClientLimiter]) -> None:
    first, second = limiters
    await first.take(1, 50, 60)
    if isinstance(first, RedisClientLimiter):
        assert await _refused(second, 1, 20) == 50
        await second.take(1, 10, 60)
        assert await _refused(first, 1, 1) == 50
    else:  # in memory, each process counts its own
        await second.take(1, 50, 60)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


async def test_without_redis_each_process_counts_on_its_own() -> None:
    clock.freeze(START)
    client = redis.Redis(
        host="127.0.0.1",
        port=_closed_port(),
        socket_connect_timeout=0.5,
        retry=Retry(NoBackoff(), 0),
    )
    limiter = RedisClientLimiter(client, prefix="t:")
    try:
        await limiter.take(1, 60, 60)
        assert await _refused(limiter, 1, 1) == 50
    finally:
        await limiter.aclose()

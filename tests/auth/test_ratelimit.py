"""The login limiter on both backends: in memory, and in Redis shared by processes."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pixsim7 import clock
from pixsim7.auth.ratelimit import LoginLimiter, Policy, RedisLoginLimiter
from tests.conftest import REDIS_URL

POLICY = Policy(free_attempts=3, first_delay_s=2, max_delay_s=10, client_limit=8)
BACKENDS = ["memory", *(["redis"] if REDIS_URL else [])]


@pytest.fixture(params=BACKENDS)
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[LoginLimiter]:
    if request.param == "memory":
        yield LoginLimiter(POLICY)
        return
    shared = RedisLoginLimiter(
        redis.from_url(REDIS_URL), POLICY, prefix=f"pixsim7test:{uuid.uuid4().hex[:8]}:"
    )
    yield shared
    await shared.aclose()


def _later(seconds: float) -> None:
    clock.advance(dt.timedelta(seconds=seconds))


async def _fail(limiter: LoginLimiter, account: str, client: str, times: int) -> None:
    for _ in range(times):
        assert await limiter.retry_after(account, client) == 0
        await limiter.failed(account, client)


async def test_delays_grow_per_account_and_client(limiter: LoginLimiter) -> None:
    await _fail(limiter, "user:1", "10.0.0.66", 3)  # the free attempts
    assert await limiter.retry_after("user:1", "10.0.0.66") == 2
    _later(2)
    await limiter.failed("user:1", "10.0.0.66")
    assert await limiter.retry_after("user:1", "10.0.0.66") == 4  # doubled
    _later(4)
    assert await limiter.retry_after("user:1", "10.0.0.66") == 0
    await limiter.failed("user:1", "10.0.0.66")
    assert await limiter.retry_after("user:1", "10.0.0.66") == 8
    _later(8)
    await limiter.failed("user:1", "10.0.0.66")
    assert await limiter.retry_after("user:1", "10.0.0.66") == 10  # at most max_delay_s
    _later(5)
    assert await limiter.retry_after("user:1", "10.0.0.66") == 5  # counted from the failure

    # The same account from a client that has not failed, and the same client on
    # another account, are not held back.
    assert await limiter.retry_after("user:1", "10.0.0.7") == 0
    assert await limiter.retry_after("user:2", "10.0.0.66") == 0


async def test_a_wait_is_over_after_exactly_its_length(limiter: LoginLimiter) -> None:
    # A time whose fraction rounds up at 14 significant digits (as Lua's tostring writes
    # numbers): a stored failure time must not move later than it was.
    clock.freeze(dt.datetime.fromtimestamp(1_796_608_000.99996, dt.UTC))
    await _fail(limiter, "user:1", "10.0.0.66", 3)
    assert await limiter.retry_after("user:1", "10.0.0.66") == 2
    _later(2)
    assert await limiter.retry_after("user:1", "10.0.0.66") == 0


async def test_a_pair_is_forgotten_after_an_hour_of_quiet(limiter: LoginLimiter) -> None:
    await _fail(limiter, "user:1", "c", 3)
    await limiter.failed("user:1", "c")
    assert await limiter.retry_after("user:1", "c") > 0
    _later(3601)
    await _fail(limiter, "user:1", "c", 3)  # free attempts again


async def test_success_clears_the_pair_but_not_the_clients_count(limiter: LoginLimiter) -> None:
    await _fail(limiter, "user:1", "c", 3)
    await limiter.failed("user:1", "c")
    await limiter.succeeded("user:1", "c")
    assert await limiter.retry_after("user:1", "c") == 0
    # Failures on other accounts from this client: four so far, the bound is eight.
    for account in ("user:2", "user:3", "user:4", "login:nobody"):
        await limiter.failed(account, "c")
    # Eight in the window: the client is held back on every account until it ends.
    wait = await limiter.retry_after("user:5", "c")
    assert 0 < wait <= POLICY.client_window_s
    assert await limiter.retry_after("user:5", "another client") == 0
    _later(POLICY.client_window_s)
    assert await limiter.retry_after("user:5", "c") == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


async def test_limits_hold_per_process_without_redis() -> None:
    client = redis.Redis(
        host="127.0.0.1",
        port=_closed_port(),
        socket_connect_timeout=0.5,
        retry=Retry(NoBackoff(), 0),
    )
    limiter = RedisLoginLimiter(client, POLICY, prefix="t:")
    try:
        await _fail(limiter, "user:1", "c", 3)
        await limiter.failed("user:1", "c")
        assert await limiter.retry_after("user:1", "c") == 4
        assert await limiter.retry_after("user:1", "d") == 0  # per pair
        await limiter.succeeded("user:1", "c")
        assert await limiter.retry_after("user:1", "c") == 0
    finally:
        await limiter.aclose()

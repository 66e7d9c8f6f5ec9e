"""The shared login limiter keeps limiting, per process, while Redis is unreachable."""

from __future__ import annotations

import socket

import redis.asyncio as redis

from pixsim7.auth.ratelimit import RedisRateLimiter


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


async def test_login_limit_holds_without_redis() -> None:
    client = redis.Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=0.5)
    limiter = RedisRateLimiter(client, limit=3, window_s=60, prefix="t:")
    try:
        for _ in range(3):
            assert await limiter.retry_after("a@example.com") == 0
            await limiter.hit("a@example.com")
        assert 0 < await limiter.retry_after("a@example.com") <= 61
        assert await limiter.retry_after("b@example.com") == 0  # per key
        await limiter.reset("a@example.com")
        assert await limiter.retry_after("a@example.com") == 0
    finally:
        await client.aclose()

"""Fixed-window counters for login attempts: in memory, or in Redis when scaled out."""

from __future__ import annotations

import time
from typing import Any

from redis.exceptions import RedisError

from pixsim7.logging import get_logger

log = get_logger(__name__)


class RateLimiter:
    """Counts hits per key in windows of `window_s` seconds (one process)."""

    def __init__(self, *, limit: int, window_s: int) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, tuple[int, float]] = {}

    async def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may now."""
        count, start = self._hits.get(key, (0, 0.0))
        remaining = start + self.window_s - time.time()
        return int(remaining) + 1 if count >= self.limit and remaining > 0 else 0

    async def hit(self, key: str) -> None:
        count, start = self._hits.get(key, (0, 0.0))
        now = time.time()
        if now - start >= self.window_s:
            count, start = 0, now
        self._hits[key] = (count + 1, start)
        if len(self._hits) > 100_000:  # bound memory under a spray of distinct keys
            self._hits = {k: v for k, v in self._hits.items() if now - v[1] < self.window_s}

    async def reset(self, key: str) -> None:
        self._hits.pop(key, None)


class RedisRateLimiter(RateLimiter):
    """The same counters shared by every API process. While Redis is unreachable each
    process counts on its own (the limit still holds per process) instead of failing
    every login."""

    def __init__(self, redis: Any, *, limit: int, window_s: int, prefix: str) -> None:
        super().__init__(limit=limit, window_s=window_s)
        self._redis = redis
        self._prefix = prefix

    async def retry_after(self, key: str) -> int:
        k = self._prefix + key
        try:
            count = int(await self._redis.get(k) or 0)
            if count < self.limit:
                return await super().retry_after(key)
            return max(1, int(await self._redis.ttl(k)))
        except (RedisError, OSError) as exc:
            _unreachable(exc)
            return await super().retry_after(key)

    async def hit(self, key: str) -> None:
        k = self._prefix + key
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(k)
                pipe.expire(k, self.window_s, nx=True)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            _unreachable(exc)
            await super().hit(key)

    async def reset(self, key: str) -> None:
        await super().reset(key)
        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError) as exc:
            _unreachable(exc)


def _unreachable(exc: BaseException) -> None:
    log.warning("rate limiter: Redis unreachable, counting in this process", error=str(exc))

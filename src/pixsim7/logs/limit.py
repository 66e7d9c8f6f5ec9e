"""How many lines each user's clients (the web app, the extension) may post a minute
through `POST /logs`: fixed one-minute windows of the wall clock, counted in this process,
or in Redis when it is configured so that every API process shares one count (as the
login throttle, auth/ratelimit.py, counts). While Redis is unreachable each process counts
on its own: the limit still holds per process, and posting never fails for it.

Time is read through `clock`, so tests can move it; Redis expiry only collects old keys.
"""

from __future__ import annotations

import math
from typing import Any

from redis.exceptions import RedisError

from pixsim7 import clock, errors
from pixsim7.logging import get_logger

log = get_logger(__name__)
WINDOW_S = 60
_MAX_KEYS = 10_000  # bounds memory: older windows are dropped past this many


class ClientLimiter:
    """Counts in this process."""

    def __init__(self) -> None:
        self._used: dict[str, int] = {}
        self._window = 0

    async def take(self, user_id: int, lines: int, per_minute: int) -> None:
        """Count `lines` posted by `user_id`, or refuse them all (RateLimited, with the
        seconds until the next window) when they would pass `per_minute`."""
        now = clock.now().timestamp()
        window = int(now // WINDOW_S)
        if not await self._add(f"{user_id}:{window}", lines, per_minute, window):
            wait = max(1, math.ceil((window + 1) * WINDOW_S - now))
            raise errors.RateLimited(f"at most {per_minute} log lines a minute", retry_after=wait)

    async def aclose(self) -> None:
        """Release connections (none in memory)."""

    async def _add(self, key: str, lines: int, limit: int, window: int) -> bool:
        if window != self._window:  # a new minute: the others' counts are over
            self._used = {}
            self._window = window
        used = self._used.get(key, 0)
        if used + lines > limit:
            return False
        if len(self._used) >= _MAX_KEYS:
            self._used = {}
        self._used[key] = used + lines
        return True


# KEYS[1]: the user's key for this window; ARGV: lines, limit, expiry. Checks and counts
# at once: lines refused are not counted.
_TAKE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RedisClientLimiter(ClientLimiter):
    """The same counts shared by every API process through Redis."""

    def __init__(self, redis: Any, *, prefix: str) -> None:
        super().__init__()
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_TAKE)
        self._down = False

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def _add(self, key: str, lines: int, limit: int, window: int) -> bool:
        try:
            taken = await self._script(keys=[self._prefix + key], args=[lines, limit, WINDOW_S * 2])
        except (RedisError, OSError) as exc:
            if not self._down:
                log.warning(
                    "client log limiter: Redis unreachable, counting in this process",
                    error=str(exc),
                )
            self._down = True
            return await super()._add(key, lines, limit, window)
        self._down = False
        return bool(taken)

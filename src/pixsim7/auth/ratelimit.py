"""The login throttle: growing delays per (account, client), a high bound per client.

Failures are counted per pair of an account and a client address: after a few free
attempts each further failure doubles the wait before that client may try that account
again. So an attacker hammering someone's email slows down only themselves; the owner
signing in from their own client, who has not failed, is never refused. Each client also
has a much higher bound on failures per window, over all accounts, so a single client
cannot spray guesses across many accounts. A correct password clears its pair.

Counts live in memory (one process) or in Redis (shared by every API process). Time is
read through `clock` so tests can move it; Redis expiry only collects old keys.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from pixsim7 import clock
from pixsim7.logging import get_logger

log = get_logger(__name__)
# A pair's failures are forgotten after this long without a new one.
PAIR_MEMORY_S = 3600.0
_MAX_KEYS = 100_000  # bounds memory under a spray of distinct keys


@dataclass(frozen=True)
class Policy:
    free_attempts: int = 5  # failures per (account, client) before any delay
    first_delay_s: float = 1.0  # the delay after the first failure beyond those; doubles
    max_delay_s: float = 900.0
    client_limit: int = 100  # failures per client, over all accounts, per window
    client_window_s: float = 300.0

    def delay(self, failures: int) -> float:
        """Seconds a pair waits after its last failure, having failed `failures` times."""
        if failures < self.free_attempts:
            return 0.0
        return min(self.max_delay_s, self.first_delay_s * 2 ** (failures - self.free_attempts))


class LoginLimiter:
    """Counts in this process."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._counts: dict[str, tuple[int, float]] = {}

    async def retry_after(self, account: str, client: str) -> int:
        """Seconds until `client` may try `account` again; 0 when it may now."""
        now = _now()
        failures, last = await self._read(_pair_key(account, client))
        wait = last + self.policy.delay(failures) - now if now - last < PAIR_MEMORY_S else 0
        count, start = await self._read(_client_key(client))
        window = self.policy.client_window_s
        if count >= self.policy.client_limit and now - start < window:
            wait = max(wait, start + window - now)
        return math.ceil(wait) if wait > 0 else 0

    async def failed(self, account: str, client: str) -> None:
        now = _now()
        await self._count(_pair_key(account, client), now, PAIR_MEMORY_S, slide=True)
        await self._count(_client_key(client), now, self.policy.client_window_s, slide=False)

    async def succeeded(self, account: str, client: str) -> None:
        """A correct password clears its pair (not its client's count: an attacker's own
        account must not reset the client's bound)."""
        await self._forget(_pair_key(account, client))

    async def aclose(self) -> None:
        """Release connections (none in memory)."""

    # Storage: (count, time) per key. Pairs keep the time of their last failure (`slide`),
    # client windows the time they started; a count older than `span` starts again.

    async def _read(self, key: str) -> tuple[int, float]:
        return self._counts.get(key, (0, 0.0))

    async def _count(self, key: str, now: float, span: float, *, slide: bool) -> None:
        count, at = self._counts.get(key, (0, 0.0))
        if now - at >= span:
            count, at = 0, now
        self._counts[key] = (count + 1, now if slide else at)
        if len(self._counts) > _MAX_KEYS:
            self._counts = {k: v for k, v in self._counts.items() if now - v[1] < PAIR_MEMORY_S}

    async def _forget(self, key: str) -> None:
        self._counts.pop(key, None)


# KEYS[1]: the key; ARGV: now, span, slide (1/0), expiry in whole seconds. The time is
# stored as the string Python sent: Lua's tostring keeps 14 digits, which rounds an epoch
# time to a tenth of a millisecond, up as often as down, and a wait read back after exactly
# its length would still be a fraction above zero (one more second, rounded up).
_COUNT = """
local n = tonumber(redis.call('HGET', KEYS[1], 'n')) or 0
local t = redis.call('HGET', KEYS[1], 't') or '0'
if tonumber(ARGV[1]) - tonumber(t) >= tonumber(ARGV[2]) then n = 0; t = ARGV[1] end
if ARGV[3] == '1' then t = ARGV[1] end
redis.call('HSET', KEYS[1], 'n', n + 1, 't', t)
redis.call('EXPIRE', KEYS[1], ARGV[4])
return n + 1
"""


class RedisLoginLimiter(LoginLimiter):
    """The same counts shared by every API process. While Redis is unreachable each
    process counts on its own (the limits still hold per process) instead of failing
    every login."""

    def __init__(self, redis: Any, policy: Policy, *, prefix: str) -> None:
        super().__init__(policy)
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_COUNT)

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def _read(self, key: str) -> tuple[int, float]:
        try:
            count, at = await self._redis.hmget(self._prefix + key, "n", "t")
        except (RedisError, OSError) as exc:
            _unreachable(exc)
            return await super()._read(key)
        return int(count or 0), float(at or 0.0)

    async def _count(self, key: str, now: float, span: float, *, slide: bool) -> None:
        expiry = math.ceil(span) + 60
        try:
            await self._script(keys=[self._prefix + key], args=[now, span, int(slide), expiry])
        except (RedisError, OSError) as exc:
            _unreachable(exc)
            await super()._count(key, now, span, slide=slide)

    async def _forget(self, key: str) -> None:
        await super()._forget(key)
        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError) as exc:
            _unreachable(exc)


def _now() -> float:
    return clock.now().timestamp()


def _pair_key(account: str, client: str) -> str:
    # Hashed: an account name is user input of any length; the pair needs only identity.
    digest = hashlib.sha256(f"{account}\n{client}".encode()).hexdigest()[:32]
    return f"pair:{digest}"


def _client_key(client: str) -> str:
    return f"client:{client}"


def _unreachable(exc: BaseException) -> None:
    log.warning("login limiter: Redis unreachable, counting in this process", error=str(exc))

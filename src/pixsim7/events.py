"""The event bus: in-process by default, Redis pub/sub when REDIS_URL is set.

Events are wake-ups and live updates, never the source of truth: one lost while
Redis restarts delays a screen refresh, not a job. Where the bus knows it lost
events for a subscriber (its queue overflowed, Redis was unreachable), it puts
``LOST`` in that subscriber's queue, so a screen can refetch what it shows. Each
process keeps a short ring buffer of what it saw so a browser reconnecting with
``Last-Event-ID`` gets what it missed over a short window.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pixsim7.logging import get_logger

log = get_logger(__name__)
_seq = itertools.count()


@dataclass(frozen=True)
class Event:
    type: str  # entity first: job.updated, asset.created, account.updated
    data: dict[str, Any]
    user_id: int | None = None  # owner; None = visible to admins only (or broadcast: see `public`)
    public: bool = False  # visible to every signed-in user (e.g. a shared account changed)
    # What users who are not admins see instead of some of `data`'s values: those under
    # their id when listed, else those under "*" (e.g. a shared account's counts of the
    # viewer's own jobs). Admins see `data`. Never sent to a client as such.
    personal: dict[str, dict[str, Any]] | None = None
    id: str = field(default_factory=lambda: _new_id())
    ts: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        return cls(**json.loads(raw))


def _new_id() -> str:
    # Sortable across processes: nanoseconds, then a per-process sequence and pid.
    return f"{time.time_ns():020d}-{os.getpid():07d}-{next(_seq) % 10**6:06d}"


# Put in a subscriber's queue where events were lost for it; never published.
LOST = Event(type="events.lost", data={})


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if queue.full():  # a stalled subscriber must not hold memory: it loses its oldest...
        for _ in range(2):
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
        queue.put_nowait(LOST)  # ...and is told so
    queue.put_nowait(event)


class EventBus:
    """Fan-out to local subscribers, plus a replay window for Last-Event-ID."""

    def __init__(self, *, buffer_size: int = 1000, replay_seconds: float = 300.0) -> None:
        self._subscribers: set[asyncio.Queue[Event]] = set()
        self._recent: deque[Event] = deque(maxlen=buffer_size)
        self._replay_seconds = replay_seconds

    async def start(self) -> None:
        """Connect backends; in-process needs nothing."""

    async def stop(self) -> None:
        """Disconnect backends."""

    async def publish(self, event: Event) -> None:
        self._deliver(event)

    async def emit(
        self,
        type: str,
        data: dict[str, Any],
        *,
        user_id: int | None,
        public: bool = False,
        personal: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        await self.publish(
            Event(type=type, data=data, user_id=user_id, public=public, personal=personal)
        )

    def _deliver(self, event: Event) -> None:
        self._recent.append(event)
        for queue in list(self._subscribers):
            _offer(queue, event)

    def _mark_lost(self) -> None:
        """Tell every subscriber that events may have been lost (Redis unreachable)."""
        for queue in list(self._subscribers):
            _offer(queue, LOST)

    def replay_after(self, last_id: str) -> list[Event]:
        horizon = time.time() - self._replay_seconds
        return [e for e in self._recent if e.id > last_id and e.ts >= horizon]

    @contextlib.asynccontextmanager
    async def subscribe(self, maxsize: int = 1000) -> AsyncIterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    async def healthy(self) -> bool:
        return True

    @property
    def subscriber_count(self) -> int:
        """Local subscribers: open event streams and this process's workers."""
        return len(self._subscribers)

    async def listener_count(self) -> int | None:
        """Processes listening on the shared channel; None when there is none (in-process)."""
        return None


class RedisEventBus(EventBus):
    """Publishes to a Redis channel; a listener delivers what any process published."""

    def __init__(self, url: str, *, channel: str = "pixsim7:events", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._url = url
        self._channel = channel
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    async def start(self) -> None:
        import redis.asyncio as redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError

        # After a Redis restart every idle pooled connection is dead; without one retry
        # (on a fresh connection) the first publish through each of them is lost.
        self._redis = redis.from_url(
            self._url,
            socket_connect_timeout=2,
            socket_timeout=None,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        self._listener = asyncio.create_task(self._listen(), name="events-redis-listener")

    async def stop(self) -> None:
        if self._listener:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    async def wait_connected(self, seconds: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), seconds)

    async def publish(self, event: Event) -> None:
        try:
            await self._redis.publish(self._channel, event.to_json())
        except Exception as exc:  # Redis down: the DB still has the truth
            log.warning("event publish failed", event_type=event.type, error=str(exc))
            self._mark_lost()

    async def healthy(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:
            return False

    async def listener_count(self) -> int | None:
        try:
            counts = await self._redis.pubsub_numsub(self._channel)
        except Exception:
            return None
        return int(counts[0][1]) if counts else 0

    async def _listen(self) -> None:
        delay, reconnecting = 0.2, False
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._connected.set()
                    if reconnecting:  # what was published meanwhile never reached us
                        self._mark_lost()
                    delay, reconnecting = 0.2, False
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._deliver(Event.from_json(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # reconnect: Redis restarted or the network blinked
                self._connected.clear()
                reconnecting = True
                log.warning("event listener reconnecting", error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


# An action on more items than this (a gallery or queue selection) announces them in one
# "<entity>.batch" event instead of one event each: thousands of events would flood every
# open stream (its queue holds 1000) and make each page patch its cache thousands of times,
# for what one refetch shows.
BATCH_THRESHOLD = 100


async def emit_each(
    bus: EventBus | None,
    type: str,
    items: Sequence[tuple[dict[str, Any], int | None]],
    *,
    summary: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
) -> None:
    """Announce a change to many items of one entity (`type` is "asset.updated" and the
    like; each item its data, with an "id", and owner): one event each, or past
    BATCH_THRESHOLD one "asset.batch" per owner, {"action": "updated", "ids": [...],
    "count": n, **summary(the items' data)}."""
    if bus is None:
        return
    if len(items) <= BATCH_THRESHOLD:
        for data, user_id in items:
            await bus.emit(type, data, user_id=user_id)
        return
    entity, action = type.split(".", 1)
    owners: dict[int | None, list[dict[str, Any]]] = {}
    for data, user_id in items:
        owners.setdefault(user_id, []).append(data)
    for user_id, datas in owners.items():
        batch = {"action": action, "ids": [d["id"] for d in datas], "count": len(datas)}
        await bus.emit(
            f"{entity}.batch", {**batch, **(summary(datas) if summary else {})}, user_id=user_id
        )


def create_bus(redis_url: str | None, *, channel: str = "pixsim7:events") -> EventBus:
    return RedisEventBus(redis_url, channel=channel) if redis_url else EventBus()


def view_for(user_id: int, is_admin: bool) -> Callable[[Event], Event | None]:
    """What a user sees of each event: None for one not theirs, else the event with its
    personal values for them."""

    def view(event: Event) -> Event | None:
        if not (is_admin or event.public or event.user_id == user_id):
            return None
        if is_admin or not event.personal:
            return event
        own = event.personal.get(str(user_id), event.personal.get("*", {}))
        return replace(event, data={**event.data, **own}, personal=None)

    return view
